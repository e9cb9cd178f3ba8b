//! Load balance against theory, with tolerances derived from the sampling error.

use faultline_core::patterns::ring::karger::KargerRing;
use faultline_core::patterns::ring::key::hash_text;
use faultline_core::patterns::ring::maglev::Maglev;
use faultline_core::patterns::ring::rendezvous::Rendezvous;
use faultline_core::patterns::ring::stats::{balance, StatsAccumulator};
use faultline_core::patterns::ring::Placement;

/// Exact share of the circle owned by each node: a token owns the arc from its predecessor
/// (exclusive) up to itself.
fn ring_shares(ring: &KargerRing) -> Vec<f64> {
    let tokens = ring.tokens();
    let owners = ring.token_owners();
    let mut shares = vec![0.0; ring.nodes().id_bound()];
    for i in 0..tokens.len() {
        let previous = if i == 0 { tokens[tokens.len() - 1] } else { tokens[i - 1] };
        let arc = tokens[i].wrapping_sub(previous);
        shares[owners[i].index()] += arc as f64 / 18_446_744_073_709_551_616.0;
    }
    shares
}

fn cv(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    var.sqrt() / mean
}

/// Theory: T = N·V tokens uniform on the circle cut it into spacings; a node's share is the
/// sum of V of them, distributed Beta(V, T − V), so its CV is √((T − V) / (V (T + 1))) ≈
/// √((1 − 1/N) / V) — the familiar 1/√V.
///
/// Tolerance: the CV is estimated from N node shares; the relative standard error of a sample
/// standard deviation is ≈ √((κ − 1) / (4N)) with κ the kurtosis (≈ 3 + 6/V for a Gamma(V)
/// share). We accept 3.5 standard errors (plus 1 % for the mean's own error).
#[test]
fn vnode_ring_share_cv_is_about_one_over_sqrt_v() {
    let nodes = 200u32;
    for vnodes in [1u32, 16, 256] {
        let ring = KargerRing::new(nodes, vnodes).unwrap();
        let shares = ring_shares(&ring);
        let measured = cv(&shares);
        let (n, v) = (f64::from(nodes), f64::from(vnodes));
        let t = n * v;
        let expected = ((t - v) / (v * (t + 1.0))).sqrt();
        let kurtosis = 3.0 + 6.0 / v;
        let tolerance = 3.5 * ((kurtosis - 1.0) / (4.0 * n)).sqrt() + 0.01;
        let relative_error = (measured / expected - 1.0).abs();
        eprintln!("V={vnodes}: share CV {measured:.4}, theory {expected:.4}, rel. error {relative_error:.3} (tolerance {tolerance:.3})");
        assert!(relative_error < tolerance, "V={vnodes}: CV {measured:.4} vs theory {expected:.4} (±{tolerance:.2})");
    }
}

/// With m keys the per-node key count adds multinomial noise: CV² ≈ (1 − 1/N)/V + (N − 1)/m.
#[test]
fn vnode_ring_key_count_cv_adds_sampling_noise() {
    let (nodes, vnodes, keys) = (100u32, 100u32, 200_000u64);
    let ring = KargerRing::new(nodes, vnodes).unwrap();
    let mut acc = StatsAccumulator::new(ring.nodes().id_bound());
    let hashes: Vec<u64> = (0..keys).map(|i| hash_text(&format!("key-{i}"))).collect();
    for batch in hashes.chunks(4096) {
        acc.add_key_hashes(&ring, batch);
    }
    let measured = acc.key_balance(ring.nodes()).cv;
    let (n, v, m) = (f64::from(nodes), f64::from(vnodes), keys as f64);
    let expected = ((1.0 - 1.0 / n) / v + (n - 1.0) / m).sqrt();
    let tolerance = 3.5 * (2.0 / (4.0 * n)).sqrt() + 0.01;
    eprintln!("key-count CV {measured:.4}, theory {expected:.4} (tolerance ±{tolerance:.3} relative)");
    assert!((measured / expected - 1.0).abs() < tolerance, "CV {measured:.4} vs {expected:.4} (±{tolerance:.2})");
}

