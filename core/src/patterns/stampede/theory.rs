//! Closed forms for the figures the widget shows beside the run. Each derivation is in its
//! comment; `core/tests/stampede_theory.rs` checks them against independent Monte Carlo and
//! against the simulation.
//!
//! Notation: λ = request rate on the key (requests/s), δ = recompute time (s), from the first
//! miss until the new value is in the cache, β = XFetch's parameter, T = time left before
//! expiry (s), `ttl` = lifetime of a value (s).

/// Euler–Mascheroni constant γ.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// Expected recomputations at one expiry of a key without protection.
///
/// The first request after the expiry misses and starts a recompute that takes δ. Until the
/// new value is written, every request also misses and starts its own. Arrivals are Poisson
/// with rate λ and independent of δ, so the expected number arriving in the window is λ·E[δ]
/// (Wald's identity; exact for any distribution of δ), plus the first: **1 + λ·E[δ]**. This
/// holds while the database serves the herd in parallel; a saturated database stretches δ
/// and the herd grows beyond it.
pub fn expected_herd(lambda: f64, delta: f64) -> f64 {
    1.0 + lambda * delta
}

/// Expected recomputations at one expiry when each of `servers` app servers coalesces its
/// own requests (per-server singleflight or a local lock), requests spread evenly.
///
/// The first miss starts one recompute on its server. Each other server sees Poisson arrivals
/// at λ/n and starts one recompute iff at least one of its requests falls in the δ window:
/// probability 1 − exp(−λδ/n). So **1 + (n − 1)(1 − e^(−λδ/n))**, at most n.
pub fn expected_herd_per_server(lambda: f64, delta: f64, servers: u32) -> f64 {
    let n = servers.max(1) as f64;
    1.0 + (n - 1.0) * (1.0 - libm::exp(-lambda * delta / n))
}

/// Database queries per second with singleflight in each of `servers` app servers and no
/// cache behind it (what "singleflight is not a cache" shows).
///
/// Each server alternates between an execution (δ) and the wait for its next request, which
/// is Exp(λ/n) (Poisson arrivals thinned at random): a renewal process with mean cycle
/// δ + n/λ. So each server sends 1/(δ + n/λ) queries/s, and all of them **n/(δ + n/λ)** —
/// bounded by n/δ however high λ goes, and never 0.
pub fn singleflight_without_cache_qps(lambda: f64, delta: f64, servers: u32) -> f64 {
    let n = servers.max(1) as f64;
    n / (delta + n / lambda)
}

/// XFetch's per-request probability of recomputing at remaining time T.
///
/// The rule recomputes iff −δβ·ln(U) ≥ T with U uniform in (0, 1]. −ln U is Exp(1), so
/// P = P(−ln U ≥ T/(δβ)) = **exp(−T/(δβ))** for T ≥ 0, and 1 once expired (T ≤ 0).
pub fn xfetch_trigger_probability(remaining: f64, delta: f64, beta: f64) -> f64 {
    if remaining <= 0.0 {
        1.0
    } else {
        libm::exp(-remaining / (delta * beta))
    }
}

/// P(no request has triggered yet while the remaining time fell from `ttl` to `t`).
///
/// Requests arrive at rate λ and each triggers independently with exp(−T/c), c = δβ: the
/// triggers form a Poisson process of intensity λe^(−T/c) in T. Its mass on [t, ttl] is
/// λc(e^(−t/c) − e^(−ttl/c)), so S(t) = exp(−λc(e^(−t/c) − e^(−ttl/c))).
fn survival(t: f64, lambda: f64, c: f64, ttl: f64) -> f64 {
    libm::exp(-lambda * c * (libm::exp(-t / c) - libm::exp(-ttl / c)))
}

/// Where the integrands have died out: both decay like e^(−t/c), so beyond 60·c (a factor
/// e^(−60) ≈ 1e-26) nothing is left to integrate; the steps go where the mass is.
fn horizon(c: f64, ttl: f64) -> f64 {
    ttl.min(60.0 * c)
}

/// Simpson's rule over [a, b] with `n` (even) intervals.
fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    let n = n.max(2) & !1;
    let h = (b - a) / n as f64;
    let mut sum = f(a) + f(b);
    for i in 1..n {
        sum += f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    sum * h / 3.0
}

