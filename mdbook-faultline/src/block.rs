//! One ```` ```faultline ```` block: `key = value` lines or a whole scenario JSON object,
//! checked against the core's registry and lessons, and written as the `data-faultline`
//! element that docs/embedding.md describes.

use faultline_core::engine::Pattern;
use faultline_core::headless;
use faultline_core::scenario::{decode_permalink, encode_permalink, params_from_value, parse_json, scenario_from_value};
use faultline_core::widgets::{self, WidgetFn};
use faultline_core::FieldError;
use serde_json::Value;

/// What is wrong with a block: the line inside the block (1 = the first line after the
/// opening fence) and the field at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl BlockError {
    fn new(line: usize, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { line, field: field.into(), message: message.into() }
    }

    fn from_field(line: usize, prefix: &str, e: FieldError) -> Self {
        let field = match (prefix.is_empty(), e.field.is_empty()) {
            (true, _) => e.field,
            (false, true) => prefix.to_string(),
            (false, false) => format!("{prefix}.{}", e.field),
        };
        Self::new(line, field, e.message)
    }
}

/// A checked block: the widget and the attributes of its element, in the order written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embed {
    pub widget: String,
    /// (`data-` attribute name without the prefix, value); `None` for a present-only flag.
    pub attributes: Vec<(String, Option<String>)>,
}

/// Keys with a meaning of their own (docs/embedding.md's table); every other key is a parameter.
const CONTROLS: &[&str] = &["none", "player", "all"];

