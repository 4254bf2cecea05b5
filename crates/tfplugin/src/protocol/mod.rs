//! Layer 1: Terraform's plugin protocol 6 over go-plugin — handshake, gRPC serving,
//! values and their encodings, schemas' types, diagnostics and logging.

pub mod diagnostics;
mod grpc;
pub mod handshake;
pub mod json;
mod listen;
pub mod logging;
pub mod msgpack;
pub mod name;
pub mod object;
pub mod server;
pub mod shape;
pub mod tls;
pub mod types;
pub mod value;

pub use diagnostics::{AttributePath, Diagnostic, Diagnostics, Severity, Step};
pub use name::Name;
pub use object::Attrs;
pub use types::Type;
pub use value::{Number, Value};
