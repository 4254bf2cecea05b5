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

use crate::framework::provider::{ConfigureRequest, ConfigureResponse};
use crate::framework::{
    Action, DataSource, EphemeralResource, ListResource, Provider, Resource, Schema, Typed, TypedDataSource,
};

/// The provider's registry address, as users write it in `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/modelarts/modelarts";

/// The `modelarts` provider: its provider block, and the types it serves.
#[derive(Default, Debug)]
pub struct ModelArtsProvider;

pub use configured::Configured;

#[async_trait]
impl Provider for ModelArtsProvider {
    fn schema(&self) -> Schema {
        config::schema()
    }

    async fn configure(&self, req: &ConfigureRequest<'_>, resp: &mut ConfigureResponse) {
        let Some(settings) = config::resolve(req.config, &|k| std::env::var(k).ok(), &mut resp.diagnostics) else {
            return;
        };
        tracing::debug!(region = %settings.region, endpoint = %settings.endpoint, "provider configured");
        match Configured::new(settings) {
            Ok(c) => match c.check_keys().await {
                Ok(()) => resp.data = Some(Arc::new(c)),
                Err(d) => resp.diagnostics.extend(d),
            },
            Err(e) => resp.diagnostics.error("Cannot configure the ModelArts client", e.to_string()),
        }
    }

    fn actions(&self) -> Vec<Arc<dyn Action>> {
        vec![Arc::new(power_action::NotebookPowerAction)]
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        vec![Arc::new(notebook_access::NotebookAccess)]
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![Arc::new(notebook::listing::NotebookList)]
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(Typed(notebook::NotebookResource)),
            Arc::new(Typed(mount_storage::MountStorageResource)),
            Arc::new(Typed(image_store::ImageStoreResource)),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![
            Arc::new(data_sources::notebook::NotebookDataSource),
            Arc::new(TypedDataSource(data_sources::notebooks::NotebooksDataSource)),
            Arc::new(TypedDataSource(data_sources::flavors::FlavorsDataSource)),
            Arc::new(TypedDataSource(data_sources::images::ImagesDataSource)),
        ]
    }
}
