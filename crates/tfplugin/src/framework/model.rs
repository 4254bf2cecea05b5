//! Typed models: a resource's Terraform value decoded once into a Rust struct
//! ([`FromValue`]) and encoded back ([`IntoValue`]), with the attribute names
//! written once, as constants the schema uses too.
//!
//! Decoding is lenient where Terraform is: null and unknown ("known after apply")
//! both decode to `None` in an `Option`; where the difference matters, a [`Tf`]
//! keeps them apart. A required value that is missing, or a value of the wrong
//! kind, is a [`ModelError`] naming its attribute path.
//!
//! `#[derive(Model)]` ([`crate::Model`]) writes [`FromValue`], [`IntoValue`],
//! [`TfType`] and the attribute-name constants of a struct.

use std::collections::BTreeMap;
use std::fmt;

use crate::protocol::value::kind_name;
use crate::protocol::{AttributePath, Attrs, Diagnostics, Type, Value};

/// A value that does not fit its model, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    /// Where the value is.
    pub path: AttributePath,
    /// What is wrong with it.
    pub message: String,
}

impl ModelError {
    /// An error at `path`.
    pub fn at(path: &AttributePath, message: impl Into<String>) -> Self {
        ModelError { path: path.clone(), message: message.into() }
    }

    /// An error diagnostic with `summary`, at the attribute (unless it is the root).
    pub fn to_diagnostics(&self, summary: &str) -> Diagnostics {
        if self.path.is_root() {
            Diagnostics::with_error(summary, self.message.clone())
        } else {
            Diagnostics::with_error_at(self.path.clone(), summary, format!("{}: {}", self.path, self.message))
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ModelError {}

impl From<ModelError> for Diagnostics {
    fn from(e: ModelError) -> Self {
        e.to_diagnostics("Unexpected value")
    }
}

/// Decodes a Rust value from a Terraform value found at `path`.
pub trait FromValue: Sized {
    /// Decodes `v`, naming `path` in errors.
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError>;

    /// Decodes `v`, attribute `name` of the object at `parent`. A scalar makes the
    /// attribute's path only for an error: decoding a model built one path per
    /// attribute, and a tenth of a refresh's decoding went to making and dropping
    /// them.
    fn from_attr(v: &Value, parent: &AttributePath, name: &str) -> Result<Self, ModelError> {
        Self::from_value(v, &parent.then_attr(name))
    }
}

/// `from_attr` of a scalar: `read` it, else the error names the attribute.
fn scalar_at<T>(
    v: &Value,
    parent: &AttributePath,
    name: &str,
    read: impl FnOnce(&Value) -> Option<T>,
    wanted: &str,
) -> Result<T, ModelError> {
    read(v).ok_or_else(|| mismatch(v, &parent.then_attr(name), wanted))
}

/// Encodes a Rust value as a Terraform value.
pub trait IntoValue {
    /// The Terraform value of `self`.
    fn into_value(self) -> Value;
}

/// Decodes a whole resource (or data source) value.
pub fn decode<T: FromValue>(v: &Value) -> Result<T, ModelError> {
    T::from_value(v, &AttributePath::root())
}

fn mismatch(v: &Value, path: &AttributePath, wanted: &str) -> ModelError {
    match v {
        Value::Null => ModelError::at(path, format!("a value is required (expected {wanted})")),
        Value::Unknown => ModelError::at(path, "the value is not known yet"),
        other => ModelError::at(path, format!("expected {wanted}, found a {}", kind_name(other))),
    }
}

impl FromValue for String {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        v.as_str().map(String::from).ok_or_else(|| mismatch(v, path, "a string"))
    }

    fn from_attr(v: &Value, parent: &AttributePath, name: &str) -> Result<Self, ModelError> {
        scalar_at(v, parent, name, |v| v.as_str().map(String::from), "a string")
    }
}

impl FromValue for bool {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        v.as_bool().ok_or_else(|| mismatch(v, path, "a bool"))
    }

    fn from_attr(v: &Value, parent: &AttributePath, name: &str) -> Result<Self, ModelError> {
        scalar_at(v, parent, name, Value::as_bool, "a bool")
    }
}

impl FromValue for i64 {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        v.as_i64().ok_or_else(|| mismatch(v, path, "a whole number"))
    }

    fn from_attr(v: &Value, parent: &AttributePath, name: &str) -> Result<Self, ModelError> {
        scalar_at(v, parent, name, Value::as_i64, "a whole number")
    }
}

