//! Closed-form PBS staleness for quorums that do not grow after commit (paper, Sections 2–3).
//!
//! Model: each write is stored on a uniformly random set of `W` of the `N` replicas, each read
//! asks a uniformly random set of `R`, independently. Equation numbers follow Bailis et al.,
//! "Probabilistically Bounded Staleness for Practical Partial Quorums", PVLDB 5(8), 2012:
//!
//! - Eq. 1 (Section 2.1, probabilistic quorums): `p_s = C(N−W, R) / C(N, R)`, the chance the
//!   read quorum misses the write quorum entirely.
//! - Eq. 2 (Section 3.1, PBS k-staleness): `p_sk = p_s^k`, the chance of missing each of the
//!   last `k` independent write quorums, i.e. of returning something older than `k` versions.
//! - Eq. 3 (Section 3.2, PBS monotonic reads): k-staleness with
//!   `k = 1 + γ_gw / γ_cr` (global write rate over the client's read rate); `k = γ_gw / γ_cr`
//!   for strict monotonic reads.
//! - Eq. 4–5 (Sections 3.3–3.4, t-visibility and ⟨k,t⟩-staleness with instantaneous reads):
//!   `p_s = Σ_c P(c replicas hold the write at t) · C(N−c, R) / C(N, R)`, raised to `k`.
//!
//! For Dynamo-style expanding quorums these are upper bounds on staleness (Section 3.1): the
//! write keeps spreading after commit. The WARS Monte Carlo (`wars.rs`) models that.

use serde::{Deserialize, Serialize};

use super::quorum_sizes::QuorumSizes;
use crate::error::FieldError;

/// An exact probability `numerator / denominator`, in lowest terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct Fraction {
    pub numerator: u128,
    pub denominator: u128,
}

impl Fraction {
    pub fn to_f64(self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }
}

/// `C(N − c, R) / C(N, R)`: the chance that `R` replicas drawn without replacement all avoid
/// `c` marked ones. Computed as `Π_{i<R} (N − c − i) / (N − i)`: every factor is in `[0, 1]`,
/// so nothing overflows and the relative error stays within about `R` ulps (no factorials).
fn miss_probability(n: u32, marked: u32, r: u32) -> f64 {
    if marked + r > n {
        return 0.0;
    }
    (0..r).fold(1.0, |p, i| p * f64::from(n - marked - i) / f64::from(n - i))
}

/// Eq. 1: probability that a read quorum of `R` misses a write quorum of `W` out of `N`.
/// Zero exactly when `R + W > N` (strict quorums).
pub fn p_stale(n: u32, r: u32, w: u32) -> Result<f64, FieldError> {
    let sizes = QuorumSizes::new(n, r, w)?;
    Ok(miss_probability(sizes.n, sizes.w, sizes.r))
}

/// Eq. 1 as an exact fraction. `None` only if a binomial coefficient overflows `u128`
/// (possible for `N` above roughly 130 with `R` near `N/2`); use [`p_stale`] then.
pub fn p_stale_exact(n: u32, r: u32, w: u32) -> Result<Option<Fraction>, FieldError> {
    let sizes = QuorumSizes::new(n, r, w)?;
    let (Some(missing), Some(all)) = (binomial(sizes.n - sizes.w, sizes.r), binomial(sizes.n, sizes.r)) else {
        return Ok(None);
    };
    let divisor = gcd(missing, all).max(1);
    Ok(Some(Fraction { numerator: missing / divisor, denominator: all / divisor }))
}

/// Eq. 2: probability of returning a value more than `k` versions stale (missing all of the
/// last `k` independent write quorums): `p_s^k`.
pub fn p_stale_k_versions(n: u32, r: u32, w: u32, k: u32) -> Result<f64, FieldError> {
    if k == 0 {
        return Err(FieldError::new("k", "must be at least 1, got 0"));
    }
    Ok(power(p_stale(n, r, w)?, k))
}

/// Eq. 3: probability that a read violates (strict, if `strict`) monotonic reads for a
/// client reading at `client_read_rate` while all clients write at `global_write_rate` (any
/// common unit, e.g. operations per second): k-staleness with `k = 1 + γ_gw/γ_cr`
/// (`γ_gw/γ_cr` when strict: the client must see something newer than its last read).
pub fn p_stale_monotonic_reads(n: u32, r: u32, w: u32, global_write_rate: f64, client_read_rate: f64, strict: bool) -> Result<f64, FieldError> {
    positive_finite("global_write_rate", global_write_rate)?;
    positive_finite("client_read_rate", client_read_rate)?;
    let versions_between_reads = global_write_rate / client_read_rate;
    let k = if strict { versions_between_reads } else { 1.0 + versions_between_reads };
    Ok(libm::pow(p_stale(n, r, w)?, k))
}

/// Eq. 4 (k = 1) and Eq. 5 (k > 1): staleness of an instantaneous read when the write has
/// reached `c` replicas with probability `replicas_with_write[c]` (`c = 0..=N`, summing to 1).
/// This is how the closed form meets time: plug in the propagation distribution at time `t`.
/// With all mass on `c = W` it is Eq. 1 / Eq. 2 again.
pub fn p_stale_given_propagation(n: u32, r: u32, w: u32, replicas_with_write: &[f64], k: u32) -> Result<f64, FieldError> {
    let sizes = QuorumSizes::new(n, r, w)?;
    if k == 0 {
        return Err(FieldError::new("k", "must be at least 1, got 0"));
    }
    let expected_len = sizes.n as usize + 1;
    if replicas_with_write.len() != expected_len {
        return Err(FieldError::new(
            "replicas_with_write",
            format!("must have n + 1 ({expected_len}) probabilities, for 0..=n replicas, got {}", replicas_with_write.len()),
        ));
    }
    let mut total = 0.0;
    let mut single = 0.0;
    for (c, &p) in replicas_with_write.iter().enumerate() {
        if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
            return Err(FieldError::new(format!("replicas_with_write[{c}]"), format!("must be a probability in [0, 1], got {p}")));
        }
        total += p;
        single += p * miss_probability(sizes.n, c as u32, sizes.r);
    }
    if (total - 1.0).abs() > 1e-9 {
        return Err(FieldError::new("replicas_with_write", format!("must sum to 1, got {total}")));
    }
    Ok(power(single, k))
}

/// `base^k` by repeated squaring: plain multiplications, so identical bits on every target
/// (`f64::powi` lowers to an intrinsic whose rounding is not pinned down).
fn power(base: f64, mut k: u32) -> f64 {
    let (mut result, mut square) = (1.0, base);
    while k > 0 {
        if k & 1 == 1 {
            result *= square;
        }
        square *= square;
        k >>= 1;
    }
    result
}

fn positive_finite(field: &str, value: f64) -> Result<(), FieldError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(FieldError::new(field, format!("must be a finite number > 0, got {value}")))
    }
}

/// `C(n, k)` exactly, or `None` on `u128` overflow. Each step `c·(n−i)/(i+1)` is itself a
/// binomial coefficient, so the division is exact.
fn binomial(n: u32, k: u32) -> Option<u128> {
    if k > n {
        return Some(0);
    }
    let k = k.min(n - k);
    let mut c: u128 = 1;
    for i in 0..k {
        c = c.checked_mul(u128::from(n - i))? / u128::from(i + 1);
    }
    Some(c)
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}
