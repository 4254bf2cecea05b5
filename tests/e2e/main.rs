//! The end-to-end tests: the real `terraform` against the built provider and the
//! `modelarts-sim` binary, one module per subject, in one test binary (one link of
//! the crate instead of one per file, and every test free to run beside any other).
//! Under `CI=true` a test that cannot find terraform fails; elsewhere it is skipped
//! with a message.

#[path = "../common/mod.rs"]
mod common;

mod acceptance;
mod api_rules;
mod data_sources;
mod examples;
mod hostile;
mod image_store;
mod install;
mod migration;
mod mount_storage;
mod notebook;
mod notebook_access;
mod porting;
mod protocol;
mod reliability;
mod terraform_1_15;
