//! Between the wire and [`Value`]s: decoding Terraform's `DynamicValue`s against a
//! schema's type and encoding results, with failures as diagnostics.

use crate::proto::tfplugin6 as pb;
use crate::protocol::{json, msgpack, Diagnostics, Type, Value};

/// Decodes a `DynamicValue` (msgpack, or JSON) as `ty`; absent means null.
pub(crate) fn decode(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    let result = match dv {
        Some(dv) if !dv.msgpack.is_empty() => msgpack::decode(&dv.msgpack, ty).map_err(|e| e.to_string()),
        Some(dv) if !dv.json.is_empty() => serde_json::from_slice(&dv.json)
            .map_err(|e| e.to_string())
            .and_then(|j| json::from_json(&j, ty).map_err(|e| e.to_string())),
        _ => Ok(Value::Null),
    };
    result.map_err(|e| Diagnostics::with_error(format!("Could not decode the {what}"), e))
}

/// Decodes stored state written as JSON (state upgrades and moves).
pub(crate) fn decode_json_state(raw: &[u8], ty: &Type) -> Result<Value, Diagnostics> {
    let j: serde_json::Value = serde_json::from_slice(raw)
        .map_err(|e| Diagnostics::with_error("Could not parse stored state", e.to_string()))?;
    json::from_json(&j, ty).map_err(|e| Diagnostics::with_error("Could not decode stored state", e.to_string()))
}

/// Stored state of the current schema version, as Terraform is to read it back: the
/// JSON itself when Terraform reads it as written ([`json::text_fits`]: every plan of
/// every resource comes through here, and most need nothing done), else converted
/// (attributes the schema no longer has are dropped). Terraform reads a
/// `DynamicValue`'s `json` when its `msgpack` is empty (its plugin6 client's
/// `decodeDynamicValue`); the end-to-end tests run this through Terraform 1.11 and 1.15.
pub(crate) fn current_json_state(raw: &[u8], ty: &Type) -> Result<pb::DynamicValue, Diagnostics> {
    let unparsable = |e: serde_json::Error| Diagnostics::with_error("Could not parse stored state", e.to_string());
    if json::text_fits(raw, ty).map_err(unparsable)? {
        return Ok(pb::DynamicValue { msgpack: Vec::new(), json: raw.to_vec() });
    }
    let j: serde_json::Value = serde_json::from_slice(raw).map_err(unparsable)?;
    let v =
        json::from_json(&j, ty).map_err(|e| Diagnostics::with_error("Could not decode stored state", e.to_string()))?;
    encode(&v, ty, "upgraded state")
}

/// Encodes `v` as msgpack of type `ty`; a value that does not fit is a provider bug,
/// reported as an error diagnostic.
pub(crate) fn encode(v: &Value, ty: &Type, what: &str) -> Result<pb::DynamicValue, Diagnostics> {
    msgpack::encode(v, ty)
        .map(|bytes| pb::DynamicValue { msgpack: bytes, json: Vec::new() })
        .map_err(|e| Diagnostics::with_error(format!("Provider produced an invalid {what}"), e.to_string()))
}

/// An error for a type name this provider does not have.
pub(crate) fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    Diagnostics::with_error(format!("Unknown {kind} type"), format!("This provider has no {kind} type {name:?}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reports() {
        let ty = Type::object([("a", Type::String)]);
        let v = Value::object([("a", "x".into())]);
        let dv = encode(&v, &ty, "state").unwrap();
        assert_eq!(decode(Some(&dv), &ty, "state").unwrap(), v);
        assert_eq!(decode(None, &ty, "state").unwrap(), Value::Null);
        let bad = pb::DynamicValue { msgpack: vec![0xc1], json: Vec::new() };
        assert!(decode(Some(&bad), &ty, "state").unwrap_err().0[0].summary.contains("decode the state"));
        assert!(encode(&Value::Bool(true), &ty, "state").is_err());
        assert!(decode_json_state(b"{\"a\": 1}", &ty).is_ok());
        assert!(decode_json_state(b"{", &ty).is_err());
    }

    #[test]
    fn current_state_is_passed_on_as_written_when_terraform_reads_it_so() {
        let ty = Type::object([("a", Type::String), ("n", Type::Number), ("l", Type::list(Type::String))]);
        let raw = br#"{"a":"x","n":1.5,"l":["y",null]}"#;
        let dv = current_json_state(raw, &ty).unwrap();
        assert_eq!((dv.json.as_slice(), dv.msgpack.is_empty()), (&raw[..], true));
        assert_eq!(decode(Some(&dv), &ty, "state").unwrap().attr("a"), &Value::from("x"));
        // An attribute the schema dropped, or a number written as a string: converted.
        for raw in [&br#"{"a":"x","gone":true}"#[..], br#"{"n":"2"}"#] {
            let dv = current_json_state(raw, &ty).unwrap();
            assert!(dv.json.is_empty() && !dv.msgpack.is_empty(), "{}", String::from_utf8_lossy(raw));
            assert!(decode(Some(&dv), &ty, "state").is_ok());
        }
        assert!(current_json_state(b"{", &ty).is_err());
    }
}
