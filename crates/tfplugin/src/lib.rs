//! tfplugin: write Terraform providers in Rust.
//!
//! Two layers, each depending only on the one above it:
//! 1. [`protocol`] — Terraform plugin protocol 6 over go-plugin: the handshake,
//!    AutoMTLS, gRPC serving, msgpack and JSON values, diagnostics, logging.
//! 2. [`framework`] — providers, resources, data sources, list resources, actions
//!    and ephemeral resources as traits with a request and a response per
//!    operation; schemas, plan defaults, validators, timeouts and docs.
//!
//! Nothing from outside — a request, a state, a configuration — may panic a
//! provider: outside tests, indexing, unwrapping and `panic!` are refused by the
//! lints below (with a reasoned `allow` where a case is provably safe).
//!
//! # Example
#![doc = include_str!("../README.md")]
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

// The derive's generated code names `::tfplugin`, inside this crate too.
extern crate self as tfplugin;

/// `#[derive(Model)]`: see [`framework::model`].
pub use tfplugin_derive::Model;

pub mod duration;
pub mod framework;
pub mod protocol;
