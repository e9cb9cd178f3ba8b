//! The registry: every widget is declared here once, and everything that lists widgets — the
//! core dispatch, the CLI's presets, the landing page, mounting, the tests that visit every
//! widget — derives from [`for_each_widget!`].
//!
//! A new widget is a module under `patterns/` plus one line below (and a cargo feature of the
//! same name, so a bundle can leave it out).

use crate::engine::Pattern;
use crate::error::FieldError;

/// Calls `$callback! { widgets: [...], scripts: [...] }` with every widget as
/// `"feature" => PatternType` and every scripted form (a headless-only file format such as
/// `breaker_script`) as `"feature" => FormType`. Each entry is compiled only when its feature
/// is on in the crate that expands the macro.
#[macro_export]
macro_rules! for_each_widget {
    ($callback:ident) => {
        $callback! {
            widgets: [
                "ring" => $crate::patterns::ring::RingSim,
                "quorum" => $crate::patterns::quorum::sim::QuorumSim,
                "saga" => $crate::patterns::saga::SagaSim,
                "stampede" => $crate::patterns::stampede::StampedeSim,
                "breaker" => $crate::patterns::breaker::BreakerSim,
            ],
            scripts: [
                "breaker" => $crate::patterns::breaker::BreakerScriptForm,
                "saga" => $crate::patterns::saga::SagaScriptForm,
                "stampede" => $crate::patterns::stampede::StampedeScriptForm,
            ],
        }
    };
}

/// A computation generic over the pattern, run for the pattern a widget name selects.
pub trait WidgetFn {
    type Output;
    fn call<P: Pattern>(self) -> Self::Output;
}

/// What a listing shows of a widget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WidgetInfo {
    pub name: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// [`Pattern::PREVIEW_SVG`].
    pub preview_svg: &'static str,
}

macro_rules! core_registry {
    (widgets: [$($feature:literal => $pattern:ty),* $(,)?], scripts: [$($script_feature:literal => $script:ty),* $(,)?] $(,)?) => {
        /// Every widget compiled into this build, in the order the playground shows them.
        pub const WIDGETS: &[WidgetInfo] = &[$(
            #[cfg(feature = $feature)]
            WidgetInfo {
                name: <$pattern as Pattern>::WIDGET,
                title: <$pattern as Pattern>::TITLE,
                summary: <$pattern as Pattern>::SUMMARY,
                preview_svg: <$pattern as Pattern>::PREVIEW_SVG,
            },
        )*];

        /// Runs `f` for the pattern called `widget`.
        pub fn dispatch<F: WidgetFn>(widget: &str, f: F) -> Result<F::Output, FieldError> {
            $(
                #[cfg(feature = $feature)]
                if widget == <$pattern as Pattern>::WIDGET {
                    return Ok(f.call::<$pattern>());
                }
            )*
            let _ = f;
            Err(unknown_widget(widget))
        }

        /// Runs the scripted form called `widget` on a parsed file, if there is one.
        pub fn run_script(
            widget: &str,
            value: serde_json::Value,
            trace: Option<&mut dyn std::io::Write>,
        ) -> Option<Result<serde_json::Value, crate::headless::RunError>> {
            $(
                #[cfg(feature = $script_feature)]
                if widget == <$script as crate::headless::ScriptForm>::WIDGET {
                    return Some(<$script as crate::headless::ScriptForm>::run(value, trace));
                }
            )*
            let _ = (widget, value, trace);
            None
        }
    };
}

for_each_widget!(core_registry);

/// The error for a name no widget has, listing those that exist.
pub fn unknown_widget(name: &str) -> FieldError {
    let known: Vec<&str> = WIDGETS.iter().map(|w| w.name).collect();
    FieldError::new("widget", format!("unknown widget \"{name}\"; known: {}", known.join(", ")))
}
