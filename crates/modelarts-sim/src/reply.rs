//! What every handler of the simulator answers with: refusals in the API's words
//! (its real error codes, [`super::rules::code`]), the context of a call, the
//! notebook a call is about, bodies in and out. The handlers (`notebooks`, `images`,
//! `mounts`, `tags`) and the router (`api`) use it; it uses none of them.

use serde_json::Value as J;

use super::catalogue::Catalogue;
use super::rules::code;
use super::store::{Ending, Record, Store, Timings};
use modelarts_api::types::Status;

/// An API error answer.
#[derive(Debug)]
pub(crate) struct Refused {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

pub(crate) fn refused<T>(status: u16, code: &'static str, message: impl Into<String>) -> Result<T, Refused> {
    Err(Refused { status, code, message: message.into() })
}

/// `ModelArts.0104`, "Parameter error", with the API-style message naming the parameter.
pub(crate) fn bad_parameter<T>(message: impl Into<String>) -> Result<T, Refused> {
    refused(400, code::PARAMETER, message)
}

/// "The instance does not exist": HTTP 404 with `ModelArts.6404` on a show (as some
/// regions answer), 400 with `ModelArts.6309` elsewhere — the three spellings the
/// official provider maps to "not found".
pub(crate) fn not_found<T>(id: &str, show: bool) -> Result<T, Refused> {
    if show {
        refused(404, code::DOES_NOT_EXIST, format!("The instance does not exist: {id}"))
    } else {
        refused(400, code::NO_INSTANCE, format!("The instance does not exist: {id}"))
    }
}

/// Refuses a call that needs a settled instance, with the code of the transition
/// under way (the error table: 6306 starting, 6308 stopping, 6357 otherwise busy).
pub(crate) fn busy<T>(n: &modelarts_api::types::Notebook, what: &str) -> Result<T, Refused> {
    match n.status {
        Status::Starting => refused(400, code::STARTING, format!("The instance is starting; cannot {what} now.")),
        Status::Stopping => refused(400, code::STOPPING, format!("The instance is stopping; cannot {what} now.")),
        _ => refused(400, code::BUSY, format!("The instance {} is busy ({}); cannot {what} now.", n.id, n.status)),
    }
}

/// Everything an operation may touch.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    /// The project in the request's path: notebooks of other projects do not exist for it.
    pub project: &'a str,
    pub store: &'a mut Store,
    pub catalogue: &'a Catalogue,
    pub timings: &'a Timings,
    /// How the transition this call starts will end.
    pub ending: Ending,
}

/// Notebook `id` of `project`, or "does not exist" (HTTP 404 on a show, as
/// [`not_found`] spells it).
pub(crate) fn notebook<'s>(
    store: &'s mut Store,
    project: &str,
    id: &str,
    show: bool,
) -> Result<&'s mut Record, Refused> {
    match store.get_mut(id) {
        Some(r) if r.project == project => Ok(r),
        _ => not_found(id, show),
    }
}

/// The first value of query parameter `k`.
pub(crate) fn q<'a>(query: &'a [(String, String)], k: &str) -> Option<&'a str> {
    query.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str())
}

pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refused> {
    serde_json::from_slice(body)
        .or_else(|e| bad_parameter(format!("Parameter error: the request body is invalid: {e}")))
}

pub(crate) fn to_json(n: &impl serde::Serialize) -> J {
    serde_json::to_value(n).unwrap_or(J::Null)
}

/// A random (version 4) UUID.
pub(crate) fn uuid_v4() -> String {
    use aws_lc_rs::rand::{SecureRandom, SystemRandom};
    let mut b = [0u8; 16];
    let _ = SystemRandom::new().fill(&mut b);
    if let Some(version) = b.get_mut(6) {
        *version = (*version & 0x0f) | 0x40;
    }
    if let Some(variant) = b.get_mut(8) {
        *variant = (*variant & 0x3f) | 0x80;
    }
    let h = hex::encode(b);
    let part = |r: std::ops::Range<usize>| h.get(r).unwrap_or_default().to_string();
    format!("{}-{}-{}-{}-{}", part(0..8), part(8..12), part(12..16), part(16..20), part(20..32))
}
