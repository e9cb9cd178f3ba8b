//! The widgets the playground knows, by scenario name.

use yew::prelude::*;

use super::frame::WidgetFrame;
use super::mount::MountSpec;
use super::widget::WidgetUi;
use super::widgets;

/// A landing-page card.
pub struct Card {
    pub name: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// (preset name, title) of the widget's lessons.
    pub lessons: Vec<(&'static str, String)>,
}

fn card<W: WidgetUi>() -> Card {
    use faultline_core::engine::Pattern;
    let lessons = <W::P as Pattern>::presets().into_iter().map(|(name, s)| (name, s.title)).collect();
    Card { name: <W::P as Pattern>::WIDGET, title: W::TITLE, summary: W::SUMMARY, lessons }
}

pub fn cards() -> Vec<Card> {
    vec![card::<widgets::ring::RingUi>(), card::<widgets::quorum::QuorumUi>(), card::<widgets::breaker::BreakerUi>()]
}

pub fn names() -> Vec<&'static str> {
    cards().into_iter().map(|c| c.name).collect()
}

/// The widget `spec` asks for, or `None` for an unknown name.
pub fn render(spec: &MountSpec) -> Option<Html> {
    let spec = spec.clone();
    match spec.widget.as_str() {
        "ring" => Some(html! { <WidgetFrame<widgets::ring::RingUi> {spec} /> }),
        "breaker" => Some(html! { <WidgetFrame<widgets::breaker::BreakerUi> {spec} /> }),
        "quorum" => Some(html! { <WidgetFrame<widgets::quorum::QuorumUi> {spec} /> }),
        _ => None,
    }
}
