//! Data sources: the [`DataSource`] trait and its request and response types.

use async_trait::async_trait;

use crate::protocol::{Diagnostics, Value};

use super::context::CallContext;
use super::schema::Schema;

pub use super::validators::{ValidateConfigRequest, ValidateConfigResponse};

/// ReadDataSource.
#[derive(Debug)]
pub struct ReadRequest<'a> {
    /// The data block, wholly known.
    pub config: &'a Value,
}

/// What a read found; `state` starts empty, and a read that succeeds sets it.
#[derive(Debug, Default)]
pub struct ReadResponse {
    /// The values read; a read that succeeds sets it.
    pub state: Option<Value>,
    /// Problems found while reading.
    pub diagnostics: Diagnostics,
}

/// A data source type.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// The full type name, e.g. `modelarts_notebook_flavors`.
    fn type_name(&self) -> &'static str;

    /// The data block's schema.
    fn schema(&self) -> Schema;

    /// Checks beyond the attributes' own validators.
    fn validate_config(&self, _req: &ValidateConfigRequest<'_>, _resp: &mut ValidateConfigResponse) {}

    /// Reads the data.
    async fn read(&self, ctx: &CallContext, req: &ReadRequest<'_>, resp: &mut ReadResponse);
}
