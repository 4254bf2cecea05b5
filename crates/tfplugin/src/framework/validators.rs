//! Attribute validators: they run on known, non-null configuration values and
//! report with the attribute's path. Each also describes itself for the docs.

use crate::protocol::{AttributePath, Diagnostics, Value};

/// A check of a configured value, run at validation time.
pub trait Validator: std::fmt::Debug + Send + Sync {
    /// Adds an error at `path` when `value` does not pass.
    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics);
    /// A short phrase for the docs, e.g. "one of `EVS`, `EFS`".
    fn describe(&self) -> String;
}

/// The value must be one of a fixed set of strings.
#[derive(Debug)]
pub struct OneOf(pub &'static [&'static str]);

impl Validator for OneOf {
    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Some(s) = value.as_str() {
            if !self.0.contains(&s) {
                diags.error_at(
                    path.clone(),
                    format!("Invalid value for {path}"),
                    format!("{s:?} is not {}.", self.describe()),
                );
            }
        }
    }

    fn describe(&self) -> String {
        let quoted: Vec<String> = self.0.iter().map(|v| format!("`{v}`")).collect();
        format!("one of {}", quoted.join(", "))
    }
}

/// String length in characters, inclusive.
#[derive(Debug)]
pub struct Length(pub usize, pub usize);

impl Validator for Length {
    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Some(s) = value.as_str() {
            let n = s.chars().count();
            if n < self.0 || n > self.1 {
                diags.error_at(
                    path.clone(),
                    format!("Invalid length for {path}"),
                    format!("The value is {n} characters long; it must be {}.", self.describe()),
                );
            }
        }
    }

    fn describe(&self) -> String {
        if self.0 == 0 {
            format!("at most {} characters", self.1)
        } else {
            format!("{} to {} characters", self.0, self.1)
        }
    }
}

/// Every character must satisfy a predicate.
#[derive(Debug)]
pub struct Chars {
    /// Which characters may appear.
    pub allowed: fn(char) -> bool,
    /// What is allowed, in words, for the error message.
    pub description: &'static str,
}

impl Validator for Chars {
    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Some(s) = value.as_str() {
            if let Some(bad) = s.chars().find(|c| !(self.allowed)(*c)) {
                diags.error_at(
                    path.clone(),
                    format!("Invalid character in {path}"),
                    format!("{bad:?} is not allowed: the value may contain {}.", self.description),
                );
            }
        }
    }

    fn describe(&self) -> String {
        format!("only {}", self.description)
    }
}

/// A whole number in an inclusive range.
#[derive(Debug)]
pub struct IntRange(pub i64, pub i64);

impl Validator for IntRange {
    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Value::Number(n) = value else { return };
        match n.as_i64() {
            Some(i) if i >= self.0 && i <= self.1 => {}
            _ => diags.error_at(
                path.clone(),
                format!("Invalid value for {path}"),
                format!("{n} is not a whole number from {} to {}.", self.0, self.1),
            ),
        }
    }

    fn describe(&self) -> String {
        format!("a whole number from {} to {}", self.0, self.1)
    }
}

/// A whole number not below a minimum.
#[derive(Debug)]
pub struct AtLeast(pub i64);

impl Validator for AtLeast {
    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Value::Number(n) = value else { return };
        match n.as_i64() {
            Some(i) if i >= self.0 => {}
            _ => diags.error_at(
                path.clone(),
                format!("Invalid value for {path}"),
                format!("{n} is not a whole number of at least {}.", self.0),
            ),
        }
    }

    fn describe(&self) -> String {
        format!("a whole number of at least {}", self.0)
    }
}

/// Any check written as a function returning an error detail.
#[derive(Debug)]
pub struct Check {
    /// The check; its error is the message's detail.
    pub check: fn(&Value) -> Result<(), String>,
    /// What is allowed, in words, for the error message.
    pub description: &'static str,
}

impl Validator for Check {
    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Err(detail) = (self.check)(value) {
            diags.error_at(path.clone(), format!("Invalid value for {path}"), detail);
        }
    }

    fn describe(&self) -> String {
        self.description.to_string()
    }
}

/// A check of a string value written as a function (null and unknown pass).
#[derive(Debug)]
pub struct Text {
    /// The check; its error is the message's detail.
    pub check: fn(&str) -> Result<(), String>,
    /// What is allowed, in words, for the error message.
    pub description: &'static str,
}

impl Validator for Text {
    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Some(Err(detail)) = value.as_str().map(self.check) {
            diags.error_at(path.clone(), format!("Invalid value for {path}"), detail);
        }
    }

    fn describe(&self) -> String {
        self.description.to_string()
    }
}

/// ValidateProviderConfig, ValidateResourceConfig, ValidateDataResourceConfig: the
/// block's configuration, after the schema's own validators have run.
#[derive(Debug)]
pub struct ValidateConfigRequest<'a> {
    /// The block; values may be unknown.
    pub config: &'a Value,
}

/// What a validation found.
#[derive(Debug, Default)]
pub struct ValidateConfigResponse {
    /// Problems found.
    pub diagnostics: Diagnostics,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: &dyn Validator, value: Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        v.validate(&value, &AttributePath::attr("x"), &mut d);
        d
    }

    #[test]
    fn validators_report_with_path() {
        assert!(run(&OneOf(&["A", "B"]), "A".into()).is_empty());
        let d = run(&OneOf(&["A", "B"]), "C".into());
        assert_eq!(d.0[0].path, Some(AttributePath::attr("x")));
        assert!(run(&Length(1, 3), "abcd".into()).has_errors());
        assert!(run(&Length(1, 3), "".into()).has_errors());
        assert!(run(&Length(1, 3), "héé".into()).is_empty());
        let c = Chars { allowed: |c| c.is_ascii_alphanumeric(), description: "letters and digits" };
        assert!(run(&c, "a-b".into()).has_errors());
        assert!(run(&IntRange(5, 10), Value::int(11)).has_errors());
        assert!(run(&IntRange(5, 10), Value::int(5)).is_empty());
        assert!(run(&AtLeast(0), Value::int(-1)).has_errors());
        assert!(run(&AtLeast(0), Value::Number(crate::protocol::Number::Float(0.5))).has_errors());
        let t =
            Text { check: |s| if s.ends_with('/') { Ok(()) } else { Err("no slash".into()) }, description: "a dir" };
        assert!(run(&t, "a/".into()).is_empty() && run(&t, Value::Unknown).is_empty());
        assert_eq!(run(&t, "a".into()).0[0].detail, "no slash");
    }
}
