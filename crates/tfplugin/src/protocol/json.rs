//! The JSON encoding of Terraform values, as found in stored state
//! (`UpgradeResourceState`, `MoveResourceState`). It has no unknowns.

use serde_json::Value as J;

use super::diagnostics::Step;
use super::types::Type;
use super::value::{Number, ShapeError, Value};

/// Decodes a JSON value against `ty`. Object attributes absent from the JSON become
/// null; attributes the type does not know are dropped (an older or newer schema
/// may have had them), which is what state upgrades need.
pub fn from_json(json: &J, ty: &Type) -> Result<Value, ShapeError> {
    let mismatch = |what: &str| Err(ShapeError::new(format!("expected {what}, found {}", json_kind(json))));
    if json.is_null() {
        return Ok(Value::Null);
    }
    match ty {
        Type::Bool => json.as_bool().map(Value::Bool).map_or_else(|| mismatch("a bool"), Ok),
        Type::Number => match json {
            J::Number(n) => Ok(Value::Number(match n.as_i64() {
                Some(i) => Number::Int(i),
                None => Number::Float(n.as_f64().unwrap_or(f64::NAN)),
            })),
            // Terraform writes numbers as JSON numbers, but accept numeric strings as cty does.
            J::String(s) => s.parse::<f64>().map(|f| Value::Number(Number::Float(f))).or_else(|_| mismatch("a number")),
            _ => mismatch("a number"),
        },
        Type::String => match json {
            J::String(s) => Ok(Value::String(s.clone())),
            // cty converts primitives to strings where a string is expected.
            J::Number(n) => Ok(Value::String(n.to_string())),
            J::Bool(b) => Ok(Value::String(b.to_string())),
            _ => mismatch("a string"),
        },
        Type::List(e) | Type::Set(e) => {
            let J::Array(items) = json else { return mismatch("an array") };
            let vals = items
                .iter()
                .enumerate()
                .map(|(i, x)| from_json(x, e).map_err(|err| err.within(Step::Index(i as i64))))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::List(_)) { Value::List(vals) } else { Value::Set(vals) })
        }
        Type::Tuple(ts) => {
            let J::Array(items) = json else { return mismatch("an array") };
            if items.len() != ts.len() {
                return mismatch(&format!("{} elements", ts.len()));
            }
            items
                .iter()
                .zip(ts)
                .enumerate()
                .map(|(i, (x, t))| from_json(x, t).map_err(|err| err.within(Step::Index(i as i64))))
                .collect::<Result<_, _>>()
                .map(Value::Tuple)
        }
        Type::Map(e) => {
            let J::Object(m) = json else { return mismatch("an object") };
            m.iter()
                .map(|(k, x)| Ok((k.clone(), from_json(x, e).map_err(|err| err.within(Step::Key(k.clone())))?)))
                .collect::<Result<_, _>>()
                .map(Value::Map)
        }
        Type::Object(attrs) => {
            let J::Object(m) = json else { return mismatch("an object") };
            // In the schema's (sorted) order, so the object is built at once.
            attrs
                .iter()
                .map(|(k, t)| match m.get(k) {
                    Some(x) => Ok((k.clone(), from_json(x, t).map_err(|err| err.in_attr(k))?)),
                    None => Ok((k.clone(), Value::Null)),
                })
                .collect::<Result<_, _>>()
                .map(Value::Object)
        }
        Type::Dynamic => Err(ShapeError::new("dynamic values are not supported in stored state")),
    }
}

/// Whether Terraform reads `json` as a value of `ty` exactly as written (cty's JSON
/// decoding): every value of its type's own JSON kind, no attribute the type lacks
/// (a left-out attribute reads as null). Then stored state needs no conversion.
pub fn fits(json: &J, ty: &Type) -> bool {
    match (json, ty) {
        (J::Null, _) => true,
        (J::Bool(_), Type::Bool) | (J::Number(_), Type::Number) | (J::String(_), Type::String) => true,
        (J::Array(items), Type::List(e) | Type::Set(e)) => items.iter().all(|x| fits(x, e)),
        (J::Array(items), Type::Tuple(ts)) => items.len() == ts.len() && items.iter().zip(ts).all(|(x, t)| fits(x, t)),
        (J::Object(m), Type::Map(e)) => m.values().all(|x| fits(x, e)),
        (J::Object(m), Type::Object(attrs)) => m.iter().all(|(k, x)| attrs.get(k).is_some_and(|t| fits(x, t))),
        _ => false,
    }
}

/// Encodes a wholly known value as JSON; unknowns become null.
pub fn to_json(v: &Value) -> J {
    match v {
        Value::Null | Value::Unknown => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(Number::Int(i)) => J::from(*i),
        Value::Number(Number::Float(f)) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::String(s) => J::String(s.clone()),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(m) | Value::Object(m) => J::Object(m.iter().map(|(k, x)| (k.clone(), to_json(x))).collect()),
    }
}

fn json_kind(j: &J) -> &'static str {
    match j {
        J::Null => "null",
        J::Bool(_) => "a bool",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "an array",
        J::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_json_decodes_against_the_schema_type() {
        let ty = Type::object([
            ("id", Type::String),
            ("size", Type::Number),
            ("volume", Type::list(Type::object([("type", Type::String)]))),
            ("gone", Type::Bool),
        ]);
        let j: J = serde_json::from_str(r#"{"id":"n1","size":20,"volume":[{"type":"EVS","extra":1}],"removed":true}"#)
            .unwrap();
        let v = from_json(&j, &ty).unwrap();
        assert_eq!(v.attr("id"), &Value::from("n1"));
        assert_eq!(v.attr("size").as_i64(), Some(20));
        assert_eq!(v.attr("volume").elements()[0].attr("type"), &Value::from("EVS"));
        assert!(v.attr("gone").is_null());
        assert_eq!(to_json(&v)["volume"][0]["type"], "EVS");
    }

    #[test]
    fn type_mismatch_names_the_path() {
        let ty = Type::object([("volume", Type::list(Type::object([("size", Type::Number)])))]);
        let j: J = serde_json::from_str(r#"{"volume":[{"size":[1]}]}"#).unwrap();
        let e = from_json(&j, &ty).unwrap_err();
        assert_eq!(e.to_string(), "volume[0].size: expected a number, found an array");
    }
}
