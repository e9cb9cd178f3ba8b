//! The closed forms of `stampede::theory` against independent Monte Carlo of the process they
//! describe, and against the live simulation. Fixed seeds; each tolerance is justified where
//! it is set (about 4 standard errors, so a correct formula fails with odds below 1 in 10⁴).

use faultline_core::engine::{Latency, NetworkConfig, SimRng, Simulation};
use faultline_core::patterns::stampede::freshness::xfetch_recompute;
use faultline_core::patterns::stampede::theory::*;
use faultline_core::patterns::stampede::{DbParams, Protection, StampedeMetrics, StampedeParams, StampedeSim};

#[test]
fn the_xfetch_rule_triggers_with_probability_exp_minus_t_over_delta_beta() {
    let mut rng = SimRng::from_seed(42);
    let n = 200_000;
    let (delta, beta) = (100_000u64, 1.5); // δ = 100 ms in ticks
    let expiry = 10_000_000u64;
    for remaining_ms in [0.0, 20.0, 150.0, 400.0] {
        let remaining = (remaining_ms * 1_000.0) as u64;
        let now = expiry - remaining;
        let hits = (0..n).filter(|_| xfetch_recompute(now, delta, beta, expiry, rng.open_unit())).count();
        let p = xfetch_trigger_probability(remaining_ms / 1_000.0, 0.1, beta);
        let got = hits as f64 / n as f64;
        // Binomial standard error ≤ √(0.25/n) ≈ 0.0011; 0.005 is > 4 of them.
        assert!((got - p).abs() < 0.005, "T = {remaining_ms} ms: {got} vs {p}");
    }
    assert_eq!(xfetch_trigger_probability(-1.0, 0.1, 1.0), 1.0);
}

#[test]
fn the_lead_time_integral_meets_its_closed_form_limit() {
    // For ttl ≫ δβ the numeric E[L] must equal δβ·Ein(λδβ), derived independently.
    for (lambda, delta, beta) in [(300.0, 0.1, 1.0), (50.0, 0.05, 2.0), (5.0, 0.2, 1.0), (1_000.0, 0.02, 0.5)] {
        let numeric = xfetch_expected_lead(lambda, delta, beta, 60.0);
        let limit = xfetch_expected_lead_limit(lambda, delta, beta);
        assert!((numeric - limit).abs() < 1e-6 * limit.max(1e-3) + 1e-9, "{lambda} {delta} {beta}: {numeric} vs {limit}");
    }
}

/// One XFetch cycle by direct simulation of the process in the paper, with no engine: Poisson
/// arrivals from the write at 0; each arrival before expiry recomputes with the rule; every
/// arrival after expiry recomputes; the first recompute's value lands δ later and ends the
/// cycle. Returns (lead of the first recompute, recomputes).
fn xfetch_cycle(rng: &mut SimRng, lambda: f64, delta: f64, beta: f64, ttl: f64) -> (f64, u32) {
    let mut t = 0.0;
    let mut first: Option<f64> = None;
    let mut count = 0;
    loop {
        t += -libm::log(rng.open_unit()) / lambda;
        if first.is_some_and(|f| t >= f + delta) {
            return ((ttl - first.unwrap()).max(0.0), count);
        }
        let remaining = ttl - t;
        let triggers = remaining <= 0.0 || -delta * beta * libm::log(rng.open_unit()) >= remaining;
        if triggers {
            count += 1;
            first.get_or_insert(t);
        }
    }
}

