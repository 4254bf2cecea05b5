//! terraform-provider-modelarts: a Terraform provider for Huawei Cloud ModelArts
//! notebooks, and `modelarts-sim`, a local stand-in for the ModelArts notebook API.
//!
//! Layers, each depending only on those above it:
//! 1. [`protocol`] and [`framework`] — the `tfplugin` crate (`crates/tfplugin`):
//!    Terraform plugin protocol 6 and a framework for any provider.
//! 2. [`client`] — the ModelArts REST client (signing, retries, waiting).
//! 3. [`provider`] — the `modelarts` provider, its resources and data sources.
//! 4. [`sim`] — the simulator, reusing the client's API types.
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

pub mod client;
pub mod enums;
pub mod platform;
pub mod provider;
pub mod sim;
pub(crate) mod testhook;
pub mod timefmt;
