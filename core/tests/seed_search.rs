//! The seed search: run seed after seed to its end, within a budget per call, until one's
//! challenge verdict is the wanted one. It finds a counterexample that exists (a stale read
//! under a sloppy quorum) and none where none can exist (a strict quorum with R + W > N).

use faultline_core::engine::Pattern;
use faultline_core::headless::check;
use faultline_core::patterns::breaker::BreakerSim;
use faultline_core::patterns::quorum::sim::QuorumSim;
use faultline_core::scenario::Scenario;
use faultline_core::seed_search::{SearchState, SeedSearch};
use faultline_core::session::{Control, Session};

fn preset<P: Pattern>(name: &str) -> Scenario<P> {
    P::presets().into_iter().find(|(n, _)| *n == name).unwrap().1
}

/// Runs a search to its end in small budgets, as frames would; returns the end state and how
/// many calls it took.
fn run<P: Pattern>(mut search: SeedSearch<P>) -> (SearchState, usize) {
    for calls in 1.. {
        let mut budget = 100;
        let state = search.advance(&mut budget);
        if !matches!(state, SearchState::Running { .. }) {
            return (state, calls);
        }
        assert!(calls < 1_000_000, "the search does not end");
    }
    unreachable!()
}

#[test]
fn a_sloppy_quorum_counterexample_is_found_and_it_is_real() {
    let claim = preset::<QuorumSim>("quorum-claim-sloppy");
    assert_eq!(check(claim.clone()).unwrap().verdict(), Some(true), "the claim holds on the shipped seed");
    let (state, calls) = run(SeedSearch::new(claim.clone(), false, claim.seed + 1, 50).unwrap());
    let SearchState::Found { seed, tried } = state else { panic!("no counterexample in 50 seeds: {state:?}") };
    assert!(calls > 1, "the search was spread over several budgets");
    assert_eq!(seed, claim.seed + tried);
    // Independently: that seed's run really has a stale read, and every seed before it none.
    assert_eq!(check(Scenario { seed, ..claim.clone() }).unwrap().verdict(), Some(false));
    for earlier in claim.seed + 1..seed {
        assert_eq!(check(Scenario { seed: earlier, ..claim.clone() }).unwrap().verdict(), Some(true), "seed {earlier}");
    }
}

#[test]
fn a_strict_quorum_has_no_counterexample() {
    let claim = preset::<QuorumSim>("quorum-claim-strict");
    let (state, _) = run(SeedSearch::new(claim.clone(), false, claim.seed + 1, 100).unwrap());
    assert_eq!(state, SearchState::NotFound { tried: 100 });
}

#[test]
fn the_session_opens_the_run_found_at_its_end() {
    let luck = preset::<BreakerSim>("breaker-challenge-luck");
    let mut session = Session::new(luck.clone(), false).unwrap();
    session.control(Control::SearchSeeds { want_pass: true, seeds: 50 });
    for _ in 0..100_000 {
        if !session.poll(16.0, 5_000).busy {
            break;
        }
    }
    let Some((SearchState::Found { seed, .. }, true)) = session.search_status() else { panic!("{:?}", session.search_status()) };
    assert_ne!(seed, luck.seed);
    assert_eq!(session.scenario().seed, seed);
    assert_eq!(session.player().now(), session.player().duration(), "opened at its end, where the verdict shows");
    assert_eq!(session.challenge_status().unwrap().verdict(), Some(true));
}

#[test]
fn a_search_needs_a_challenge_and_a_bounded_number_of_seeds() {
    let plain = preset::<QuorumSim>("quorum-strict");
    assert!(SeedSearch::new(plain, false, 1, 10).err().unwrap().to_string().starts_with("challenge:"));
    let claim = preset::<QuorumSim>("quorum-claim-strict");
    assert!(SeedSearch::new(claim.clone(), false, 1, 0).err().unwrap().to_string().starts_with("seeds:"));
    assert!(SeedSearch::new(claim, false, 1, 1_001).err().unwrap().to_string().starts_with("seeds:"));
}

#[test]
fn a_saga_isolation_counterexample_is_found_and_a_version_check_leaves_none() {
    use faultline_core::patterns::saga::SagaSim;
    let claim = preset::<SagaSim>("saga-claim-spaced-apart");
    assert_eq!(check(claim.clone()).unwrap().verdict(), Some(true), "the claim holds on the shipped seed");
    let (state, _) = run(SeedSearch::new(claim.clone(), false, claim.seed + 1, 50).unwrap());
    let SearchState::Found { seed, .. } = state else { panic!("no counterexample in 50 seeds: {state:?}") };
    // Independently: that seed's history breaks an invariant the checker names.
    let mut player = faultline_core::player::Player::new(Scenario { seed, ..claim.clone() }, 0).unwrap();
    player.seek(player.duration());
    let violations = faultline_core::patterns::saga::invariants::check(player.model());
    assert!(!violations.is_empty(), "seed {seed} was reported as a counterexample");
    // The same race with compare-and-set: no seed of 200 loses an update.
    let guarded = preset::<SagaSim>("saga-claim-version-check");
    let (state, _) = run(SeedSearch::new(guarded.clone(), false, guarded.seed + 1, 200).unwrap());
    assert_eq!(state, SearchState::NotFound { tried: 200 });
}

#[test]
fn a_counterexample_opens_where_the_claim_is_first_lost_and_says_so_there() {
    let claim = preset::<QuorumSim>("quorum-claim-sloppy");
    let mut session = Session::new(claim.clone(), false).unwrap();
    session.control(Control::SearchSeeds { want_pass: false, seeds: 50 });
    for _ in 0..100_000 {
        if !session.poll(16.0, 5_000).busy {
            break;
        }
    }
    let Some((SearchState::Found { .. }, false)) = session.search_status() else { panic!("{:?}", session.search_status()) };
    let (now, end) = (session.player().now(), session.player().duration());
    assert!(now < end, "a stale read before the end is where to look, not the end");
    let stale = |values: &[f64]| values[0];
    let samples = session.player().samples();
    let (last, before) = (samples.last().unwrap(), &samples[..samples.len() - 1]);
    assert_eq!(last.at, now);
    assert!(stale(&last.values) > 0.0, "the chart shows the stale read at the cursor");
    assert!(before.iter().all(|s| stale(&s.values) == 0.0), "and none before it");
    // The verdict is already in: a peak over its bound cannot come back under it.
    assert_eq!(session.challenge_status().unwrap().verdict(), Some(false));
}
