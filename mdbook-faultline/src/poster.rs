//! The poster a block's element holds as its fallback content: the frame of the block's
//! scenario rendered by the core at book build time (`faultline_core::poster`), inline, so a
//! reader without JavaScript, a printed page and the moment before the widget loads all show
//! the frame. The widget replaces it when it starts (it clears its element).

use faultline_core::engine::Pattern;
use faultline_core::poster::{self, Theme};
use faultline_core::scenario::{decode_permalink, params_from_value, scenario_from_json};
use faultline_core::widgets::{self, WidgetFn};
use faultline_core::FieldError;
use serde_json::Value;

use crate::block::Embed;

/// Block keys that are not parameters (block.rs turns every other key into one).
const OPTIONS: &[&str] = &["preset", "scenario", "seed", "controls", "charts", "log", "autoplay", "presenter", "link-base"];

/// mdBook's dark themes are classes on `<html>`: the poster takes their palette there (and
/// light under `light` and `rust`, its own default).
pub fn theme_style() -> String {
    let dark: String = [".coal", ".navy", ".ayu"].iter().map(|theme| poster::dark_rule_under(theme)).collect();
    format!("<style>{dark}</style>")
}

/// The poster of the scenario `embed` runs: the one the widget reads from the same attributes
/// (a permalink, else the lesson or the widget's default, then the seed and parameters).
pub fn render(embed: &Embed) -> Result<String, FieldError> {
    let svg = widgets::dispatch(&embed.widget, FromEmbed(embed))??;
    Ok(svg.trim_end().to_string())
}

struct FromEmbed<'a>(&'a Embed);
impl WidgetFn for FromEmbed<'_> {
    type Output = Result<String, FieldError>;
    fn call<P: Pattern>(self) -> Self::Output {
        let get = |name: &str| self.0.attributes.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.clone());
        if let Some(payload) = get("scenario") {
            return poster::render(scenario_from_json::<P>(&decode_permalink(&payload)?)?, None, Theme::Light);
        }
        let mut scenario = match get("preset") {
            Some(name) => P::presets().into_iter().find(|(n, _)| *n == name).map(|(_, s)| s).ok_or_else(|| FieldError::new("preset", "unknown"))?,
            None => P::default_scenario(),
        };
        if let Some(seed) = get("seed").and_then(|s| s.parse().ok()) {
            scenario.seed = seed;
        }
        let overrides: Vec<(String, Value)> = self
            .0
            .attributes
            .iter()
            .filter(|(n, _)| !OPTIONS.contains(&n.as_str()))
            .filter_map(|(n, v)| v.as_ref().map(|v| (n.replace('-', "_"), serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.clone())))))
            .collect();
        if !overrides.is_empty() {
            let mut params = serde_json::to_value(&scenario.params).map_err(|e| FieldError::new("params", e.to_string()))?;
            if let Value::Object(map) = &mut params {
                map.extend(overrides);
            }
            scenario.params = params_from_value::<P>(params).map_err(|e| e.within("params"))?;
        }
        poster::render(scenario, None, Theme::Light)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::parse;

    #[test]
    fn a_lesson_block_gets_that_lesson_s_poster() {
        let embed = parse("preset = \"breaker-outage\"\n").unwrap();
        let svg = render(&embed).unwrap();
        assert_eq!(svg, poster::render_preset("breaker-outage", None, Theme::Light).unwrap().trim_end());
        assert!(!svg.contains('\n'), "one line: a blank line would end the Markdown HTML block");
    }

    #[test]
    fn the_seed_and_parameters_of_a_block_reach_its_poster() {
        let plain = render(&parse("preset = \"breaker-outage\"\n").unwrap()).unwrap();
        let seeded = render(&parse("preset = \"breaker-outage\"\nseed = 99\n").unwrap()).unwrap();
        assert!(seeded.contains("seed 99") && !plain.contains("seed 99"));
        let faster = render(&parse("preset = \"breaker-outage\"\nrequests-per-second = 30\n").unwrap()).unwrap();
        assert_ne!(faster, plain, "a parameter changes the run, so the frame");
    }

    #[test]
    fn a_scenario_block_gets_exactly_that_scenario_s_poster() {
        let json = faultline_core::headless::preset_json("ring-add-node").unwrap();
        let embed = parse(&json).unwrap();
        assert_eq!(render(&embed).unwrap(), poster::render_json(&json, None, Theme::Light).unwrap().trim_end());
    }

    #[test]
    fn the_dark_themes_of_mdbook_get_the_dark_palette() {
        let style = theme_style();
        for theme in [".coal .flp", ".navy .flp", ".ayu .flp"] {
            assert!(style.contains(theme), "{theme}");
        }
    }
}