/// Reads a block's text (what is between the fences).
pub fn parse(text: &str) -> Result<Embed, BlockError> {
    let first = text.lines().position(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    match first {
        Some(i) if text.lines().nth(i).is_some_and(|l| l.trim_start().starts_with('{')) => parse_scenario(text, i + 1),
        _ => parse_pairs(text),
    }
}

/// A whole scenario JSON object: becomes a permalink payload, so the page runs exactly it.
fn parse_scenario(text: &str, first_line: usize) -> Result<Embed, BlockError> {
    let (widget, value) = parse_json(text).map_err(|e| BlockError::from_field(first_line, "scenario", e))?;
    check_scenario(&widget, value).map_err(|e| BlockError::from_field(first_line, "scenario", e))?;
    // Compact text: the payload is what "copy link" would give for the same scenario.
    let compact = serde_json::to_string(&serde_json::from_str::<Value>(text).expect("parsed above")).expect("a Value always serialises");
    Ok(Embed { widget, attributes: vec![("scenario".into(), Some(encode_permalink(&compact)))] })
}

/// One `key = value` line, its line number kept for errors.
struct Pair {
    line: usize,
    key: String,
    value: Value,
}

fn parse_pairs(text: &str) -> Result<Embed, BlockError> {
    let mut pairs: Vec<Pair> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = strip_comment(raw).trim();
        if content.is_empty() {
            continue;
        }
        let Some((key, value)) = content.split_once('=') else {
            return Err(BlockError::new(line, "", format!("expected `key = value`, got \"{content}\"")));
        };
        let key = key.trim().replace('_', "-");
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Err(BlockError::new(line, key.clone(), "a key is lowercase letters, digits and dashes"));
        }
        if pairs.iter().any(|p| p.key == key) {
            return Err(BlockError::new(line, key, "given twice"));
        }
        let value = parse_value(value.trim()).map_err(|why| BlockError::new(line, key.clone(), why))?;
        pairs.push(Pair { line, key, value });
    }
    let get = |key: &str| pairs.iter().find(|p| p.key == key);
    let as_text = |p: &Pair| match &p.value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };

    // The widget: named, or implied by the lesson or the scenario.
    let preset = get("preset").map(|p| (p, as_text(p)));
    let lesson_widget = match &preset {
        Some((p, name)) => Some(lesson_widget(name).ok_or_else(|| BlockError::new(p.line, "preset", unknown_lesson(name)))?),
        None => None,
    };
    let widget = match (get("widget"), &lesson_widget) {
        (Some(p), lesson) => {
            let name = as_text(p);
            if !widgets::WIDGETS.iter().any(|w| w.name == name) {
                return Err(BlockError::from_field(p.line, "", widgets::unknown_widget(&name)));
            }
            if let (Some(lesson), Some((pp, preset))) = (lesson, &preset) {
                if *lesson != name {
                    return Err(BlockError::new(pp.line, "preset", format!("\"{preset}\" is a lesson of the {lesson} widget, not of {name}")));
                }
            }
            name
        }
        (None, Some(lesson)) => lesson.clone(),
        (None, None) => match get("scenario") {
            Some(p) => {
                let json = decode_permalink(&as_text(p)).map_err(|e| BlockError::from_field(p.line, "scenario", e))?;
                parse_json(&json).map_err(|e| BlockError::from_field(p.line, "scenario", e))?.0
            }
            None => return Err(BlockError::new(1, "widget", "missing: name a widget (widget = \"quorum\") or a lesson (preset = \"…\")")),
        },
    };

    // The page reads a scenario whole (docs/embedding.md): a lesson or seed beside it would be
    // silently ignored, so say so here instead.
    if get("scenario").is_some() {
        if let Some(p) = get("preset").or_else(|| get("seed")) {
            return Err(BlockError::new(p.line, p.key.clone(), "a scenario carries its own; give a lesson or a scenario, not both"));
        }
    }
    let mut attributes = Vec::new();
    let mut params = serde_json::Map::new();
    for p in &pairs {
        let text = as_text(p);
        let fail = |why: String| BlockError::new(p.line, p.key.clone(), why);
        match p.key.as_str() {
            "widget" => {}
            "preset" => attributes.push(("preset".into(), Some(text))),
            "scenario" => {
                let json = decode_permalink(&text).map_err(|e| BlockError::from_field(p.line, "scenario", e))?;
                let (named, value) = parse_json(&json).map_err(|e| BlockError::from_field(p.line, "scenario", e))?;
                if named != widget {
                    return Err(fail(format!("a scenario for {named}, not for {widget}")));
                }
                check_scenario(&named, value).map_err(|e| BlockError::from_field(p.line, "scenario", e))?;
                attributes.push(("scenario".into(), Some(text)));
            }
            "seed" => match &p.value {
                Value::Number(n) if n.as_u64().is_some() => attributes.push(("seed".into(), Some(text))),
                _ => return Err(fail(format!("a whole number from 0 to {}, got {text}", u64::MAX))),
            },
            "controls" if CONTROLS.contains(&text.as_str()) => attributes.push(("controls".into(), Some(text))),
            "controls" => return Err(fail(format!("one of {}, got \"{text}\"", CONTROLS.join(", ")))),
            "charts" | "log" => attributes.push((p.key.clone(), Some(if on_off(&p.value).map_err(fail)? { "on" } else { "off" }.into()))),
            "autoplay" | "presenter" => {
                if on_off(&p.value).map_err(fail)? {
                    attributes.push((p.key.clone(), None));
                }
            }
            "link-base" => attributes.push(("link-base".into(), Some(text))),
            // Attribute names the mount reads for itself: never a parameter.
            "faultline" | "faultline-mounted" | "s" | "stylesheet" => return Err(fail("not a block key (it is the page's own attribute)".into())),
            _ => {
                params.insert(p.key.replace('-', "_"), p.value.clone());
                attributes.push((p.key.clone(), Some(parameter_attribute(&p.value))));
            }
        }
    }
    if !params.is_empty() {
        if let Some(p) = get("scenario") {
            return Err(BlockError::new(p.line, "scenario", "a scenario carries its own parameters: put them in it, not beside it"));
        }
        let lesson = preset.as_ref().map(|(_, name)| name.as_str());
        widgets::dispatch(&widget, CheckParams { lesson, params: Value::Object(params.clone()) }).and_then(|r| r).map_err(|e| {
            // The line of the parameter at fault, else the first parameter's.
            let named = |p: &&Pair| {
                let path = format!("params.{}", p.key.replace('-', "_"));
                e.field == path || e.field.starts_with(&format!("{path}.")) || e.field.starts_with(&format!("{path}["))
            };
            let is_param = |p: &&Pair| params.contains_key(&p.key.replace('-', "_"));
            let line = pairs.iter().find(named).or_else(|| pairs.iter().find(is_param)).map_or(1, |p| p.line);
            BlockError::from_field(line, "", e)
        })?;
    }
    Ok(Embed { widget, attributes })
}

