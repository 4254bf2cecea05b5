//! What the simulator answers for IAM and STS besides the project list: an agency's
//! temporary keys (`assume_role`), as the official provider asks for them —
//! `POST /v3.0/OS-CREDENTIAL/securitytokens` with method `assume_role` (IAM v3; 201
//! with `{"credential": {...}}`) and `POST /v5/agencies/assume` with an `agency_urn`
//! (STS v5; `{"credentials": {access_key_id, secret_access_key, security_token,
//! expiration}}`). The call must be signed with keys the gateway accepts (permanent
//! or temporary: a chain of agencies signs each call with the keys before it). With
//! `agencies` configured, other agency names are refused.

use serde_json::{json, Value as J};

use super::metadata::{issue, v3_credential};
use super::{auth, parse_query, Incoming, Reply, SimState};
use crate::timefmt;

/// The call log's names of the two calls.
pub(crate) const ASSUME_V3_OP: &str = "iam_assume_role";
pub(crate) const ASSUME_V5_OP: &str = "sts_assume_agency";

/// The call log's name of the ID-token exchange.
pub(crate) const ID_TOKEN_OP: &str = "iam_id_token";

/// The answer to `req`, if it is one of these calls.
pub(crate) fn handle(state: &SimState, req: &Incoming) -> Option<Reply> {
    let v5 = match (req.method.as_str(), req.path.trim_end_matches('/')) {
        ("POST", "/v3.0/OS-AUTH/id-token/tokens") => {
            let reply = id_token(state, req);
            // The ID token is a secret: the call log keeps no body of this call.
            let redacted = Incoming { body: Vec::new(), headers: Vec::new(), ..req.clone() };
            state.record(&redacted, ID_TOKEN_OP.to_string(), None, None, &reply);
            return Some(reply);
        }
        ("POST", "/v3.0/OS-CREDENTIAL/securitytokens") => false,
        ("POST", "/v5/agencies/assume") => true,
        _ => return None,
    };
    let reply = assume(state, req, v5);
    state.record(req, if v5 { ASSUME_V5_OP } else { ASSUME_V3_OP }.to_string(), None, None, &reply);
    Some(reply)
}

/// `POST /v3.0/OS-AUTH/id-token/tokens` (unsigned): the configured identity provider's
/// token gives an IAM token in `X-Subject-Token`.
fn id_token(state: &SimState, req: &Incoming) -> Reply {
    let idp = req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("x-idp-id")).map(|(_, v)| v.as_str());
    let body: J = serde_json::from_slice(&req.body).unwrap_or(J::Null);
    let token = ["auth", "id_token", "id"].iter().try_fold(&body, |v, k| v.get(*k)).and_then(J::as_str);
    match &state.config.oidc {
        Some((want_idp, want_token)) if idp == Some(want_idp.as_str()) && token == Some(want_token.as_str()) => {
            let subject = issue(state, &mut Vec::new()).access_key;
            state.lock().subject_tokens.push(subject.clone());
            Reply::raw(201, "application/json", b"{}".to_vec()).header("x-subject-token", subject)
        }
        _ => Reply::error(401, "IAM.0301", "the identity provider or its ID token is not accepted"),
    }
}

fn assume(state: &SimState, req: &Incoming, v5: bool) -> Reply {
    let query = parse_query(&req.raw_query);
    let body: J = serde_json::from_slice(&req.body).unwrap_or(J::Null);
    let at = |path: &[&str]| path.iter().try_fold(&body, |v, k| v.get(*k));
    // Method `token` (after an ID-token exchange) is not signed: its IAM token speaks.
    let methods = at(&["auth", "identity", "methods"]).and_then(J::as_array);
    if !v5 && methods.is_some_and(|m| m.iter().any(|x| x == "token")) {
        let subject = at(&["auth", "identity", "token", "id"]).and_then(J::as_str).unwrap_or_default();
        let mut world = state.lock();
        if !world.subject_tokens.iter().any(|t| t == subject) {
            return Reply::error(401, "IAM.0301", "the IAM token is not valid");
        }
        let keys = issue(state, &mut world.issued);
        return Reply::json(201, &json!({"credential": v3_credential(&keys)}));
    }
    let received =
        auth::Received { method: &req.method, path: &req.path, query: &query, headers: &req.headers, body: &req.body };
    if let Err(r) = state.verify(&received, false) {
        return Reply::error(401, r.code, &r.message);
    }
    let agency = if v5 {
        // iam::{domain_id}:agency:{name}
        at(&["agency_urn"]).and_then(J::as_str).and_then(|u| u.rsplit_once(":agency:")).map(|(_, n)| n.to_string())
    } else {
        let methods = at(&["auth", "identity", "methods"]).and_then(J::as_array);
        let assume_role = methods.is_some_and(|m| m.iter().any(|x| x == "assume_role"));
        let name = at(&["auth", "identity", "assume_role", "agency_name"]).and_then(J::as_str);
        name.filter(|_| assume_role).map(str::to_string)
    };
    let Some(agency) = agency.filter(|a| !a.is_empty()) else {
        return Reply::error(400, "IAM.0002", "the request names no agency");
    };
    if !state.config.agencies.is_empty() && !state.config.agencies.contains(&agency) {
        return Reply::error(403, "IAM.0003", &format!("agency {agency} does not exist or may not be assumed"));
    }
    let mut world = state.lock();
    let keys = issue(state, &mut world.issued);
    if v5 {
        let expiration = keys.expires_at_ms.and_then(timefmt::rfc3339).unwrap_or_default();
        Reply::json(
            200,
            &json!({"credentials": {
                "access_key_id": keys.access_key,
                "secret_access_key": keys.secret_key,
                "security_token": keys.security_token,
                "expiration": expiration,
            }}),
        )
    } else {
        Reply::json(201, &json!({"credential": v3_credential(&keys)}))
    }
}
