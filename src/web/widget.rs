//! What a widget module provides to the shared frame: its title, its visual and its controls.

use faultline_core::engine::{Fault, Pattern};
use faultline_core::player::Player;
use faultline_core::scenario::Scenario;
use yew::{Callback, Html};

/// A user action a widget's visual or controls can send to its frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Action<P: Pattern> {
    /// Issue a pattern command at the cursor (recorded in the scenario).
    Command(P::Command),
    /// Inject a fault at the cursor (recorded in the scenario).
    Fault(Fault),
    /// Replace the parameters (the run restarts from 0 and returns to the cursor).
    SetParams(P::Params),
}

/// One widget: a pattern plus the view of it. Logic stays in the pattern.
pub trait WidgetUi: 'static {
    type P: Pattern;
    const TITLE: &'static str;
    /// One sentence: what you are looking at.
    const SUMMARY: &'static str;
    /// Simulated milliseconds per real second at 1× speed.
    const MS_PER_SECOND: f64;

    /// The scenario a widget starts with when the page names none.
    fn default_scenario() -> Scenario<Self::P>;

    /// The main picture (SVG), drawn from the state at the cursor.
    fn visual(player: &Player<Self::P>, act: &Callback<Action<Self::P>>) -> Html;

    /// Parameter controls (native inputs with units).
    fn controls(params: &<Self::P as Pattern>::Params, act: &Callback<Action<Self::P>>) -> Html;

    /// Extra panels (comparisons, tables) under the charts.
    fn extra(_player: &Player<Self::P>, _act: &Callback<Action<Self::P>>) -> Html {
        Html::default()
    }
}
