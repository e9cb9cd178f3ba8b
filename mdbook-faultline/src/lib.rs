//! The pieces of `mdbook-faultline`, each testable without mdBook: reading a block
//! ([`block`]), finding blocks in a chapter's Markdown ([`chapter`]), the JSON protocol and the
//! walk over the book ([`protocol`]), and copying the widget bundle into the book ([`assets`]).

pub mod assets;
pub mod block;
pub mod chapter;
pub mod protocol;
