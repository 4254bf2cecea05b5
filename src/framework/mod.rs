//! Layer 2: a small provider framework over the protocol layer, shaped after
//! terraform-plugin-framework: `Provider` / `Resource` / `DataSource` traits, a
//! schema declared once, default plan behaviour, validators, and docs generation.

pub mod codec;
pub mod docs;
pub mod guard;
pub mod plan;
pub mod resource;
pub mod schema;
pub mod service;
pub mod validators;

pub use guard::Checkpoint;
pub use resource::{
    CallContext, DataSource, MoveRequest, Moved, Outcome, PlanChange, Provider, ProviderData, Resource,
};
pub use schema::{Attribute, Block, Mode, NestedBlock, Nesting, Schema};
pub use service::ProviderService;