/// A value: a JSON string, number, boolean, array or object, else bare text (`controls = all`).
fn parse_value(raw: &str) -> Result<Value, String> {
    if raw.is_empty() {
        return Err("missing its value".into());
    }
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Null) => Err("null is not a value here".into()),
        Ok(v) => Ok(v),
        Err(e) if raw.starts_with(['"', '[', '{']) => Err(format!("not a valid value: {e}")),
        Err(_) => Ok(Value::String(raw.to_string())),
    }
}

/// The line without a `#` comment (a `#` inside a quoted string is kept).
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '#' if !quoted => return &line[..i],
            _ => {}
        }
    }
    line
}

fn on_off(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "on" => Ok(true),
        Value::String(s) if s == "off" => Ok(false),
        other => Err(format!("true / false (or on / off), got {other}")),
    }
}

/// The attribute text the mount reads back as `value`: it parses attribute values as JSON,
/// else takes them as text, so a string that would parse as JSON (`"30"`, `"true"`) stays quoted.
fn parameter_attribute(value: &Value) -> String {
    match value {
        Value::String(s) if serde_json::from_str::<Value>(s).is_err() => s.clone(),
        other => other.to_string(),
    }
}

/// The widget whose lesson this is.
fn lesson_widget(name: &str) -> Option<String> {
    headless::presets().into_iter().find(|p| p.name == name).map(|p| p.widget)
}

fn unknown_lesson(name: &str) -> String {
    let known: Vec<String> = headless::presets().into_iter().map(|p| p.name).collect();
    format!("no lesson called \"{name}\"; known: {}", known.join(", "))
}

/// Checks a scenario as the page will read it (every field, every limit).
fn check_scenario(widget: &str, value: Value) -> Result<(), FieldError> {
    widgets::dispatch(widget, CheckScenario(value))?
}

struct CheckScenario(Value);
impl WidgetFn for CheckScenario {
    type Output = Result<(), FieldError>;
    fn call<P: Pattern>(self) -> Self::Output {
        scenario_from_value::<P>(self.0).map(|_| ())
    }
}

/// Applies parameter overrides to the lesson (or the widget's default scenario) and validates
/// the result, as the widget does when it mounts.
struct CheckParams<'a> {
    lesson: Option<&'a str>,
    params: Value,
}
impl WidgetFn for CheckParams<'_> {
    type Output = Result<(), FieldError>;
    fn call<P: Pattern>(self) -> Self::Output {
        let mut scenario = match self.lesson {
            Some(name) => P::presets().into_iter().find(|(n, _)| *n == name).map(|(_, s)| s).unwrap_or_else(P::default_scenario),
            None => P::default_scenario(),
        };
        let mut merged = serde_json::to_value(&scenario.params).map_err(|e| FieldError::new("", e.to_string()))?;
        if let (Value::Object(map), Value::Object(overrides)) = (&mut merged, self.params) {
            map.extend(overrides);
        }
        scenario.params = params_from_value::<P>(merged).map_err(|e| e.within("params"))?;
        scenario.validate()
    }
}

