//! Regression against numbers printed in Bailis et al., PVLDB 2012 (authors' source text,
//! `writeup/ernst.tex`), all for N = 3.
//!
//! Tolerances, and why:
//! - P(consistent) at a given t ("Observed t-visibility", "Latency Tail Effects"): the paper
//!   estimated each point from 10,000 writes, a standard error of up to 0.5 percentage points,
//!   and prints 3 digits (or 2 for the exponential sweep). We allow 1.5 points (2 for the
//!   two-digit ones).
//! - t-visibility at 99.9 % (Table 4): the paper's sweep estimated P(consistent) at each whole
//!   ms from 50,000 reads and kept the *first* t whose estimate reached 99.9 %; that picks a t
//!   where the true probability is typically a few of its standard errors (1.4·10^-4) below
//!   99.9 %. So instead of comparing t's (our precise 99.9 % point for LNKD-DISK is ~52 ms,
//!   the paper prints 45.5 ms, on a curve this flat) we check that the true probability at the
//!   paper's t lies in [0.999 − 5 × 1.4·10^-4, 0.9995].
//! - 99.9th-percentile latencies (Table 4, from 10^6 operations): we also use 10^6 trials.
//!   A 99.9th percentile estimated from n samples in a Pareto(α) tail has a relative standard
//!   error of about 1/(α·sqrt(n/1000)): 0.8 % for the A/R/S tails (α = 3.8 and 10) but 2.1 %
//!   for LNKD-DISK's W (α = 1.51), in the paper's numbers and in ours alike (the paper's
//!   own L_w for the same W = 1 WAN write spreads from 55.12 to 56.36 ms across rows). So
//!   3 % relative, but 9 % (3 combined standard errors) where the write tail is LNKD-DISK's.
//!
//! 200,000 trials per configuration elsewhere keep this test fast in debug builds; our own
//! standard error near 99.9 % is then 7·10^-5.

use faultline_core::patterns::quorum::pbs::*;

const TRIALS: u64 = 200_000;

fn run(model: &str, r: u32, w: u32, t_ms: Vec<f64>) -> PbsReport {
    run_trials(model, r, w, t_ms, TRIALS)
}

fn run_trials(model: &str, r: u32, w: u32, t_ms: Vec<f64>, trials: u64) -> PbsReport {
    pbs(PbsConfig {
        n: 3,
        r,
        w,
        latency: parse_latency_model(model).unwrap(),
        t_ms,
        trials,
        seed: 2012,
        write_propagation: WritePropagation::AllReplicas,
    })
    .unwrap()
}

#[test]
fn probability_of_consistency_right_after_commit_and_ten_ms_later() {
    // "Immediately after write commit, with N=3, R=W=1, YMMR had a 89.3% chance of
    // consistency, LNKD-SSD had a 97.5% chance, and LNKD-DISK had a 43.9% chance. Ten
    // milliseconds after write commit, YMMR had a 93.9% chance of consistency, LNKD-SSD had a
    // 100% chance, and LNKD-DISK had a 92.5% chance."
    for (model, at_0, at_10) in [("ymmr", 0.893, 0.939), ("lnkd-ssd", 0.975, 1.0), ("lnkd-disk", 0.439, 0.925)] {
        let report = run(model, 1, 1, vec![0.0, 10.0]);
        let (p0, p10) = (report.staleness_curve[0].p_consistent, report.staleness_curve[1].p_consistent);
        assert!((p0 - at_0).abs() <= 0.015, "{model} t=0: {p0} vs paper {at_0}");
        assert!((p10 - at_10).abs() <= 0.015, "{model} t=10: {p10} vs paper {at_10}");
    }
}

#[test]
fn exponential_write_tail_sweep() {
    // "Latency Tail Effects": W mean .25 ms with A=R=S mean 1 ms: "94% chance of consistency
    // immediately after the write and 99.9% chance after 1ms"; W mean 10 ms: "41% chance of
    // consistency immediately after write and a 99.9% chance of consistency after 65 ms".
    let fast = run("exponential:0.25:1", 1, 1, vec![0.0, 1.0]);
    assert!((fast.staleness_curve[0].p_consistent - 0.94).abs() <= 0.02, "{:?}", fast.staleness_curve);
    let slow = run("exponential:10:1", 1, 1, vec![0.0]);
    assert!((slow.staleness_curve[0].p_consistent - 0.41).abs() <= 0.02, "{:?}", slow.staleness_curve);
    // Both 99.9 % points are also within 10 % of the paper's (1 ms, 65 ms).
    let fast_t = fast.t_visibility_ms.p99_9.unwrap();
    let slow_t = slow.t_visibility_ms.p99_9.unwrap();
    assert!((fast_t - 1.0).abs() <= 0.1, "{fast_t}");
    assert!((slow_t - 65.0).abs() <= 6.5, "{slow_t}");
}

#[test]
fn table_4_t_visibility_for_99_9_percent_consistency() {
    // (model, R, W, t in ms) from Table 4 where t > 0.
    let rows = [
        ("ymmr", 1, 1, 1364.0),
        ("ymmr", 2, 1, 202.0),
        ("wan", 1, 1, 113.0),
        ("wan", 2, 1, 30.2),
        ("lnkd-ssd", 1, 1, 1.85),
        ("lnkd-ssd", 1, 2, 1.79),
        ("lnkd-disk", 1, 1, 45.5),
        ("lnkd-disk", 1, 2, 43.3),
        ("lnkd-disk", 2, 1, 13.6),
    ];
    for (model, r, w, t) in rows {
        let p = run(model, r, w, vec![t]).staleness_curve[0].p_consistent;
        assert!((0.999 - 5.0 * 1.4e-4..=0.9995).contains(&p), "{model} R={r} W={w} at t={t}: P(consistent) = {p}");
    }
}

#[test]
fn table_4_latencies_at_the_99_9th_percentile() {
    // (model, R, W, L_r, L_w) from Table 4; the last column is the L_w tolerance.
    const LIGHT: f64 = 0.03;
    const LNKD_DISK_WRITE_TAIL: f64 = 0.09;
    let rows = [
        ("ymmr", 1, 1, 5.58, 10.83, LIGHT),
        ("ymmr", 2, 1, 32.6, 10.73, LIGHT),
        ("wan", 1, 1, 3.4, 55.12, LNKD_DISK_WRITE_TAIL),
        ("wan", 2, 1, 151.3, 56.36, LNKD_DISK_WRITE_TAIL),
        ("wan", 1, 2, 3.4, 167.64, LNKD_DISK_WRITE_TAIL),
        ("lnkd-ssd", 1, 1, 0.66, 0.66, LIGHT),
        ("lnkd-ssd", 2, 1, 1.63, 0.65, LIGHT),
        ("lnkd-disk", 1, 1, 0.66, 10.99, LNKD_DISK_WRITE_TAIL),
        ("lnkd-disk", 1, 2, 0.65, 20.97, LNKD_DISK_WRITE_TAIL),
    ];
    for (model, r, w, read, write, write_tolerance) in rows {
        let report = run_trials(model, r, w, vec![], 1_000_000);
        let got_read = report.read_latency_ms.p99_9.unwrap();
        let got_write = report.write_latency_ms.p99_9.unwrap();
        assert!((got_read - read).abs() / read <= LIGHT, "{model} R={r} W={w} L_r {got_read} vs {read}");
        assert!((got_write - write).abs() / write <= write_tolerance, "{model} R={r} W={w} L_w {got_write} vs {write}");
    }
}
