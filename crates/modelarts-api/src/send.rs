//! One signed attempt of a call, and how a failure to send it is read: the part of
//! [`Client::execute`] that touches the HTTP client.

use std::time::Duration;

use http::StatusCode;

use crate::call::Call;
use crate::timefmt::{self, now_millis};
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
        let mut url = inner.base.clone();
        url.set_path(path);
        let query = signer::canonical_query(&call.query);
        url.set_query((!query.is_empty()).then_some(query.as_str()));
        let mut req = inner.http.request(call.method.clone(), url);
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        if let Some(a) = authorization {
            req = req.header("Authorization", a);
        }
        if let Some(b) = &call.body {
            req = req.body(b.clone());
        }
        let limit = inner.config.max_answer_bytes;
        let send = async {
            let mut resp = req.send().await.map_err(classify_send_error)?;
            let status = resp.status();
            // Only an error answer's pause matters; a 2xx never waits.
            let retry_after = if status.is_success() {
                None
            } else {
                resp.headers().get("retry-after").and_then(|v| retry::parse_retry_after(v.as_bytes(), now_millis()))
            };
            let location = status
                .is_redirection()
                .then(|| resp.headers().get("location").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .flatten();
            if resp.content_length().is_some_and(|n| n > limit as u64) {
                return Err(SendError::TooLarge { status });
            }
            // Read in chunks, so an endless or huge answer is refused without being held.
            let mut body = Vec::new();
            loop {
                match resp.chunk().await {
                    Ok(Some(chunk)) if body.len() + chunk.len() > limit => return Err(SendError::TooLarge { status }),
                    Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                    Ok(None) => break,
                    Err(e) => return Err(SendError::AnswerLost { status: Some(status), cause: describe(&e) }),
                }
            }
            Ok(Answer { status, retry_after, location, body })
        };
        tokio::select! {
            r = send => r,
            _ = self.cancel.cancelled() => Err(SendError::Cancelled),
        }
    }
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

fn classify_send_error(e: reqwest::Error) -> SendError {
    if e.is_connect() && cannot_pass(&e) {
        SendError::Definitive(describe(&e))
    } else if e.is_connect() {
        SendError::NotSent(describe(&e))
    } else {
        SendError::AnswerLost { status: None, cause: describe(&e) }
    }
}

/// Whether a connection failure cannot pass by trying again: a certificate that is
/// not trusted (rustls refused it), or a host name that does not exist.
fn cannot_pass(e: &reqwest::Error) -> bool {
    use std::error::Error;
    let mut source: Option<&(dyn Error + 'static)> = e.source();
    while let Some(s) = source {
        let tls = s.downcast_ref::<rustls::Error>().is_some()
            || s.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some());
        if tls || is_definitive_cause(&s.to_string()) {
            return true;
        }
        source = s.source();
    }
    false
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

/// What went wrong and its causes, without the URL (reqwest's own message includes
/// it, with the query).
fn describe(e: &reqwest::Error) -> String {
    use std::error::Error;
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "reading the answer failed"
    } else {
        "request failed"
    };
    let mut parts = vec![kind.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
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
}
