//! Decimal text to the nearest `f64`, ties to even: what `str::parse::<f64>` returns.
//!
//! Hand-written because the standard parser carries a 10 KB table of powers of five (its
//! Eisel-Lemire path) into the wasm, where nearly every number a scenario holds is short enough
//! for the exact fast path below. The rest take a slower exact path over small big integers:
//! a few hundred numbers in a long link, never a hot loop. `core/tests/json_float.rs` checks it
//! against `str::parse` on random and edge-case inputs.

/// `text` is a JSON number (sign, digits, optional fraction and exponent, already checked).
/// `None` when it is too large for an `f64`.
pub fn parse_f64(text: &str) -> Option<f64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], rest[at + 1..].parse::<i64>().unwrap_or(if rest[at + 1..].starts_with('-') { i64::MIN / 2 } else { i64::MAX / 2 })),
        None => (rest, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The significant digits, and the power of ten they are scaled by.
    let mut digits: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).map(|b| b - b'0').skip_while(|&d| d == 0).collect();
    let mut exp10 = exponent.saturating_sub(frac_part.len() as i64);
    while digits.last() == Some(&0) {
        digits.pop();
        exp10 += 1;
    }
    let magnitude = if digits.is_empty() {
        0.0
    } else if let Some(exact) = fast_path(&digits, exp10) {
        exact
    } else {
        slow_path(&digits, exp10)?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// Clinger's fast path: up to 15 digits times an exact power of ten is one correctly rounded
/// operation on two exact values.
fn fast_path(digits: &[u8], exp10: i64) -> Option<f64> {
    if digits.len() > 15 || !(-22..=22).contains(&exp10) {
        return None;
    }
    let w = digits.iter().fold(0u64, |acc, &d| acc * 10 + d as u64) as f64;
    let power = (0..exp10.unsigned_abs()).fold(1.0f64, |p, _| p * 10.0);
    Some(if exp10 >= 0 { w * power } else { w / power })
}

/// The exact quotient of big integers, rounded to 53 bits.
fn slow_path(digits: &[u8], exp10: i64) -> Option<f64> {
    let n = digits.len() as i64;
    if n + exp10 > 310 {
        return None;
    }
    if n + exp10 < -325 {
        return Some(0.0);
    }
    let mut numerator = Big::from_digits(digits);
    let mut denominator = Big::one();
    if exp10 >= 0 {
        numerator.mul_pow10(exp10 as u32);
    } else {
        denominator.mul_pow10((-exp10) as u32);
    }
    // value = numerator / denominator = q × 2^k + rest, with q of 54 or 55 bits.
    let mut k = numerator.bits() as i64 - denominator.bits() as i64 - 54;
    if k >= 0 {
        denominator.shl(k as u32);
    } else {
        numerator.shl((-k) as u32);
    }
    let (mut q, remainder_nonzero) = numerator.div_small_quotient(&denominator);
    let mut sticky = remainder_nonzero;
    while q >= 1 << 54 {
        sticky |= q & 1 == 1;
        q >>= 1;
        k += 1;
    }
    // q has 54 bits: 53 for the mantissa and one to round with, at binary exponent e.
    let mut e = k + 1;
    let mut shift = 1u32;
    if e < -1074 {
        // Subnormal: fewer mantissa bits.
        let extra = (-1074 - e).min(60) as u32;
        shift += extra;
        e = -1074;
    }
    let (mut m, round, below) =
        if shift >= 64 { (0u64, false, q != 0) } else { (q >> shift, (q >> (shift - 1)) & 1 == 1, q & ((1u64 << (shift - 1)) - 1) != 0) };
    sticky |= below;
    if round && (sticky || m & 1 == 1) {
        m += 1;
        if m == 1 << 53 {
            m >>= 1;
            e += 1;
        }
    }
    if e > 971 {
        return None;
    }
    let bits = if m >= 1 << 52 { (((e + 1075) as u64) << 52) | (m - (1 << 52)) } else { m };
    Some(f64::from_bits(bits))
}

/// An unsigned big integer, little-endian 32-bit limbs.
struct Big(Vec<u32>);

impl Big {
    fn one() -> Big {
        Big(vec![1])
    }

    fn from_digits(digits: &[u8]) -> Big {
        let mut big = Big(vec![0]);
        for &d in digits {
            big.mul_add(10, d as u32);
        }
        big
    }

    fn mul_add(&mut self, factor: u32, add: u32) {
        let mut carry = add as u64;
        for limb in &mut self.0 {
            let v = *limb as u64 * factor as u64 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut power: u32) {
        while power >= 9 {
            self.mul_add(1_000_000_000, 0);
            power -= 9;
        }
        self.mul_add(10u32.pow(power), 0);
    }

    fn trim(&mut self) {
        while self.0.len() > 1 && self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn bits(&self) -> u32 {
        let top = self.0.iter().rposition(|&l| l != 0).unwrap_or(0);
        top as u32 * 32 + (32 - self.0[top].leading_zeros())
    }

    fn shl(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let v = *limb;
                *limb = (v << bits) | carry;
                carry = v >> (32 - bits);
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    fn shr1(&mut self) {
        let mut carry = 0;
        for limb in self.0.iter_mut().rev() {
            let v = *limb;
            *limb = (v >> 1) | (carry << 31);
            carry = v & 1;
        }
        self.trim();
    }

    fn cmp(&self, other: &Big) -> std::cmp::Ordering {
        let (a, b) = (self.0.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1), other.0.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1));
        a.cmp(&b).then_with(|| self.0[..a].iter().rev().cmp(other.0[..b].iter().rev()))
    }

    fn sub(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = *limb as i64 - other.0.get(i).copied().unwrap_or(0) as i64 - borrow;
            *limb = v.rem_euclid(1 << 32) as u32;
            borrow = (v < 0) as i64;
        }
        self.trim();
    }

    /// `self / divisor` where the quotient is known to be below 2^56, and whether a remainder
    /// is left: long division one bit at a time.
    fn div_small_quotient(mut self, divisor: &Big) -> (u64, bool) {
        let mut shifted = Big(divisor.0.clone());
        shifted.shl(56);
        let mut q = 0u64;
        for bit in (0..=56).rev() {
            if self.cmp(&shifted) != std::cmp::Ordering::Less {
                self.sub(&shifted);
                q |= 1 << bit;
            }
            shifted.shr1();
        }
        self.trim();
        (q, self.0.iter().any(|&l| l != 0))
    }
}
