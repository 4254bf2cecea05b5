//! terraform-provider-modelarts: a Terraform provider for Huawei Cloud ModelArts
//! notebooks (its simulator, `modelarts-sim`, is a crate of its own).
//!
//! Layers, each a crate depending only on those above it:
//! 1. [`protocol`] and [`framework`] — the `tfplugin` crate (`crates/tfplugin`):
//!    Terraform plugin protocol 6 and a framework for any provider.
//! 2. [`client`] — the `modelarts-api` crate (`crates/modelarts-api`): the ModelArts
//!    REST client (signing, credentials, retries, waiting); it knows nothing of Terraform.
//! 3. [`provider`] — this crate: the `modelarts` provider, its resources and data sources.
//! 4. The `modelarts-sim` crate (`crates/modelarts-sim`): the simulator, with rules
//!    of its own; only this crate's tests and benchmarks use it.
//!
//! Nothing from outside — an HTTP answer, a state file, a configuration, a flag —
//! may panic the provider: outside tests, indexing, unwrapping and `panic!` are
//! refused by the lints below (with a reasoned `allow` where a case is provably safe).
//!
//! Every public item is documented, every public type implements `Debug` (types
//! that hold credentials print without them), and nothing is `pub` that cannot be
//! reached from outside the crate. What only tests need (the provider's fault hook)
//! is behind the `testing` feature, which `cargo test` turns on by itself.
#![warn(missing_debug_implementations, unreachable_pub, missing_docs)]
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic))]

// The framework crate's modules, under the names the provider has always used.
pub use tfplugin::{duration, framework, proto, protocol};

// The API client crate, under the names the provider has always used.
pub use modelarts_api as client;
pub use modelarts_api::{enums, timefmt};

pub mod platform;
pub mod provider;
pub(crate) mod testhook;
