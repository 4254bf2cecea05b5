//! terraform-provider-modelarts: a Terraform provider for Huawei Cloud ModelArts
//! notebooks, and `modelarts-sim`, a local stand-in for the ModelArts notebook API.
//!
//! Layers, each depending only on those above it:
//! 1. [`protocol`] — Terraform plugin protocol 6 over go-plugin.
//! 2. [`framework`] — resources, data sources, schemas, plan modifiers.
//! 3. [`client`] — the ModelArts REST client (signing, retries, waiting).
//! 4. [`provider`] — the `modelarts` provider, its resources and data sources.
//! 5. [`sim`] — the simulator, reusing the client's API types.
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

pub mod proto {
    //! Code generated from `proto/` at build time.
    #![allow(clippy::all, missing_docs)]
    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }
    pub mod plugin {
        tonic::include_proto!("plugin");
    }
    pub mod health {
        tonic::include_proto!("grpc.health.v1");
    }
}

pub mod client;
pub mod duration;
pub mod enums;
pub mod framework;
pub mod platform;
pub mod protocol;
pub mod provider;
pub mod sim;
pub(crate) mod testhook;
pub mod timefmt;
