//! Layer 2: a small provider framework over the protocol layer, shaped after
//! terraform-plugin-framework: [`Provider`], [`Resource`], [`DataSource`],
//! [`ListResource`], [`Action`] and [`EphemeralResource`] traits with one request
//! and one response type per operation, optional capabilities as
//! traits of their own, a schema declared once, typed models, default plan
//! behaviour, validators, timeouts and docs generation.

pub mod action;
pub mod codec;
pub mod context;
pub mod data_source;
pub mod docs;
pub mod ephemeral;
pub mod guard;
pub mod identity;
pub mod list;
pub mod model;
pub mod path;
pub mod plan;
pub mod plan_modifier;
pub mod provider;
pub mod resource;
mod rpc;
pub mod schema;
pub mod service;
pub mod timeouts;
pub mod typed;
pub mod validators;

pub use action::Action;
pub use context::{CallContext, ProviderData};
pub use data_source::DataSource;
pub use ephemeral::EphemeralResource;
pub use guard::Checkpoint;
pub use list::ListResource;
pub use model::{FromValue, IntoValue, ModelError, Tf, TfType};
pub use path::HasPath;
pub use provider::Provider;
pub use resource::Resource;
pub use schema::{Attribute, Block, Mode, NestedAttributes, NestedBlock, NestedNesting, Nesting, Schema};
pub use service::ProviderService;
pub use typed::{
    Ctx, Failure, ModelDataSource, ModelProvider, ModelResource, Remains, Served, Typed, TypedDataSource, TypedProvider,
};