/// XFetch's expected lead time: how long before the expiry the first recompute starts
/// (0 when no request triggers early).
///
/// The lead L exceeds t iff a trigger happened while more than t remained: P(L > t) = 1 − S(t).
/// So **E[L] = ∫₀^ttl (1 − S(t)) dt**, integrated numerically. For ttl ≫ δβ, substituting
/// x = e^(−t/c) gives c·∫₀¹ (1 − e^(−ax))/x dx = c·Ein(a) = c(γ + ln a + E₁(a)) with a = λc
/// — [`xfetch_expected_lead_limit`], which the tests compare against.
pub fn xfetch_expected_lead(lambda: f64, delta: f64, beta: f64, ttl: f64) -> f64 {
    let c = delta * beta;
    simpson(|t| 1.0 - survival(t, lambda, c, ttl), 0.0, horizon(c, ttl), 8_000)
}

/// The ttl → ∞ limit of [`xfetch_expected_lead`]: δβ·Ein(λδβ).
pub fn xfetch_expected_lead_limit(lambda: f64, delta: f64, beta: f64) -> f64 {
    let c = delta * beta;
    c * ein(lambda * c)
}

/// Ein(a) = ∫₀^a (1 − e^(−x))/x dx = Σ_{k≥1} (−1)^(k+1) a^k / (k·k!) = γ + ln a + E₁(a).
fn ein(a: f64) -> f64 {
    if a <= 20.0 {
        let (mut sum, mut term) = (0.0, 1.0);
        for k in 1..200 {
            term *= a / k as f64; // a^k / k!
            let add = term / k as f64;
            sum += if k % 2 == 1 { add } else { -add };
            if add < 1e-17 * sum.abs() {
                break;
            }
        }
        sum
    } else {
        // E₁(a) ~ e^(−a)/a · (1 − 1/a + 2/a²): below 1e-9 here.
        EULER_GAMMA + libm::log(a) + libm::exp(-a) / a * (1.0 - 1.0 / a + 2.0 / (a * a))
    }
}

/// The large-load limit of [`xfetch_expected_recomputes`]: **e^(1/β)**.
///
/// For λδβ ≫ 1 (and ttl ≫ δβ) the first trigger comes well before expiry, so g(ℓ) ≈
/// λc·e^(−ℓ/c)·(e^(δ/c) − 1); and λc·e^(−L/c) is then Exp(1)-distributed (the first point of
/// a Poisson process of intensity e^(−x) on x = ℓ/c − ln λc), so E[g] → e^(δ/c) − 1 and
/// E[R] → e^(δ/c) = e^(1/β). With β = 1 an uncoordinated XFetch costs about e ≈ 2.72
/// recomputes per expiry however hot the key; β = 2 about 1.65, β = 0.5 about 7.4.
pub fn xfetch_recomputes_limit(beta: f64) -> f64 {
    libm::exp(1.0 / beta)
}

/// XFetch's expected recomputations per expiry cycle without coordination.
///
/// The first trigger comes at lead ℓ with density f(ℓ) = λe^(−ℓ/c)·S(ℓ) on [0, ttl]; with
/// probability S(0) nobody triggers early and the first request after expiry recomputes.
/// While that recompute runs (δ), every other request still evaluates the rule against the old
/// expiry: those at remaining T trigger at rate λ·min(1, e^(−T/c)). Over the window
/// (ℓ − δ, ℓ] that is g(ℓ) = λc(e^(−(ℓ−δ)/c) − e^(−ℓ/c)) for ℓ ≥ δ, and
/// λ(c(1 − e^(−ℓ/c)) + δ − ℓ) for ℓ < δ (past the expiry every request recomputes). So
/// **E[R] = 1 + ∫₀^ttl f(ℓ)g(ℓ) dℓ + S(0)·λδ**.
pub fn xfetch_expected_recomputes(lambda: f64, delta: f64, beta: f64, ttl: f64) -> f64 {
    let c = delta * beta;
    let window = |l: f64| {
        if l >= delta {
            lambda * c * (libm::exp(-(l - delta) / c) - libm::exp(-l / c))
        } else {
            lambda * (c * (1.0 - libm::exp(-l / c)) + delta - l)
        }
    };
    let density = |l: f64| lambda * libm::exp(-l / c) * survival(l, lambda, c, ttl);
    1.0 + simpson(|l| density(l) * window(l), 0.0, horizon(c, ttl), 8_000) + survival(0.0, lambda, c, ttl) * lambda * delta
}
