//! The msgpack encoding of Terraform values (cty's wire format), with unknowns as
//! msgpack extension type 0. Decoding is driven by the expected [`Type`]; any input
//! that does not fit is an error, never a panic, and no length prefix is trusted
//! for an allocation larger than the bytes that remain.

mod decode;
mod encode;
#[cfg(test)]
mod tests;

use super::diagnostics::AttributePath;
use super::types::Type;
use super::value::{ShapeError, Value};

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
    let mut d = decode::Decoder::new(bytes);
    let v = d.value(ty, 0).map_err(|failure| *failure)?;
    if d.remaining() != 0 {
        return Err(DecodeError::new(format!("{} trailing bytes", d.remaining())));
    }
    Ok(v)
}

/// Encodes `value` as a value of type `ty`. Missing object attributes are written as
/// null; a value that does not fit the type is an error.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, ShapeError> {
    let mut out = Vec::with_capacity(256);
    encode::encode_into(&mut out, value, ty)?;
    Ok(out)
}
