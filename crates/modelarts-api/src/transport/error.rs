//! How the transport fails: building it (a PEM file that cannot be read, a TLS
//! setting rustls refuses) and one request (connecting, sending, reading).

use std::error::Error as StdError;
use std::fmt;

pub(crate) type BoxError = Box<dyn StdError + Send + Sync>;

/// Why an HTTP client could not be built from the provider's TLS settings.
#[derive(Debug)]
pub enum BuildError {
    /// A PEM file (`cacert_file`, the client certificate and key) that cannot be read.
    Pem {
        /// Which file it was.
        what: &'static str,
        /// The parser's words.
        detail: String,
    },
    /// rustls refused the settings (e.g. a key that does not match its certificate).
    Tls(rustls::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Pem { what, detail } => write!(f, "the {what} are not valid PEM: {detail}"),
            BuildError::Tls(e) => write!(f, "the TLS settings were refused: {e}"),
        }
    }
}

impl StdError for BuildError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            BuildError::Pem { .. } => None,
            BuildError::Tls(e) => Some(e),
        }
    }
}

/// The request's time ran out (the connect timeout, or the whole request's).
#[derive(Debug)]
pub(crate) struct TimedOut;

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation timed out")
    }
}

impl StdError for TimedOut {}

/// Which part of an exchange failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Before the answer's head arrived (connecting included).
    Request,
    /// While reading the answer's body.
    Body,
}

/// One request's failure, with its chain of causes.
#[derive(Debug)]
pub(crate) struct Error {
    pub(crate) stage: Stage,
    source: BoxError,
}

impl Error {
    pub(crate) fn new(stage: Stage, source: impl Into<BoxError>) -> Error {
        Error { stage, source: source.into() }
    }

    /// The causes, outermost first.
    fn chain(&self) -> impl Iterator<Item = &(dyn StdError + 'static)> {
        std::iter::successors(Some(&*self.source as &(dyn StdError + 'static)), |&e| e.source())
    }

    /// Connecting failed (DNS, TCP, a proxy, TLS): the request was never written.
    pub(crate) fn is_connect(&self) -> bool {
        self.chain().any(|e| e.downcast_ref::<hyper_util::client::legacy::Error>().is_some_and(|e| e.is_connect()))
    }

    /// A time limit ran out, ours or the system's.
    pub(crate) fn is_timeout(&self) -> bool {
        self.chain().any(|e| {
            e.is::<TimedOut>()
                || e.downcast_ref::<hyper::Error>().is_some_and(hyper::Error::is_timeout)
                || e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        })
    }

    /// The causes' texts, outermost first, each once (a layer that repeats its
    /// cause's words adds nothing).
    pub(crate) fn causes(&self) -> Vec<String> {
        let mut texts: Vec<String> = Vec::new();
        for e in self.chain() {
            let text = e.to_string();
            if !texts.iter().any(|t| t.contains(&text)) {
                texts.push(text);
            }
        }
        texts
    }

    /// Whether a cause is rustls refusing something (the peer's certificate,
    /// usually). hyper-rustls hands it over inside an `io::Error`, itself inside
    /// another, and an `io::Error`'s `source()` skips what it wraps: look inside.
    pub(crate) fn is_tls(&self) -> bool {
        fn tls(e: &(dyn StdError + 'static)) -> bool {
            e.is::<rustls::Error>()
                || e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()).is_some_and(|inner| tls(inner))
        }
        self.chain().any(tls)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.is_timeout() {
            "timed out"
        } else if self.is_connect() {
            "connection failed"
        } else if self.stage == Stage::Body {
            "reading the answer failed"
        } else {
            "request failed"
        };
        f.write_str(kind)?;
        for cause in self.causes() {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}
