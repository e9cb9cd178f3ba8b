//! Native form controls with labels and units, shared by the widget views.

use crate::web::html::prelude::*;
use faultline_core::engine::Pattern;
use faultline_core::session::Edit;
use web_sys::{HtmlInputElement, HtmlSelectElement};

/// A label that may wrap inside a long camelCase name (a library's own config key such as
/// `permittedNumberOfCallsInHalfOpenState`) at its word boundaries, never mid-word: a `<wbr>`
/// before each capital that follows a lower-case letter (the text itself is unchanged).
pub fn breakable(label: &str) -> Html {
    let mut parts: Vec<String> = vec![String::new()];
    let mut previous_lower = false;
    for c in label.chars() {
        if c.is_uppercase() && previous_lower {
            parts.push(String::new());
        }
        previous_lower = c.is_lowercase();
        if let Some(p) = parts.last_mut() {
            p.push(c);
        }
    }
    let pieces = parts.into_iter().enumerate().map(|(i, p)| {
        if i == 0 {
            html! { { p } }
        } else {
            html! { <><wbr />{ p }</> }
        }
    });
    html! { <>{ for pieces }</> }
}

/// A labelled range input showing its value and unit. Emits on every move.
pub fn slider(label: &str, unit: &str, min: f64, max: f64, step: f64, value: f64, on: Callback<f64>) -> Html {
    let oninput = Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        // The browser's own number parsing: Rust's `f64::from_str` and its tables cost the bundle 14 KB gzip.
        let v = input.value_as_number();
        if v.is_finite() {
            on.emit(v);
        }
    });
    let shown = if step >= 1.0 { format!("{value:.0}") } else { format!("{value}") };
    // The handle must show the value it is labelled with: a value beyond the usual range widens
    // the range, and one off the step grid makes the grid free (a browser would snap it).
    let (min, max) = (min.min(value), max.max(value));
    let on_grid = ((value - min) / step).fract().abs() < 1e-9;
    let step = if on_grid { step.to_string() } else { "any".to_string() };
    html! {
        <label class="fl-control">
            <span class="fl-control-label">{ breakable(label) }</span>
            <input type="range" min={min.to_string()} max={max.to_string()} {step} value={value.to_string()} {oninput}
                aria-valuetext={format!("{shown} {unit}")} />
            <output>{ format!("{shown} {unit}") }</output>
        </label>
    }
}

/// A labelled select; `options` are (value, label).
pub fn select(label: &str, options: &[(&str, &str)], selected: &str, on: Callback<String>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        on.emit(select.value());
    });
    let options: Vec<Html> = options
        .iter()
        .map(|(value, text)| html! { <option value={value.to_string()} selected={*value == selected}>{ text.to_string() }</option> })
        .collect();
    html! {
        <label class="fl-control">
            <span class="fl-control-label">{ breakable(label) }</span>
            <select {onchange}>{ for options }</select>
        </label>
    }
}

/// A labelled checkbox (the ring has none: a ring-only bundle leaves it out).
#[cfg_attr(not(any(feature = "breaker", feature = "quorum", feature = "saga")), allow(dead_code))]
pub fn checkbox(label: &str, checked: bool, on: Callback<bool>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        on.emit(input.checked());
    });
    html! {
        <label class="fl-control fl-check">
            <input type="checkbox" {checked} {onchange} />
            <span class="fl-control-label">{ breakable(label) }</span>
        </label>
    }
}

/// A button that emits `()`.
pub fn button(label: &str, class: &'static str, on: Callback<()>) -> Html {
    html! { <button type="button" class={class} onclick={Callback::from(move |_: MouseEvent| on.emit(()))}>{ label }</button> }
}

/// A control's callback that sets one parameter: a copy of `params` changed by `f`, sent as a
/// parameter edit (the core clamps and normalises it). What every widget's sliders and
/// checkboxes do. (A bundle of a widget whose controls all send commands leaves it unused.)
#[allow(dead_code)]
pub fn param_edit<P: Pattern, T: 'static>(params: &P::Params, act: &Callback<Edit<P>>, f: fn(&mut P::Params, T)) -> Callback<T> {
    let (params, act) = (params.clone(), act.clone());
    Callback::from(move |v: T| {
        let mut p = params.clone();
        f(&mut p, v);
        act.emit(Edit::Params(p));
    })
}
