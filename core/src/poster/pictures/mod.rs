//! Each pattern's state picture for a poster ([`crate::engine::Pattern::poster_picture`]):
//! drawn from the pattern's own state with the poster's classes, so the picture follows the
//! poster's theme. A pattern without one gets its card's schematic.

#[cfg(feature = "breaker")]
pub mod breaker;
#[cfg(feature = "quorum")]
pub mod quorum;
#[cfg(feature = "ring")]
pub mod ring;
#[cfg(feature = "stampede")]
pub mod stampede;

use std::fmt::Write;

use super::svg::num;

/// An arrowhead at `tip`, pointing away from `from` (no `<marker>`: it would need an `id`, and
/// two inlined posters would share it).
pub(crate) fn arrowhead(out: &mut String, from: (f64, f64), tip: (f64, f64)) {
    let (dx, dy) = (tip.0 - from.0, tip.1 - from.1);
    let len = libm::sqrt(dx * dx + dy * dy).max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (tip.0 - ux * 10.0, tip.1 - uy * 10.0);
    let (px, py) = (-uy * 5.0, ux * 5.0);
    let _ = write!(
        out,
        "<path class=\"flp-head\" d=\"M{},{} L{},{} L{},{} z\"/>",
        num(tip.0),
        num(tip.1),
        num(bx + px),
        num(by + py),
        num(bx - px),
        num(by - py)
    );
}
