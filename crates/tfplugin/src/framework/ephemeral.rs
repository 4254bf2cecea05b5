//! Ephemeral resources (protocol 6.7, Terraform 1.10+): values read for one run
//! and never written to a state or plan file, such as credentials.

use async_trait::async_trait;

use crate::protocol::{Diagnostics, Value};

use super::context::CallContext;
use super::schema::Schema;

pub use super::validators::{ValidateConfigRequest, ValidateConfigResponse};

/// OpenEphemeralResource.
#[derive(Debug)]
pub struct OpenRequest<'a> {
    /// The ephemeral block's configuration.
    pub config: &'a Value,
}

/// The values opened; `result` starts empty and an open that succeeds sets it.
#[derive(Debug, Default)]
pub struct OpenResponse {
    /// The values opened, of the schema's type.
    pub result: Option<Value>,
    /// Problems found while opening.
    pub diagnostics: Diagnostics,
}

/// An ephemeral resource type. Nothing is held open between calls, so there is
/// nothing to renew or close.
#[async_trait]
pub trait EphemeralResource: Send + Sync + 'static {
    /// The full type name, e.g. `modelarts_notebook_access`.
    fn type_name(&self) -> &'static str;

    /// The ephemeral block's schema.
    fn schema(&self) -> Schema;

    /// Checks beyond the attributes' own validators.
    fn validate_config(&self, _req: &ValidateConfigRequest<'_>, _resp: &mut ValidateConfigResponse) {}

    /// Reads the values.
    async fn open(&self, ctx: &CallContext, req: &OpenRequest<'_>, resp: &mut OpenResponse);
}
