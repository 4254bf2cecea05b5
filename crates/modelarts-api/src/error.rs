//! Errors of API calls. Messages name the method, path, HTTP status, error code and
//! text; never a header, a credential or a signature.

use std::fmt;
use std::time::Duration;

use super::types::ErrorBody;

use super::codes::ErrorCode;
use super::words::StringEnum;

/// Why an API call, or a wait, did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The notebook (or other object) does not exist.
    NotFound {
        /// The HTTP method of the call.
        method: String,
        /// The call's path below the endpoint.
        path: String,
        /// The HTTP status.
        status: u16,
        /// The API's error code (`ModelArts.6357`), when the answer had one.
        code: Option<String>,
        /// The API's error message.
        message: String,
    },
    /// The API answered with an error (after any retries).
    Api {
        /// The HTTP method of the call.
        method: String,
        /// The call's path below the endpoint.
        path: String,
        /// The HTTP status.
        status: u16,
        /// The API's error code (`ModelArts.6357`), when the answer had one.
        code: Option<String>,
        /// The API's error message.
        message: String,
    },
    /// The request was sent, but its answer was lost: it may or may not have taken effect.
    Ambiguous {
        /// The HTTP method of the call.
        method: String,
        /// The call's path below the endpoint.
        path: String,
        /// What went wrong.
        cause: String,
    },
    /// The request never reached the API.
    Transport {
        /// The HTTP method of the call.
        method: String,
        /// The call's path below the endpoint.
        path: String,
        /// What went wrong.
        cause: String,
        /// Where and how hard it was tried.
        tried: Box<Tried>,
    },
    /// The endpoint answered with a redirect, which is never followed: it would
    /// carry the signed request, and its security token, to another host.
    Redirected {
        /// The HTTP method of the call.
        method: String,
        /// The call's path below the endpoint.
        path: String,
        /// The HTTP status (301, 302, 307, ...).
        status: u16,
        /// Where it pointed (`Location`), when it said.
        location: Option<String>,
        /// The base URL that answered.
        endpoint: String,
    },
    /// No keys could be had to sign with (the instance metadata service unreachable,
    /// a key source that gave none).
    Credentials {
        /// What was tried, and why it failed.
        detail: String,
    },
    /// The API gateway refused the credentials (HTTP 401, or 403 with an
    /// `APIGW.03xx` code): a wrong access key, secret key or security token.
    Unauthorized(Box<CredentialRefusal>),
    /// The API answered 2xx with a body that does not parse.
    Decode {
        /// The HTTP method of the call.
        method: String,
        /// The call's path below the endpoint.
        path: String,
        /// The HTTP status.
        status: u16,
        /// What went wrong.
        cause: String,
    },
    /// A wait saw the awaited object (`notebook …`, `storage mount …`) fail.
    Failed {
        /// What was awaited, e.g. `notebook "dev" (ID)`.
        object: String,
        /// The failed status.
        status: String,
        /// The API's reason for the failure.
        reason: String,
    },
    /// A wait ran out of time; `object` says what was awaited, `status` where it was.
    Timeout {
        /// What was awaited, e.g. `notebook "dev" (ID)`.
        object: String,
        /// The status last seen.
        status: String,
        /// How long the wait lasted.
        waited: Duration,
        /// The statuses awaited.
        wanted: String,
        /// When the last looks failed (the API unavailable, throttling): since when,
        /// and the last error.
        trouble: Option<String>,
    },
    /// StopProvider (or Ctrl-C) stopped the call; `status` is the last seen by a wait.
    Cancelled {
        /// The status a wait saw last, if one was waiting.
        status: Option<String>,
        /// How long the wait lasted.
        waited: Duration,
    },
}

/// Where and how hard a request was tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tried {
    /// The base URL tried.
    pub endpoint: String,
    /// How many times it was sent.
    pub attempts: u32,
    /// From the first attempt to giving up.
    pub elapsed: Duration,
    /// Which setting chose the endpoint.
    pub origin: String,
    /// The failure cannot pass by trying again (a certificate that is not trusted, a
    /// host name that does not exist), so it was not retried.
    pub definitive: bool,
}

/// A refusal of the credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRefusal {
    /// The HTTP method of the call.
    pub method: String,
    /// The call's path below the endpoint.
    pub path: String,
    /// The HTTP status: 401, or 403.
    pub status: u16,
    /// The gateway's error code (`APIGW.0301`), when the answer had one.
    pub code: Option<String>,
    /// The gateway's error message.
    pub message: String,
    /// The base URL that refused them.
    pub endpoint: String,
    /// The access key, shortened (`SIMA…EY`): an identifier, not the secret.
    pub access_key: String,
    /// Where the keys came from (`HW_ACCESS_KEY`, `profile "ci" of FILE`), when known.
    pub origin: String,
}

