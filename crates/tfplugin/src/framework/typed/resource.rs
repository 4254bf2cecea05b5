//! [`ModelResource`], and [`Typed`], which serves one as a [`Resource`].

use async_trait::async_trait;

use crate::framework::context::CallContext;
use crate::framework::model::{FromValue, IntoValue};
use crate::framework::resource::{
    Capabilities, CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ModifyPlanRequest, ModifyPlanResponse,
    ReadRequest, ReadResponse, ReadState, Resource, ResourceWithUpdate, UpdateRequest, UpdateResponse,
    ValidateConfigRequest, ValidateConfigResponse,
};
use crate::framework::schema::Schema;
use crate::protocol::{Diagnostics, Value};

use super::{model_of, settle, Ctx, Failure, Remains};

/// A managed resource written against its model (see the [module](crate::framework::typed)).
#[async_trait]
pub trait ModelResource: Send + Sync + 'static {
    /// The resource's value, decoded from and encoded to Terraform's.
    type Model: FromValue + IntoValue + Clone + Send + Sync + 'static;
    /// What the provider's configure produced, as [`Ctx::data`] hands it over.
    type Data: Send + Sync + 'static;
    /// Whether the resource changes in place ([`ModelResource::update`]); without,
    /// every attribute the remote object sees must require replacement.
    const UPDATES_IN_PLACE: bool = false;

    /// The full type name, e.g. `modelarts_notebook`.
    fn type_name(&self) -> &'static str;

    /// The resource block's schema.
    fn schema(&self) -> Schema;

    /// Checks beyond the attributes' own validators.
    fn validate_config(&self, _req: &ValidateConfigRequest<'_>, _resp: &mut ValidateConfigResponse) {}

    /// Refines the plan of a create or an update, on values (see the [module](crate::framework::typed)).
    async fn modify_plan(&self, _ctx: &CallContext, _req: &ModifyPlanRequest<'_>, _resp: &mut ModifyPlanResponse) {}

    /// Creates the object `plan` describes; its state.
    async fn create(&self, ctx: &Ctx<'_, Self::Data>, plan: Self::Model) -> Result<Self::Model, Failure<Self::Model>>;

    /// The object as it is now; `None` when it is gone.
    async fn read(
        &self,
        ctx: &Ctx<'_, Self::Data>,
        state: Self::Model,
    ) -> Result<Option<Self::Model>, Failure<Self::Model>>;

    /// Changes the object from `prior` to `plan`; its state. Called only when
    /// [`ModelResource::UPDATES_IN_PLACE`]; by default the plan is the new state.
    async fn update(
        &self,
        _ctx: &Ctx<'_, Self::Data>,
        _prior: Self::Model,
        plan: Self::Model,
    ) -> Result<Self::Model, Failure<Self::Model>> {
        Ok(plan)
    }

    /// Deletes the object; with an error it stays in the state.
    async fn delete(&self, ctx: &Ctx<'_, Self::Data>, state: Self::Model) -> Result<(), Diagnostics>;

    /// Import, state upgrades, moves and identity ([`Resource::capabilities`]).
    fn capabilities(&self) -> Capabilities<'_> {
        Capabilities::default()
    }

    /// The configuration `-generate-config-out` writes ([`Resource::generated_config`]).
    fn generated_config(&self, _ctx: &CallContext, config: Value) -> Value {
        config
    }
}

/// Serves a [`ModelResource`] as a [`Resource`].
#[derive(Debug)]
pub struct Typed<R>(pub R);

#[async_trait]
impl<R: ModelResource> Resource for Typed<R> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        self.0.schema()
    }

    fn validate_config(&self, req: &ValidateConfigRequest<'_>, resp: &mut ValidateConfigResponse) {
        self.0.validate_config(req, resp);
    }

    async fn modify_plan(&self, ctx: &CallContext, req: &ModifyPlanRequest<'_>, resp: &mut ModifyPlanResponse) {
        self.0.modify_plan(ctx, req, resp).await;
    }

    async fn create(&self, ctx: &CallContext, req: &CreateRequest<'_>, resp: &mut CreateResponse) {
        let typed = Ctx::new(ctx).with_config(req.config);
        let result = match model_of(req.plan, "plan") {
            Ok(plan) => self.0.create(&typed, plan).await.map(Some),
            Err(d) => Err(d.into()),
        };
        if let Err(Failure { remains: Remains::Gone, .. }) = &result {
            typed.forget();
        }
        // A failure without a state keeps what was recorded (the framework's checkpoint).
        settle(result, typed.take_warnings(), &mut resp.state, &mut resp.diagnostics, None);
    }

    async fn read(&self, ctx: &CallContext, req: &ReadRequest<'_>, resp: &mut ReadResponse) {
        let typed = Ctx::new(ctx);
        let result = match model_of(req.state, "state") {
            Ok(state) => self.0.read(&typed, state).await,
            Err(d) => Err(d.into()),
        };
        resp.diagnostics.extend(typed.take_warnings());
        resp.state = match result {
            Ok(Some(m)) => ReadState::Now(m.into_value()),
            Ok(None) => ReadState::Gone,
            Err(f) => {
                resp.diagnostics.extend(f.diagnostics);
                match f.remains {
                    Remains::AsBefore => ReadState::AsBefore,
                    Remains::Now(m) => ReadState::Now(m.into_value()),
                    Remains::Gone => ReadState::Gone,
                }
            }
        };
    }

    async fn delete(&self, ctx: &CallContext, req: &DeleteRequest<'_>, resp: &mut DeleteResponse) {
        let typed = Ctx::new(ctx);
        let result = match model_of::<R::Model>(req.state, "state") {
            Ok(state) => self.0.delete(&typed, state).await,
            Err(d) => Err(d),
        };
        resp.diagnostics.extend(typed.take_warnings());
        if let Err(d) = result {
            resp.diagnostics.extend(d);
        }
    }

    fn as_update(&self) -> Option<&dyn ResourceWithUpdate> {
        R::UPDATES_IN_PLACE.then_some(self)
    }

    fn capabilities(&self) -> Capabilities<'_> {
        self.0.capabilities()
    }

    fn generated_config(&self, ctx: &CallContext, config: Value) -> Value {
        self.0.generated_config(ctx, config)
    }
}

#[async_trait]
impl<R: ModelResource> ResourceWithUpdate for Typed<R> {
    async fn update(&self, ctx: &CallContext, req: &UpdateRequest<'_>, resp: &mut UpdateResponse) {
        let typed = Ctx::new(ctx).with_config(req.config);
        let result = match (model_of(req.state, "prior state"), model_of(req.plan, "plan")) {
            (Ok(prior), Ok(plan)) => self.0.update(&typed, prior, plan).await.map(Some),
            (Err(d), _) | (_, Err(d)) => Err(d.into()),
        };
        // A failure that says nothing of the state keeps the prior one: nothing was changed.
        let prior = Some(req.state.clone());
        settle(result, typed.take_warnings(), &mut resp.state, &mut resp.diagnostics, prior);
    }
}
