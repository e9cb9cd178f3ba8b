//! The pieces of `mdbook-faultline`, each testable without mdBook: reading a block
//! ([`block`]), finding blocks in a chapter's Markdown ([`chapter`]), the JSON protocol and the
//! walk over the book ([`protocol`]), copying the widget bundle into the book ([`assets`]) and
//! fitting its stylesheet to mdBook's page ([`css`]), and each block's poster ([`poster`]).

pub mod assets;
pub mod block;
pub mod chapter;
pub mod css;
pub mod poster;
pub mod protocol;
