//! Scenarios are data: the format, its validation, and its JSON and permalink encodings.

pub mod additions;
pub mod challenge;
pub mod codec;
pub mod format;

pub use challenge::{Challenge, ChallengeStatus, Criterion, CriterionStatus, Standing, Statistic};
pub use codec::{
    decode_permalink, encode_permalink, from_value_naming_field, indent, params_from_value, parse_json, scenario_from_json, scenario_from_value,
    scenario_to_json, take_header, MAX_SCENARIO_BYTES,
};
pub use format::{
    Answer, Given, Moment, Question, Scenario, TimedCommand, TimedFault, MAX_ACTIONS, MAX_CAPTION_CHARS, MAX_DURATION_MS, MAX_FAULTS, MAX_MOMENTS,
    MIN_DURATION_MS, SCENARIO_VERSION,
};
