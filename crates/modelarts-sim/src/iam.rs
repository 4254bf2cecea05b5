//! What the simulator answers for IAM and STS besides the project list: an agency's
//! temporary keys (`assume_role`), as the official provider asks for them —
//! `POST /v3.0/OS-CREDENTIAL/securitytokens` with method `assume_role` (IAM v3; 201
//! with `{"credential": {...}}`) and `POST /v5/agencies/assume` with an `agency_urn`
//! (STS v5; `{"credentials": {access_key_id, secret_access_key, security_token,
//! expiration}}`). The call must be signed with keys the gateway accepts (permanent
//! or temporary: a chain of agencies signs each call with the keys before it). With
//! `agencies` configured, other agency names are refused. And IAM's password
//! sign-in (`POST /v3/auth/tokens`, method `password`, scoped to one project): 201
//! with the token in `X-Subject-Token`; the token then stands for a signature
//! (`X-Auth-Token`) on calls of its project until it expires. The error codes of
//! refused sign-ins are the simulator's own: the public table names none for them.

use serde_json::{json, Value as J};

use super::metadata::{issue, v3_credential};
use super::{auth, parse_query, Incoming, Reply, SimState};
use modelarts_api::timefmt;
use modelarts_api::timefmt::now_millis;

/// The call log's names of the two calls.
pub(crate) const ASSUME_V3_OP: &str = "iam_assume_role";
pub(crate) const ASSUME_V5_OP: &str = "sts_assume_agency";

/// The call log's name of the ID-token exchange.
pub(crate) const ID_TOKEN_OP: &str = "iam_id_token";

/// The call log's name of the password sign-in.
pub(crate) const PASSWORD_TOKEN_OP: &str = "iam_password_token";

/// A token handed out for a password, scoped to one project.
#[derive(Clone, Debug)]
pub(crate) struct AuthToken {
    pub(crate) token: String,
    pub(crate) project_id: String,
    pub(crate) expires_at_ms: i64,
}

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
        ("POST", "/v3/auth/tokens") => {
            let reply = password_token(state, req);
            // The password is a secret: the call log keeps no body of this call.
            let redacted = Incoming { body: Vec::new(), headers: Vec::new(), ..req.clone() };
            state.record(&redacted, PASSWORD_TOKEN_OP.to_string(), None, None, &reply);
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

/// `POST /v3/auth/tokens` (unsigned): a configured user's password gives a token of
/// the project the scope names (by ID, or by name: a region's default project).
fn password_token(state: &SimState, req: &Incoming) -> Reply {
    let body: J = serde_json::from_slice(&req.body).unwrap_or(J::Null);
    let at = |path: &str| body.pointer(path).and_then(J::as_str);
    let methods = body.pointer("/auth/identity/methods").and_then(J::as_array);
    if !methods.is_some_and(|m| m.iter().any(|x| x == "password")) {
        return Reply::error(400, "IAM.0011", "only the password method is simulated");
    }
    let user = "/auth/identity/password/user";
    let (name, id) = (at(&format!("{user}/name")), at(&format!("{user}/id")));
    let account = at(&format!("{user}/domain/name")).or(at(&format!("{user}/domain/id")));
    if name.is_some() && account.is_none() {
        return Reply::error(400, "IAM.0011", "a user named by name needs its domain");
    }
    let password = at(&format!("{user}/password")).unwrap_or_default();
    let who = id.or(name).unwrap_or_default();
    if !state.config.users.iter().any(|(u, p)| u == who && p == password) {
        return Reply::error(401, "IAM.0101", "the user name or password is wrong");
    }
    let projects = std::iter::once((&state.config.region, &state.config.project_id))
        .chain(state.config.other_projects.iter().map(|(r, p)| (r, p)));
    let project = match (at("/auth/scope/project/id"), at("/auth/scope/project/name")) {
        (Some(want), _) => projects.into_iter().find(|(_, p)| p.as_str() == want),
        (None, Some(want)) => projects.into_iter().find(|(r, _)| r.as_str() == want),
        (None, None) => None,
    };
    let Some((region, project_id)) = project else {
        return Reply::error(400, "IAM.0011", "the scope names no project of this account");
    };
    let lifetime = i64::try_from(state.config.temporary_key_lifetime.as_millis()).unwrap_or(i64::MAX);
    let mut world = state.lock();
    // The token's text is a fresh temporary key's: random and unguessable enough here.
    let token = format!("MIIT{}", issue(state, &mut Vec::new()).secret_key);
    let expires_at_ms = now_millis().saturating_add(lifetime);
    world.auth_tokens.push(AuthToken { token: token.clone(), project_id: project_id.clone(), expires_at_ms });
    let expires_at = timefmt::rfc3339(expires_at_ms).unwrap_or_default();
    let answer = json!({"token": {
        "expires_at": expires_at,
        "methods": ["password"],
        "project": {"id": project_id, "name": region},
        "user": {"name": name.unwrap_or(who), "id": id.unwrap_or(who)},
    }});
    Reply::json(201, &answer).header("x-subject-token", token)
}

/// Whether `token` may stand for a signature on a call to `path`: a token this IAM
/// handed out, not expired, and of the project the path names (ModelArts paths
/// begin `/v1/{project_id}/`).
pub(crate) fn verify_token(tokens: &[AuthToken], token: &str, path: &str) -> Result<(), auth::Refusal> {
    let Some(known) = tokens.iter().find(|t| t.token == token) else {
        return auth::refuse("APIGW.0301", "Incorrect IAM authentication information: the token is not valid");
    };
    if now_millis() >= known.expires_at_ms {
        return auth::refuse("APIGW.0307", "The token expires: sign in again");
    }
    let mut segments = path.trim_start_matches('/').split('/');
    if let (Some("v1"), Some(project)) = (segments.next(), segments.next()) {
        if project != known.project_id {
            return auth::refuse(
                "APIGW.0301",
                "Incorrect IAM authentication information: the token is of another project",
            );
        }
    }
    Ok(())
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
