//! Terraform values: what travels inside a `DynamicValue`, decoded against a [`Type`].

use std::collections::BTreeMap;
use std::fmt;

use super::diagnostics::{AttributePath, Step};
use super::name::Name;
use super::object::Attrs;
use super::types::Type;

pub use super::shape::ShapeError;

/// A number as Terraform sends it: msgpack integers stay exact, anything else is a float.
#[derive(Clone, Copy, Debug)]
pub enum Number {
    /// An integer, exact.
    Int(i64),
    /// Any other number.
    Float(f64),
}

impl Number {
    /// The number as a float (large integers lose precision).
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    /// The exact integer, if this number is one.
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            Number::Float(_) => None,
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (a, b) => a.as_f64() == b.as_f64(),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

/// A Terraform value. Collections and structural values carry no type: the schema
/// supplies it when encoding and decoding.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// No value.
    #[default]
    Null,
    /// Not known until apply ("known after apply").
    Unknown,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A list.
    List(Vec<Value>),
    /// A set (order does not matter).
    Set(Vec<Value>),
    /// A map.
    Map(BTreeMap<String, Value>),
    /// An object: its attributes, sorted by name.
    Object(Attrs<Value>),
    /// A tuple.
    Tuple(Vec<Value>),
}

impl Value {
    /// A string value.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// An integer value.
    pub fn int(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }

    /// `Some(s)` as a string value, `None` as null.
    pub fn opt_string(s: Option<impl Into<String>>) -> Value {
        s.map_or(Value::Null, |s| Value::String(s.into()))
    }

    /// An object of these attributes.
    pub fn object<I, S>(attrs: I) -> Value
    where
        I: IntoIterator<Item = (S, Value)>,
        S: Into<Name>,
    {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Whether it is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether it is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v.iter().all(Value::is_wholly_known),
            Value::Map(m) => m.values().all(Value::is_wholly_known),
            Value::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// This value with every unknown inside it replaced by null, as Terraform does
    /// with a state that must be wholly known.
    pub fn unknown_as_null(self) -> Value {
        match self {
            Value::Unknown => Value::Null,
            Value::List(v) => Value::List(v.into_iter().map(Value::unknown_as_null).collect()),
            Value::Set(v) => Value::Set(v.into_iter().map(Value::unknown_as_null).collect()),
            Value::Tuple(v) => Value::Tuple(v.into_iter().map(Value::unknown_as_null).collect()),
            Value::Map(m) => Value::Map(m.into_iter().map(|(k, v)| (k, v.unknown_as_null())).collect()),
            Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, v.unknown_as_null())).collect()),
            known => known,
        }
    }

    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, if it is a whole number.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple; empty for anything else (null included).
    pub fn elements(&self) -> &[Value] {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v,
            _ => &[],
        }
    }

    /// An attribute of an object; `Null` when absent or when `self` is not an object.
    pub fn attr(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        match self {
            Value::Object(m) => m.get(name).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// The attribute called `name`, to change, if this is an object that has it.
    pub fn attr_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) => m.get_mut(name),
            _ => None,
        }
    }

    /// Sets an object attribute; does nothing on a non-object.
    pub fn set_attr(&mut self, name: &str, value: Value) {
        if let Value::Object(m) = self {
            m.insert(name.to_string(), value);
        }
    }
}

/// Paths into values (the typed ones come from `#[derive(Model)]`).
impl Value {
    /// The value at `path`; `Null` where the path leads nowhere (a missing
    /// attribute, an index past the end, a step into a null or unknown value).
    pub fn at(&self, path: &AttributePath) -> &Value {
        static NULL: Value = Value::Null;
        let mut cur = self;
        for step in &path.0 {
            let next = match (step, cur) {
                (Step::Attr(n), Value::Object(m)) => m.get(n),
                (Step::Key(k), Value::Map(m)) => m.get(k),
                (Step::Index(i), Value::List(v) | Value::Set(v) | Value::Tuple(v)) => {
                    usize::try_from(*i).ok().and_then(|i| v.get(i))
                }
                _ => None,
            };
            cur = next.unwrap_or(&NULL);
        }
        cur
    }