/// A number that need not be whole.
impl FromValue for f64 {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        as_f64(v).ok_or_else(|| mismatch(v, path, "a number"))
    }

    fn from_attr(v: &Value, parent: &AttributePath, name: &str) -> Result<Self, ModelError> {
        scalar_at(v, parent, name, as_f64, "a number")
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(n.as_f64()),
        _ => None,
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        match v {
            Value::Null | Value::Unknown => Ok(None),
            v => T::from_value(v, path).map(Some),
        }
    }

    fn from_attr(v: &Value, parent: &AttributePath, name: &str) -> Result<Self, ModelError> {
        match v {
            Value::Null | Value::Unknown => Ok(None),
            v => T::from_attr(v, parent, name).map(Some),
        }
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        match v {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                if items.is_empty() {
                    return Ok(Vec::new());
                }
                // One path for every element, its last step moved along.
                let mut at = path.then_index(0);
                let mut out = Vec::with_capacity(items.len());
                for (i, x) in items.iter().enumerate() {
                    if let Some(step) = at.0.last_mut() {
                        *step = crate::protocol::Step::Index(i as i64);
                    }
                    out.push(T::from_value(x, &at)?);
                }
                Ok(out)
            }
            other => Err(mismatch(other, path, "a list")),
        }
    }
}

impl<T: FromValue> FromValue for std::collections::BTreeMap<String, T> {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        match v {
            Value::Map(m) => m.iter().map(|(k, x)| Ok((k.clone(), T::from_value(x, &path.then_key(k))?))).collect(),
            Value::Object(m) => {
                m.iter().map(|(k, x)| Ok((k.to_string(), T::from_value(x, &path.then_key(k))?))).collect()
            }
            other => Err(mismatch(other, path, "a map")),
        }
    }
}

impl<T: IntoValue> IntoValue for std::collections::BTreeMap<String, T> {
    fn into_value(self) -> Value {
        Value::Map(self.into_iter().map(|(k, v)| (k, v.into_value())).collect())
    }
}

impl IntoValue for String {
    fn into_value(self) -> Value {
        Value::String(self)
    }
}

impl IntoValue for &str {
    fn into_value(self) -> Value {
        Value::from(self)
    }
}

impl IntoValue for bool {
    fn into_value(self) -> Value {
        Value::Bool(self)
    }
}

impl IntoValue for i64 {
    fn into_value(self) -> Value {
        Value::int(self)
    }
}

impl IntoValue for f64 {
    fn into_value(self) -> Value {
        Value::Number(crate::protocol::Number::Float(self))
    }
}

impl IntoValue for Value {
    fn into_value(self) -> Value {
        self
    }
}

impl<T: IntoValue> IntoValue for Option<T> {
    fn into_value(self) -> Value {
        self.map_or(Value::Null, IntoValue::into_value)
    }
}

impl<T: IntoValue> IntoValue for Vec<T> {
    fn into_value(self) -> Value {
        Value::List(self.into_iter().map(IntoValue::into_value).collect())
    }
}

/// A block of at most one item (`NestedBlock::list(name, 0, 1, ...)`): the item,
/// or an empty list.
pub fn block_list<T: IntoValue>(item: Option<T>) -> Value {
    Value::List(item.map(IntoValue::into_value).into_iter().collect())
}

/// The attributes of an object value being decoded.
#[derive(Debug)]
pub struct Fields<'a> {
    map: Option<&'a Attrs<Value>>,
    /// Borrowed, not cloned: a nested block's fields would otherwise copy the path
    /// of every object they decode.
    path: &'a AttributePath,
    /// Where the next attribute is likely to be: `#[derive(Model)]` reads them in
    /// name order, the object's own order.
    next: std::cell::Cell<usize>,
}

impl<'a> Fields<'a> {
    /// The fields of object `v` at `path`; a null or unknown object has only nulls.
    pub fn of(v: &'a Value, path: &'a AttributePath) -> Result<Self, ModelError> {
        match v {
            Value::Object(m) => Ok(Fields { map: Some(m), path, next: Default::default() }),
            Value::Null | Value::Unknown => Ok(Fields { map: None, path, next: Default::default() }),
            other => Err(mismatch(other, path, "an object")),
        }
    }

    /// The raw value of attribute `name` (null when absent).
    pub fn raw(&self, name: &str) -> &'a Value {
        static NULL: Value = Value::Null;
        self.map.and_then(|m| m.get_hinted(name, &self.next)).unwrap_or(&NULL)
    }

    /// The path of attribute `name`.
    pub fn path_of(&self, name: &str) -> AttributePath {
        self.path.then_attr(name)
    }

    /// Attribute `name`, decoded.
    pub fn get<T: FromValue>(&self, name: &str) -> Result<T, ModelError> {
        T::from_attr(self.raw(name), self.path, name)
    }

    /// The one item of block `name` (a list block of at most one item, or a single
    /// block), decoded; `None` when there is none.
    pub fn block<T: FromValue>(&self, name: &str) -> Result<Option<T>, ModelError> {
        // The path is made only where a block is there to decode (or is wrong).
        match self.raw(name) {
            Value::List(items) | Value::Set(items) => match items.first() {
                Some(item) => {
                    let mut path = self.path_of(name);
                    path.0.push(crate::protocol::Step::Index(0));
                    T::from_value(item, &path).map(Some)
                }
                None => Ok(None),
            },
            Value::Null | Value::Unknown => Ok(None),
            object @ Value::Object(_) => T::from_value(object, &self.path_of(name)).map(Some),
            other => Err(mismatch(other, &self.path_of(name), "a block")),
        }
    }
}