#[test]
fn lead_time_and_recomputes_per_cycle_match_a_direct_monte_carlo() {
    let mut rng = SimRng::from_seed(7);
    for (lambda, delta, beta, ttl) in [(300.0, 0.1, 1.0, 5.0), (20.0, 0.1, 1.0, 2.0), (100.0, 0.05, 3.0, 1.0)] {
        let trials = 20_000;
        let (mut leads, mut counts) = (Vec::new(), Vec::new());
        for _ in 0..trials {
            let (l, c) = xfetch_cycle(&mut rng, lambda, delta, beta, ttl);
            leads.push(l);
            counts.push(c as f64);
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let se = |v: &[f64]| {
            let m = mean(v);
            (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64 / v.len() as f64).sqrt()
        };
        let lead = xfetch_expected_lead(lambda, delta, beta, ttl);
        let recomputes = xfetch_expected_recomputes(lambda, delta, beta, ttl);
        // 4.5 standard errors of the Monte Carlo mean (plus a hair for the integration).
        assert!((mean(&leads) - lead).abs() < 4.5 * se(&leads) + 1e-4, "lead {lambda}/{delta}/{beta}: {} vs {lead}", mean(&leads));
        assert!(
            (mean(&counts) - recomputes).abs() < 4.5 * se(&counts) + 1e-3,
            "recomputes {lambda}/{delta}/{beta}: {} vs {recomputes}",
            mean(&counts)
        );
    }
}

#[test]
fn the_herd_formulas_match_a_direct_monte_carlo() {
    // Unprotected: 1 + λδ; per-server coalescing: 1 + (n−1)(1 − e^(−λδ/n)).
    let mut rng = SimRng::from_seed(3);
    let (lambda, delta, n) = (60.0, 0.1, 4u32);
    let trials = 50_000;
    let (mut herd, mut per_server) = (0.0, 0.0);
    for _ in 0..trials {
        // Arrivals in the δ window after the first miss, each at a random server.
        let mut busy = vec![false; n as usize];
        busy[rng.below(n as u64) as usize] = true;
        let mut t = 0.0;
        let mut count = 1.0;
        loop {
            t += -libm::log(rng.open_unit()) / lambda;
            if t >= delta {
                break;
            }
            count += 1.0;
            busy[rng.below(n as u64) as usize] = true;
        }
        herd += count;
        per_server += busy.iter().filter(|&&b| b).count() as f64;
    }
    // Herd: Poisson(6) + 1, sd ≈ 2.45, standard error ≈ 0.011: ±0.05 is 4.5 of them.
    assert!((herd / trials as f64 - expected_herd(lambda, delta)).abs() < 0.05);
    // Busy servers: sd < 1, standard error < 0.0045: ±0.02.
    assert!((per_server / trials as f64 - expected_herd_per_server(lambda, delta, n)).abs() < 0.02);
}

fn run_sim(params: StampedeParams, seconds: f64, seed: u64) -> StampedeMetrics {
    // No network latency, a database that never queues: δ is exactly the recompute time.
    let network = NetworkConfig { latency: Latency::Constant { ms: 0.0 }, drop_probability: 0.0 };
    let mut sim = Simulation::<StampedeSim>::start(&params, seed, network, 0);
    sim.run_until((seconds * 1_000_000.0) as u64, &[]);
    sim.metrics()
}

fn one_hot_key(rate: f64, protection: Protection) -> StampedeParams {
    StampedeParams {
        requests_per_second: rate,
        keys: 1,
        app_servers: 4,
        ttl_ms: 1_000.0,
        recompute: Latency::Constant { ms: 100.0 },
        db: DbParams { concurrency: 512, queue_limit: 1_000, timeout_ms: 5_000.0 },
        protection,
        ..StampedeParams::default()
    }
}

#[test]
fn the_simulated_unprotected_herd_is_one_plus_lambda_delta() {
    let m = run_sim(one_hot_key(300.0, Protection::None), 150.0, 11);
    let expected = expected_herd(300.0, 0.1);
    assert_eq!(m.theory.expected_recomputes, Some(expected));
    let got = m.hot_key_mean_recomputes.unwrap();
    // ≈ 136 cycles of 1 + Poisson(30): standard error ≈ 5.5/√136 ≈ 0.47; ±2 is > 4 of them.
    assert!(m.hot_key_cycles > 120, "{}", m.hot_key_cycles);
    assert!((got - expected).abs() < 2.0, "{got} vs {expected}");
}

#[test]
fn the_simulated_per_server_singleflight_herd_matches_its_formula() {
    let m = run_sim(one_hot_key(40.0, Protection::Singleflight), 200.0, 5);
    let expected = expected_herd_per_server(40.0, 0.1, 4);
    let got = m.hot_key_mean_recomputes.unwrap();
    // Per cycle the count is in [1, 4] (sd < 1.5): over ≈ 180 cycles the standard error is
    // < 0.11; ±0.45 is 4 of them.
    assert!((got - expected).abs() < 0.45, "{got} vs {expected}");
    assert!(m.largest_herd <= 4);
}

#[test]
fn the_simulated_xfetch_lead_and_recomputes_match_the_theory() {
    let m = run_sim(one_hot_key(300.0, Protection::Xfetch { beta: 1.0, singleflight: false }), 300.0, 9);
    let lead = xfetch_expected_lead(300.0, 0.1, 1.0, 1.0) * 1_000.0;
    let recomputes = xfetch_expected_recomputes(300.0, 0.1, 1.0, 1.0);
    let (got_lead, got_recomputes) = (m.hot_key_mean_lead_ms.unwrap(), m.hot_key_mean_recomputes.unwrap());
    // Per cycle, the lead has sd ≈ δβ·π/√6 ≈ 128 ms at most (a Gumbel-like first trigger) and
    // the count is 1 + Poisson(< λδ(1 − e^(−1))) (sd < 4.6); over ≈ 270 cycles the standard
    // errors are < 8 ms and < 0.3: tolerances of 35 ms and 1.3.
    assert!(m.hot_key_cycles > 250, "{}", m.hot_key_cycles);
    assert!((got_lead - lead).abs() < 35.0, "lead {got_lead} vs {lead}");
    assert!((got_recomputes - recomputes).abs() < 1.3, "recomputes {got_recomputes} vs {recomputes}");
    assert!(m.counts.early_recomputes > 0);
}

#[test]
fn singleflight_without_a_cache_sends_n_over_delta_plus_n_over_lambda_queries_per_second() {
    let params = StampedeParams { cache_enabled: false, ..one_hot_key(200.0, Protection::Singleflight) };
    let seconds = 120.0;
    let m = run_sim(params, seconds, 13);
    let expected = singleflight_without_cache_qps(200.0, 0.1, 4);
    assert_eq!(m.theory.expected_db_qps.map(|q| (q * 1e9).round()), Some((expected * 1e9).round()));
    let got = m.counts.db_queries as f64 / seconds;
    // A renewal count over ≈ 4000 cycles: its relative standard error is below 1 %; ±3 %.
    assert!((got - expected).abs() < 0.03 * expected, "{got} vs {expected}");
    assert!(m.counts.shared > m.counts.misses, "most requests share an execution");
}

#[test]
fn uncoordinated_xfetch_costs_e_to_the_one_over_beta_recomputes_under_heavy_load() {
    for beta in [0.5, 1.0, 2.0] {
        let limit = xfetch_recomputes_limit(beta);
        // λδβ = 2000: the neglected terms are O(1/(λδβ)) and e^(−ttl/δβ).
        let integral = xfetch_expected_recomputes(20_000.0, 0.1, beta, 60.0);
        assert!((integral - limit).abs() < 0.01 * limit, "β = {beta}: {integral} vs e^(1/β) = {limit}");
    }
    // And under light load it is smaller: fewer requests see the window.
    assert!(xfetch_expected_recomputes(20.0, 0.1, 1.0, 5.0) < xfetch_recomputes_limit(1.0));
}
