//! Layer 4 (the `modelarts-sim` crate): a local stand-in for the ModelArts notebook API. It
//! verifies AK/SK signatures, runs notebooks through their statuses in real time,
//! enforces the API's rules, injects faults on request, and logs every call.
//! It shares the client's wire types, the API's words and request signing (the
//! contract tests check both sides against the official SDK); its rules are its
//! own ([`rules`]), written from the API notes.
//!
//! A request never panics it: outside tests, indexing, unwrapping and `panic!` are
//! refused by the lints below.
#![warn(missing_debug_implementations)]
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub(crate) mod api;
pub mod auth;
pub mod calllog;
pub mod catalogue;
pub(crate) mod control;
pub mod faults;
pub mod gateway;
pub(crate) mod http;
pub(crate) mod iam;
pub(crate) mod images;
pub(crate) mod metadata;
pub(crate) mod mounts;
pub(crate) mod notebooks;
pub(crate) mod records;
pub(crate) mod reply;
pub mod rules;
pub mod store;
pub(crate) mod tags;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::sync::watch;

use self::auth::Credentials;
use self::calllog::{Call, CallLog};
use self::catalogue::Catalogue;
use self::faults::{Family, Fault, Faults, Op, Rule};
use self::store::{Ending, Store, Timings};
use modelarts_api::timefmt::{self, now_millis};

/// The access key the simulator accepts unless told otherwise.
pub const DEFAULT_ACCESS_KEY: &str = "SIMACCESSKEY";
/// The secret key the simulator accepts unless told otherwise.
pub const DEFAULT_SECRET_KEY: &str = "sim-secret-key";
/// The project of the simulator's region unless told otherwise.
pub const DEFAULT_PROJECT_ID: &str = "sim-project";
/// The simulator's region unless told otherwise.
pub const DEFAULT_REGION: &str = "sim-region-1";
/// The call log's name for IAM's project list.
pub const IAM_PROJECTS_OP: &str = "iam_projects";

/// How a simulator is set up: where it listens, whom it accepts, how it behaves.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// The address to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// The credentials requests must be signed with.
    pub credentials: Credentials,
    /// The project of [`SimConfig::region`].
    pub project_id: String,
    /// The region of [`SimConfig::project_id`].
    pub region: String,
    /// More regions and their projects: (region, project ID). Every project's
    /// notebooks are its own; IAM's `GET /v3/projects` names them all.
    pub other_projects: Vec<(String, String)>,
    /// How long each transition takes.
    pub timings: Timings,
    /// The flavors and images it offers.
    pub catalogue: Catalogue,
    /// How far `X-Sdk-Date` may be from the simulator's clock.
    pub max_clock_skew_secs: i64,
    /// Faults to inject.
    pub rules: Vec<Rule>,
    /// Fraction of requests answered 503.
    pub error_rate: f64,
    /// An outage of the API gateway: every request answered 503 for a while.
    pub outage: Option<gateway::Outage>,
    /// The gateway's per-account rate limit.
    pub rate_limit: Option<gateway::RateLimit>,
    /// How long the temporary keys the metadata service hands out live.
    pub temporary_key_lifetime: Duration,
    /// Refuse the permanent keys on the ModelArts API (IAM still takes them): only
    /// temporary keys work, so a test proves they were used.
    pub refuse_permanent_keys: bool,
    /// The agencies IAM lets be assumed; empty: any.
    pub agencies: Vec<String>,
    /// The identity provider whose ID token IAM exchanges (`id-token/tokens`), and
    /// the token it accepts.
    pub oidc: Option<(String, String)>,
    /// IAM users who may sign in by password: (name or ID, password).
    pub users: Vec<(String, String)>,
    /// Added before every answer.
    pub latency: Duration,
    /// Append each call to this file, one JSON line each.
    pub log_path: Option<PathBuf>,
    /// Serve HTTPS with a fresh self-signed certificate.
    pub tls: bool,
    /// With `tls`, accept only clients presenting this certificate (PEM): mutual TLS,
    /// as some private clouds' gateways ask.
    pub client_cert_pem: Option<String>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: Credentials {
                access_key: DEFAULT_ACCESS_KEY.into(),
                secret_key: DEFAULT_SECRET_KEY.into(),
                security_token: None,
                expires_at_ms: None,
            },
            temporary_key_lifetime: Duration::from_secs(900),
            refuse_permanent_keys: false,
            agencies: Vec::new(),
            oidc: None,
            users: Vec::new(),
            project_id: DEFAULT_PROJECT_ID.into(),
            region: DEFAULT_REGION.into(),
            other_projects: Vec::new(),
            timings: Timings::default(),
            catalogue: Catalogue::default(),
            max_clock_skew_secs: 15 * 60,
            rules: Vec::new(),
            error_rate: 0.0,
            outage: None,
            rate_limit: None,
            latency: Duration::ZERO,
            log_path: None,
            tls: false,
            client_cert_pem: None,
        }
    }
}

