//! The msgpack encoding of Terraform values (cty's wire format), with unknowns as
//! msgpack extension type 0. Decoding is driven by the expected [`Type`]; any input
//! that does not fit is an error, never a panic, and no length prefix is trusted
//! for an allocation larger than the bytes that remain.

use super::diagnostics::{AttributePath, Step};
use super::name::{compare, Name};
use super::object::Attrs;
use super::types::Type;
use super::value::{kind_name, Number, ShapeError, Value};

/// cty encodes an unknown as extension 0; refined unknowns (Terraform ≥ 1.6) as 12.
const EXT_UNKNOWN: i8 = 0;
const EXT_REFINED_UNKNOWN: i8 = 12;

/// Why a value did not decode, and where in it: `volume[0].size`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Where in the value.
    pub path: AttributePath,
    /// What is wrong there.
    pub message: String,
}

impl DecodeError {
    fn new(message: impl Into<String>) -> Self {
        DecodeError { path: AttributePath::root(), message: message.into() }
    }

    /// The same error, one step further from the root.
    fn within(mut self, step: Step) -> Self {
        self.path.0.insert(0, step);
        self
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_root() {
            write!(f, "msgpack: {}", self.message)
        } else {
            write!(f, "msgpack: at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes msgpack bytes as a value of type `ty`.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let mut d = Decoder { buf: bytes, pos: 0 };
    let v = d.value(ty, 0)?;
    if d.pos != bytes.len() {
        return Err(DecodeError::new(format!("{} trailing bytes", bytes.len().saturating_sub(d.pos))));
    }
    Ok(v)
}

/// Bounds nesting of dynamic values, whose types come from the input itself.
const MAX_DEPTH: usize = 64;

struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
}

enum Head {
    Nil,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(usize),
    Bin(usize),
    Array(usize),
    Map(usize),
    Ext(i8, usize),
}

impl<'a> Decoder<'a> {
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, DecodeError> {
        Err(DecodeError::new(format!("{} at byte {}", msg.into(), self.pos)))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let Some(s) = self.pos.checked_add(n).and_then(|end| self.buf.get(self.pos..end)) else {
            return self.err("unexpected end of input");
        };
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        match self.take(1)? {
            [b] => Ok(*b),
            _ => self.err("unexpected end of input"),
        }
    }

    fn be(&mut self, n: usize) -> Result<u64, DecodeError> {
        Ok(self.take(n)?.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    fn head(&mut self) -> Result<Head, DecodeError> {
        let b = self.u8()?;
        Ok(match b {
            0x00..=0x7f => Head::Int(i64::from(b)),
            0x80..=0x8f => Head::Map(usize::from(b & 0x0f)),
            0x90..=0x9f => Head::Array(usize::from(b & 0x0f)),
            0xa0..=0xbf => Head::Str(usize::from(b & 0x1f)),
            0xc0 => Head::Nil,
            0xc2 => Head::Bool(false),
            0xc3 => Head::Bool(true),
            0xc4 => Head::Bin(self.be(1)? as usize),
            0xc5 => Head::Bin(self.be(2)? as usize),
            0xc6 => Head::Bin(self.be(4)? as usize),
            0xc7 => {
                let n = self.be(1)? as usize;
                Head::Ext(self.u8()? as i8, n)
            }
            0xc8 => {
                let n = self.be(2)? as usize;
                Head::Ext(self.u8()? as i8, n)
            }
            0xc9 => {
                let n = self.be(4)? as usize;
                Head::Ext(self.u8()? as i8, n)
            }
            0xca => Head::Float(f64::from(f32::from_bits(self.be(4)? as u32))),
            0xcb => Head::Float(f64::from_bits(self.be(8)?)),
            0xcc => Head::Uint(self.be(1)?),
            0xcd => Head::Uint(self.be(2)?),
            0xce => Head::Uint(self.be(4)?),
            0xcf => Head::Uint(self.be(8)?),
            0xd0 => Head::Int(i64::from(self.be(1)? as u8 as i8)),
            0xd1 => Head::Int(i64::from(self.be(2)? as u16 as i16)),
            0xd2 => Head::Int(i64::from(self.be(4)? as u32 as i32)),
            0xd3 => Head::Int(self.be(8)? as i64),
            0xd4 => Head::Ext(self.u8()? as i8, 1),
            0xd5 => Head::Ext(self.u8()? as i8, 2),
            0xd6 => Head::Ext(self.u8()? as i8, 4),
            0xd7 => Head::Ext(self.u8()? as i8, 8),
            0xd8 => Head::Ext(self.u8()? as i8, 16),
            0xd9 => Head::Str(self.be(1)? as usize),
            0xda => Head::Str(self.be(2)? as usize),
            0xdb => Head::Str(self.be(4)? as usize),
            0xdc => Head::Array(self.be(2)? as usize),
            0xdd => Head::Array(self.be(4)? as usize),
            0xde => Head::Map(self.be(2)? as usize),
            0xdf => Head::Map(self.be(4)? as usize),
            0xe0..=0xff => Head::Int(i64::from(b as i8)),
            0xc1 => return self.err("reserved byte 0xc1"),
        })
    }

    /// A collection claims `n` items of at least one byte each: more than the
    /// remaining input is a lie, refused before anything is allocated.
    fn check_len(&self, n: usize, min_item_bytes: usize) -> Result<(), DecodeError> {
        if n.saturating_mul(min_item_bytes) > self.buf.len() - self.pos {
            return self.err(format!("length {n} exceeds the input"));
        }
        Ok(())
    }

    fn string(&mut self, n: usize) -> Result<String, DecodeError> {
        let bytes = self.take(n)?;
        self.utf8(bytes)
    }

    fn utf8(&self, bytes: &[u8]) -> Result<String, DecodeError> {
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => self.err("string is not valid UTF-8"),
        }
    }

    fn value(&mut self, ty: &Type, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return self.err("value nested too deeply");
        }
        let head = self.head()?;
        match head {
            Head::Nil => return Ok(Value::Null),
            Head::Ext(code, n) => {
                self.take(n)?;
                return match code {
                    EXT_UNKNOWN | EXT_REFINED_UNKNOWN => Ok(Value::Unknown),
                    other => self.err(format!("unexpected extension type {other}")),
                };
            }
            _ => {}
        }
        match ty {
            Type::Bool => match head {
                Head::Bool(b) => Ok(Value::Bool(b)),
                _ => self.err("expected a bool"),
            },
            Type::Number => match head {
                Head::Int(i) => Ok(Value::Number(Number::Int(i))),
                Head::Uint(u) => Ok(Value::Number(match i64::try_from(u) {
                    Ok(i) => Number::Int(i),
                    Err(_) => Number::Float(u as f64),
                })),
                Head::Float(f) => Ok(Value::Number(Number::Float(f))),
                // cty writes numbers that fit neither int64 nor float64 exactly as strings.
                Head::Str(n) => {
                    let s = self.string(n)?;
                    match s.parse::<f64>() {
                        Ok(f) if f.is_finite() => Ok(Value::Number(Number::Float(f))),
                        _ => self.err(format!("{s:?} is not a number")),
                    }
                }
                _ => self.err("expected a number"),
            },
            Type::String => match head {
                Head::Str(n) => Ok(Value::String(self.string(n)?)),
                _ => self.err("expected a string"),
            },
            Type::List(e) | Type::Set(e) => {
                let Head::Array(n) = head else {
                    return self.err(format!("expected an array for {ty}"));
                };
                self.check_len(n, 1)?;
                let mut items = Vec::with_capacity(n);
                for i in 0..n {
                    items.push(self.value(e, depth + 1).map_err(|err| err.within(Step::Index(i as i64)))?);
                }
                Ok(if matches!(ty, Type::List(_)) { Value::List(items) } else { Value::Set(items) })
            }
            Type::Tuple(ts) => {
                let Head::Array(n) = head else {
                    return self.err("expected an array for a tuple");
                };
                if n != ts.len() {
                    return self.err(format!("tuple of {n} elements, expected {}", ts.len()));
                }
                ts.iter()
                    .enumerate()
                    .map(|(i, t)| self.value(t, depth + 1).map_err(|err| err.within(Step::Index(i as i64))))
                    .collect::<Result<_, _>>()
                    .map(Value::Tuple)
            }
            Type::Map(e) => {
                let Head::Map(n) = head else {
                    return self.err("expected a map");
                };
                self.check_len(n, 2)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = self.key()?;
                    let v = self.value(e, depth + 1).map_err(|err| err.within(Step::Key(k.clone())))?;
                    entries.push((k, v));
                }
                // Built at once from the entries (a key given twice keeps its last
                // value): sorted input, as Terraform writes it, costs no comparisons
                // beyond one pass.
                Ok(Value::Map(entries.into_iter().collect()))
            }
            Type::Object(attrs) => {
                let Head::Map(n) = head else {
                    return self.err("expected a map for an object");
                };
                self.check_len(n, 2)?;
                // Terraform writes every attribute, in name order (cty's msgpack): the
                // schema's attributes are walked alongside, so an attribute costs no
                // lookup; one left out is null, one out of order is looked up.
                let mut fields = Vec::with_capacity(attrs.len().max(n));
                let mut expected = attrs.iter().peekable();
                let mut in_order = true;
                for _ in 0..n {
                    // The key's bytes are compared with the schema's names as they are:
                    // one that matches is the schema's name (already valid UTF-8).
                    let raw = self.key_bytes()?;
                    let mut found = None;
                    while let Some((name, t)) = expected.peek() {
                        match compare(name.as_bytes(), raw) {
                            std::cmp::Ordering::Less => fields.push(((*name).clone(), Value::Null)),
                            std::cmp::Ordering::Equal => found = Some((*name, *t)),
                            std::cmp::Ordering::Greater => break,
                        }
                        expected.next();
                        if found.is_some() {
                            break;
                        }
                    }
                    let (k, t) = match found {
                        Some((name, t)) => (name.clone(), t),
                        None => {
                            in_order = false;
                            let k = self.utf8(raw)?;
                            match attrs.get(&k) {
                                Some(t) => (Name::from(k), t),
                                None => return self.err(format!("unexpected attribute {k:?}")),
                            }
                        }
                    };
                    let v = self.value(t, depth + 1).map_err(|err| err.within(Step::Attr(k.to_string())))?;
                    fields.push((k, v));
                }
                fields.extend(expected.map(|(name, _)| (name.clone(), Value::Null)));
                if in_order {
                    return Ok(Value::Object(Attrs::from_sorted(fields)));
                }
                // Later entries win: an attribute given out of order replaces the null
                // written for it while walking.
                Ok(Value::Object(fields.into_iter().collect()))
            }
            Type::Dynamic => {
                // [type as JSON bytes, value]
                let Head::Array(2) = head else {
                    return self.err("expected a [type, value] pair for a dynamic value");
                };
                let type_json = match self.head()? {
                    Head::Bin(n) | Head::Str(n) => self.take(n)?,
                    _ => return self.err("dynamic value type must be bytes"),
                };
                let parsed: serde_json::Value = serde_json::from_slice(type_json)
                    .map_err(|e| DecodeError::new(format!("dynamic value type: {e}")))?;
                let inner = Type::from_json(&parsed).map_err(|e| DecodeError::new(e.message))?;
                self.value(&inner, depth + 1)
            }
        }
    }

    fn key(&mut self) -> Result<String, DecodeError> {
        let raw = self.key_bytes()?;
        self.utf8(raw)
    }

    /// A map key's bytes, not yet checked to be UTF-8.
    fn key_bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        match self.head()? {
            Head::Str(n) => self.take(n),
            _ => self.err("map keys must be strings"),
        }
    }
}

/// Encodes `value` as a value of type `ty`. Missing object attributes are written as
/// null; a value that does not fit the type is an error.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, ShapeError> {
    let mut out = Vec::with_capacity(256);
    encode_into(&mut out, value, ty)?;
    Ok(out)
}

fn encode_into(out: &mut Vec<u8>, value: &Value, ty: &Type) -> Result<(), ShapeError> {
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

fn write_str(out: &mut Vec<u8>, s: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
