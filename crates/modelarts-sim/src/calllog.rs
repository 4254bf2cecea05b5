//! The call log: one JSON line per request (time, method, path, query, body, the
//! notebook's status before the call, the answer's status), kept in memory and
//! optionally appended to a file, so tests can assert which calls were made in
//! which order.

use std::io::Write;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One call the simulator served, as the call log keeps it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Call {
    /// When it came, RFC 3339.
    pub time: String,
    /// The HTTP method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The raw query string.
    #[serde(default)]
    pub query: String,
    /// The request body (null when empty or not JSON).
    #[serde(default)]
    pub body: serde_json::Value,
    /// The operation (`create`, `stop`, ...) or empty for an unknown path.
    #[serde(default)]
    pub op: String,
    /// The notebook the call was about, if any.
    #[serde(default)]
    pub notebook: Option<String>,
    /// The notebook's status when the call came: which status each call found.
    #[serde(default)]
    pub status_before: Option<String>,
    /// HTTP status of the answer; 0 when the answer was dropped.
    pub response: u16,
    /// The access key the request was signed with (never the secret or the token).
    #[serde(default)]
    pub access_key: Option<String>,
    /// The algorithm it was signed with: `SDK-HMAC-SHA256` or `SDK-HMAC-SM3`; or
    /// `X-Auth-Token` for a call that carried an IAM token instead.
    #[serde(default)]
    pub signed_with: Option<String>,
}

#[derive(Default, Debug)]
pub(crate) struct CallLog {
    calls: Mutex<Vec<Call>>,
    file: Option<Mutex<std::fs::File>>,
}

impl CallLog {
    pub(crate) fn new(path: Option<&std::path::Path>) -> Result<CallLog, super::SimError> {
        let file = match path {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|source| super::SimError::File { path: p.to_path_buf(), source })?,
            )),
            None => None,
        };
        Ok(CallLog { calls: Mutex::new(Vec::new()), file })
    }

    pub(crate) fn record(&self, call: Call) {
        if let Some(f) = &self.file {
            if let (Ok(mut f), Ok(mut line)) = (f.lock(), serde_json::to_vec(&call)) {
                line.push(b'\n');
                let _ = f.write_all(&line);
            }
        }
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(call);
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<Call> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut c) = self.calls.lock() {
            c.clear();
        }
    }
}
