//! The simulator's control API under `/_sim/` (unauthenticated: it is a local test
//! tool). It lets a test change notebooks behind the provider's back, inject faults
//! at run time, and read the call log.
//!
//! - `GET /_sim/notebooks` — every notebook, as the API shows it
//! - `PATCH /_sim/notebooks/{id}` — overwrite `status`, `fail_reason`, `name`, `flavor`, `description`, `lease`
//! - `GET /_sim/notebooks/{id}/storage` — the notebook's storage mounts
//! - `PATCH /_sim/notebooks/{id}/storage/{mount}` — overwrite a mount's `status`, `failure_reason`
//! - `DELETE /_sim/notebooks/{id}/storage/{mount}` — remove a mount at once
//! - `DELETE /_sim/images/{id}` — remove a saved image at once (as the console does)
//! - `POST /_sim/faults` — add a fault rule (JSON, see [`Rule`]); `DELETE /_sim/faults` clears them
//! - `PUT /_sim/error-rate` — `{"rate": 0.3}`
//! - `POST /_sim/outage` — `{"seconds": 40}`: every request answered 503 from now, for that long
//! - `PUT /_sim/rate-limit` — `{"per_second": 8, "burst": 8}` (`null` lifts it)
//! - `GET /_sim/calls` — the call log; `DELETE /_sim/calls` clears it
//! - `GET /_sim/auth-tokens` — the IAM tokens handed out for passwords, with their
//!   projects (tests use one as the provider's `token`).
//! - `GET /_sim/issued` — the temporary keys the metadata service handed out, secrets
//!   included (a local test tool: for tests that prove no secret reaches a log)

use serde_json::{json, Value as J};

use super::faults::Rule;
use super::{Reply, SimState};
use modelarts_api::types::{Lease, Status};

pub(crate) fn handle(state: &SimState, method: &str, rest: &str, body: &[u8]) -> Reply {
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let parsed: Result<J, _> = if body.is_empty() { Ok(J::Null) } else { serde_json::from_slice(body) };
    let Ok(input) = parsed else {
        return Reply::error(400, "SIM.0001", "control request body is not JSON");
    };
    let mut world = state.lock();
    match (method, parts.as_slice()) {
        ("GET", ["notebooks"]) => Reply::json(200, &json!(world.store.all())),
        ("PATCH", ["notebooks", id]) => {
            let Some(r) = world.store.get_mut(id) else {
                return Reply::error(404, "SIM.0404", "no such notebook");
            };
            if let Some(s) = input.get("status").and_then(J::as_str) {
                r.force_status(Status::parse(s));
            }
            let n = &mut r.notebook;
            if let Some(v) = input.get("fail_reason") {
                n.fail_reason = v.as_str().map(String::from);
            }
            if let Some(v) = input.get("name").and_then(J::as_str) {
                n.name = v.to_string();
            }
            if let Some(v) = input.get("description").and_then(J::as_str) {
                n.description = Some(v.to_string());
            }
            if let Some(v) = input.get("flavor").and_then(J::as_str) {
                n.flavor = v.into();
            }
            if let Some(v) = input.get("lease") {
                n.lease = serde_json::from_value::<Lease>(v.clone()).ok();
            }
            n.update_at = Some(modelarts_api::timefmt::now_millis());
            Reply::json(200, &json!(n))
        }
        (_, ["notebooks", id, "storage", rest @ ..]) => {
            let Some(r) = world.store.get_mut(id) else {
                return Reply::error(404, "SIM.0404", "no such notebook");
            };
            match (method, rest) {
                ("GET", []) => Reply::json(200, &json!(r.mounts.iter().map(|m| &m.mount).collect::<Vec<_>>())),
                ("PATCH", [mount]) => match r.mounts.iter_mut().find(|m| m.mount.id == *mount) {
                    Some(m) => {
                        if let Some(s) = input.get("status").and_then(J::as_str) {
                            m.force_status(s);
                        }
                        if let Some(v) = input.get("failure_reason") {
                            m.mount.failure_reason = v.as_str().map(String::from);
                        }
                        Reply::json(200, &json!(m.mount))
                    }
                    None => Reply::error(404, "SIM.0404", "no such mount"),
                },
                ("DELETE", [mount]) => {
                    r.mounts.retain(|m| m.mount.id != *mount);
                    Reply::json(200, &json!({}))
                }
                _ => Reply::error(404, "SIM.0404", "unknown control endpoint"),
            }
        }
        ("DELETE", ["images", id]) => {
            let before = world.store.images.len();
            world.store.images.retain(|i| i.image.id != *id);
            if world.store.images.len() < before {
                Reply::json(200, &json!({}))
            } else {
                Reply::error(404, "SIM.0404", "no such saved image")
            }
        }
        ("POST", ["faults"]) => match serde_json::from_value::<Rule>(input) {
            Ok(rule) => {
                world.faults.rules.push(rule);
                Reply::json(200, &json!({"rules": world.faults.rules.len()}))
            }
            Err(e) => Reply::error(400, "SIM.0002", &format!("not a fault rule: {e}")),
        },
        ("DELETE", ["faults"]) => {
            world.faults.rules.clear();
            world.faults.error_rate = 0.0;
            Reply::json(200, &json!({}))
        }
        ("PUT", ["error-rate"]) => {
            world.faults.error_rate = input.get("rate").and_then(J::as_f64).unwrap_or(0.0).clamp(0.0, 1.0);
            Reply::json(200, &json!({"rate": world.faults.error_rate}))
        }
        ("POST", ["outage"]) => {
            let secs = input.get("seconds").and_then(J::as_f64).unwrap_or(0.0).clamp(0.0, 86_400.0);
            world.gateway.start_outage(std::time::Duration::from_secs_f64(secs));
            Reply::json(200, &json!({"seconds": secs}))
        }
        ("PUT", ["rate-limit"]) => {
            let per_second = input.get("per_second").and_then(J::as_f64).filter(|r| *r > 0.0);
            let limit = per_second.map(|per_second| super::gateway::RateLimit {
                per_second,
                burst: input.get("burst").and_then(J::as_f64).unwrap_or(per_second).max(1.0),
            });
            world.gateway.set_limit(limit);
            Reply::json(200, &json!({"per_second": per_second}))
        }
        ("GET", ["issued"]) => {
            let issued: Vec<J> = world
                .issued
                .iter()
                .map(|k| json!({"access": k.access_key, "secret": k.secret_key, "securitytoken": k.security_token, "expires_at_ms": k.expires_at_ms}))
                .collect();
            Reply::json(200, &json!(issued))
        }
        ("GET", ["auth-tokens"]) => {
            let tokens: Vec<J> = world
                .auth_tokens
                .iter()
                .map(|t| json!({"token": t.token, "project_id": t.project_id, "expires_at_ms": t.expires_at_ms}))
                .collect();
            Reply::json(200, &json!(tokens))
        }
        ("GET", ["calls"]) => {
            drop(world);
            Reply::json(200, &json!(state.log.snapshot()))
        }
        ("DELETE", ["calls"]) => {
            drop(world);
            state.log.clear();
            Reply::json(200, &json!({}))
        }
        _ => Reply::error(404, "SIM.0404", "unknown control endpoint"),
    }
}
