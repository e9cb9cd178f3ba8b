//! The run as text: the most recent events, newest first, readable by screen readers.

use crate::web::html::prelude::*;

#[derive(PartialEq, Clone, Default)]
pub struct EventLogProps {
    /// (event number, time label, text, is a fault or a command)
    pub lines: Vec<(u64, String, String, bool)>,
    pub total: u64,
}

#[function_component]
pub fn EventLog(props: &EventLogProps) -> Html {
    html! {
        <details class="fl-log" open=true>
            <summary>{ format!("Event log ({} events so far, newest first)", props.total) }</summary>
            <ol class="fl-log-lines" reversed=true>
                // Each line carries its event's own number, so "40" means the 40th event of the run.
                { for props.lines.iter().map(|(n, t, text, marked)| html! {
                    <li value={n.to_string()} class={classes!(marked.then_some("fl-log-mark"))}><span class="fl-log-time">{ t }</span>{ " " }{ text }</li>
                }) }
            </ol>
        </details>
    }
}
