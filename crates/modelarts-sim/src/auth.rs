//! Checks AK/SK signatures the way the API gateway does: any header set the caller
//! chose to sign (it must include `host` and `x-sdk-date`), a date within the
//! allowed skew, the right access key and, when configured, the security token.

use modelarts_api::signer;
use modelarts_api::timefmt::parse_sdk_date;

/// The credentials the simulator accepts. `Debug` shows the access key only.
#[derive(Clone)]
pub struct Credentials {
    /// The access key (AK).
    pub access_key: String,
    /// The secret key (SK).
    pub secret_key: String,
    /// When set, requests must carry this `X-Security-Token` (temporary credentials).
    pub security_token: Option<String>,
    /// When temporary keys stop being accepted, in milliseconds since the epoch.
    pub expires_at_ms: Option<i64>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("access_key", &self.access_key).finish_non_exhaustive()
    }
}

/// Why a request was refused: an `APIGW.xxxx` code and a message (HTTP 401).
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The gateway's code, e.g. `APIGW.0301`.
    pub code: &'static str,
    /// What is wrong with the signature.
    pub message: String,
}

pub(crate) fn refuse(code: &'static str, message: impl Into<String>) -> Result<(), Refusal> {
    Err(Refusal { code, message: message.into() })
}

/// A received request, as the verifier needs it. `Debug` shows header names only
/// (`Authorization` and `X-Security-Token` are among them).
pub struct Received<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The path, as received (percent-encoded).
    pub path: &'a str,
    /// The query parameters, decoded.
    pub query: &'a [(String, String)],
    /// Header names in any case.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

impl std::fmt::Debug for Received<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Received")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("header_names", &modelarts_api::signer::header_names(self.headers))
            .finish_non_exhaustive()
    }
}

pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// The algorithm a request says it is signed with (`SDK-HMAC-SHA256`, ...).
pub fn signing_algorithm(headers: &[(String, String)]) -> Option<&'static str> {
    signer::parse_authorization(header(headers, "authorization")?).ok().map(|p| p.algorithm.name())
}

/// The access key a request says it is signed with.
pub fn signing_access_key(headers: &[(String, String)]) -> Option<String> {
    signer::parse_authorization(header(headers, "authorization")?).ok().map(|p| p.access_key)
}

/// Checks a request against every key pair the gateway knows (`keys`): the one its
/// signature names must be among them and, when temporary, not expired; then
/// [`verify`].
pub fn verify_any(keys: &[Credentials], req: &Received<'_>, now_ms: i64, max_skew_secs: i64) -> Result<(), Refusal> {
    let named = signing_access_key(req.headers);
    let Some(creds) = keys.iter().find(|k| Some(&k.access_key) == named.as_ref()) else {
        return refuse("APIGW.0301", "Incorrect IAM authentication information: unknown access key");
    };
    if creds.expires_at_ms.is_some_and(|e| now_ms >= e) {
        return refuse("APIGW.0307", "The token expires: these temporary keys are no longer valid");
    }
    verify(creds, req, now_ms, max_skew_secs)
}

