//! Managed resources: the [`Resource`] trait, one request and one response type per
//! operation (as terraform-plugin-framework's `resource` package has them), and the
//! optional capabilities a resource adds by implementing a trait of its own:
//! [`ResourceWithUpdate`], [`ResourceWithImportState`], [`ResourceWithUpgradeState`],
//! [`ResourceWithMoveState`] and [`ResourceWithIdentity`].
//!
//! Each response comes prefilled with what Terraform should get when the resource
//! does nothing more: a read keeps the state it had, an update records the plan,
//! a create records nothing (so a create must set `state`, or report an error).

use async_trait::async_trait;

use crate::protocol::{AttributePath, Diagnostics, Value};

use super::context::CallContext;
pub use super::identity::{IdentityAttribute, IdentitySchema, ResourceWithIdentity};
use super::schema::Schema;

pub use super::validators::{ValidateConfigRequest, ValidateConfigResponse};

/// PlanResourceChange for a create or an update (a destroy is not refined).
#[derive(Debug)]
pub struct ModifyPlanRequest<'a> {
    /// The resource's configuration.
    pub config: &'a Value,
    /// The prior state; null for a create.
    pub state: &'a Value,
    /// The prior private data.
    pub private: &'a [u8],
}

/// The plan being made, prefilled by the framework: defaults applied, computed
/// attributes "known after apply" where they may change, and the replacements the
/// schema's requires-replace attributes call for.
#[derive(Debug)]
pub struct ModifyPlanResponse {
    /// The planned state.
    pub plan: Value,
    /// Attributes whose change replaces the object.
    pub requires_replace: Vec<AttributePath>,
    /// Private data the apply will receive; prefilled with the prior's.
    pub private: Vec<u8>,
    /// Problems found; errors fail the plan.
    pub diagnostics: Diagnostics,
}

/// ApplyResourceChange of a create.
#[derive(Debug)]
pub struct CreateRequest<'a> {
    /// The resource's configuration.
    pub config: &'a Value,
    /// The planned state; computed attributes may be unknown.
    pub plan: &'a Value,
    /// The planned private data.
    pub private: &'a [u8],
}

/// A create's result. `state` starts empty: set it to the object created (the
/// framework reports a create that sets neither state nor an error as a bug, and
/// keeps anything recorded with [`CallContext::record_state`]).
#[derive(Debug)]
pub struct CreateResponse {
    /// The state of the object created.
    pub state: Option<Value>,
    /// Prefilled with the planned private data.
    pub private: Vec<u8>,
    /// Problems found; errors taint the object when a state is set.
    pub diagnostics: Diagnostics,
}

/// ReadResource (refresh).
#[derive(Debug)]
pub struct ReadRequest<'a> {
    /// The state as last saved.
    pub state: &'a Value,
    /// The private data as last saved.
    pub private: &'a [u8],
}

/// What a read found.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ReadState {
    /// The object as last saved: the state stays as it is (what a read that sets
    /// nothing, or fails, leaves).
    #[default]
    AsBefore,
    /// The object as it is now.
    Now(Value),
    /// The object is gone: Terraform removes it from the state, and plans to create
    /// it again.
    Gone,
}

/// A read's result. The state starts as [`ReadState::AsBefore`], so the current
/// state is not copied for every refresh.
#[derive(Debug)]
pub struct ReadResponse {
    /// What the read found.
    pub state: ReadState,
    /// Prefilled with the current private data.
    pub private: Vec<u8>,
    /// Problems found while reading.
    pub diagnostics: Diagnostics,
}

/// ApplyResourceChange of an in-place update.
#[derive(Debug)]
pub struct UpdateRequest<'a> {
    /// The resource's configuration.
    pub config: &'a Value,
    /// The planned state.
    pub plan: &'a Value,
    /// The prior state.
    pub state: &'a Value,
    /// The planned private data.
    pub private: &'a [u8],
}

/// An update's result, prefilled with the plan. An update that fails part-way sets
/// the state the object is in now.
#[derive(Debug)]
pub struct UpdateResponse {
    /// The state after the update, or after the part that was done.
    pub state: Option<Value>,
    /// Private data to save; prefilled with the planned private data.
    pub private: Vec<u8>,
    /// Problems found; errors fail the apply.
    pub diagnostics: Diagnostics,
}

/// ApplyResourceChange of a destroy.
#[derive(Debug)]
pub struct DeleteRequest<'a> {
    /// The state as last saved.
    pub state: &'a Value,
    /// The private data as last saved.
    pub private: &'a [u8],
}

/// A delete's result: without errors the object leaves the state; with errors it stays.
#[derive(Debug, Default)]
pub struct DeleteResponse {
    /// Problems found; with errors the object stays in the state.
    pub diagnostics: Diagnostics,
}

/// ImportResourceState.
#[derive(Debug)]
pub struct ImportStateRequest<'a> {
    /// What the user wrote after the resource address in `terraform import`, or in
    /// an `import` block's `id`.
    pub id: &'a str,
}

/// The state to start from; Terraform reads the resource right after.
#[derive(Debug, Default)]
pub struct ImportStateResponse {
    /// The imported object's state.
    pub state: Option<Value>,
    /// Private data for the read that follows.
    pub private: Vec<u8>,
    /// Problems found while importing.
    pub diagnostics: Diagnostics,
}

/// UpgradeResourceState of a state written with an older schema version.
#[derive(Debug)]
pub struct UpgradeStateRequest<'a> {
    /// The schema version the state was written with.
    pub version: i64,
    /// The stored state, as JSON.
    pub state: &'a serde_json::Value,
}

