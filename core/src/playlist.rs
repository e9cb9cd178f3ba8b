//! A presenter's playlist: several lessons of one widget shown one after another, walked with
//! the same clicker keys that walk a lesson's moments. Past the last moment of a lesson the
//! next key opens the next lesson; before the first, the previous lesson (at its end, so going
//! back and forth returns to where the presenter was).

use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Playlist {
    lessons: Vec<String>,
    current: usize,
}

/// Where a clicker press leads when the lesson on screen has no moment left that way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn<'a> {
    /// Open this lesson at its start.
    Next(&'a str),
    /// Open this lesson at its end.
    Previous(&'a str),
    /// The playlist's first or last lesson: nowhere to go.
    Edge,
}

impl Playlist {
    /// A playlist of `lessons` (comma-separated preset names), each one of `known`. The first
    /// lesson is the one on screen.
    pub fn parse(text: &str, known: &[&str]) -> Result<Self, FieldError> {
        let lessons: Vec<String> = text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
        if lessons.is_empty() {
            return Err(FieldError::new("playlist", "the playlist names no lesson (write lesson names separated by commas)"));
        }
        if let Some(unknown) = lessons.iter().find(|l| !known.contains(&l.as_str())) {
            return Err(FieldError::new("playlist", format!("no lesson called \"{unknown}\"; this widget has: {}", known.join(", "))));
        }
        Ok(Self { lessons, current: 0 })
    }

    pub fn current(&self) -> &str {
        &self.lessons[self.current]
    }

    /// `(position from 1, length)`, for "Lesson 2 of 5".
    pub fn position(&self) -> (usize, usize) {
        (self.current + 1, self.lessons.len())
    }

    /// The lesson a press leads to once the current one is walked through that way.
    pub fn turn(&mut self, forward: bool) -> Turn<'_> {
        match (forward, self.current) {
            (true, i) if i + 1 < self.lessons.len() => {
                self.current = i + 1;
                Turn::Next(&self.lessons[self.current])
            }
            (false, i) if i > 0 => {
                self.current = i - 1;
                Turn::Previous(&self.lessons[self.current])
            }
            _ => Turn::Edge,
        }
    }

    /// Makes `lesson` the current one if it is in the playlist (a lesson picked by hand).
    pub fn follow(&mut self, lesson: &str) {
        if let Some(i) = self.lessons.iter().position(|l| l == lesson) {
            self.current = i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["a", "b", "c"];

    #[test]
    fn presses_walk_the_lessons_in_order_and_stop_at_both_ends() {
        let mut p = Playlist::parse(" a, c ,b", KNOWN).unwrap();
        assert_eq!((p.current(), p.position()), ("a", (1, 3)));
        assert_eq!(p.turn(false), Turn::Edge);
        assert_eq!(p.turn(true), Turn::Next("c"));
        assert_eq!(p.turn(true), Turn::Next("b"));
        assert_eq!(p.position(), (3, 3));
        assert_eq!(p.turn(true), Turn::Edge);
        assert_eq!(p.turn(false), Turn::Previous("c"));
        p.follow("a");
        assert_eq!(p.position(), (1, 3));
        p.follow("not in it");
        assert_eq!(p.current(), "a");
    }

    #[test]
    fn unknown_or_missing_lessons_are_refused_listing_the_valid_ones() {
        let e = Playlist::parse("a,zz", KNOWN).unwrap_err();
        assert_eq!(e.field, "playlist");
        assert!(e.message.contains("\"zz\"") && e.message.contains("a, b, c"), "{e}");
        assert_eq!(Playlist::parse(" , ", KNOWN).unwrap_err().field, "playlist");
    }
}
