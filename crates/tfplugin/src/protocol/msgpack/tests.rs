use super::encode::write_str;
use super::*;
use crate::protocol::value::Number;

fn notebook_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("running", Type::Bool),
        ("size", Type::Number),
        ("ips", Type::list(Type::String)),
        ("tags", Type::set(Type::String)),
        ("labels", Type::map(Type::String)),
        ("volume", Type::list(Type::object([("type", Type::String), ("size", Type::Number)]))),
    ])
}

#[test]
fn round_trip_with_nulls_unknowns_and_nesting() {
    let ty = notebook_type();
    let v = Value::object([
        ("id", Value::Unknown),
        ("running", Value::Bool(true)),
        ("size", Value::int(-70000)),
        ("ips", Value::List(vec!["1.1.1.1".into(), Value::Unknown])),
        ("tags", Value::Set(vec!["a".into()])),
        ("labels", Value::Map([("k".to_string(), "v".into())].into())),
        ("volume", Value::List(vec![Value::object([("type", "EVS".into()), ("size", Value::Unknown)])])),
    ]);
    let bytes = encode(&v, &ty).unwrap();
    assert_eq!(decode(&bytes, &ty).unwrap(), v);
}

#[test]
fn missing_attributes_encode_as_null() {
    let ty = notebook_type();
    let bytes = encode(&Value::object([("id", "x".into())]), &ty).unwrap();
    let back = decode(&bytes, &ty).unwrap();
    assert_eq!(back.attr("id"), &Value::from("x"));
    assert_eq!(back.attr("volume"), &Value::Null);
}

#[test]
fn attributes_in_any_order_once_or_twice_decode_as_the_last_given() {
    let ty = Type::object([("a", Type::String), ("b", Type::String), ("c", Type::String)]);
    // A map of 3: c, a, c (the later c wins); b left out.
    let mut bytes = vec![0x83];
    for (k, v) in [("c", "1"), ("a", "2"), ("c", "3")] {
        write_str(&mut bytes, k);
        write_str(&mut bytes, v);
    }
    let v = decode(&bytes, &ty).unwrap();
    assert_eq!(v, Value::object([("a", "2".into()), ("b", Value::Null), ("c", "3".into())]));
    // An attribute the type lacks is refused, wherever it comes.
    let mut bytes = vec![0x82];
    for (k, v) in [("a", "1"), ("bb", "2")] {
        write_str(&mut bytes, k);
        write_str(&mut bytes, v);
    }
    assert!(decode(&bytes, &ty).unwrap_err().to_string().contains("unexpected attribute \"bb\""));
    // A key compared as bytes with the schema's names: one that matches none and
    // is not UTF-8 is refused as such, not taken for a name.
    let bytes = [0x81, 0xa1, 0xff, 0xa1, b'x'];
    assert!(decode(&bytes, &ty).unwrap_err().to_string().contains("not valid UTF-8"));
}

#[test]
fn an_attribute_outside_the_type_is_not_encoded() {
    let ty = Type::object([("b", Type::String), ("d", Type::String)]);
    for extra in ["a", "c", "e"] {
        let v = Value::object([("b", "x".into()), (extra, "y".into())]);
        let e = encode(&v, &ty).unwrap_err();
        assert!(e.to_string().contains(&format!("{extra:?} is not in the schema")), "{e}");
    }
    let map = Value::Map([("z".to_string(), Value::from("1")), ("a".to_string(), "2".into())].into());
    let b = encode(&map, &Type::map(Type::String)).unwrap();
    assert_eq!(decode(&b, &Type::map(Type::String)).unwrap(), map);
}

#[test]
fn unknown_is_extension_zero() {
    assert_eq!(encode(&Value::Unknown, &Type::String).unwrap(), vec![0xd4, 0, 0]);
    // A refined unknown (extension 12) decodes as unknown too.
    assert_eq!(decode(&[0xc7, 2, 12, 0x81, 0x01], &Type::String).unwrap(), Value::Unknown);
}

#[test]
fn numbers_in_every_width() {
    for i in [0i64, 1, 127, 128, -1, -32, -33, -128, -129, 255, 256, 65535, 65536, -40000, i64::MAX, i64::MIN] {
        let b = encode(&Value::int(i), &Type::Number).unwrap();
        assert_eq!(decode(&b, &Type::Number).unwrap(), Value::int(i), "{i}");
    }
    let f = Value::Number(Number::Float(2.5));
    assert_eq!(decode(&encode(&f, &Type::Number).unwrap(), &Type::Number).unwrap(), f);
    // uint64 beyond i64, and numbers sent as strings, become floats.
    let big = [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    assert!(matches!(decode(&big, &Type::Number).unwrap(), Value::Number(Number::Float(_))));
    assert_eq!(decode(&[0xa3, b'1', b'.', b'5'], &Type::Number).unwrap(), Value::Number(Number::Float(1.5)));
}

#[test]
fn long_strings_and_collections() {
    let s = "x".repeat(70_000);
    let b = encode(&Value::String(s.clone()), &Type::String).unwrap();
    assert_eq!(decode(&b, &Type::String).unwrap(), Value::String(s));
    let list = Value::List((0..40).map(Value::int).collect());
    let t = Type::list(Type::Number);
    assert_eq!(decode(&encode(&list, &t).unwrap(), &t).unwrap(), list);
}

#[test]
fn dynamic_values_decode_with_their_own_type() {
    // ["string", "hi"] with the type as bin8.
    let mut b = vec![0x92, 0xc4, 8];
    b.extend_from_slice(b"\"string\"");
    b.extend_from_slice(&[0xa2, b'h', b'i']);
    assert_eq!(decode(&b, &Type::Dynamic).unwrap(), Value::from("hi"));
    let enc = encode(&Value::from("hi"), &Type::Dynamic).unwrap();
    assert_eq!(decode(&enc, &Type::Dynamic).unwrap(), Value::from("hi"));
}

#[test]
fn malformed_input_is_an_error() {
    let ty = notebook_type();
    let cases: &[&[u8]] = &[
        &[],
        &[0xc1],
        &[0xdd, 0xff, 0xff, 0xff, 0xff],
        &[0x81, 0xa1, b'z', 0xc0],
        &[0x81, 0x01, 0xc0],
        &[0xa2, 0xff, 0xfe],
        &[0xc0, 0xc0],
        &[0xd4, 5, 0],
    ];
    for c in cases {
        assert!(decode(c, &ty).is_err(), "{c:?}");
    }
    assert!(decode(&[0x92, 0x01, 0x02], &Type::list(Type::String)).is_err());
    assert!(encode(&Value::from("x"), &Type::Number).is_err());
}
