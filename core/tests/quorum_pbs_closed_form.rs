//! PBS closed forms (paper, Eq. 1–5) against values worked out by hand and the paper's text.

use faultline_core::patterns::quorum::pbs::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1e-300)
}

#[test]
fn eq1_n3_r1_w1_is_two_thirds() {
    // C(2,1)/C(3,1) = 2/3, "p_stale = .6̅" in the paper.
    assert!(close(p_stale(3, 1, 1).unwrap(), 2.0 / 3.0));
    assert_eq!(p_stale_exact(3, 1, 1).unwrap(), Some(Fraction { numerator: 2, denominator: 3 }));
    // N=3, R=1, W=2: C(1,1)/C(3,1) = 1/3.
    assert_eq!(p_stale_exact(3, 1, 2).unwrap(), Some(Fraction { numerator: 1, denominator: 3 }));
    // N=5, R=2, W=2: C(3,2)/C(5,2) = 3/10.
    assert_eq!(p_stale_exact(5, 2, 2).unwrap(), Some(Fraction { numerator: 3, denominator: 10 }));
    assert!(close(p_stale(5, 2, 2).unwrap(), 0.3));
}

#[test]
fn eq1_matches_the_papers_n100_example() {
    // "With N=100, R=W=30, p_stale = 1.88 × 10^-6"; exactly C(70,30)/C(100,30) = 1.88434903...e-6.
    let p = p_stale(100, 30, 30).unwrap();
    assert!((p - 1.884_349_030_219_953_6e-6).abs() < 1e-18, "{p}");
    let exact = p_stale_exact(100, 30, 30).unwrap().unwrap();
    assert!((exact.to_f64() - p).abs() < 1e-18);
}

#[test]
fn strict_quorums_are_never_stale() {
    for (n, r, w) in [(3, 2, 2), (3, 1, 3), (3, 3, 1), (5, 3, 3), (1, 1, 1)] {
        assert_eq!(p_stale(n, r, w).unwrap(), 0.0, "N={n} R={r} W={w}");
        assert_eq!(p_stale_exact(n, r, w).unwrap(), Some(Fraction { numerator: 0, denominator: 1 }));
    }
}

#[test]
fn eq2_k_staleness_matches_the_papers_worked_example() {
    // Paper, Section 3.1: N=3, R=W=1 returns a version within 2 versions with probability .5̅,
    // within 3 with .7̅0̅3̅, within 5 with > .868, within 10 with > .98.
    assert!(close(1.0 - p_stale_k_versions(3, 1, 1, 2).unwrap(), 5.0 / 9.0));
    assert!(close(1.0 - p_stale_k_versions(3, 1, 1, 3).unwrap(), 19.0 / 27.0));
    assert!(close(1.0 - p_stale_k_versions(3, 1, 1, 5).unwrap(), 211.0 / 243.0));
    assert!(1.0 - p_stale_k_versions(3, 1, 1, 5).unwrap() > 0.868);
    assert!(1.0 - p_stale_k_versions(3, 1, 1, 10).unwrap() > 0.98);
    // N=3, R=1, W=2: k=1 → .6̅, k=2 → .8̅, k=5 → > .995.
    assert!(close(1.0 - p_stale_k_versions(3, 1, 2, 1).unwrap(), 2.0 / 3.0));
    assert!(close(1.0 - p_stale_k_versions(3, 1, 2, 2).unwrap(), 8.0 / 9.0));
    assert!(1.0 - p_stale_k_versions(3, 2, 1, 5).unwrap() > 0.995);
}

#[test]
fn eq3_monotonic_reads_is_k_staleness_with_k_from_the_rates() {
    // Client reads as often as everyone writes: one version between reads, k = 2.
    let mr = p_stale_monotonic_reads(3, 1, 1, 10.0, 10.0, false).unwrap();
    assert!(close(mr, 4.0 / 9.0), "{mr}");
    // Strict monotonic reads: k = γ_gw/γ_cr = 1.
    let strict = p_stale_monotonic_reads(3, 1, 1, 10.0, 10.0, true).unwrap();
    assert!(close(strict, 2.0 / 3.0), "{strict}");
    // Four writes per client read: k = 5.
    assert!(close(p_stale_monotonic_reads(3, 1, 1, 40.0, 10.0, false).unwrap(), 32.0 / 243.0));
    assert_eq!(p_stale_monotonic_reads(3, 1, 1, 0.0, 1.0, false).unwrap_err().field, "global_write_rate");
}

#[test]
fn eq4_and_eq5_weight_the_miss_probability_by_propagation() {
    // All mass on c = W: Eq. 1 again.
    assert!(close(p_stale_given_propagation(3, 1, 1, &[0.0, 1.0, 0.0, 0.0], 1).unwrap(), 2.0 / 3.0));
    // Half the time the write reached 1 replica, half the time 2: (2/3 + 1/3) / 2.
    assert!(close(p_stale_given_propagation(3, 1, 1, &[0.0, 0.5, 0.5, 0.0], 1).unwrap(), 0.5));
    // Fully propagated: never stale. ⟨k, t⟩ with k = 3: the single-version value cubed.
    assert_eq!(p_stale_given_propagation(3, 1, 1, &[0.0, 0.0, 0.0, 1.0], 1).unwrap(), 0.0);
    assert!(close(p_stale_given_propagation(5, 2, 1, &[0.0, 0.5, 0.5, 0.0, 0.0, 0.0], 3).unwrap(), libm::pow(0.45, 3.0)));
    let err = p_stale_given_propagation(3, 1, 1, &[0.0, 0.5, 0.4, 0.0], 1).unwrap_err();
    assert_eq!(err.field, "replicas_with_write");
    let err = p_stale_given_propagation(3, 1, 1, &[0.0, 0.5], 1).unwrap_err();
    assert_eq!(err.field, "replicas_with_write");
}

#[test]
fn errors_name_the_field_and_the_bounds() {
    let err = p_stale(3, 4, 1).unwrap_err();
    assert_eq!(err.to_string(), "r: must be between 1 and n (3), got 4");
    assert_eq!(p_stale(3, 1, 0).unwrap_err().to_string(), "w: must be between 1 and n (3), got 0");
    assert_eq!(p_stale(0, 1, 1).unwrap_err().field, "n");
    assert_eq!(p_stale_k_versions(3, 1, 1, 0).unwrap_err().field, "k");
}

#[test]
fn large_quorums_stay_finite_and_exact_arithmetic_reports_overflow() {
    let p = p_stale(1_000, 10, 10).unwrap();
    assert!(p > 0.0 && p < 1.0);
    assert_eq!(p_stale_exact(1_000, 500, 100).unwrap(), None);
}
