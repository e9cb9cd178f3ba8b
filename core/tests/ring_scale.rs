//! The browser-scale case: 10^6 keys over 1 000 nodes × 1 000 vnodes, in chunks.
//! Slow in debug builds, so ignored by default; run with
//! `cargo test --release -p faultline-core --test ring_scale -- --ignored --nocapture`.

use faultline_core::patterns::ring::stats_run::StatsRun;
use faultline_core::patterns::ring::{Algorithm, RingOperation, RingParams};

#[test]
#[ignore = "release-mode scale check"]
fn a_million_keys_over_a_million_tokens_in_chunks() {
    let params = RingParams { algorithm: Algorithm::Ring, nodes: 1_000, vnodes: 1_000, keys: 1_000_000, ..RingParams::default() };
    let started = std::time::Instant::now();
    let mut run = StatsRun::new(&params, Some(RingOperation::AddNode { weight: None })).unwrap();
    let built = started.elapsed();
    let mut chunks = 0;
    while !run.is_finished() {
        run.step(50_000);
        chunks += 1;
    }
    let report = run.finish();
    eprintln!("built 2 rings of 10^6 tokens in {built:?}; {chunks} chunks; total {:?}", started.elapsed());
    eprintln!(
        "key CV {:.4} (theory √(1/1000 + 1000/10^6) ≈ 0.0447), peak/mean {:.3}, moved {:.5} (ideal {:.5})",
        report.key_balance.cv,
        report.key_balance.peak_to_mean,
        report.movement.as_ref().unwrap().fraction_moved,
        report.movement.as_ref().unwrap().ideal_fraction
    );
    assert_eq!(report.key_balance.total, 1_000_000);
    assert!((report.key_balance.cv - 0.0447).abs() < 0.01);
}
