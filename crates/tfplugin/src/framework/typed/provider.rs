//! [`ModelProvider`]: a provider whose configure makes a value of its own `Data`
//! type, and [`Served`], through which it lists what it serves — a resource or a
//! data source written for other data does not compile. [`TypedProvider`] serves it
//! as a [`Provider`].
//!
//! A resource written for data the provider does not make is refused by the
//! compiler (with `Data = Client` it compiles):
//!
//! ```compile_fail,E0271
//! use tfplugin::framework::provider::ConfigureRequest;
//! use tfplugin::framework::{Block, Ctx, Failure, ModelProvider, ModelResource, Schema, Served};
//! use tfplugin::protocol::Diagnostics;
//!
//! struct Client;
//! struct OtherClient;
//! #[derive(tfplugin::Model, Clone, Debug)]
//! struct ThingModel { id: Option<String> }
//!
//! struct Thing;
//! #[async_trait::async_trait]
//! impl ModelResource for Thing {
//!     type Model = ThingModel;
//!     type Data = OtherClient;
//!     fn type_name(&self) -> &'static str { "p_thing" }
//!     fn schema(&self) -> Schema { Schema::new(0, Block::new("A thing.")) }
//!     async fn create(&self, _: &Ctx<'_, OtherClient>, m: ThingModel) -> Result<ThingModel, Failure<ThingModel>> { Ok(m) }
//!     async fn read(&self, _: &Ctx<'_, OtherClient>, m: ThingModel) -> Result<Option<ThingModel>, Failure<ThingModel>> { Ok(Some(m)) }
//!     async fn delete(&self, _: &Ctx<'_, OtherClient>, _: ThingModel) -> Result<(), Diagnostics> { Ok(()) }
//! }
//!
//! struct P;
//! #[async_trait::async_trait]
//! impl ModelProvider for P {
//!     type Data = Client;
//!     fn schema(&self) -> Schema { Schema::new(0, Block::new("P.")) }
//!     async fn configure(&self, _: &ConfigureRequest<'_>, _: &mut Diagnostics) -> Option<Client> { Some(Client) }
//!     fn serve(&self, served: &mut Served<Client>) {
//!         served.resource(Thing);
//!     }
//! }
//! ```

use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;

use crate::framework::action::Action;
use crate::framework::data_source::DataSource;
use crate::framework::ephemeral::EphemeralResource;
use crate::framework::list::ListResource;
use crate::framework::provider::{ConfigureRequest, ConfigureResponse, Provider};
use crate::framework::resource::Resource;
use crate::framework::schema::Schema;
use crate::framework::validators::{ValidateConfigRequest, ValidateConfigResponse};
use crate::protocol::Diagnostics;

use super::{ModelDataSource, ModelResource, Typed, TypedDataSource};

/// A provider with typed configured data.
#[async_trait]
pub trait ModelProvider: Send + Sync + 'static {
    /// What configure makes (an API client, say); every typed resource and data
    /// source it serves takes it as its own `Data`.
    type Data: Send + Sync + 'static;

    /// The provider block.
    fn schema(&self) -> Schema;

    /// Checks beyond the attributes' own validators.
    fn validate_config(&self, _req: &ValidateConfigRequest<'_>, _resp: &mut ValidateConfigResponse) {}

    /// The data every call will get, from the provider block; `None` when
    /// `diagnostics` holds errors (warnings may come with a success).
    async fn configure(&self, req: &ConfigureRequest<'_>, diagnostics: &mut Diagnostics) -> Option<Self::Data>;

    /// Everything it serves: resources, data sources, and the other kinds.
    fn serve(&self, served: &mut Served<Self::Data>);
}

/// What a [`ModelProvider`] serves, listed once: typed resources and data sources
/// only when they take its `D`; ones written on the raw traits as they are; list
/// resources, actions and ephemeral resources.
pub struct Served<D> {
    resources: Vec<Arc<dyn Resource>>,
    data_sources: Vec<Arc<dyn DataSource>>,
    list_resources: Vec<Arc<dyn ListResource>>,
    actions: Vec<Arc<dyn Action>>,
    ephemeral_resources: Vec<Arc<dyn EphemeralResource>>,
    data: PhantomData<fn() -> D>,
}

impl<D> std::fmt::Debug for Served<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Served")
            .field("resources", &self.resources.iter().map(|r| r.type_name()).collect::<Vec<_>>())
            .field("data_sources", &self.data_sources.iter().map(|d| d.type_name()).collect::<Vec<_>>())
            .field("list_resources", &self.list_resources.iter().map(|l| l.type_name()).collect::<Vec<_>>())
            .field("actions", &self.actions.iter().map(|a| a.type_name()).collect::<Vec<_>>())
            .field("ephemeral_resources", &self.ephemeral_resources.iter().map(|e| e.type_name()).collect::<Vec<_>>())
            .finish()
    }
}