/// Escapes text for an HTML attribute value in double quotes.
pub fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Embed {
    /// The element: `<div data-faultline="quorum" data-preset="…"></div>`.
    pub fn to_html(&self) -> String {
        self.to_html_around("")
    }

    /// The element with `fallback` inside (markup the widget replaces when it starts).
    pub fn to_html_around(&self, fallback: &str) -> String {
        let mut html = format!("<div data-faultline=\"{}\"", escape_attribute(&self.widget));
        for (name, value) in &self.attributes {
            match value {
                Some(v) => html.push_str(&format!(" data-{name}=\"{}\"", escape_attribute(v))),
                None => html.push_str(&format!(" data-{name}")),
            }
        }
        html.push('>');
        html.push_str(fallback);
        html.push_str("</div>");
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr<'a>(e: &'a Embed, name: &str) -> Option<&'a Option<String>> {
        e.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// A lesson of `widget` from the core's own list, so the tests follow the lessons.
    fn a_lesson_of(widget: &str) -> String {
        headless::presets().into_iter().find(|p| p.widget == widget).expect("every widget has a lesson").name
    }

    #[test]
    fn a_lesson_implies_its_widget() {
        let lesson = a_lesson_of("quorum");
        let e = parse(&format!("preset = \"{lesson}\"\ncontrols = \"player\"\nseed = 7\n")).unwrap();
        assert_eq!(e.widget, "quorum");
        assert_eq!(attr(&e, "preset"), Some(&Some(lesson)));
        assert_eq!(attr(&e, "controls"), Some(&Some("player".into())));
        assert_eq!(attr(&e, "seed"), Some(&Some("7".into())));
    }

    #[test]
    fn comments_blank_lines_and_bare_words_are_read() {
        let e = parse("# a breaker\n\nwidget = breaker   # the widget\ncontrols = all\nautoplay = true\npresenter = false\nlog = off\n").unwrap();
        assert_eq!(e.widget, "breaker");
        assert_eq!(attr(&e, "controls"), Some(&Some("all".into())));
        assert_eq!(attr(&e, "autoplay"), Some(&None), "a true flag is a present attribute");
        assert_eq!(attr(&e, "presenter"), None, "a false flag is left out");
        assert_eq!(attr(&e, "log"), Some(&Some("off".into())));
    }

    #[test]
    fn a_hash_inside_a_string_is_not_a_comment() {
        assert_eq!(strip_comment(r#"link-base = "https://x/#/q" # note"#), r#"link-base = "https://x/#/q" "#);
        assert_eq!(strip_comment(r##"a = "say \"#\"" # c"##), r##"a = "say \"#\"" "##);
    }

    #[test]
    fn a_parameter_becomes_a_data_attribute_and_is_checked_against_the_widget() {
        // The breaker's parameters, read from the core: a real one is accepted as written.
        let params = serde_json::to_value(faultline_core::patterns::breaker::BreakerSim::default_scenario().params).unwrap();
        let (name, value) = params.as_object().unwrap().iter().find(|(_, v)| v.is_number()).map(|(k, v)| (k.clone(), v.clone())).unwrap();
        let kebab = name.replace('_', "-");
        let e = parse(&format!("widget = \"breaker\"\n{kebab} = {value}\n")).unwrap();
        assert_eq!(attr(&e, &kebab), Some(&Some(value.to_string())));
        // An unknown one fails on its line, naming params.
        let err = parse("widget = \"breaker\"\n\nno-such-knob = 3\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.field, "params.no_such_knob", "{err:?}");
        assert!(err.message.contains("no_such_knob"), "{err:?}");
    }

    #[test]
    fn a_parameter_outside_its_documented_limit_fails_the_build() {
        // docs/scenarios.md: the breaker's requests_per_second is in (0, 1000].
        let err = parse("preset = \"breaker-outage\"\ntimeout-ms = 500\nrequests-per-second = 5000\n").unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (3, "params.requests_per_second"), "the line of the parameter at fault");
        assert!(parse("preset = \"breaker-outage\"\nrequests-per-second = 1000\n").is_ok());
    }

    #[test]
    fn a_string_parameter_that_looks_like_json_stays_quoted() {
        assert_eq!(parameter_attribute(&Value::String("30".into())), "\"30\"");
        assert_eq!(parameter_attribute(&Value::String("fast".into())), "fast");
        assert_eq!(parameter_attribute(&serde_json::json!(30)), "30");
    }

    #[test]
    fn unknown_widget_or_lesson_and_bad_lines_name_line_and_field() {
        let err = parse("widget = \"quorom\"\n").unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (1, "widget"));
        assert!(err.message.contains("quorum"), "lists the known widgets: {err:?}");

        let err = parse("controls = \"player\"\npreset = \"no-such-lesson\"\n").unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (2, "preset"));

        let err = parse("widget = \"ring\"\nthis line has no equals sign\n").unwrap_err();
        assert_eq!(err.line, 2);

        let err = parse("widget = \"ring\"\ncontrols = \"some\"\n").unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (2, "controls"));

        let err = parse("widget = \"ring\"\nseed = -1\n").unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (2, "seed"));

        let err = parse("widget = \"ring\"\nseed = 1\nseed = 2\n").unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (3, "seed"));

        let err = parse("controls = all\n").unwrap_err();
        assert_eq!(err.field, "widget", "no widget and no lesson");
    }

    #[test]
    fn a_scenario_payload_is_checked_and_takes_no_lesson_or_seed_beside_it() {
        let json = headless::preset_json(&a_lesson_of("saga")).unwrap();
        let payload = encode_permalink(&json);
        let e = parse(&format!("scenario = \"{payload}\"\ncontrols = all\n")).unwrap();
        assert_eq!(e.widget, "saga", "implied by the scenario");
        assert_eq!(attr(&e, "scenario"), Some(&Some(payload.clone())));
        let err = parse(&format!("scenario = \"{payload}\"\nseed = 3\n")).unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (2, "seed"));
        let err = parse(&format!("widget = \"ring\"\nscenario = \"{payload}\"\n")).unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (2, "scenario"), "a saga scenario for the ring widget");
        let err = parse("scenario = \"not-a-payload!\"\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.field.starts_with("scenario"), "{err:?}");
    }

    #[test]
    fn a_lesson_of_another_widget_is_refused() {
        let lesson = a_lesson_of("quorum");
        let err = parse(&format!("widget = \"breaker\"\npreset = \"{lesson}\"\n")).unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (2, "preset"));
    }

    #[test]
    fn a_scenario_object_becomes_a_permalink_of_the_same_scenario() {
        let lesson = a_lesson_of("stampede");
        let json = headless::preset_json(&lesson).unwrap();
        let e = parse(&format!("\n{json}\n")).unwrap();
        assert_eq!(e.widget, "stampede");
        let Some(Some(payload)) = attr(&e, "scenario") else { panic!("no scenario attribute: {e:?}") };
        let back: Value = serde_json::from_str(&decode_permalink(payload).unwrap()).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(&json).unwrap());
    }

    #[test]
    fn an_invalid_scenario_object_names_its_field() {
        let lesson = a_lesson_of("ring");
        let mut value: Value = serde_json::from_str(&headless::preset_json(&lesson).unwrap()).unwrap();
        value["seed"] = Value::String("seven".into());
        let err = parse(&serde_json::to_string_pretty(&value).unwrap()).unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.field.starts_with("scenario.seed"), "{err:?}");
        let err = parse("{ \"widget\": \"nope\", \"version\": 1 }").unwrap_err();
        assert_eq!(err.field, "scenario.widget");
    }

    #[test]
    fn html_is_escaped() {
        let e = Embed { widget: "ring".into(), attributes: vec![("link-base".into(), Some("a\"><script>&'".into())), ("autoplay".into(), None)] };
        assert_eq!(e.to_html(), "<div data-faultline=\"ring\" data-link-base=\"a&quot;&gt;&lt;script&gt;&amp;&#39;\" data-autoplay></div>");
    }
}
