//! Where a value does not fit its type.

use std::fmt;

use super::diagnostics::{AttributePath, Step};

/// A value that does not fit its type, and where in it: `volume[0].size`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// Where in the value.
    pub path: AttributePath,
    /// What is wrong there.
    pub message: String,
}

impl ShapeError {
    /// An error at the root of the value.
    pub fn new(message: impl Into<String>) -> Self {
        ShapeError { path: AttributePath::root(), message: message.into() }
    }

    /// The same error, one step further from the root.
    pub fn within(mut self, step: Step) -> Self {
        self.path.0.insert(0, step);
        self
    }

    /// The same error, inside attribute `name`.
    pub fn in_attr(self, name: &str) -> Self {
        self.within(Step::Attr(name.to_string()))
    }
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            write!(f, "(root): {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ShapeError {}