impl<D: Send + Sync + 'static> Served<D> {
    fn new() -> Self {
        Served {
            resources: Vec::new(),
            data_sources: Vec::new(),
            list_resources: Vec::new(),
            actions: Vec::new(),
            ephemeral_resources: Vec::new(),
            data: PhantomData,
        }
    }

    /// A list resource type (`terraform query`, Terraform 1.14+).
    pub fn list_resource(&mut self, l: Arc<dyn ListResource>) -> &mut Self {
        self.list_resources.push(l);
        self
    }

    /// An action type (Terraform 1.14+).
    pub fn action(&mut self, a: Arc<dyn Action>) -> &mut Self {
        self.actions.push(a);
        self
    }

    /// An ephemeral resource type (Terraform 1.10+).
    pub fn ephemeral_resource(&mut self, e: Arc<dyn EphemeralResource>) -> &mut Self {
        self.ephemeral_resources.push(e);
        self
    }

    /// A resource written on [`ModelResource`] for this provider's data.
    pub fn resource<R: ModelResource<Data = D>>(&mut self, r: R) -> &mut Self {
        self.resources.push(Arc::new(Typed(r)));
        self
    }

    /// A data source written on [`ModelDataSource`] for this provider's data.
    pub fn data_source<R: ModelDataSource<Data = D>>(&mut self, d: R) -> &mut Self {
        self.data_sources.push(Arc::new(TypedDataSource(d)));
        self
    }

    /// A resource written on [`Resource`] (it reads the data with `CallContext::data`).
    pub fn raw_resource(&mut self, r: Arc<dyn Resource>) -> &mut Self {
        self.resources.push(r);
        self
    }

    /// A data source written on [`DataSource`].
    pub fn raw_data_source(&mut self, d: Arc<dyn DataSource>) -> &mut Self {
        self.data_sources.push(d);
        self
    }
}

/// Serves a [`ModelProvider`] as a [`Provider`].
#[derive(Debug)]
pub struct TypedProvider<P>(pub P);

impl<P: ModelProvider> TypedProvider<P> {
    fn served(&self) -> Served<P::Data> {
        let mut served = Served::new();
        self.0.serve(&mut served);
        served
    }
}

#[async_trait]
impl<P: ModelProvider> Provider for TypedProvider<P> {
    fn schema(&self) -> Schema {
        self.0.schema()
    }

    fn validate_config(&self, req: &ValidateConfigRequest<'_>, resp: &mut ValidateConfigResponse) {
        self.0.validate_config(req, resp);
    }

    async fn configure(&self, req: &ConfigureRequest<'_>, resp: &mut ConfigureResponse) {
        if let Some(data) = self.0.configure(req, &mut resp.diagnostics).await {
            resp.data = Some(Arc::new(data));
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        self.served().resources
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        self.served().data_sources
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        self.served().list_resources
    }

    fn actions(&self) -> Vec<Arc<dyn Action>> {
        self.served().actions
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        self.served().ephemeral_resources
    }
}