/// The upgraded state, of the current schema.
#[derive(Debug, Default)]
pub struct UpgradeStateResponse {
    /// The state in the current schema.
    pub state: Option<Value>,
    /// Problems found while upgrading.
    pub diagnostics: Diagnostics,
}

/// MoveResourceState: state from another resource type (a `moved` block).
#[derive(Debug)]
pub struct MoveStateRequest<'a> {
    /// The source's provider, e.g. `registry.terraform.io/huaweicloud/huaweicloud`.
    pub source_provider_address: &'a str,
    /// The source's resource type.
    pub source_type_name: &'a str,
    /// The schema version of the source's state.
    pub source_schema_version: i64,
    /// The source's stored state, as JSON.
    pub source_state: &'a [u8],
}

/// The moved state. A resource that does not take state from the source leaves
/// `state` empty and adds no error; the framework then says the move is unsupported.
#[derive(Debug, Default)]
pub struct MoveStateResponse {
    /// The state in this resource's schema.
    pub state: Option<Value>,
    /// Private data for the first read after the move.
    pub private: Vec<u8>,
    /// Problems found while moving.
    pub diagnostics: Diagnostics,
}

/// The optional capabilities of a resource type, each the trait object that has it
/// (usually the resource itself), or `None`. Said once, in
/// [`Resource::capabilities`] or `ModelResource::capabilities`: a resource that
/// can be imported answers `Capabilities { import_state: Some(self),
/// ..Capabilities::default() }`.
#[derive(Clone, Copy, Default)]
pub struct Capabilities<'a> {
    /// `terraform import` and `import` blocks.
    pub import_state: Option<&'a dyn ResourceWithImportState>,
    /// States written with older schema versions.
    pub upgrade_state: Option<&'a dyn ResourceWithUpgradeState>,
    /// `moved` blocks from other resource types.
    pub move_state: Option<&'a dyn ResourceWithMoveState>,
    /// Resource identity (Terraform 1.12+): import by identity, `terraform query`.
    pub identity: Option<&'a dyn ResourceWithIdentity>,
}

impl std::fmt::Debug for Capabilities<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capabilities")
            .field("import_state", &self.import_state.is_some())
            .field("upgrade_state", &self.upgrade_state.is_some())
            .field("move_state", &self.move_state.is_some())
            .field("identity", &self.identity.is_some())
            .finish()
    }
}

/// A managed resource type: its schema and its lifecycle. Anything more is an
/// optional capability: in-place updates (`as_update`), and the others named in
/// [`Resource::capabilities`].
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// The full type name, e.g. `modelarts_notebook`.
    fn type_name(&self) -> &'static str;

    /// The resource block's schema.
    fn schema(&self) -> Schema;

    /// Checks beyond the attributes' own validators.
    fn validate_config(&self, _req: &ValidateConfigRequest<'_>, _resp: &mut ValidateConfigResponse) {}

    /// Refines the plan of a create or an update.
    async fn modify_plan(&self, _ctx: &CallContext, _req: &ModifyPlanRequest<'_>, _resp: &mut ModifyPlanResponse) {}

    /// Creates the object the plan describes.
    async fn create(&self, ctx: &CallContext, req: &CreateRequest<'_>, resp: &mut CreateResponse);

    /// Reads the object as it is now.
    async fn read(&self, ctx: &CallContext, req: &ReadRequest<'_>, resp: &mut ReadResponse);

    /// Deletes the object.
    async fn delete(&self, ctx: &CallContext, req: &DeleteRequest<'_>, resp: &mut DeleteResponse);

    /// In-place updates. Without them, every attribute the remote object sees must
    /// require replacement; what remains changeable in place (such as `timeouts`)
    /// lives only in Terraform's state, and the framework records the plan.
    fn as_update(&self) -> Option<&dyn ResourceWithUpdate> {
        None
    }

    /// Import, state upgrades, moves and identity, where the resource has them.
    fn capabilities(&self) -> Capabilities<'_> {
        Capabilities::default()
    }

    /// The configuration `-generate-config-out` writes for an imported object.
    /// `config` comes with the framework's omissions (computed-only values, values
    /// equal to their defaults); a resource may leave out more, such as what the
    /// provider block implies. Whatever it leaves out must plan no change.
    fn generated_config(&self, _ctx: &CallContext, config: Value) -> Value {
        config
    }
}

/// A resource changeable in place.
#[async_trait]
pub trait ResourceWithUpdate: Send + Sync {
    /// Changes the object from the prior state to the plan.
    async fn update(&self, ctx: &CallContext, req: &UpdateRequest<'_>, resp: &mut UpdateResponse);
}

/// A resource that can be imported.
#[async_trait]
pub trait ResourceWithImportState: Send + Sync {
    /// The state to start from when importing `req.id`.
    async fn import_state(&self, ctx: &CallContext, req: &ImportStateRequest<'_>, resp: &mut ImportStateResponse);
}

/// A resource whose schema version has moved on.
pub trait ResourceWithUpgradeState: Send + Sync {
    /// Upgrades a state of `req.version` to the current schema.
    fn upgrade_state(&self, req: &UpgradeStateRequest<'_>, resp: &mut UpgradeStateResponse);
}

/// A resource that takes state from other resource types. Terraform calls this
/// before the provider is configured.
#[async_trait]
pub trait ResourceWithMoveState: Send + Sync {
    /// Converts the source's state, or leaves the response empty when the source
    /// is not one this resource knows.
    async fn move_state(&self, ctx: &CallContext, req: &MoveStateRequest<'_>, resp: &mut MoveStateResponse);
}
