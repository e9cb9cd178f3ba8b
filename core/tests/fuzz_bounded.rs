//! Mutated presets, scripts and permalinks: no input panics, every refusal is one line naming
//! what is wrong, and every accepted scenario runs to its end without reaching the engine's
//! event cap (so the validation estimate held). The quick version runs in `cargo test`;
//! `scripts/fuzz.sh` runs many more cases (`FUZZ_CASES`) and writes a report.

use faultline_core::headless::{self, RunError};
use faultline_core::scenario::{decode_permalink, encode_permalink};
use proptest::prelude::*;
use serde_json::{json, Value};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(160)
}

/// A tiny deterministic stream for choosing what to mutate (proptest supplies the seed).
struct Choices(u64);

impl Choices {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Values that have found bugs before: zero, negative, sub-tick, huge, wrong types.
fn nasty(c: &mut Choices) -> Value {
    let pool = [
        json!(0),
        json!(-1),
        json!(0.0004),
        json!(1e17),
        json!(1e308),
        json!(4294967296u64),
        json!(u64::MAX),
        json!(86_400_000.0),
        json!(1000),
        json!(""),
        json!(null),
        json!([]),
        json!({}),
        json!(true),
        json!("maglev"),
        json!("zipf"),
        json!({ "kind": "crash", "node": 99 }),
        json!({ "kind": "exponential", "mean_ms": 1e9 }),
    ];
    pool[c.next(pool.len())].clone()
}

/// Every path to a value inside `v`, as a list of object keys and array indices.
fn paths(v: &Value, prefix: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(prefix.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                prefix.push(json!(k));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(json!(i));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        Value::String(k) => &mut v[k.as_str()],
        Value::Number(i) => &mut v[i.as_u64().unwrap() as usize],
        _ => unreachable!(),
    })
}

/// A few random edits: replace a value, delete a field, repeat an array element many times.
fn mutate(mut v: Value, c: &mut Choices) -> Value {
    for _ in 0..1 + c.next(3) {
        let mut all = Vec::new();
        paths(&v, &mut Vec::new(), &mut all);
        let path = all[c.next(all.len())].clone();
        if path.first().is_some_and(|p| p == "widget") {
            continue;
        }
        match c.next(4) {
            0 | 1 => *at(&mut v, &path) = nasty(c),
            2 => {
                if let Some((last, parent)) = path.split_last() {
                    if let (Value::Object(map), Value::String(k)) = (at(&mut v, parent), last) {
                        map.remove(k);
                    }
                }
            }
            _ => {
                if let Value::Array(items) = at(&mut v, &path) {
                    if let Some(first) = items.first().cloned() {
                        let copies = [2, 50, 1_001][c.next(3)];
                        items.extend(std::iter::repeat_n(first, copies));
                    }
                }
            }
        }
    }
    v
}

/// Every preset and a breaker script, as JSON: built once, not once per case.
fn inputs() -> &'static [Value] {
    static INPUTS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    INPUTS.get_or_init(all_inputs)
}

fn all_inputs() -> Vec<Value> {
    let mut all: Vec<Value> =
        headless::presets().into_iter().map(|p| serde_json::from_str(&headless::preset_json(&p.name).unwrap()).unwrap()).collect();
    all.push(json!({
        "widget": "breaker_script", "version": 1,
        "breaker": { "library": "hystrix" },
        "steps": [{ "at_ms": 0.0, "outcome": "failure" }, { "at_ms": 600.0, "outcome": "success", "duration_ms": 3.0 }]
    }));
    all
}

/// What a refusal or a run must look like.
fn check(text: &str) -> Result<(), TestCaseError> {
    match headless::run_any_json(text, None) {
        Ok(_) => Ok(()),
        Err(RunError::Invalid(e)) => {
            let line = e.to_string();
            prop_assert!(!line.contains('\n'), "a refusal spans lines: {line}");
            prop_assert!(!line.contains("the run stopped at"), "an accepted scenario reached the event cap: {line}\n{text}");
            prop_assert!(!line.is_empty());
            Ok(())
        }
        Err(RunError::Io(e)) => Err(TestCaseError::fail(format!("no trace file, yet an I/O error: {e}"))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn mutated_inputs_are_refused_in_one_line_or_run_to_their_end(seed in any::<u64>(), which in any::<prop::sample::Index>()) {
        let inputs = inputs();
        let input = inputs[which.index(inputs.len())].clone();
        let mut choices = Choices(seed | 1);
        let text = mutate(input, &mut choices).to_string();
        check(&text)?;
    }

    #[test]
    fn damaged_permalinks_are_refused_in_one_line(seed in any::<u64>(), which in any::<prop::sample::Index>(), cut in 0usize..64) {
        let inputs = inputs();
        let link = encode_permalink(&inputs[which.index(inputs.len())].to_string());
        let mut chars: Vec<char> = link.chars().collect();
        let mut c = Choices(seed | 1);
        match c.next(3) {
            0 => chars.truncate(chars.len().saturating_sub(cut)),
            1 => { let i = c.next(chars.len()); chars[i] = ['A', '-', '_', '0', '!'][c.next(5)]; }
            _ => chars.extend("AAAA".chars().take(1 + cut % 4)),
        }
        let damaged: String = chars.into_iter().collect();
        match decode_permalink(&damaged) {
            Ok(text) => check(&text)?,
            Err(e) => prop_assert!(!e.to_string().contains('\n')),
        }
    }
}