/// The Terraform type a Rust type stands for: `String` a string, `i64` a number,
/// `Vec<T>` a list, `BTreeMap<String, T>` a map, a derived model an object.
pub trait TfType {
    /// The type.
    fn tf_type() -> Type;
}

impl TfType for String {
    fn tf_type() -> Type {
        Type::String
    }
}

impl TfType for bool {
    fn tf_type() -> Type {
        Type::Bool
    }
}

impl TfType for i64 {
    fn tf_type() -> Type {
        Type::Number
    }
}

impl TfType for f64 {
    fn tf_type() -> Type {
        Type::Number
    }
}

/// A raw value, kept as it is (a `timeouts` block the framework reads itself).
impl FromValue for Value {
    fn from_value(v: &Value, _path: &AttributePath) -> Result<Self, ModelError> {
        Ok(v.clone())
    }

    fn from_attr(v: &Value, _parent: &AttributePath, _name: &str) -> Result<Self, ModelError> {
        Ok(v.clone())
    }
}

impl TfType for Value {
    fn tf_type() -> Type {
        Type::Dynamic
    }
}

impl<T: TfType> TfType for Option<T> {
    fn tf_type() -> Type {
        T::tf_type()
    }
}

impl<T: TfType> TfType for Vec<T> {
    fn tf_type() -> Type {
        Type::List(Box::new(T::tf_type()))
    }
}

impl<T: TfType> TfType for BTreeMap<String, T> {
    fn tf_type() -> Type {
        Type::Map(Box::new(T::tf_type()))
    }
}

/// Whether a schema's type and a model's agree: the same attributes, of the same
/// types, where a model's raw [`Value`] (dynamic) stands for any type. The error
/// names the first attribute where they differ.
pub fn agree(schema: &Type, model: &Type) -> Result<(), String> {
    fn walk(schema: &Type, model: &Type, at: &str) -> Result<(), String> {
        match (schema, model) {
            (_, Type::Dynamic) => Ok(()),
            (Type::Object(s), Type::Object(m)) => {
                for name in s.keys().chain(m.keys()) {
                    let here = if at.is_empty() { name.to_string() } else { format!("{at}.{name}") };
                    match (s.get(name), m.get(name)) {
                        (Some(st), Some(mt)) => walk(st, mt, &here)?,
                        (Some(_), None) => return Err(format!("{here}: in the schema, not in the model")),
                        (None, _) => return Err(format!("{here}: in the model, not in the schema")),
                    }
                }
                Ok(())
            }
            (Type::List(s), Type::List(m)) | (Type::Set(s), Type::Set(m)) | (Type::Map(s), Type::Map(m)) => {
                walk(s, m, &format!("{at}[*]"))
            }
            (s, m) if s == m => Ok(()),
            (s, m) => Err(format!("{at}: {s} in the schema, {m} in the model")),
        }
    }
    walk(schema, model, "")
}

/// The type of a block of at most one item whose field is `O` (an `Option` of the
/// item's model): a list of the item's object type.
pub fn block_type<O: TfType>() -> Type {
    Type::List(Box::new(O::tf_type()))
}

/// A value where null and "known after apply" mean different things: a plan's
/// computed attribute, a configuration's reference to what does not exist yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Tf<T> {
    /// Not set.
    #[default]
    Null,
    /// Known after apply.
    Unknown,
    /// Known.
    Known(T),
}

impl<T> Tf<T> {
    /// The known value, if it is known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Tf::Known(v) => Some(v),
            _ => None,
        }
    }

    /// Whether it is known after apply only.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Tf::Unknown)
    }

    /// Whether it is not set.
    pub fn is_null(&self) -> bool {
        matches!(self, Tf::Null)
    }

    /// The known value, if it is known, by value.
    pub fn into_known(self) -> Option<T> {
        match self {
            Tf::Known(v) => Some(v),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Tf<T> {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        match v {
            Value::Null => Ok(Tf::Null),
            Value::Unknown => Ok(Tf::Unknown),
            v => T::from_value(v, path).map(Tf::Known),
        }
    }

    fn from_attr(v: &Value, parent: &AttributePath, name: &str) -> Result<Self, ModelError> {
        match v {
            Value::Null => Ok(Tf::Null),
            Value::Unknown => Ok(Tf::Unknown),
            v => T::from_attr(v, parent, name).map(Tf::Known),
        }
    }
}

impl<T: IntoValue> IntoValue for Tf<T> {
    fn into_value(self) -> Value {
        match self {
            Tf::Null => Value::Null,
            Tf::Unknown => Value::Unknown,
            Tf::Known(v) => v.into_value(),
        }
    }
}

impl<T: TfType> TfType for Tf<T> {
    fn tf_type() -> Type {
        T::tf_type()
    }
}

#[cfg(test)]
mod tests;
