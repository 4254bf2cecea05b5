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
use crate::timefmt::{self, now_millis};

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
    let now = now_millis();
    let lifetime = i64::try_from(state.config.temporary_key_lifetime.as_millis()).unwrap_or(i64::MAX);
    let keys = Credentials {
        access_key: random(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20),
        secret_key: random(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40),
        security_token: Some(random(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 120)),
        expires_at_ms: Some(now.saturating_add(lifetime)),
    };
    let answer = json!({"credential": {
        "access": keys.access_key,
        "secret": keys.secret_key,
        "securitytoken": keys.security_token,
        "expires_at": timefmt::rfc3339(now.saturating_add(lifetime)).unwrap_or_default(),
    }});
    world.issued.push(keys);
    Reply::json(200, &answer)
}