    /// The value at `path`, to change, when the path leads to one.
    pub fn at_mut(&mut self, path: &AttributePath) -> Option<&mut Value> {
        let mut cur = self;
        for step in &path.0 {
            cur = match (step, cur) {
                (Step::Attr(n), Value::Object(m)) => m.get_mut(n)?,
                (Step::Key(k), Value::Map(m)) => m.get_mut(k)?,
                (Step::Index(i), Value::List(v) | Value::Set(v) | Value::Tuple(v)) => {
                    v.get_mut(usize::try_from(*i).ok()?)?
                }
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Sets the value at `path` when everything above it exists (an attribute of an
    /// existing object is added); returns whether it was set.
    pub fn set_at(&mut self, path: &AttributePath, value: Value) -> bool {
        let Some((last, parent)) = path.0.split_last() else {
            *self = value;
            return true;
        };
        match (last, self.at_mut(&AttributePath(parent.to_vec()))) {
            (Step::Attr(n), Some(Value::Object(m))) => {
                m.insert(n.clone(), value);
                true
            }
            (_, Some(_)) => match self.at_mut(path) {
                Some(slot) => {
                    *slot = value;
                    true
                }
                None => false,
            },
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::int(i)
    }
}

/// Checks that `value` has the shape of `ty`, so a provider bug is reported as a
/// diagnostic rather than as a value Terraform cannot decode.
pub fn conforms(value: &Value, ty: &Type) -> Result<(), ShapeError> {
    match (value, ty) {
        (Value::Null | Value::Unknown, _) => Ok(()),
        (_, Type::Dynamic) => Ok(()),
        (Value::Bool(_), Type::Bool) | (Value::Number(_), Type::Number) | (Value::String(_), Type::String) => Ok(()),
        (Value::List(v), Type::List(e)) | (Value::Set(v), Type::Set(e)) => {
            v.iter().enumerate().try_for_each(|(i, x)| conforms(x, e).map_err(|err| err.within(Step::Index(i as i64))))
        }
        (Value::Map(m), Type::Map(e)) => {
            m.iter().try_for_each(|(k, x)| conforms(x, e).map_err(|err| err.within(Step::Key(k.clone()))))
        }
        (Value::Tuple(v), Type::Tuple(ts)) if v.len() == ts.len() => v
            .iter()
            .zip(ts)
            .enumerate()
            .try_for_each(|(i, (x, t))| conforms(x, t).map_err(|err| err.within(Step::Index(i as i64)))),
        (Value::Object(m), Type::Object(attrs)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(k)) {
                return Err(ShapeError::new(format!("unexpected attribute {extra:?}")));
            }
            m.iter().try_for_each(|(k, x)| match attrs.get(k) {
                Some(t) => conforms(x, t).map_err(|e| e.in_attr(k)),
                None => Ok(()),
            })
        }
        (v, t) => Err(ShapeError::new(format!("a {} value where {t} was expected", kind_name(v)))),
    }
}

pub(crate) fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown => "unknown",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value() {
        assert_eq!(Number::Int(5), Number::Float(5.0));
        assert_ne!(Number::Int(5), Number::Float(5.5));
        assert_eq!(Number::Float(20.0).as_i64(), Some(20));
        assert_eq!(Number::Float(2.5).as_i64(), None);
    }

    #[test]
    fn wholly_known_looks_inside() {
        let v = Value::object([("a", Value::List(vec![Value::Unknown]))]);
        assert!(!v.is_wholly_known());
        assert!(Value::object([("a", Value::Null)]).is_wholly_known());
    }

    #[test]
    fn conformance() {
        let t = Type::object([("a", Type::String), ("b", Type::list(Type::Number))]);
        assert!(conforms(&Value::object([("a", "x".into())]), &t).is_ok());
        assert!(conforms(&Value::object([("a", Value::int(1))]), &t).is_err());
        assert!(conforms(&Value::object([("z", Value::Null)]), &t).is_err());
    }
}