impl ApiError {
    /// Whether the object does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::NotFound { .. })
    }

    /// Whether the request may or may not have taken effect.
    pub fn is_ambiguous(&self) -> bool {
        matches!(self, ApiError::Ambiguous { .. })
    }

    /// Whether the failure is the API's passing trouble — throttled (429), a gateway
    /// or service unavailable (502, 503, 504), unreachable for now (refused, reset,
    /// timed out) — that a later look may not meet: a wait keeps waiting through it.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Api { status, .. } => matches!(status, 429 | 502 | 503 | 504),
            ApiError::Transport { tried, .. } => !tried.definitive,
            _ => false,
        }
    }

    /// A short account of a transient failure for progress logs: `503 APIGW.0308`,
    /// `connection refused`.
    pub fn brief(&self) -> String {
        match self {
            ApiError::Api { status, code, .. } | ApiError::NotFound { status, code, .. } => match code {
                Some(c) => format!("{status} {c}"),
                None => status.to_string(),
            },
            ApiError::Transport { cause, .. } | ApiError::Ambiguous { cause, .. } => truncate(cause, 120),
            other => truncate(&other.to_string(), 120),
        }
    }

    /// The API's own message, when it gave one.
    pub fn message(&self) -> Option<&str> {
        match self {
            ApiError::NotFound { message, .. } | ApiError::Api { message, .. } => Some(message),
            ApiError::Unauthorized(r) => Some(&r.message),
            _ => None,
        }
    }

    /// The API's error code, when it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::NotFound { code, .. } | ApiError::Api { code, .. } => code.as_deref(),
            ApiError::Unauthorized(r) => r.code.as_deref(),
            _ => None,
        }
    }

    /// The API's error code, when it is one this client acts on.
    pub fn known_code(&self) -> Option<ErrorCode> {
        self.code().and_then(ErrorCode::parse)
    }

    /// Whether the API answered with error code `c`.
    pub fn code_is(&self, c: ErrorCode) -> bool {
        self.known_code() == Some(c)
    }

    /// Builds the error for a non-2xx answer from its body.
    pub fn from_response(method: &str, path: &str, status: u16, body: &[u8]) -> ApiError {
        let (code, message) = parse_error_body(body);
        let not_found = status == 404
            || (status == 400 && code.as_deref().and_then(ErrorCode::parse).is_some_and(ErrorCode::means_not_found));
        let (method, path) = (method.to_string(), path.to_string());
        if not_found {
            ApiError::NotFound { method, path, status, code, message }
        } else {
            ApiError::Api { method, path, status, code, message }
        }
    }
}

