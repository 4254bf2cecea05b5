//! The instance metadata service of an ECS or CCE node, as the official SDKs use it
//! (Go SDK `core/auth/internal/metadata_accessor.go`, Python SDK `auth/internal.py`):
//! `PUT /meta-data/latest/api/token` (header `X-Metadata-Token-Ttl-Seconds`) answers
//! a session token; `GET /openstack/latest/securitykey` answers temporary keys,
//! `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`, which the
//! gateway then accepts until they expire (their lifetime is the simulator's
//! `temporary_key_lifetime`). A session token, when sent, must be one it gave.

use serde_json::json;

use super::auth::Credentials;
use super::{Incoming, Reply, SimState};
use modelarts_api::timefmt::{self, now_millis};

/// The call log's names of the two calls.
const TOKEN_OP: &str = "metadata_token";
const KEYS_OP: &str = "metadata_securitykey";

/// A random string of `n` characters from `alphabet`.
fn random(alphabet: &[u8], n: usize) -> String {
    use aws_lc_rs::rand::{SecureRandom, SystemRandom};
    let mut bytes = vec![0u8; n];
    let _ = SystemRandom::new().fill(&mut bytes);
    bytes.iter().filter_map(|b| alphabet.get(usize::from(*b) % alphabet.len().max(1)).map(|c| char::from(*c))).collect()
}

/// The metadata service's answer to `req`, if it is one of its calls.
pub(crate) fn handle(state: &SimState, req: &Incoming) -> Option<Reply> {
    let (op, reply) = match (req.method.as_str(), req.path.trim_end_matches('/')) {
        ("PUT", "/meta-data/latest/api/token") => {
            let token = random(b"abcdefghijklmnopqrstuvwxyz0123456789", 40);
            state.lock().metadata_tokens.push(token.clone());
            (TOKEN_OP, Reply::raw(200, "text/plain", token.into_bytes()))
        }
        ("GET", "/openstack/latest/securitykey") => (KEYS_OP, security_key(state, req)),
        _ => return None,
    };
    // The call log never holds what the answer carries (the keys).
    state.record(req, op.to_string(), None, None, &reply);
    Some(reply)
}

fn security_key(state: &SimState, req: &Incoming) -> Reply {
    let sent = req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("x-metadata-token")).map(|(_, v)| v.clone());
    let mut world = state.lock();
    if let Some(t) = &sent {
        if !world.metadata_tokens.contains(t) {
            return Reply::error(401, "", "the metadata session token is not valid");
        }
    }
    let keys = issue(state, &mut world.issued);
    Reply::json(200, &json!({"credential": v3_credential(&keys)}))
}

/// New temporary keys, living the simulator's `temporary_key_lifetime`, added to
/// those the gateway accepts (`issued`).
pub(crate) fn issue(state: &SimState, issued: &mut Vec<Credentials>) -> Credentials {
    const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const MIXED: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let lifetime = i64::try_from(state.config.temporary_key_lifetime.as_millis()).unwrap_or(i64::MAX);
    let keys = Credentials {
        access_key: random(UPPER, 20),
        secret_key: random(MIXED, 40),
        security_token: Some(random(MIXED, 120)),
        expires_at_ms: Some(now_millis().saturating_add(lifetime)),
    };
    issued.push(keys.clone());
    keys
}

/// Temporary keys as IAM v3 and the metadata service write them: `{access, secret,
/// securitytoken, expires_at}`.
pub(crate) fn v3_credential(k: &Credentials) -> serde_json::Value {
    json!({
        "access": k.access_key,
        "secret": k.secret_key,
        "securitytoken": k.security_token,
        "expires_at": k.expires_at_ms.and_then(timefmt::rfc3339).unwrap_or_default(),
    })
}
