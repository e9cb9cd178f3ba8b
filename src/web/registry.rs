//! The widgets this bundle knows, derived from the core's [`faultline_core::for_each_widget!`]:
//! each pattern whose feature is on here, with its view (`impl WidgetView for ThePattern` in
//! `widgets/`). Nothing here lists a widget by hand.

use crate::web::html::prelude::*;
use faultline_core::engine::Pattern;

use super::frame::{FrameProps, WidgetFrame};
use super::mount::MountSpec;
use super::widget::{start, Starter};

/// A widget as the shell knows it.
pub struct Entry {
    pub name: &'static str,
    pub title: &'static str,
    pub start: Starter,
}

macro_rules! web_registry {
    (widgets: [$($feature:literal => $pattern:ty),* $(,)?], scripts: [$($script_feature:literal => $script:ty),* $(,)?] $(,)?) => {
        /// Every widget compiled into this bundle, in the playground's order.
        pub fn entries() -> Vec<Entry> {
            vec![$(
                #[cfg(feature = $feature)]
                Entry { name: <$pattern as Pattern>::WIDGET, title: <$pattern as Pattern>::TITLE, start: start::<$pattern> },
            )*]
        }
    };
}

faultline_core::for_each_widget!(web_registry);

pub fn names() -> Vec<&'static str> {
    entries().into_iter().map(|e| e.name).collect()
}

/// The widget `spec` asks for, or `None` for a name this bundle does not have.
pub fn render(spec: &MountSpec, key: Option<String>) -> Option<Html> {
    let entry = entries().into_iter().find(|e| e.name == spec.widget)?;
    Some(Html::component::<WidgetFrame>(key, FrameProps { spec: spec.clone(), title: entry.title, start: entry.start }))
}
