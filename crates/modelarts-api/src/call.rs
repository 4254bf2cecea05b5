//! One API call as the typed calls describe it: method, path, query and body,
//! before the client signs and sends it.

use http::Method;

/// One API call before signing.
pub struct Call {
    pub method: Method,
    /// Relative to `/v1/{project_id}/`, e.g. `notebooks/{id}/start` — or, when
    /// `outside_project`, to the endpoint's root (`v3/projects`).
    pub path: String,
    pub outside_project: bool,
    pub query: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// A POST or PATCH that does the same however often it is sent (setting tags).
    pub repeatable: bool,
}

// The body may carry a password (IAM's token request): never printed.
impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").field("method", &self.method).field("path", &self.path).finish_non_exhaustive()
    }
}

impl Call {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Call { method, path: path.into(), outside_project: false, query: Vec::new(), body: None, repeatable: false }
    }

    /// Marks a POST or PATCH safe to send again when its answer is lost.
    pub fn repeatable(mut self) -> Self {
        self.repeatable = true;
        self
    }

    /// A call of another service on the same signing scheme (IAM), not under the project.
    pub fn outside_project(method: Method, path: impl Into<String>) -> Self {
        Call { outside_project: true, ..Call::new(method, path) }
    }

    pub fn query(mut self, k: &str, v: impl ToString) -> Self {
        self.query.push((k.to_string(), v.to_string()));
        self
    }

    pub fn query_opt(self, k: &str, v: Option<impl ToString>) -> Self {
        match v {
            Some(v) => self.query(k, v),
            None => self,
        }
    }

    pub fn json(mut self, body: &impl serde::Serialize) -> Self {
        self.body = Some(serde_json::to_vec(body).unwrap_or_default());
        self
    }

    /// A POST without a body may have taken effect when its answer is lost; PUT,
    /// DELETE and GET are safe to repeat, and so is a call marked [`Call::repeatable`].
    pub(crate) fn idempotent(&self) -> bool {
        self.repeatable || (self.method != Method::POST && self.method != Method::PATCH)
    }
}
