//! The registry of widgets: the one place that lists every pattern by its scenario name.

use crate::engine::Pattern;
use crate::error::FieldError;

/// A computation generic over the pattern, run for the pattern a widget name selects.
pub trait WidgetFn {
    type Output;
    fn call<P: Pattern>(self) -> Self::Output;
}

/// Widget names, in the order the playground shows them.
pub const WIDGETS: &[&str] = &["ring", "quorum", "breaker"];

/// Runs `f` for the pattern called `widget`.
pub fn dispatch<F: WidgetFn>(widget: &str, f: F) -> Result<F::Output, FieldError> {
    use crate::patterns::breaker::BreakerSim;
    use crate::patterns::quorum::sim::QuorumSim;
    use crate::patterns::ring::RingSim;
    match widget {
        RingSim::WIDGET => Ok(f.call::<RingSim>()),
        BreakerSim::WIDGET => Ok(f.call::<BreakerSim>()),
        QuorumSim::WIDGET => Ok(f.call::<QuorumSim>()),
        other => Err(FieldError::new("widget", format!("unknown widget \"{other}\"; known: {}", WIDGETS.join(", ")))),
    }
}
