//! Challenges: the core's verdict on a goal measured from the run's own chart series. Each
//! shipped challenge fails as shipped (there is something to do) and passes once the change it
//! asks for is made; bad challenges are refused naming the field.

use faultline_core::engine::{ticks_from_ms, Pattern};
use faultline_core::headless::check;
use faultline_core::patterns::breaker::BreakerSim;
use faultline_core::patterns::quorum::sim::QuorumSim;
use faultline_core::patterns::stampede::params::{LockScope, Protection};
use faultline_core::patterns::stampede::StampedeSim;
use faultline_core::player::Player;
use faultline_core::scenario::{Challenge, Criterion, Scenario, Standing, Statistic};

fn preset<P: Pattern>(name: &str) -> Scenario<P> {
    P::presets().into_iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no preset {name}")).1
}

fn verdict<P: Pattern>(scenario: Scenario<P>) -> Option<bool> {
    check(scenario).unwrap().verdict()
}

#[test]
fn the_stampede_challenge_fails_unprotected_and_passes_with_one_recompute_per_key() {
    let shipped = preset::<StampedeSim>("stampede-challenge-calm");
    let status = check(shipped.clone()).unwrap();
    assert_eq!(status.verdict(), Some(false), "{}", status.report());
    // The herd it measures is the theory's order of magnitude: 1 + λδ ≈ 31 recomputes.
    let Standing::Failed { figure } = status.criteria[0].standing else { panic!("{}", status.report()) };
    assert!(figure > 10.0, "{figure}");
    for protection in
        [Protection::Singleflight, Protection::Lock { scope: LockScope::Distributed, lease_ms: 2_000.0, retry_ms: 20.0, serve_stale: false }]
    {
        let mut fixed = shipped.clone();
        fixed.params.protection = protection.clone();
        let status = check(fixed).unwrap();
        assert_eq!(status.verdict(), Some(true), "{protection:?}: {}", status.report());
    }
}

#[test]
fn the_quorum_challenge_needs_r_plus_w_above_n_paid_by_the_writes() {
    let shipped = preset::<QuorumSim>("quorum-challenge-fresh-fast");
    assert_eq!(verdict(shipped.clone()), Some(false));
    let with = |r: u32, w: u32| {
        let mut s = shipped.clone();
        s.params.r = r;
        s.params.w = w;
        verdict(s)
    };
    // Write to all three, read one: fresh and fast.
    assert_eq!(with(1, 3), Some(true));
    // Reading from all three is fresh too, but waits on the slow replica.
    assert_eq!(with(3, 1), Some(false));
}

#[test]
fn the_breaker_challenge_is_luck_some_seeds_pass_and_the_shipped_one_does_not() {
    let shipped = preset::<BreakerSim>("breaker-challenge-luck");
    assert_eq!(verdict(shipped.clone()), Some(false));
    let passing = (1..=20).filter(|&seed| verdict(Scenario { seed, ..shipped.clone() }) == Some(true)).count();
    assert!((3..=17).contains(&passing), "{passing} of 20 seeds pass: the challenge should be luck, not fate");
}

#[test]
fn a_criterion_waits_for_the_end_of_its_window() {
    let mut scenario = preset::<StampedeSim>("stampede-challenge-calm");
    let challenge = Challenge {
        goal: "Calm until 3 s".into(),
        hint: String::new(),
        criteria: vec![Criterion {
            series: "concurrent DB queries".into(),
            statistic: Statistic::Max,
            at_most: Some(4.0),
            at_least: None,
            from_ms: Some(1_000.0),
            to_ms: Some(3_000.0),
        }],
        claim: false,
    };
    scenario.challenge = Some(challenge.clone());
    let mut player = Player::new(scenario, 0).unwrap();
    player.seek(ticks_from_ms(2_000.0));
    let early = challenge.status::<StampedeSim>(player.samples(), player.now(), player.duration());
    assert_eq!(early.criteria[0].standing, Standing::Waiting { until: ticks_from_ms(3_000.0) });
    assert_eq!(early.verdict(), None);
    // The first expiry is at 5 s: the window before it is calm.
    player.seek(ticks_from_ms(3_000.0));
    let judged = challenge.status::<StampedeSim>(player.samples(), player.now(), player.duration());
    assert_eq!(judged.verdict(), Some(true), "{}", judged.report());
}

#[test]
fn bad_challenges_are_refused_naming_the_field() {
    let base = preset::<StampedeSim>("stampede-challenge-calm");
    let refused = |edit: &dyn Fn(&mut Challenge)| {
        let mut s = base.clone();
        edit(s.challenge.as_mut().unwrap());
        s.validate().unwrap_err().to_string()
    };
    let e = refused(&|c| c.criteria[0].series = "DB querys".into());
    assert!(e.starts_with("challenge.criteria[0].series:") && e.contains("\"DB queries\""), "{e}");
    let e = refused(&|c| c.criteria[0].at_most = None);
    assert!(e.starts_with("challenge.criteria[0].at_most:"), "{e}");
    let e = refused(&|c| c.criteria[0].to_ms = Some(1e9));
    assert!(e.starts_with("challenge.criteria[0].to_ms:"), "{e}");
    let e = refused(&|c| {
        c.criteria[0].from_ms = Some(3_000.0);
        c.criteria[0].to_ms = Some(2_000.0);
    });
    assert!(e.starts_with("challenge.criteria[0].to_ms:"), "{e}");
    let e = refused(&|c| c.criteria.clear());
    assert!(e.starts_with("challenge.criteria:"), "{e}");
    let e = refused(&|c| c.goal.clear());
    assert!(e.starts_with("challenge.goal:"), "{e}");
}
