//! Seed search: run the same scenario with seed after seed, each to its end, until one's
//! challenge verdict is the one wanted — a counterexample to a claim ("no read is ever stale")
//! or a seed that meets a goal. Sans-IO like the player: `advance` spends an event budget and
//! can stop anywhere, so a page runs hundreds of seeds without missing a frame.

use crate::engine::Pattern;
use crate::error::FieldError;
use crate::player::Player;
use crate::scenario::Scenario;

/// Seeds one search tries at most.
pub const MAX_SEARCH_SEEDS: u64 = 1_000;

/// Where a search stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchState {
    /// `tried` of `total` seeds run to their end so far.
    Running { tried: u64, total: u64 },
    /// This seed's verdict is the wanted one (`tried` seeds were run, it included).
    Found { seed: u64, tried: u64 },
    /// None of `tried` seeds gives the wanted verdict.
    NotFound { tried: u64 },
}

pub struct SeedSearch<P: Pattern> {
    base: Scenario<P>,
    /// Whether the wanted verdict is "passed" (a seed that meets a goal) or "failed" (a
    /// counterexample).
    want_pass: bool,
    first_seed: u64,
    total: u64,
    tried: u64,
    current: Option<Player<P>>,
    state: SearchState,
}

impl<P: Pattern> SeedSearch<P> {
    /// Searches `total` seeds from `first_seed` (wrapping) for one whose challenge verdict is
    /// `want_pass`. The scenario must have a challenge.
    pub fn new(mut base: Scenario<P>, want_pass: bool, first_seed: u64, total: u64) -> Result<Self, FieldError> {
        if base.challenge.is_none() {
            return Err(FieldError::new("challenge", "a seed search needs a challenge to judge each run by"));
        }
        if total == 0 || total > MAX_SEARCH_SEEDS {
            return Err(FieldError::new("seeds", format!("must be 1 to {MAX_SEARCH_SEEDS}, got {total}")));
        }
        base.cursor_ms = None;
        base.validate()?;
        Ok(Self { base, want_pass, first_seed, total, tried: 0, current: None, state: SearchState::Running { tried: 0, total } })
    }

    pub fn state(&self) -> SearchState {
        self.state
    }

    pub fn wants_pass(&self) -> bool {
        self.want_pass
    }

    /// Runs seeds on within `budget` events; returns where the search stands.
    pub fn advance(&mut self, budget: &mut u64) -> SearchState {
        while matches!(self.state, SearchState::Running { .. }) && *budget > 0 {
            let seed = self.first_seed.wrapping_add(self.tried);
            // Validated once in `new`, and the seed cannot make it invalid.
            let mut player = self
                .current
                .take()
                .unwrap_or_else(|| Player::new(Scenario { seed, ..self.base.clone() }, 0).expect("a validated scenario with another seed"));
            if !player.seek_spending(player.duration(), budget) {
                self.current = Some(player);
                break;
            }
            self.tried += 1;
            let verdict = player.challenge_status().and_then(|status| status.verdict());
            self.state = if verdict == Some(self.want_pass) {
                SearchState::Found { seed, tried: self.tried }
            } else if self.tried == self.total {
                SearchState::NotFound { tried: self.tried }
            } else {
                SearchState::Running { tried: self.tried, total: self.total }
            };
        }
        self.state
    }
}
