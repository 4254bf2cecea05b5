//! Terraform's type system (cty types), and their JSON encoding used in schemas.

use std::fmt;

use super::name::Name;
use super::object::Attrs;
use super::shape::ShapeError;

/// A Terraform type. Object attributes are kept sorted by name, which is also the
/// order the msgpack encoding uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// A boolean.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// Any type; the value carries its own type on the wire.
    Dynamic,
    /// An ordered list of one element type.
    List(Box<Type>),
    /// A set of one element type.
    Set(Box<Type>),
    /// A map from strings to one element type.
    Map(Box<Type>),
    /// An object with these attributes.
    Object(Attrs<Type>),
    /// A tuple of these element types.
    Tuple(Vec<Type>),
}

impl Type {
    /// A list of `element`s.
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    /// A set of `element`s.
    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    /// A map of `element`s.
    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    /// An object of these attributes and types.
    pub fn object<I, S>(attributes: I) -> Type
    where
        I: IntoIterator<Item = (S, Type)>,
        S: Into<Name>,
    {
        Type::Object(attributes.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    /// The JSON form Terraform expects in `Schema.Attribute.type`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Type::Bool => J::from("bool"),
            Type::Number => J::from("number"),
            Type::String => J::from("string"),
            Type::Dynamic => J::from("dynamic"),
            Type::List(e) => J::Array(vec!["list".into(), e.to_json()]),
            Type::Set(e) => J::Array(vec!["set".into(), e.to_json()]),
            Type::Map(e) => J::Array(vec!["map".into(), e.to_json()]),
            Type::Object(attrs) => {
                let fields = attrs.iter().map(|(k, t)| (k.to_string(), t.to_json())).collect();
                J::Array(vec!["object".into(), J::Object(fields)])
            }
            Type::Tuple(elems) => J::Array(vec!["tuple".into(), J::Array(elems.iter().map(Type::to_json).collect())]),
        }
    }

    /// Parses the JSON form of a type (as carried by dynamic values).
    pub fn from_json(json: &serde_json::Value) -> Result<Type, ShapeError> {
        Type::from_json_text(json).map_err(ShapeError::new)
    }

    fn from_json_text(json: &serde_json::Value) -> Result<Type, String> {
        use serde_json::Value as J;
        match json {
            J::String(s) => match s.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown primitive type {other:?}")),
            },
            J::Array(parts) if parts.len() == 2 => {
                let [kind, arg] = parts.as_slice() else { return Err(format!("malformed type {json}")) };
                let kind = kind.as_str().ok_or("type kind must be a string")?;
                match kind {
                    "list" => Ok(Type::list(Type::from_json_text(arg)?)),
                    "set" => Ok(Type::set(Type::from_json_text(arg)?)),
                    "map" => Ok(Type::map(Type::from_json_text(arg)?)),
                    "object" => {
                        let fields = arg.as_object().ok_or("object type needs a map")?;
                        let mut attrs = Attrs::new();
                        for (k, v) in fields {
                            attrs.insert(k.clone(), Type::from_json_text(v)?);
                        }
                        Ok(Type::Object(attrs))
                    }
                    "tuple" => {
                        let elems = arg.as_array().ok_or("tuple type needs a list")?;
                        Ok(Type::Tuple(elems.iter().map(Type::from_json_text).collect::<Result<_, _>>()?))
                    }
                    other => Err(format!("unknown type kind {other:?}")),
                }
            }
            _ => Err(format!("malformed type {json}")),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(e) => write!(f, "list({e})"),
            Type::Set(e) => write!(f, "set({e})"),
            Type::Map(e) => write!(f, "map({e})"),
            Type::Object(_) => f.write_str("object"),
            Type::Tuple(_) => f.write_str("tuple"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip() {
        let t = Type::object([
            ("a", Type::String),
            ("b", Type::list(Type::object([("c", Type::Number)]))),
            ("d", Type::set(Type::Bool)),
            ("e", Type::map(Type::String)),
            ("f", Type::Tuple(vec![Type::String, Type::Dynamic])),
        ]);
        let j = t.to_json();
        assert_eq!(
            j.to_string(),
            r#"["object",{"a":"string","b":["list",["object",{"c":"number"}]],"d":["set","bool"],"e":["map","string"],"f":["tuple",["string","dynamic"]]}]"#
        );
        assert_eq!(Type::from_json(&j).unwrap(), t);
    }

    #[test]
    fn malformed_types_are_errors() {
        for bad in [r#""strin""#, r#"["list"]"#, r#"[1,"string"]"#, "5", r#"["object",[]]"#] {
            let j: serde_json::Value = serde_json::from_str(bad).unwrap();
            assert!(Type::from_json(&j).is_err(), "{bad}");
        }
    }
}