/// Checks a request's signature as the API gateway does: the access key, the signed headers, `X-Sdk-Date` within `max_skew_secs` of `now_ms`, the token when one is required, and the HMAC.
pub fn verify(creds: &Credentials, req: &Received<'_>, now_ms: i64, max_skew_secs: i64) -> Result<(), Refusal> {
    let Some(auth) = header(req.headers, "authorization") else {
        return refuse("APIGW.0301", "Incorrect IAM authentication information: Authorization header missing");
    };
    let parsed = match signer::parse_authorization(auth) {
        Ok(p) => p,
        Err(e) => return refuse("APIGW.0301", format!("Incorrect IAM authentication information: {e}")),
    };
    let Some(date) = header(req.headers, "x-sdk-date") else {
        return refuse("APIGW.0301", "Incorrect IAM authentication information: X-Sdk-Date header missing");
    };
    let Some(signed_at) = parse_sdk_date(date) else {
        return refuse("APIGW.0301", "Incorrect IAM authentication information: X-Sdk-Date is malformed");
    };
    if (signed_at - now_ms).abs() > max_skew_secs * 1000 {
        return refuse(
            "APIGW.0303",
            format!(
                "Incorrect IAM authentication information: X-Sdk-Date {date} is more than {} minutes off",
                max_skew_secs / 60
            ),
        );
    }
    if parsed.access_key != creds.access_key {
        return refuse("APIGW.0301", "Incorrect IAM authentication information: unknown access key");
    }
    for must in ["host", "x-sdk-date"] {
        if !parsed.signed_headers.iter().any(|h| h == must) {
            return refuse(
                "APIGW.0301",
                format!("Incorrect IAM authentication information: {must} is not a signed header"),
            );
        }
    }
    let mut signed = Vec::new();
    for name in &parsed.signed_headers {
        match header(req.headers, name) {
            Some(v) => signed.push((name.clone(), v.to_string())),
            None => {
                return refuse(
                    "APIGW.0301",
                    format!("Incorrect IAM authentication information: signed header {name} is missing"),
                )
            }
        }
    }
    // The payload's hash may be sent instead of computed (the SDKs' unsigned-payload
    // header of each algorithm).
    let alg = parsed.algorithm;
    let payload_header = match alg {
        signer::Algorithm::HmacSha256 => "x-sdk-content-sha256",
        signer::Algorithm::HmacSm3 => "x-sdk-content-sm3",
    };
    let expected = signer::signature_with(
        alg,
        &creds.secret_key,
        &signer::string_to_sign_with(
            alg,
            date,
            &signer::canonical_request_with(
                alg,
                &signer::SignInput {
                    method: req.method,
                    path: req.path,
                    query: req.query,
                    headers: &signed,
                    payload_hash: header(req.headers, payload_header),
                    body: req.body,
                    sdk_date: date,
                },
            ),
        ),
    );
    if !signer::signatures_match(&expected, &parsed.signature) {
        return refuse("APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail");
    }
    if let Some(token) = &creds.security_token {
        if header(req.headers, "x-security-token") != Some(token.as_str()) {
            return refuse("APIGW.0307", "The security token is missing or does not match the temporary credentials");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials { access_key: "AK".into(), secret_key: "SK".into(), security_token: None, expires_at_ms: None }
    }

    fn signed_request(sk: &str, date: &str, body: &[u8]) -> Vec<(String, String)> {
        let mut headers = vec![("Host".to_string(), "h:1".to_string()), ("X-Sdk-Date".to_string(), date.to_string())];
        let auth = signer::authorization(
            "AK",
            sk,
            &signer::SignInput {
                method: "POST",
                path: "/v1/p/notebooks",
                query: &[],
                headers: &headers,
                payload_hash: None,
                body,
                sdk_date: date,
            },
        );
        headers.push(("Authorization".into(), auth));
        headers
    }

    #[test]
    fn accepts_good_and_refuses_bad_signatures() {
        let now = modelarts_api::timefmt::now_millis();
        let date = modelarts_api::timefmt::sdk_date(now).unwrap();
        let body = br#"{"name":"x"}"#;
        let check = |headers: &[(String, String)], body: &[u8], now: i64| {
            verify(&creds(), &Received { method: "POST", path: "/v1/p/notebooks", query: &[], headers, body }, now, 900)
        };
        assert_eq!(check(&signed_request("SK", &date, body), body, now), Ok(()));
        assert_eq!(check(&signed_request("WRONG", &date, body), body, now).unwrap_err().code, "APIGW.0301");
        // A tampered body no longer matches.
        assert!(check(&signed_request("SK", &date, body), br#"{"name":"y"}"#, now).is_err());
        // More than 15 minutes off.
        assert_eq!(
            check(&signed_request("SK", &date, body), body, now + 16 * 60 * 1000).unwrap_err().code,
            "APIGW.0303"
        );
        assert!(check(&[], body, now).is_err());
    }
}
