//! The run as text: the most recent events, newest first, readable by screen readers.

use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct EventLogProps {
    /// (time label, text, is a fault or a command)
    pub lines: Vec<(String, String, bool)>,
    pub total: u64,
}

#[function_component]
pub fn EventLog(props: &EventLogProps) -> Html {
    html! {
        <details class="fl-log" open=true>
            <summary>{ format!("Event log ({} events so far, newest first)", props.total) }</summary>
            <ol class="fl-log-lines" reversed=true>
                { for props.lines.iter().map(|(t, text, marked)| html! {
                    <li class={classes!(marked.then_some("fl-log-mark"))}><span class="fl-log-time">{ t }</span>{ " " }{ text }</li>
                }) }
            </ol>
        </details>
    }
}