/// Maglev's populate loop hands out slots round-robin, so with equal weights every backend
/// has ⌊M/N⌋ or ⌈M/N⌉ entries (the paper's balance guarantee), and no slot is left empty.
#[test]
fn maglev_table_is_full_and_balanced_within_one_entry() {
    for (nodes, m) in [(1u32, 7u64), (3, 13), (100, 65_537), (1_000, 65_537), (7, 7)] {
        let maglev = Maglev::new(nodes, m).unwrap();
        assert_eq!(maglev.table().len() as u64, m);
        let mut counts = vec![0u64; maglev.nodes().id_bound()];
        for node in maglev.table() {
            assert!(maglev.nodes().contains(*node));
            counts[node.index()] += 1;
        }
        let floor = m / u64::from(nodes);
        let ceil = m.div_ceil(u64::from(nodes));
        assert!(counts.iter().all(|&c| c == floor || c == ceil), "N={nodes} M={m}: {counts:?}");
    }
}

#[test]
fn maglev_weights_scale_the_number_of_slots() {
    let mut maglev = Maglev::new(4, 65_537).unwrap();
    let heavy = maglev.nodes().find("node-0").unwrap();
    maglev.set_weight(heavy, 3).unwrap();
    let slots = maglev.table().iter().filter(|&&n| n == heavy).count() as f64;
    // 3 of 6 turns per round: within one round (6 slots) of half the table.
    assert!((slots - 65_537.0 / 2.0).abs() <= 6.0, "{slots}");
}

/// Weighted rendezvous (−w/ln h) gives node i the share w_i/Σw. Binomial standard error with
/// 10^5 keys is ≤ 0.0016; we allow 0.008 (5 σ).
#[test]
fn weighted_rendezvous_shares_follow_the_weights() {
    let mut hrw = Rendezvous::new(4).unwrap();
    for (name, weight) in [("node-1", 2), ("node-2", 3), ("node-3", 4)] {
        hrw.set_weight(hrw.nodes().find(name).unwrap(), weight).unwrap();
    }
    let mut acc = StatsAccumulator::new(hrw.nodes().id_bound());
    let hashes: Vec<u64> = (0..100_000).map(|i| hash_text(&format!("key-{i}"))).collect();
    acc.add_key_hashes(&hrw, &hashes);
    for (id, info) in hrw.nodes().iter() {
        let share = acc.keys_on(id) as f64 / 100_000.0;
        let expected = f64::from(info.weight) / 10.0;
        assert!((share - expected).abs() < 0.008, "{}: {share} vs {expected}", info.name);
    }
}

/// Hand-computed: loads 1, 2, 3, 6 → mean 3, variance (4+1+0+9)/4 = 3.5, CV = √3.5/3,
/// peak/mean = 2, min/mean = 1/3.
#[test]
fn balance_of_a_hand_computed_example() {
    let b = balance(&[1, 2, 3, 6]);
    assert_eq!(b.total, 12);
    assert_eq!(b.mean, 3.0);
    assert_eq!((b.min, b.max), (1, 6));
    assert!((b.cv - 3.5f64.sqrt() / 3.0).abs() < 1e-12);
    assert_eq!(b.peak_to_mean, 2.0);
    assert!((b.min_to_mean - 1.0 / 3.0).abs() < 1e-12);
    let even = balance(&[5, 5, 5]);
    assert_eq!((even.cv, even.peak_to_mean, even.min_to_mean), (0.0, 1.0, 1.0));
    let empty = balance(&[]);
    assert_eq!((empty.mean, empty.cv), (0.0, 0.0));
}

/// A two-node, one-vnode ring checked by hand: keys at or before the smaller token go to it,
/// keys after the larger token wrap around to the smaller one.
#[test]
fn tiny_ring_by_hand() {
    use faultline_core::patterns::ring::karger::vnode_token;
    let ring = KargerRing::new(2, 1).unwrap();
    let t0 = vnode_token("node-0", 0);
    let t1 = vnode_token("node-1", 0);
    assert_eq!(t0, hash_text("node-0#0"));
    let (low, low_name, high, high_name) = if t0 < t1 { (t0, "node-0", t1, "node-1") } else { (t1, "node-1", t0, "node-0") };
    let name = |h| ring.nodes().name(ring.owner(h));
    assert_eq!(name(0), low_name);
    assert_eq!(name(low), low_name);
    assert_eq!(name(low + 1), high_name);
    assert_eq!(name(high), high_name);
    assert_eq!(name(high.wrapping_add(1)), low_name);
    assert_eq!(name(u64::MAX), if high == u64::MAX { high_name } else { low_name });
}
