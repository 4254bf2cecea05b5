//! Diagnostics and attribute paths, so Terraform can point at the offending line.

use std::fmt;

use crate::proto::tfplugin6 as pb;

/// One step into a value: an attribute, a map key, or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// An object's attribute.
    Attr(String),
    /// A map's element.
    Key(String),
    /// A list's element.
    Index(i64),
}

/// A path from the root of a resource's value to one attribute, e.g. `volume[0].size`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttributePath(pub Vec<Step>);

impl AttributePath {
    /// The path of the whole value.
    pub fn root() -> Self {
        AttributePath(Vec::new())
    }

    /// A path of one attribute name.
    pub fn attr(name: &str) -> Self {
        AttributePath(vec![Step::Attr(name.to_string())])
    }

    /// This path, then attribute `name`.
    pub fn then_attr(&self, name: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Step::Attr(name.to_string()));
        p
    }

    /// This path, then list element `i`.
    pub fn then_index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Step::Index(i as i64));
        p
    }

    /// This path, then map element `k`.
    pub fn then_key(&self, k: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Step::Key(k.to_string()));
        p
    }

    /// The attribute names along the path, joined by dots, without list indexes or
    /// map keys: `volume.size` for `volume[0].size`, as messages name an attribute.
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self
            .0
            .iter()
            .filter_map(|s| match s {
                Step::Attr(n) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        names.join(".")
    }

    /// Whether this is the path of the whole value.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The path as the protocol sends it.
    pub fn to_proto(&self) -> pb::AttributePath {
        use pb::attribute_path::step::Selector;
        pb::AttributePath {
            steps: self
                .0
                .iter()
                .map(|s| pb::attribute_path::Step {
                    selector: Some(match s {
                        Step::Attr(n) => Selector::AttributeName(n.clone()),
                        Step::Key(k) => Selector::ElementKeyString(k.clone()),
                        Step::Index(i) => Selector::ElementKeyInt(*i),
                    }),
                })
                .collect(),
        }
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Step::Attr(n) if i == 0 => write!(f, "{n}")?,
                Step::Attr(n) => write!(f, ".{n}")?,
                Step::Key(k) => write!(f, "[{k:?}]")?,
                Step::Index(x) => write!(f, "[{x}]")?,
            }
        }
        Ok(())
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The operation fails.
    Error,
    /// Terraform shows it and goes on.
    Warning,
}

/// An error or warning, as Terraform shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One line saying what is wrong.
    pub summary: String,
    /// The details: why, and what to do.
    pub detail: String,
    /// The attribute it is about; Terraform points at it in the configuration.
    pub path: Option<AttributePath>,
}

impl Diagnostic {
    /// The diagnostic as the protocol sends it.
    pub fn to_proto(&self) -> pb::Diagnostic {
        pb::Diagnostic {
            severity: match self.severity {
                Severity::Error => pb::diagnostic::Severity::Error,
                Severity::Warning => pb::diagnostic::Severity::Warning,
            } as i32,
            summary: self.summary.clone(),
            detail: self.detail.clone(),
            attribute: self.path.as_ref().filter(|p| !p.is_root()).map(AttributePath::to_proto),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.summary)?;
        if let Some(p) = &self.path {
            write!(f, " (at {p})")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// An ordered collection of diagnostics, the result channel of every provider call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// Diagnostics holding one error.
    pub fn with_error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut d = Diagnostics::new();
        d.error(summary, detail);
        d
    }

    /// Diagnostics holding one error at `path`.
    pub fn with_error_at(path: AttributePath, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut d = Diagnostics::new();
        d.error_at(path, summary, detail);
        d
    }

    /// Adds an error about the whole object.
    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Error, summary, detail, None);
    }

    /// Adds an error about the attribute at `path`.
    pub fn error_at(&mut self, path: AttributePath, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Error, summary, detail, Some(path));
    }

    /// Adds a warning about the whole object.
    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Warning, summary, detail, None);
    }

    /// Adds a warning about the attribute at `path`.
    pub fn warning_at(&mut self, path: AttributePath, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Warning, summary, detail, Some(path));
    }

    fn push(
        &mut self,
        severity: Severity,
        summary: impl Into<String>,
        detail: impl Into<String>,
        path: Option<AttributePath>,
    ) {
        self.0.push(Diagnostic { severity, summary: summary.into(), detail: detail.into(), path });
    }

    /// Adds all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The diagnostics, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// The diagnostics as the protocol sends them.
    pub fn to_proto(&self) -> Vec<pb::Diagnostic> {
        self.0.iter().map(Diagnostic::to_proto).collect()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_display_like_hcl_references() {
        let p = AttributePath::attr("volume").then_index(0).then_attr("size");
        assert_eq!(p.to_string(), "volume[0].size");
        assert_eq!(AttributePath::attr("tags").then_key("a").to_string(), "tags[\"a\"]");
        assert_eq!(p.to_proto().steps.len(), 3);
    }

    #[test]
    fn severity_and_path_reach_the_wire() {
        let mut d = Diagnostics::new();
        d.warning("w", "");
        d.error_at(AttributePath::attr("name"), "bad name", "too long");
        assert!(d.has_errors());
        let pb = d.to_proto();
        assert_eq!(pb[0].severity, pb::diagnostic::Severity::Warning as i32);
        assert!(pb[0].attribute.is_none());
        assert_eq!(pb[1].attribute.as_ref().unwrap().steps.len(), 1);
    }
}
