//! Hostile input: arbitrary bytes and mangled values for every decoder the
//! provider runs on data from outside (Terraform's msgpack and JSON, the API's
//! answers, headers, times, durations). Each must answer with an error, never a
//! panic or a hang. `PROPTEST_CASES` sets the depth (CI uses the default below).

use modelarts_provider::client::error::ApiError;
use modelarts_provider::client::signer::{parse_authorization, percent_decode};
use modelarts_provider::client::types::{ErrorBody, Flavor, Image, Lease, Notebook, Page, SwitchableFlavors};
use modelarts_provider::duration;
use modelarts_provider::protocol::{json, msgpack, Type, Value};
use modelarts_provider::provider::notebook::schema::schema;
use modelarts_provider::timefmt::{parse_go_utc, parse_rfc3339, parse_sdk_date};
use modelarts_sim::parse_query;
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(5000)
}

fn notebook_type() -> Type {
    schema().ty()
}

/// A realistic notebook state, encoded as Terraform would send it.
fn sample_state() -> Vec<u8> {
    let v = Value::object([
        ("id", "0b4bd3ad-6a1b-4d12-8a0c-5c1a2b3c4d5e".into()),
        ("name", "nb".into()),
        ("flavor_id", "modelarts.vm.cpu.2u".into()),
        ("image_id", "e1a07296-22a8-4f05-8bc8-e936c8e54090".into()),
        ("running", Value::Bool(true)),
        ("allowed_access_ips", Value::List(vec!["1.2.3.4".into(), Value::Unknown])),
        ("volume", Value::List(vec![Value::object([("type", "EVS".into()), ("size", Value::int(4096))])])),
        ("auto_stop", Value::List(vec![Value::object([("type", "IDLE".into()), ("duration", "2h".into())])])),
        ("timeouts", Value::object([("create", "30m".into())])),
    ]);
    msgpack::encode(&v, &notebook_type()).unwrap()
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)),
        "[a-z_]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("id".to_string()),
                    Just("name".to_string()),
                    Just("status".to_string()),
                    Just("volume".to_string()),
                    Just("data".to_string()),
                    Just("lease".to_string()),
                    Just("endpoints".to_string()),
                    "[a-z_]{1,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn msgpack_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = msgpack::decode(&bytes, &notebook_type());
        let _ = msgpack::decode(&bytes, &Type::Dynamic);
        let _ = msgpack::decode(&bytes, &Type::list(Type::map(Type::Number)));
    }

    #[test]
    fn msgpack_mangled_states(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), cut in any::<prop::sample::Index>()) {
        let mut bytes = sample_state();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let ty = notebook_type();
        if let Ok(v) = msgpack::decode(&bytes, &ty) {
            // Whatever decodes fits the type, so it encodes again.
            prop_assert!(msgpack::encode(&v, &ty).is_ok());
        }
        let n = cut.index(bytes.len());
        let _ = msgpack::decode(&bytes[..n], &ty);
    }

    #[test]
    fn json_state_decoder(value in arb_json()) {
        let _ = json::from_json(&value, &notebook_type());
        let _ = Type::from_json(&value);
    }

    #[test]
    fn json_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            let _ = json::from_json(&v, &notebook_type());
        }
    }

    #[test]
    fn api_answers(value in arb_json(), status in 100u16..600) {
        let bytes = serde_json::to_vec(&value).unwrap();
        let _ = serde_json::from_slice::<Notebook>(&bytes);
        let _ = serde_json::from_slice::<Page<Notebook>>(&bytes);
        let _ = serde_json::from_slice::<Page<Flavor>>(&bytes);
        let _ = serde_json::from_slice::<Page<Image>>(&bytes);
        let _ = serde_json::from_slice::<SwitchableFlavors>(&bytes);
        let _ = serde_json::from_slice::<Lease>(&bytes);
        let _ = serde_json::from_slice::<ErrorBody>(&bytes);
        let e = ApiError::from_response("GET", "/v1/p/notebooks/x", status, &bytes);
        prop_assert!(!e.to_string().is_empty());
    }

    #[test]
    fn api_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256), status in 100u16..600) {
        let _ = serde_json::from_slice::<Notebook>(&bytes);
        let e = ApiError::from_response("PUT", "/v1/p/notebooks/x", status, &bytes);
        prop_assert!(!e.to_string().is_empty());
    }

    #[test]
    fn text_parsers(s in ".{0,64}") {
        let _ = parse_authorization(&s);
        let _ = percent_decode(&s);
        let _ = parse_query(&s);
        let _ = parse_sdk_date(&s);
        let _ = parse_rfc3339(&s);
        let _ = parse_go_utc(&s);
        let _ = duration::parse(&s);
    }
}
