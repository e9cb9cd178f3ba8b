//! The state diagram's layout, shared by the widget and its poster so both draw the same
//! machine: where each state's box sits (in a 480 × 270 view) and the glyph that marks it
//! besides colour.

use super::State;

pub fn state_box(state: State) -> (f64, f64, &'static str) {
    match state {
        State::Closed => (90.0, 60.0, "●━●"),
        State::Open => (390.0, 60.0, "● ●"),
        State::HalfOpen => (240.0, 150.0, "●┄●"),
        State::Disabled => (90.0, 230.0, "⊘"),
        State::ForcedOpen => (240.0, 230.0, "⊠"),
        State::MetricsOnly => (390.0, 230.0, "∿"),
    }
}
