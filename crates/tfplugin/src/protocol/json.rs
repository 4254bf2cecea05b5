//! The JSON encoding of Terraform values, as found in stored state
//! (`UpgradeResourceState`, `MoveResourceState`). It has no unknowns.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
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
                .map(|(k, t)| match m.get(k.as_str()) {
                    Some(x) => Ok((k.clone(), from_json(x, t).map_err(|err| err.in_attr(k))?)),
                    None => Ok((k.clone(), Value::Null)),
                })
                .collect::<Result<_, _>>()
                .map(Value::Object)
        }
        Type::Dynamic => Err(ShapeError::new("dynamic values are not supported in stored state")),
    }
}

/// Whether Terraform reads the JSON text `raw` as a value of `ty` exactly as written
/// (cty's JSON decoding): every value of its type's own JSON kind, no attribute the
/// type lacks (a left-out attribute reads as null). Then stored state needs no
/// conversion. Read as it streams past: nothing is built, so such state costs one
/// pass over its bytes. Malformed JSON is an error.
pub fn text_fits(raw: &[u8], ty: &Type) -> Result<bool, serde_json::Error> {
    // Text checked as UTF-8 once, whole, is read without checking each string again
    // (a tenth of the pass); other bytes are read as bytes, for serde_json's error.
    fn read<'de, R: serde_json::de::Read<'de>>(
        mut de: serde_json::Deserializer<R>,
        ty: &Type,
    ) -> Result<bool, serde_json::Error> {
        let fits = Fits(ty).deserialize(&mut de)?;
        de.end()?;
        Ok(fits)
    }
    match std::str::from_utf8(raw) {
        Ok(text) => read(serde_json::Deserializer::from_str(text), ty),
        Err(_) => read(serde_json::Deserializer::from_slice(raw), ty),
    }
}

/// Reads one JSON value, answering whether it fits the type; values inside that do
/// not are still read to their end (the reader must reach the end of the text).
struct Fits<'t>(&'t Type);

impl<'de> DeserializeSeed<'de> for Fits<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Fits<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a JSON value")
    }

    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(matches!(self.0, Type::Bool))
    }

    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(matches!(self.0, Type::Number))
    }

    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(matches!(self.0, Type::Number))
    }

    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(matches!(self.0, Type::Number))
    }

    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(matches!(self.0, Type::String))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut fits = true;
        let mut count = 0;
        loop {
            let item = match self.0 {
                Type::List(e) | Type::Set(e) => seq.next_element_seed(Fits(e))?,
                Type::Tuple(ts) => match ts.get(count) {
                    Some(t) => seq.next_element_seed(Fits(t))?,
                    None => seq.next_element::<IgnoredAny>()?.map(|_| false),
                },
                _ => seq.next_element::<IgnoredAny>()?.map(|_| false),
            };
            let Some(item) = item else { break };
            fits &= item;
            count += 1;
        }
        Ok(fits && !matches!(self.0, Type::Tuple(ts) if ts.len() != count))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut fits = matches!(self.0, Type::Map(_) | Type::Object(_));
        // Terraform writes an object's attributes sorted, as they are kept: each key is
        // looked for first where the last one was found.
        let next = std::cell::Cell::new(0);
        while let Some(key) = map.next_key_seed(AttributeOf(self.0, &next))? {
            fits &= match key {
                Some(t) => map.next_value_seed(Fits(t))?,
                None => map.next_value::<IgnoredAny>().map(|_| false)?,
            };
        }
        Ok(fits)
    }
}

/// Reads a key of a JSON object: the type of its value under a map or object type
/// (`None` for an attribute the object type lacks, or under any other type). The
/// cell is where the next attribute is likely to be.
struct AttributeOf<'t, 'c>(&'t Type, &'c std::cell::Cell<usize>);

impl<'de, 't> DeserializeSeed<'de> for AttributeOf<'t, '_> {
    type Value = Option<&'t Type>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<&'t Type>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 't> Visitor<'de> for AttributeOf<'t, '_> {
    type Value = Option<&'t Type>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Option<&'t Type>, E> {
        Ok(match self.0 {
            Type::Map(e) => Some(e),
            Type::Object(attrs) => attrs.get_hinted(key, self.1),
            _ => None,
        })
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
        Value::Map(m) => J::Object(m.iter().map(|(k, x)| (k.clone(), to_json(x))).collect()),
        Value::Object(m) => J::Object(m.iter().map(|(k, x)| (k.to_string(), to_json(x))).collect()),
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

    #[test]
    fn text_fits_when_terraform_reads_it_as_written() {
        let ty = Type::object([
            ("s", Type::String),
            ("n", Type::Number),
            ("b", Type::Bool),
            ("l", Type::list(Type::object([("x", Type::String)]))),
            ("m", Type::map(Type::Number)),
            ("t", Type::Tuple(vec![Type::String, Type::Number])),
        ]);
        let fits = |raw: &str| text_fits(raw.as_bytes(), &ty).unwrap();
        assert!(fits(r#"{"s":"a\"b","n":-1.5e3,"b":true,"l":[{"x":null},{}],"m":{"k":2},"t":["a",1]}"#));
        assert!(fits(r#"{}"#), "left-out attributes read as null");
        assert!(fits(r#"null"#));
        assert!(!fits(r#"{"gone":1}"#), "an attribute the schema lacks");
        assert!(!fits(r#"{"l":[{"x":null,"y":1}]}"#), "deep inside too");
        assert!(!fits(r#"{"n":"5"}"#), "a number as a string is converted, not passed on");
        assert!(!fits(r#"{"s":5}"#));
        assert!(!fits(r#"{"t":["a"]}"#), "a tuple of the wrong length");
        assert!(!fits(r#"{"t":["a",1,2]}"#));
        assert!(!fits(r#"{"m":[1]}"#));
        assert!(!fits(r#"{"b":{"x":[1,{"y":2}]}}"#), "a mismatch is read to its end");
        assert!(text_fits(br#"{"s":"a"} x"#, &ty).is_err());
        assert!(text_fits(br#"{"s":"#, &ty).is_err());
    }
}
