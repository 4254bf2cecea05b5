//! One signed attempt of a call, and how a failure to send it is read: the part of
//! [`Client::execute`] that touches the HTTP client.

use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, LOCATION, RETRY_AFTER};
use http::{Request, StatusCode, Uri};
use http_body_util::Full;

use crate::call::Call;
use crate::timefmt::{self, now_millis};
use crate::transport::{self, Failure};
use crate::{credentials, retry, signer, Client};

impl Client {
    /// `secret_key` prepared for this client's algorithm: the one made last, while the
    /// keys are the same.
    fn signing_key(&self, secret_key: &str) -> std::sync::Arc<signer::SigningKey> {
        let algorithm = self.inner.config.algorithm;
        let mut cached = self.inner.signing_key.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*cached {
            Some(c) if c.secret_key == secret_key && c.key.algorithm() == algorithm => c.key.clone(),
            _ => {
                let key = std::sync::Arc::new(signer::SigningKey::new(algorithm, secret_key));
                *cached = Some(crate::CachedKey { secret_key: secret_key.to_string(), key: key.clone() });
                key
            }
        }
    }

    /// One signed attempt; any HTTP answer, 2xx or not, is `Ok`.
    pub(crate) async fn send_once(
        &self,
        call: &Call,
        path: &str,
        keys: &credentials::Keys,
    ) -> Result<Answer, SendError> {
        let inner = &self.inner;
        let sdk_date = timefmt::sdk_date(now_millis()).unwrap_or_default();
        let mut headers: Vec<(String, String)> = vec![
            ("Host".into(), inner.host.clone()),
            ("X-Sdk-Date".into(), sdk_date.clone()),
            ("X-Project-Id".into(), inner.config.project_id.clone()),
        ];
        if call.body.is_some() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        if let Some(t) = &keys.security_token {
            headers.push(("X-Security-Token".into(), t.clone()));
        }
        let body = call.body.as_deref().unwrap_or_default();
        // An IAM token (password or token sign-in) travels as it is; keys sign.
        let authorization = match &keys.auth_token {
            Some(token) => {
                headers.push(("X-Auth-Token".into(), token.clone()));
                None
            }
            None => Some(signer::authorization_with_key(
                &keys.access_key,
                &self.signing_key(&keys.secret_key),
                &signer::SignInput {
                    method: call.method.as_str(),
                    path,
                    query: &call.query,
                    headers: &headers,
                    payload_hash: None,
                    body,
                    sdk_date: &sdk_date,
                },
            )),
        };
        let uri = inner.origin.uri(path, &signer::canonical_query(&call.query)).map_err(SendError::Definitive)?;
        let req = request(call, uri, &headers, authorization).map_err(SendError::Definitive)?;
        let fetch = async {
            let fetched = inner.http.fetch(req, inner.config.max_answer_bytes).await.map_err(classify)?;
            let (status, found) = (fetched.head.status, &fetched.head.headers);
            // Only an error answer's pause matters; a 2xx never waits.
            let retry_after = if status.is_success() {
                None
            } else {
                found.get(RETRY_AFTER).and_then(|v| retry::parse_retry_after(v.as_bytes(), now_millis()))
            };
            let location = status
                .is_redirection()
                .then(|| found.get(LOCATION).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .flatten();
            Ok(Answer { status, retry_after, location, body: fetched.body })
        };
        tokio::select! {
            r = fetch => r,
            _ = self.cancel.cancelled() => Err(SendError::Cancelled),
        }
    }
}

/// The HTTP request of `call` to `uri` with `headers` (as signed) and the signature.
/// A header that cannot be sent (a credential with a line break) is an error that
/// no retry mends; the request was never sent.
fn request(
    call: &Call,
    uri: Uri,
    headers: &[(String, String)],
    authorization: Option<String>,
) -> Result<Request<Full<Bytes>>, String> {
    let mut req = Request::new(call.body.clone().map(Full::from).unwrap_or_default());
    *req.method_mut() = call.method.clone();
    *req.uri_mut() = uri;
    let invalid = |name: &str| format!("request failed: the value of header {name} cannot be sent");
    let sent = req.headers_mut();
    for (name, value) in headers {
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid(name))?;
        sent.insert(header, HeaderValue::from_str(value).map_err(|_| invalid(name))?);
    }
    if let Some(a) = authorization {
        sent.insert(AUTHORIZATION, HeaderValue::try_from(a).map_err(|_| invalid("Authorization"))?);
    }
    Ok(req)
}

pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) retry_after: Option<Duration>,
    /// Where a redirect pointed (`Location`), never followed.
    pub(crate) location: Option<String>,
    pub(crate) body: Vec<u8>,
}

pub(crate) enum SendError {
    /// Connecting failed: the request surely never reached the server.
    NotSent(String),
    /// Connecting failed in a way trying again cannot mend (an untrusted
    /// certificate, a host name that does not exist).
    Definitive(String),
    /// The request may have been received; its answer (or the answer's body, after
    /// `status` arrived) did not arrive.
    AnswerLost {
        status: Option<StatusCode>,
        cause: String,
    },
    /// The answer is larger than the client accepts.
    TooLarge {
        status: StatusCode,
    },
    Cancelled,
}

fn classify(failure: Failure) -> SendError {
    match failure {
        Failure::Request(e) if e.is_connect() && cannot_pass(&e) => SendError::Definitive(e.to_string()),
        Failure::Request(e) if e.is_connect() => SendError::NotSent(e.to_string()),
        Failure::Request(e) => SendError::AnswerLost { status: None, cause: e.to_string() },
        Failure::Body { status, error } => SendError::AnswerLost { status: Some(status), cause: error.to_string() },
        Failure::TooLarge { status } => SendError::TooLarge { status },
    }
}

/// Whether a connection failure cannot pass by trying again: a certificate that is
/// not trusted (rustls refused it), or a host name that does not exist.
fn cannot_pass(e: &transport::Error) -> bool {
    e.is_tls() || e.causes().iter().any(|c| is_definitive_cause(c))
}

/// Whether a cause's text names a failure that cannot pass: rustls refusing the
/// peer's certificate, or the resolver's "no such name" (on Linux, macOS and
/// Windows). A temporary resolver failure ("Temporary failure in name resolution")
/// passes, and is retried.
fn is_definitive_cause(text: &str) -> bool {
    const CANNOT_PASS: &[&str] = &[
        "invalid peer certificate",
        "Name or service not known",
        "No address associated with hostname",
        "nodename nor servname provided",
        "No such host is known",
        "Name does not resolve",
    ];
    CANNOT_PASS.iter().any(|n| text.contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_certificates_and_unknown_hosts_cannot_pass() {
        assert!(is_definitive_cause("invalid peer certificate: UnknownIssuer"));
        assert!(is_definitive_cause("dns error: failed to lookup address information: Name or service not known"));
        assert!(is_definitive_cause("No such host is known. (os error 11001)"));
        assert!(!is_definitive_cause(
            "dns error: failed to lookup address information: Temporary failure in name resolution"
        ));
        assert!(!is_definitive_cause("tcp connect error: Connection refused (os error 111)"));
        assert!(!is_definitive_cause("connection reset by peer"));
    }

    #[test]
    fn the_request_carries_the_signed_headers_and_refuses_one_that_cannot_be_sent() {
        let call = Call::new(http::Method::POST, "/v1/p/notebooks").json(&serde_json::json!({"name": "n"}));
        let headers =
            vec![("Host".to_string(), "h:1".to_string()), ("X-Sdk-Date".to_string(), "20261201T000000Z".to_string())];
        let req = request(
            &call,
            Uri::from_static("http://h:1/v1/p/notebooks?a=1"),
            &headers,
            Some("SDK-HMAC-SHA256 sig".into()),
        )
        .unwrap();
        assert_eq!(req.method(), http::Method::POST);
        assert_eq!(req.uri().to_string(), "http://h:1/v1/p/notebooks?a=1");
        assert_eq!(req.headers()["host"], "h:1");
        assert_eq!(req.headers()["x-sdk-date"], "20261201T000000Z");
        assert_eq!(req.headers()["authorization"], "SDK-HMAC-SHA256 sig");

        let token = vec![("X-Security-Token".to_string(), "line\nbreak".to_string())];
        let e = request(&call, Uri::from_static("http://h:1/"), &token, None).unwrap_err();
        assert_eq!(e, "request failed: the value of header X-Security-Token cannot be sent");
        assert!(!e.contains("line"), "the value itself (a secret) is never shown");
    }
}
