//! The [`Provider`] trait: the provider block, and the resources, data sources,
//! list resources, actions and ephemeral resources it serves.

use std::sync::Arc;

use async_trait::async_trait;

use crate::protocol::{Diagnostics, Value};

use super::action::Action;
use super::context::ProviderData;
use super::data_source::DataSource;
use super::ephemeral::EphemeralResource;
use super::list::ListResource;
use super::resource::Resource;
use super::schema::Schema;

pub use super::validators::{ValidateConfigRequest, ValidateConfigResponse};

/// ConfigureProvider.
#[derive(Debug)]
pub struct ConfigureRequest<'a> {
    /// The provider block's configuration.
    pub config: &'a Value,
    /// The version of Terraform calling, e.g. `1.11.4`.
    pub terraform_version: &'a str,
}

/// What configure produced: the data every resource and data source call gets
/// through [`super::CallContext::data`].
#[derive(Default)]
pub struct ConfigureResponse {
    /// What resources, data sources and the rest receive in their [`CallContext`](super::CallContext).
    pub data: Option<ProviderData>,
    /// Problems found; errors stop every later call.
    pub diagnostics: Diagnostics,
}

impl std::fmt::Debug for ConfigureResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigureResponse")
            .field("configured", &self.data.is_some())
            .field("diagnostics", &self.diagnostics)
            .finish()
    }
}

/// A provider: its block's schema, how it is configured, and what it serves.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider block.
    fn schema(&self) -> Schema;

    /// Checks beyond the attributes' own validators.
    fn validate_config(&self, _req: &ValidateConfigRequest<'_>, _resp: &mut ValidateConfigResponse) {}

    /// Builds what resources will share (e.g. an API client) from the provider block.
    async fn configure(&self, req: &ConfigureRequest<'_>, resp: &mut ConfigureResponse);

    /// The managed resource types.
    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    /// The data source types.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>>;

    /// The list resource types (`terraform query`, Terraform 1.14+).
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        Vec::new()
    }

    /// The action types (Terraform 1.14+).
    fn actions(&self) -> Vec<Arc<dyn Action>> {
        Vec::new()
    }

    /// The ephemeral resource types (Terraform 1.10+).
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        Vec::new()
    }
}
