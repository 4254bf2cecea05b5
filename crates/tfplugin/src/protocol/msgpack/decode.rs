//! Decoding, driven by the expected type.

use super::{DecodeError, EXT_REFINED_UNKNOWN, EXT_UNKNOWN};

/// A decoding error, boxed: every step returns a `Result`, and one the size of a
/// pointer is returned in registers where a whole error would be written to memory.
pub(super) type Failure = Box<DecodeError>;

/// `failure`, one step further from the root.
fn within(mut failure: Failure, step: Step) -> Failure {
    failure.path.0.insert(0, step);
    failure
}
use crate::protocol::diagnostics::Step;
use crate::protocol::name::{compare, Name};
use crate::protocol::object::Attrs;
use crate::protocol::types::Type;
use crate::protocol::value::{Number, Value};

/// Bounds nesting of dynamic values, whose types come from the input itself.
const MAX_DEPTH: usize = 64;

/// Reads values from `buf`, from `pos` on.
pub(super) struct Decoder<'a> {
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
    pub(super) fn new(buf: &'a [u8]) -> Self {
        Decoder { buf, pos: 0 }
    }

    /// How many bytes are left unread.
    pub(super) fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    fn err<T>(&self, msg: impl Into<String>) -> Result<T, Failure> {
        Err(Box::new(DecodeError::new(format!("{} at byte {}", msg.into(), self.pos))))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Failure> {
        let Some(s) = self.pos.checked_add(n).and_then(|end| self.buf.get(self.pos..end)) else {
            return self.err("unexpected end of input");
        };
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, Failure> {
        match self.buf.get(self.pos) {
            Some(b) => {
                self.pos += 1;
                Ok(*b)
            }
            None => self.err("unexpected end of input"),
        }
    }

    fn be(&mut self, n: usize) -> Result<u64, Failure> {
        Ok(self.take(n)?.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    fn head(&mut self) -> Result<Head, Failure> {
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
    fn check_len(&self, n: usize, min_item_bytes: usize) -> Result<(), Failure> {
        if n.saturating_mul(min_item_bytes) > self.buf.len() - self.pos {
            return self.err(format!("length {n} exceeds the input"));
        }
        Ok(())
    }

    fn string(&mut self, n: usize) -> Result<String, Failure> {
        let bytes = self.take(n)?;
        self.utf8(bytes)
    }

    fn utf8(&self, bytes: &[u8]) -> Result<String, Failure> {
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => self.err("string is not valid UTF-8"),
        }
    }

    pub(super) fn value(&mut self, ty: &Type, depth: usize) -> Result<Value, Failure> {
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
                    items.push(self.value(e, depth + 1).map_err(|err| within(err, Step::Index(i as i64)))?);
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
                    .map(|(i, t)| self.value(t, depth + 1).map_err(|err| within(err, Step::Index(i as i64))))
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
                    let v = self.value(e, depth + 1).map_err(|err| within(err, Step::Key(k.clone())))?;
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
                    let v = self.value(t, depth + 1).map_err(|err| within(err, Step::Attr(k.to_string())))?;
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
                    .map_err(|e| Box::new(DecodeError::new(format!("dynamic value type: {e}"))))?;
                let inner = Type::from_json(&parsed).map_err(|e| Box::new(DecodeError::new(e.message)))?;
                self.value(&inner, depth + 1)
            }
        }
    }

    fn key(&mut self) -> Result<String, Failure> {
        let raw = self.key_bytes()?;
        self.utf8(raw)
    }

    /// A map key's bytes, not yet checked to be UTF-8.
    fn key_bytes(&mut self) -> Result<&'a [u8], Failure> {
        match self.head()? {
            Head::Str(n) => self.take(n),
            _ => self.err("map keys must be strings"),
        }
    }
}