/// `{error_code, error_msg}` (also `{error: {code, message}}`); anything else is
/// described by its shape, not quoted at length.
fn parse_error_body(body: &[u8]) -> (Option<String>, String) {
    if let Ok(e) = serde_json::from_slice::<ErrorBody>(body) {
        if e.error_code.is_some() || e.error_msg.is_some() {
            return (e.error_code, e.error_msg.unwrap_or_default());
        }
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        if let Some(inner) = v.get("error") {
            let code = inner.get("code").and_then(|c| c.as_str()).map(String::from);
            let msg = inner.get("message").and_then(|c| c.as_str()).unwrap_or_default().to_string();
            if code.is_some() || !msg.is_empty() {
                return (code, msg);
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        (None, "(empty body)".to_string())
    } else if trimmed.starts_with('<') {
        (None, format!("a non-JSON (HTML) body: {}", strip_tags(trimmed)))
    } else {
        (None, format!("a non-JSON body: {}", truncate(trimmed, 200)))
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    truncate(&out.split_whitespace().collect::<Vec<_>>().join(" "), 200)
}

pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound { method, path, status, code, message }
            | ApiError::Api { method, path, status, code, message } => {
                write!(f, "{method} {path}: HTTP {status}")?;
                if let Some(c) = code {
                    write!(f, " {c}")?;
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            ApiError::Ambiguous { method, path, cause } => {
                write!(
                    f,
                    "{method} {path}: the request was sent but its answer was lost ({cause}); it may have taken effect"
                )
            }
            ApiError::Transport { method, path, cause, tried } => {
                let Tried { endpoint, attempts, elapsed, origin, definitive } = tried.as_ref();
                let tries = match (*attempts, definitive) {
                    (_, true) => "not retried: trying again cannot help".to_string(),
                    (1, false) => format!("1 attempt over {}", human_duration(*elapsed)),
                    (n, false) => format!("{n} attempts over {}", human_duration(*elapsed)),
                };
                write!(f, "{method} {path}: could not reach {endpoint} ({tries}): {cause}")?;
                if !origin.is_empty() {
                    write!(f, ". {origin}")?;
                }
                Ok(())
            }
            ApiError::Unauthorized(r) => {
                let CredentialRefusal { method, path, status, code, message, endpoint, access_key, origin } =
                    r.as_ref();
                write!(f, "the API refused the access key {access_key}")?;
                if !origin.is_empty() {
                    write!(f, " (from {origin})")?;
                }
                write!(f, " for endpoint {endpoint} ({method} {path}: HTTP {status}")?;
                if let Some(c) = code {
                    write!(f, " {c}")?;
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                write!(f, "). Check access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), and security_token with temporary credentials")
            }
            ApiError::Redirected { method, path, status, location, endpoint } => {
                write!(f, "{method} {path}: {endpoint} answered HTTP {status}, a redirect")?;
                if let Some(l) = location {
                    write!(f, " to {l}")?;
                }
                write!(f, ", which is not followed: an API endpoint never redirects, and following it would send the signed request and its security token to another host. Check the endpoint (endpoints.modelarts, or endpoint / HW_MODELARTS_ENDPOINT)")
            }
            ApiError::Credentials { detail } => write!(f, "no keys to sign requests with: {detail}"),
            ApiError::Decode { method, path, status, cause } => {
                write!(f, "{method} {path}: HTTP {status} with a body that could not be read: {cause}")
            }
            ApiError::Failed { object, status, reason } => {
                write!(f, "{object} ended in status {status}")?;
                if reason.is_empty() {
                    write!(f, " (the API gave no fail_reason)")
                } else {
                    write!(f, ": {reason}")
                }
            }
            ApiError::Timeout { object, status, waited, wanted, trouble } => {
                write!(
                    f,
                    "timed out after {} waiting for {object} to become {wanted}: it is still {status}",
                    human_duration(*waited)
                )?;
                match trouble {
                    Some(t) => write!(f, " (as last seen; the last looks failed: {t})"),
                    None => Ok(()),
                }
            }
            ApiError::Cancelled { status, waited } => {
                write!(f, "cancelled after {}", human_duration(*waited))?;
                if let Some(s) = status {
                    write!(f, " (it was {s})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ApiError {}

/// `1m30s`, `2.5s`, `45ms`.
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        let s = d.as_secs_f64();
        if (s - s.round()).abs() < 0.05 {
            format!("{}s", s.round() as u64)
        } else {
            format!("{s:.1}s")
        }
    } else {
        let secs = d.as_secs();
        let parts = [(secs / 3600, "h"), (secs / 60 % 60, "m"), (secs % 60, "s")];
        parts.iter().filter(|(n, _)| *n > 0).map(|(n, unit)| format!("{n}{unit}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_has_three_spellings() {
        assert!(ApiError::from_response("GET", "/p", 404, b"").is_not_found());
        assert!(ApiError::from_response("GET", "/p", 400, br#"{"error_code":"ModelArts.6309","error_msg":"x"}"#)
            .is_not_found());
        assert!(ApiError::from_response("GET", "/p", 400, br#"{"error_code":"ModelArts.6404","error_msg":"x"}"#)
            .is_not_found());
        assert!(!ApiError::from_response("GET", "/p", 400, br#"{"error_code":"ModelArts.6001","error_msg":"x"}"#)
            .is_not_found());
    }

    #[test]
    fn messages_name_method_path_status_code_and_text() {
        let e = ApiError::from_response(
            "PUT",
            "/v1/p/notebooks/n1",
            400,
            br#"{"error_code":"ModelArts.6573","error_msg":"instance must be stopped"}"#,
        );
        assert_eq!(e.to_string(), "PUT /v1/p/notebooks/n1: HTTP 400 ModelArts.6573: instance must be stopped");
        let h = ApiError::from_response("GET", "/x", 502, b"<html><body><h1>502 Bad Gateway</h1></body></html>");
        assert!(h.to_string().contains("HTML") && h.to_string().contains("502 Bad Gateway"), "{h}");
        let nested =
            ApiError::from_response("GET", "/x", 401, br#"{"error":{"code":"APIGW.0301","message":"bad sig"}}"#);
        assert_eq!(nested.code(), Some("APIGW.0301"));
        assert!(ApiError::from_response("GET", "/x", 500, b"").to_string().contains("(empty body)"));
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(Duration::from_millis(45)), "45ms");
        assert_eq!(human_duration(Duration::from_millis(2500)), "2.5s");
        assert_eq!(human_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(human_duration(Duration::from_secs(3600)), "1h");
    }
}
