//! The tests below Terraform: the plugin's gRPC server driven directly, the API
//! client against the in-process simulator, the simulator binary's flags, fuzzing
//! and property tests of the parsers, and the generated docs — in one test binary.

#[path = "../common/mod.rs"]
mod common;

mod attribute_names;
mod client_sim;
mod docs;
mod fuzz;
mod plugin_grpc;
mod properties;
mod sim_binary;
