//! Encoding, driven by the type (missing object attributes are null).

use super::EXT_UNKNOWN;
use crate::protocol::types::Type;
use crate::protocol::value::{kind_name, ShapeError, Value};

pub(super) fn encode_into(out: &mut Vec<u8>, value: &Value, ty: &Type) -> Result<(), ShapeError> {
    match (value, ty) {
        (Value::Null, _) => out.push(0xc0),
        (Value::Unknown, _) => out.extend_from_slice(&[0xd4, EXT_UNKNOWN as u8, 0]),
        (Value::Bool(b), Type::Bool) => out.push(if *b { 0xc3 } else { 0xc2 }),
        (Value::Number(n), Type::Number) => match n.as_i64() {
            Some(i) => write_int(out, i),
            None => {
                out.push(0xcb);
                out.extend_from_slice(&n.as_f64().to_bits().to_be_bytes());
            }
        },
        (Value::String(s), Type::String) => write_str(out, s),
        (Value::List(items), Type::List(e)) | (Value::Set(items), Type::Set(e)) => {
            write_len(out, items.len(), [0x90, 0xdc, 0xdd]);
            for item in items {
                encode_into(out, item, e)?;
            }
        }
        (Value::Tuple(items), Type::Tuple(ts)) if items.len() == ts.len() => {
            write_len(out, items.len(), [0x90, 0xdc, 0xdd]);
            for (item, t) in items.iter().zip(ts) {
                encode_into(out, item, t)?;
            }
        }
        (Value::Map(m), Type::Map(e)) => {
            write_len(out, m.len(), [0x80, 0xde, 0xdf]);
            for (k, v) in m {
                write_str(out, k);
                encode_into(out, v, e)?;
            }
        }
        (Value::Object(m), Type::Object(attrs)) => {
            write_len(out, attrs.len(), [0x80, 0xde, 0xdf]);
            // Both are in name order: walked together, an attribute costs no lookup.
            let mut values = m.iter().peekable();
            for (k, t) in attrs {
                let v = match values.peek() {
                    Some((name, _)) if name.as_str() < k.as_str() => {
                        return Err(ShapeError::new(format!("attribute {name:?} is not in the schema")))
                    }
                    Some((name, value)) if *name == k => {
                        let value = *value;
                        values.next();
                        value
                    }
                    _ => &Value::Null,
                };
                write_str(out, k);
                encode_into(out, v, t).map_err(|e| e.in_attr(k))?;
            }
            if let Some((extra, _)) = values.next() {
                return Err(ShapeError::new(format!("attribute {extra:?} is not in the schema")));
            }
        }
        (v, Type::Dynamic) => {
            let inner = infer_type(v).ok_or_else(|| ShapeError::new("cannot infer the type of a dynamic value"))?;
            write_len(out, 2, [0x90, 0xdc, 0xdd]);
            write_bin(out, inner.to_json().to_string().as_bytes());
            encode_into(out, v, &inner)?;
        }
        (v, t) => return Err(ShapeError::new(format!("cannot encode a {} value as {t}", kind_name(v)))),
    }
    Ok(())
}

/// The type a dynamic value is sent as: only primitives are inferred.
fn infer_type(v: &Value) -> Option<Type> {
    match v {
        Value::Bool(_) => Some(Type::Bool),
        Value::Number(_) => Some(Type::Number),
        Value::String(_) => Some(Type::String),
        _ => None,
    }
}

fn write_int(out: &mut Vec<u8>, i: i64) {
    if (0..=0x7f).contains(&i) {
        out.push(i as u8);
    } else if (-32..0).contains(&i) {
        out.push(i as i8 as u8);
    } else if let Ok(x) = i8::try_from(i) {
        out.extend_from_slice(&[0xd0, x as u8]);
    } else if let Ok(x) = i16::try_from(i) {
        out.push(0xd1);
        out.extend_from_slice(&x.to_be_bytes());
    } else if let Ok(x) = i32::try_from(i) {
        out.push(0xd2);
        out.extend_from_slice(&x.to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&i.to_be_bytes());
    }
}

pub(super) fn write_str(out: &mut Vec<u8>, s: &str) {
    let n = s.len();
    if n < 32 {
        out.push(0xa0 | n as u8);
    } else if n <= 0xff {
        out.extend_from_slice(&[0xd9, n as u8]);
    } else {
        write_len(out, n, [0, 0xda, 0xdb]);
    }
    out.extend_from_slice(s.as_bytes());
}

fn write_bin(out: &mut Vec<u8>, bytes: &[u8]) {
    let n = bytes.len();
    if n <= 0xff {
        out.extend_from_slice(&[0xc4, n as u8]);
    } else {
        write_len(out, n, [0, 0xc5, 0xc6]);
    }
    out.extend_from_slice(bytes);
}

/// Writes a length in the fix form (`codes[0] | n`, when `codes[0]` is non-zero and
/// n < 16), else with the 16-bit (`codes[1]`) or 32-bit (`codes[2]`) code.
fn write_len(out: &mut Vec<u8>, n: usize, codes: [u8; 3]) {
    if codes[0] != 0 && n < 16 {
        out.push(codes[0] | n as u8);
    } else if n <= 0xffff {
        out.push(codes[1]);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(codes[2]);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}
