//! Layer 4: the `modelarts` provider — its provider block, resources, data sources,
//! list resource, action and ephemeral resource.

pub mod config;
pub(crate) mod configured;
pub mod data_sources;
pub(crate) mod diagnose;
pub mod docs;
pub(crate) mod image_store;
pub(crate) mod mount_storage;
pub mod notebook;
pub(crate) mod notebook_access;
pub(crate) mod official_state;
pub(crate) mod power_action;
pub(crate) mod running_notebook;

use std::sync::Arc;

use async_trait::async_trait;

use crate::framework::provider::ConfigureRequest;
use crate::framework::{ModelProvider, Schema, Served};
use crate::protocol::Diagnostics;

/// The provider's registry address, as users write it in `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/modelarts/modelarts";

/// The `modelarts` provider: its provider block, and the types it serves.
#[derive(Default, Debug)]
pub struct ModelArtsProvider;

pub use configured::Configured;

#[async_trait]
impl ModelProvider for ModelArtsProvider {
    type Data = Configured;

    fn schema(&self) -> Schema {
        config::schema()
    }

    async fn configure(&self, req: &ConfigureRequest<'_>, diagnostics: &mut Diagnostics) -> Option<Configured> {
        let settings = config::resolve(req.config, &|k| std::env::var(k).ok(), diagnostics)?;
        tracing::debug!(region = %settings.region, endpoint = %settings.endpoint, "provider configured");
        let configured = match Configured::new(settings) {
            Ok(c) => c,
            Err(e) => {
                diagnostics.error("Cannot configure the ModelArts client", e.to_string());
                return None;
            }
        };
        match configured.check_keys().await {
            Ok(()) => Some(configured),
            Err(d) => {
                diagnostics.extend(d);
                None
            }
        }
    }

    fn serve(&self, served: &mut Served<Configured>) {
        served
            .resource(notebook::NotebookResource)
            .resource(mount_storage::MountStorageResource)
            .resource(image_store::ImageStoreResource)
            .data_source(data_sources::notebook::NotebookDataSource)
            .data_source(data_sources::notebooks::NotebooksDataSource)
            .data_source(data_sources::flavors::FlavorsDataSource)
            .data_source(data_sources::images::ImagesDataSource)
            .action(Arc::new(power_action::NotebookPowerAction))
            .ephemeral_resource(Arc::new(notebook_access::NotebookAccess))
            .list_resource(Arc::new(notebook::listing::NotebookList));
    }
}