/// Why the simulator could not start.
#[derive(Debug)]
pub enum SimError {
    /// A file (the call log, the catalogue) could not be opened or read.
    File {
        /// The file.
        path: PathBuf,
        /// Why it could not be used.
        source: std::io::Error,
    },
    /// The catalogue file is not the JSON the simulator expects.
    Catalogue {
        /// The file.
        path: PathBuf,
        /// Where and why it does not parse.
        source: serde_json::Error,
    },
    /// Listening failed.
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why listening failed.
        source: std::io::Error,
    },
    /// The HTTPS mode's certificate could not be made.
    Tls(tfplugin::protocol::tls::TlsError),
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::File { path, source } => write!(f, "{}: {source}", path.display()),
            SimError::Catalogue { path, source } => write!(f, "{}: {source}", path.display()),
            SimError::Listen { addr, source } => write!(f, "listen on {addr}: {source}"),
            SimError::Tls(e) => write!(f, "HTTPS: {e}"),
        }
    }
}

impl std::error::Error for SimError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SimError::File { source, .. } | SimError::Listen { source, .. } => Some(source),
            SimError::Catalogue { source, .. } => Some(source),
            SimError::Tls(e) => Some(e),
        }
    }
}

/// Mutable simulator state, behind one lock so every request sees a consistent world.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) store: Store,
    pub(crate) faults: Faults,
    pub(crate) gateway: gateway::Gateway,
    /// Temporary keys handed out (the metadata service), accepted until they expire.
    pub(crate) issued: Vec<Credentials>,
    /// Session tokens of the metadata service.
    pub(crate) metadata_tokens: Vec<String>,
    /// IAM tokens handed out for OIDC ID tokens.
    pub(crate) subject_tokens: Vec<String>,
    /// Project-scoped IAM tokens handed out for passwords (`X-Auth-Token`).
    pub(crate) auth_tokens: Vec<iam::AuthToken>,
    rng: u64,
}

impl World {
    fn random_unit(&mut self) -> f64 {
        // xorshift64*: plenty for choosing which requests fail.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The simulator's configuration, world and call log, shared by its connections.
#[derive(Debug)]
pub(crate) struct SimState {
    pub(crate) config: SimConfig,
    pub(crate) world: Mutex<World>,
    pub(crate) log: CallLog,
}

/// A received request. `Debug` leaves out headers and body (credentials travel there).
#[derive(Clone)]
pub(crate) struct Incoming {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) raw_query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl std::fmt::Debug for Incoming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Incoming").field("method", &self.method).field("path", &self.path).finish_non_exhaustive()
    }
}

/// What to answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
    /// Extra headers, as raw bytes: a hostile fault may send values that are not UTF-8.
    pub(crate) headers: Vec<(&'static str, Vec<u8>)>,
    /// Close the connection without answering (after the work is done).
    pub(crate) drop_connection: bool,
    /// After `body`, keep sending a byte at a time and never finish.
    pub(crate) endless: bool,
}

impl Reply {
    pub(crate) fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::raw(status, "application/json", body.to_string().into_bytes())
    }

    pub(crate) fn raw(status: u16, content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply { status, content_type, body, headers: Vec::new(), drop_connection: false, endless: false }
    }

    /// An error answer; an empty `code` is left out (only real codes are sent).
    pub(crate) fn error(status: u16, code: &str, message: &str) -> Reply {
        if code.is_empty() {
            Reply::json(status, &json!({ "error_msg": message }))
        } else {
            Reply::json(status, &json!({ "error_code": code, "error_msg": message }))
        }
    }

    /// Sets a header, replacing one of the same name.
    pub(crate) fn header(mut self, name: &'static str, value: impl Into<Vec<u8>>) -> Reply {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.into()));
        self
    }

    /// Adds what a decoration fault asks for.
    fn decorate(self, fault: &Fault) -> Reply {
        match fault {
            Fault::RetryAfter { value } => self.header("retry-after", value.as_bytes()),
            Fault::BadHeaders => {
                self.header("retry-after", b"\xff\xfe1".to_vec()).header("x-request-id", b"req-\xc3\x28-\xa0".to_vec())
            }
            _ => self,
        }
    }
}

