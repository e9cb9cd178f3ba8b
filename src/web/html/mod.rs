//! The web shell's renderer: a small virtual DOM, diffed by position, with listeners,
//! references and stateful components; the `html!` macro (`faultline-html-macro`) builds it
//! from Yew's element syntax.
//!
//! Hand-written rather than Yew: Yew's runtime and, above all, its inline expansion of every
//! element were a third of each widget's wasm (measured in docs/architecture.md). Here each
//! element is a few calls on non-generic functions, and one diff serves every view.

mod callback;
mod component;
mod live;
mod node;

pub use callback::{Callback, IntoListener, TargetCast};
pub use component::{mount, mount_html, Component, Context, Scope};
pub use node::{AttrValue, Classes, Element, Html, IntoAttr, IntoHtml, NodeRef};

/// What views import, in place of `yew::prelude`.
pub mod prelude {
    pub use super::{classes, AttrValue, Callback, Component, Context, Html, NodeRef, TargetCast};
    pub use faultline_html_macro::{function_component, html};
    pub use web_sys::{Event, FocusEvent, InputEvent, KeyboardEvent, MouseEvent};
}

/// `classes!("a", maybe, cond.then_some("b"))`: the non-empty names, space-separated.
#[macro_export]
macro_rules! classes {
    ($($class:expr),* $(,)?) => {{
        let mut classes = $crate::web::html::Classes::default();
        $( classes.push($class); )*
        classes
    }};
}
pub use classes;
