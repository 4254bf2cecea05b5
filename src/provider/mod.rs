//! Layer 4: the `modelarts` provider — its provider block, resources and data sources.

pub mod config;
pub mod configured;
pub mod data_sources;
pub mod docs;
pub mod notebook;

use std::sync::Arc;

use async_trait::async_trait;

use crate::framework::{DataSource, Provider, ProviderData, Resource, Schema};
use crate::protocol::{Diagnostics, Value};

/// The provider's registry address, as users write it in `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/modelarts/modelarts";

#[derive(Default)]
pub struct ModelArtsProvider;

pub use configured::Configured;

#[async_trait]
impl Provider for ModelArtsProvider {
    fn schema(&self) -> Schema {
        config::schema()
    }

    async fn configure(&self, config: &Value, diags: &mut Diagnostics) -> Option<ProviderData> {
        let settings = config::resolve(config, &|k| std::env::var(k).ok(), diags)?;
        tracing::debug!(region = %settings.region, endpoint = %settings.endpoint, "provider configured");
        match Configured::new(settings) {
            Ok(c) => Some(Arc::new(c)),
            Err(e) => {
                diags.error("Cannot configure the ModelArts client", e);
                None
            }
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(notebook::NotebookResource)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![
            Arc::new(data_sources::notebook::NotebookDataSource),
            Arc::new(data_sources::flavors::FlavorsDataSource),
            Arc::new(data_sources::images::ImagesDataSource),
        ]
    }
}
