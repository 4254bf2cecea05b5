//! Layer 4: the `modelarts` provider — its provider block, resources and data sources.

pub mod config;
pub mod data_sources;
pub mod docs;
pub mod notebook;

use std::sync::Arc;

use async_trait::async_trait;

use crate::client::{Client, ClientConfig};
use crate::framework::{DataSource, Provider, ProviderData, Resource, Schema};
use crate::protocol::{Diagnostics, Value};

/// The provider's registry address, as users write it in `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/modelarts/modelarts";

#[derive(Default)]
pub struct ModelArtsProvider;

/// What every resource and data source gets from the provider block.
pub struct Configured {
    pub client: Client,
    pub region: String,
}

#[async_trait]
impl Provider for ModelArtsProvider {
    fn schema(&self) -> Schema {
        config::schema()
    }

    async fn configure(&self, config: &Value, diags: &mut Diagnostics) -> Option<ProviderData> {
        let settings = config::resolve(config, &|k| std::env::var(k).ok(), diags)?;
        let mut cc =
            ClientConfig::new(&settings.endpoint, &settings.project_id, &settings.access_key, &settings.secret_key);
        cc.security_token = settings.security_token.clone();
        cc.insecure = settings.insecure;
        cc.max_retries = settings.max_retries;
        cc.request_timeout = settings.request_timeout;
        match Client::new(cc) {
            Ok(client) => {
                tracing::debug!(region = %settings.region, endpoint = %settings.endpoint, "provider configured");
                Some(Arc::new(Configured { client, region: settings.region }))
            }
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