/// A 200 answer of `bytes` bytes: `answer`'s fields plus a padding field.
fn oversized(answer: &serde_json::Value, bytes: usize) -> Vec<u8> {
    let mut body = answer.to_string().into_bytes();
    if body.last() == Some(&b'}') {
        body.pop();
        body.extend_from_slice(if body.len() > 1 { b",\"padding\":\"" } else { b"\"padding\":\"" });
        let fill = bytes.saturating_sub(body.len() + 2);
        body.resize(body.len() + fill, b'x');
        body.extend_from_slice(b"\"}");
    }
    body
}

/// Splits a raw query string into decoded pairs, in order.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    use modelarts_api::signer::percent_decode;
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

impl SimState {
    pub(crate) fn new(config: SimConfig) -> Result<SimState, SimError> {
        let log = CallLog::new(config.log_path.as_deref())?;
        let world = World {
            store: Store::default(),
            faults: Faults { rules: config.rules.clone(), error_rate: config.error_rate },
            gateway: gateway::Gateway::new(config.outage, config.rate_limit),
            issued: Vec::new(),
            metadata_tokens: Vec::new(),
            subject_tokens: Vec::new(),
            auth_tokens: Vec::new(),
            rng: (now_millis() as u64) | 1,
        };
        Ok(SimState { config, world: Mutex::new(world), log })
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, World> {
        // A panic while holding the lock leaves the world as it was; keep serving.
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) async fn handle(&self, req: Incoming) -> Reply {
        if let Some(rest) = req.path.strip_prefix("/_sim/") {
            return control::handle(self, &req.method, rest, &req.body);
        }
        if let Some(reply) = metadata::handle(self, &req).or_else(|| iam::handle(self, &req)) {
            return reply;
        }
        if req.path.trim_end_matches('/') == "/v3/projects" {
            let reply = self.projects(&req);
            self.record(&req, IAM_PROJECTS_OP.to_string(), None, None, &reply);
            return reply;
        }
        if !self.config.latency.is_zero() {
            tokio::time::sleep(self.config.latency).await;
        }
        let query = parse_query(&req.raw_query);
        let segments: Vec<&str> = req.path.trim_matches('/').split('/').collect();
        let routed = match segments.as_slice() {
            ["v1", project, rest @ ..] => api::route(&req.method, rest).map(|r| (project.to_string(), r)),
            _ => None,
        };
        let (op_name, notebook) = routed.as_ref().map_or((String::new(), None), |(_, r)| (r.op.name(), r.id.clone()));
        let status_before = notebook
            .as_ref()
            .and_then(|id| self.lock().store.get_mut(id).map(|r| r.notebook.status.as_str().to_string()));
        let op = routed.as_ref().map(|(_, r)| r.op);
        let mut reply = self.answer(&req, &query, routed);
        if let Some(op) = op {
            let decorations = self.lock().faults.take_decorations(op);
            reply = decorations.iter().fold(reply, Reply::decorate);
        }
        self.record(&req, op_name, notebook, status_before, &reply);
        reply
    }

    /// Checks a request's signature against the permanent keys (unless refused on the
    /// ModelArts API, `modelarts`) and the temporary keys handed out.
    pub(crate) fn verify(&self, received: &auth::Received<'_>, modelarts: bool) -> Result<(), auth::Refusal> {
        if let Some(token) = auth::header(received.headers, "x-auth-token") {
            return iam::verify_token(&self.lock().auth_tokens, token, received.path);
        }
        let mut keys = self.lock().issued.clone();
        if !(modelarts && self.config.refuse_permanent_keys) {
            keys.push(self.config.credentials.clone());
        }
        auth::verify_any(&keys, received, now_millis(), self.config.max_clock_skew_secs)
    }

    /// Appends a call to the call log.
    pub(crate) fn record(
        &self,
        req: &Incoming,
        op: String,
        notebook: Option<String>,
        status_before: Option<String>,
        reply: &Reply,
    ) {
        self.log.record(Call {
            time: timefmt::rfc3339(now_millis()).unwrap_or_default(),
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.raw_query.clone(),
            body: serde_json::from_slice(&req.body).unwrap_or(serde_json::Value::Null),
            op,
            notebook,
            status_before,
            response: if reply.drop_connection { 0 } else { reply.status },
            access_key: auth::signing_access_key(&req.headers),
            signed_with: match auth::header(&req.headers, "x-auth-token") {
                Some(_) => Some("X-Auth-Token".to_string()),
                None => auth::signing_algorithm(&req.headers).map(str::to_string),
            },
        });
    }

    /// IAM's project list (`GET /v3/projects?name=REGION`): how a provider finds the
    /// project of another region, as the official provider does.
    fn projects(&self, req: &Incoming) -> Reply {
        let query = parse_query(&req.raw_query);
        let received = auth::Received {
            method: &req.method,
            path: &req.path,
            query: &query,
            headers: &req.headers,
            body: &req.body,
        };
        if let Err(r) = self.verify(&received, false) {
            return Reply::error(401, r.code, &r.message);
        }
        let name = query.iter().find(|(k, _)| k == "name").map(|(_, v)| v.as_str());
        let projects: Vec<serde_json::Value> = std::iter::once((&self.config.region, &self.config.project_id))
            .chain(self.config.other_projects.iter().map(|(r, p)| (r, p)))
            .filter(|(region, _)| name.is_none_or(|n| n == region.as_str()))
            .map(|(region, id)| json!({"id": id, "name": region, "enabled": true}))
            .collect();
        Reply::json(200, &json!({ "projects": projects }))
    }

    fn answer(&self, req: &Incoming, query: &[(String, String)], routed: Option<(String, api::Route)>) -> Reply {
        // The gateway comes first: an outage or the rate limit answers before anything else.
        let account = routed.as_ref().map_or("", |(project, _)| project.as_str()).to_string();
        match self.lock().gateway.admit(&account, std::time::Instant::now()) {
            Ok(()) => {}
            Err(gateway::Refusal::Unavailable) => {
                return Reply::error(503, "", "Service temporarily unavailable (simulated outage)")
            }
            Err(gateway::Refusal::Throttled { retry_after_secs }) => {
                return Reply::error(429, "APIGW.0308", "The throttling threshold has been reached: policy user")
                    .header("retry-after", retry_after_secs.to_string())
            }
        }
        let received =
            auth::Received { method: &req.method, path: &req.path, query, headers: &req.headers, body: &req.body };
        if let Err(r) = self.verify(&received, true) {
            return Reply::error(401, r.code, &r.message);
        }
        let Some((project, route)) = routed else {
            return Reply::error(
                404,
                "APIGW.0101",
                "The API does not exist or has not been published in the environment",
            );
        };
        if project != self.config.project_id && !self.config.other_projects.iter().any(|(_, p)| *p == project) {
            // No public code is known for this refusal: the body carries none.
            return Reply::error(403, "", &format!("project {project} is not the project of these credentials"));
        }
        let mut world = self.lock();
        if world.faults.error_rate > 0.0 && world.random_unit() < world.faults.error_rate {
            return Reply::error(503, "", "Service temporarily unavailable (simulated)");
        }
        let op = route.op;
        let answer_fault = world.faults.take(op, Family::Answer);
        match &answer_fault {
            Some(Fault::Reply { status, code, message, retry_after, after_work: false }) => {
                let r = Reply::error(*status, code, message);
                // Whole seconds, as an API gateway sends them.
                return match retry_after {
                    Some(secs) => r.header("retry-after", format!("{}", secs.ceil().max(0.0) as u64)),
                    None => r,
                };
            }
            Some(Fault::Garbage { body, status: Some(status) }) if !(200..300).contains(status) => {
                let (content_type, text) = body.body();
                return Reply::raw(*status, content_type, text.as_bytes().to_vec());
            }
            _ => {}
        }
        let ending = match world.faults.take(op, Family::Transition) {
            Some(Fault::TransitionError { reason }) => Ending::Error(reason),
            Some(Fault::TransitionStuck) => Ending::Stuck,
            _ => Ending::Normal,
        };
        let World { store, .. } = &mut *world;
        let mut ctx = reply::Ctx {
            project: &project,
            store,
            catalogue: &self.config.catalogue,
            timings: &self.config.timings,
            ending,
        };
        let result = api::dispatch(&route, query, &req.body, &mut ctx);
        drop(world);
        match (result, answer_fault) {
            (Err(e), _) => Reply::error(e.status, e.code, &e.message),
            (Ok(_), Some(Fault::Reply { status, code, message, .. })) => Reply::error(status, &code, &message),
            (Ok(_), Some(Fault::DropAnswer)) => Reply { drop_connection: true, ..Reply::json(200, &json!({})) },
            (Ok(_), Some(Fault::Garbage { body, .. })) => {
                let (content_type, text) = body.body();
                Reply::raw(200, content_type, text.as_bytes().to_vec())
            }
            (Ok(v), Some(Fault::Oversized { bytes })) => {
                Reply::raw(200, "application/json", oversized(&v, bytes.unwrap_or(faults::OVERSIZED_BYTES)))
            }
            // The start of the real answer, then a trickle that never completes it.
            (Ok(v), Some(Fault::EndlessBody)) => {
                let text = v.to_string();
                let head = text.get(..text.len() / 2).unwrap_or_default().as_bytes().to_vec();
                Reply { endless: true, ..Reply::raw(200, "application/json", head) }
            }
            // The tag calls answer 204 without a body (the official provider expects 204).
            (Ok(_), _) if matches!(route.op, Op::TagsCreate | Op::TagsDelete) => {
                Reply::raw(204, "application/json", Vec::new())
            }
            (Ok(v), _) => Reply::json(200, &v),
        }
    }
}

/// A running simulator.
#[derive(Debug)]
pub struct SimHandle {
    /// `http://127.0.0.1:PORT` (or `https://`).
    pub url: String,
    pub(crate) state: Arc<SimState>,
    /// The self-signed certificate, in PEM, when serving HTTPS.
    pub cert_pem: Option<String>,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl SimHandle {
    /// Starts a simulator and returns once it listens.
    pub async fn start(config: SimConfig) -> Result<SimHandle, SimError> {
        let listen_error = |source| SimError::Listen { addr: config.listen, source };
        let listener = tokio::net::TcpListener::bind(config.listen).await.map_err(listen_error)?;
        let addr = listener.local_addr().map_err(listen_error)?;
        let (acceptor, cert_pem) = if config.tls {
            let id = tfplugin::protocol::tls::generate_identity_for(&["localhost".into(), addr.ip().to_string()])
                .map_err(SimError::Tls)?;
            let cfg = match &config.client_cert_pem {
                Some(pem) => {
                    let der = tfplugin::protocol::tls::pem_certificate_der(pem).map_err(SimError::Tls)?;
                    let mut cfg = id.mtls_server_config(der).map_err(SimError::Tls)?;
                    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
                    cfg
                }
                None => id.server_config().map_err(SimError::Tls)?,
            };
            (Some(tokio_rustls::TlsAcceptor::from(Arc::new(cfg))), Some(id.cert_pem()))
        } else {
            (None, None)
        };
        let scheme = if config.tls { "https" } else { "http" };
        let state = Arc::new(SimState::new(config)?);
        let (shutdown, rx) = watch::channel(false);
        let task = tokio::spawn(http::serve(listener, acceptor, state.clone(), rx));
        Ok(SimHandle { url: format!("{scheme}://{addr}"), state, cert_pem, shutdown, task })
    }

    /// The calls served so far, oldest first.
    pub fn calls(&self) -> Vec<Call> {
        self.state.log.snapshot()
    }

    /// Forgets the calls served so far.
    pub fn clear_calls(&self) {
        self.state.log.clear();
    }

    /// Adds a fault rule, as `--fault` does at start.
    pub fn add_fault(&self, rule: Rule) {
        self.state.lock().faults.rules.push(rule);
    }

    /// The configuration it was started with.
    pub fn config(&self) -> &SimConfig {
        &self.state.config
    }

    /// Stops it and waits until it has.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}
