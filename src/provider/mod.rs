//! Layer 4: the `modelarts` provider — its provider block, resources and data sources.

pub mod config;

use std::sync::Arc;

use async_trait::async_trait;

use crate::framework::{DataSource, Provider, ProviderData, Resource, Schema};
use crate::protocol::{Diagnostics, Value};

/// The provider's registry address, as users write it in `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/modelarts/modelarts";

#[derive(Default)]
pub struct ModelArtsProvider;

#[async_trait]
impl Provider for ModelArtsProvider {
    fn schema(&self) -> Schema {
        config::schema()
    }

    async fn configure(&self, config: &Value, diags: &mut Diagnostics) -> Option<ProviderData> {
        let settings = config::resolve(config, &|k| std::env::var(k).ok(), diags)?;
        tracing::debug!(region = %settings.region, endpoint = %settings.endpoint, "provider configured");
        Some(Arc::new(settings))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        Vec::new()
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
}
