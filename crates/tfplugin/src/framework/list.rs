//! List resources (protocol 6.10, Terraform 1.14+ `terraform query`): find the
//! remote objects of a managed resource type that match a filter, each with its
//! identity, so Terraform can write `import` blocks (and configuration) for them.
//!
//! A list resource shares its type name with the managed resource it finds, and
//! that resource must have an identity ([`super::identity`]).

use async_trait::async_trait;

use crate::protocol::{Diagnostics, Value};

use super::context::CallContext;
use super::schema::Schema;

pub use super::validators::{ValidateConfigRequest, ValidateConfigResponse};

/// ListResource.
#[derive(Debug)]
pub struct ListRequest<'a> {
    /// The `config` block of the `list` block.
    pub config: &'a Value,
    /// Whether each result must carry the whole object (`include_resource = true`).
    pub include_resource: bool,
    /// Terraform reads no more results than this.
    pub limit: usize,
}

/// One object found.
#[derive(Debug)]
pub struct ListItem {
    /// The managed resource's identity of the object.
    pub identity: Value,
    /// What a person would recognise the object by.
    pub display_name: String,
    /// The object as the managed resource's state would hold it (only asked for
    /// with `include_resource`).
    pub resource: Option<Value>,
}

/// What a listing found; the framework returns at most `limit` items.
#[derive(Debug, Default)]
pub struct ListResponse {
    /// The objects found, in the order found.
    pub items: Vec<ListItem>,
    /// Problems found; warnings travel with the first result.
    pub diagnostics: Diagnostics,
}

/// A list resource type.
#[async_trait]
pub trait ListResource: Send + Sync + 'static {
    /// The managed resource type it lists, e.g. `modelarts_notebook`.
    fn type_name(&self) -> &'static str;

    /// The schema of the `config` block.
    fn schema(&self) -> Schema;

    /// Checks beyond the attributes' own validators.
    fn validate_config(&self, _req: &ValidateConfigRequest<'_>, _resp: &mut ValidateConfigResponse) {}

    /// Finds the objects.
    async fn list(&self, ctx: &CallContext, req: &ListRequest<'_>, resp: &mut ListResponse);
}
