//! Adapts a framework [`Provider`] to the tfplugin6 gRPC service: decodes values
//! against the schemas, runs validation and the default plan, dispatches to the
//! resource, and turns every failure into a diagnostic (never a gRPC error or a
//! crash Terraform would report as a provider bug).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

use tonic::{Request, Response, Status};

use crate::cancel::CancelToken;
use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProviderRpc;
use crate::protocol::{json, msgpack, Diagnostics, Type, Value};

use super::plan::plan_defaults;
use super::resource::{CallContext, DataSource, MoveRequest, PlanChange, Provider, ProviderData, Resource};
use super::schema::Schema;

struct Registered<T: ?Sized> {
    imp: Arc<T>,
    schema: Schema,
    ty: Type,
}

/// The gRPC face of a provider. Schemas and their types are computed once, here.
pub struct ProviderService {
    provider: Arc<dyn Provider>,
    provider_ty: Type,
    provider_schema: Schema,
    resources: HashMap<&'static str, Registered<dyn Resource>>,
    data_sources: HashMap<&'static str, Registered<dyn DataSource>>,
    schema_response: pb::get_provider_schema::Response,
    data: RwLock<Option<ProviderData>>,
    cancel: CancelToken,
}

type RpcResult<T> = Result<Response<T>, Status>;

impl ProviderService {
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        let provider_schema = provider.schema();
        let resources: HashMap<_, _> = provider
            .resources()
            .into_iter()
            .map(|r| {
                let schema = r.schema();
                (r.type_name(), Registered { ty: schema.ty(), schema, imp: r })
            })
            .collect();
        let data_sources: HashMap<_, _> = provider
            .data_sources()
            .into_iter()
            .map(|d| {
                let schema = d.schema();
                (d.type_name(), Registered { ty: schema.ty(), schema, imp: d })
            })
            .collect();
        let schema_response = pb::get_provider_schema::Response {
            provider: Some(provider_schema.to_proto()),
            resource_schemas: resources.iter().map(|(k, r)| (k.to_string(), r.schema.to_proto())).collect(),
            data_source_schemas: data_sources.iter().map(|(k, d)| (k.to_string(), d.schema.to_proto())).collect(),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        };
        ProviderService {
            provider_ty: provider_schema.ty(),
            provider_schema,
            provider,
            resources,
            data_sources,
            schema_response,
            data: RwLock::new(None),
            cancel: CancelToken::new(),
        }
    }

    fn context(&self) -> CallContext {
        let data = self.data.read().ok().and_then(|d| d.clone());
        CallContext::new(self.cancel.clone(), data)
    }

    fn resource(&self, name: &str) -> Result<&Registered<dyn Resource>, Diagnostics> {
        self.resources.get(name).ok_or_else(|| unknown_type("resource", name))
    }

    fn data_source(&self, name: &str) -> Result<&Registered<dyn DataSource>, Diagnostics> {
        self.data_sources.get(name).ok_or_else(|| unknown_type("data source", name))
    }
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities { plan_destroy: false, get_provider_schema_optional: true, move_resource_state: true }
}

fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.error(format!("Unknown {kind} type"), format!("This provider has no {kind} type {name:?}."));
    d
}

fn decode(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    let result = match dv {
        Some(dv) if !dv.msgpack.is_empty() => msgpack::decode(&dv.msgpack, ty).map_err(|e| e.to_string()),
        Some(dv) if !dv.json.is_empty() => {
            serde_json::from_slice(&dv.json).map_err(|e| e.to_string()).and_then(|j| json::from_json(&j, ty))
        }
        _ => Ok(Value::Null),
    };
    result.map_err(|e| {
        let mut d = Diagnostics::new();
        d.error(format!("Could not decode the {what}"), e);
        d
    })
}

fn encode(v: &Value, ty: &Type, what: &str, diags: &mut Diagnostics) -> Option<pb::DynamicValue> {
    match msgpack::encode(v, ty) {
        Ok(bytes) => Some(pb::DynamicValue { msgpack: bytes, json: Vec::new() }),
        Err(e) => {
            diags.error(format!("Provider produced an invalid {what}"), e);
            None
        }
    }
}

/// Runs provider code on its own task so that a panic becomes an error diagnostic.
async fn guarded<T: Send + 'static>(
    rpc: &str,
    fut: impl Future<Output = T> + Send + 'static,
) -> Result<T, Diagnostics> {
    tokio::spawn(fut).await.map_err(|e| {
        let mut d = Diagnostics::new();
        let why = if e.is_panic() { "an internal error (panic)" } else { "cancellation" };
        d.error("Provider internal error", format!("The provider failed handling {rpc} due to {why}. Please report this with the provider's logs (TF_LOG=debug)."));
        d
    })
}

fn take<T>(r: Result<T, Diagnostics>, diags: &mut Diagnostics) -> Option<T> {
    match r {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    }
}

#[tonic::async_trait]
impl ProviderRpc for Arc<ProviderService> {
    async fn get_metadata(&self, _: Request<pb::get_metadata::Request>) -> RpcResult<pb::get_metadata::Response> {
        use pb::get_metadata::{DataSourceMetadata, ResourceMetadata};
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: self.resources.keys().map(|k| ResourceMetadata { type_name: k.to_string() }).collect(),
            data_sources: self.data_sources.keys().map(|k| DataSourceMetadata { type_name: k.to_string() }).collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> RpcResult<pb::get_provider_schema::Response> {
        Ok(Response::new(self.schema_response.clone()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> RpcResult<pb::validate_provider_config::Response> {
        let mut diags = Diagnostics::new();
        if let Some(config) =
            take(decode(req.get_ref().config.as_ref(), &self.provider_ty, "provider configuration"), &mut diags)
        {
            self.provider_schema.block.validate(&config, &Default::default(), &mut diags);
            self.provider.validate(&config, &mut diags);
        }
        Ok(Response::new(pb::validate_provider_config::Response { diagnostics: diags.to_proto() }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> RpcResult<pb::validate_resource_config::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        if let Some(r) = take(self.resource(&req.type_name), &mut diags) {
            if let Some(config) = take(decode(req.config.as_ref(), &r.ty, "resource configuration"), &mut diags) {
                r.schema.block.validate(&config, &Default::default(), &mut diags);
                r.imp.validate(&config, &mut diags);
            }
        }
        Ok(Response::new(pb::validate_resource_config::Response { diagnostics: diags.to_proto() }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> RpcResult<pb::validate_data_resource_config::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        if let Some(d) = take(self.data_source(&req.type_name), &mut diags) {
            if let Some(config) = take(decode(req.config.as_ref(), &d.ty, "data source configuration"), &mut diags) {
                d.schema.block.validate(&config, &Default::default(), &mut diags);
                d.imp.validate(&config, &mut diags);
            }
        }
        Ok(Response::new(pb::validate_data_resource_config::Response { diagnostics: diags.to_proto() }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> RpcResult<pb::upgrade_resource_state::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut upgraded = None;
        if let Some(r) = take(self.resource(&req.type_name), &mut diags) {
            let raw = req.raw_state.unwrap_or_default();
            if raw.json.is_empty() {
                diags.error(
                    "Unsupported state format",
                    "Only JSON state is supported (the legacy flatmap format is not).",
                );
            } else {
                match serde_json::from_slice::<serde_json::Value>(&raw.json) {
                    Err(e) => diags.error("Could not parse stored state", e.to_string()),
                    Ok(j) => {
                        let value = if req.version == r.schema.version {
                            json::from_json(&j, &r.ty).map_err(|e| {
                                let mut d = Diagnostics::new();
                                d.error("Could not decode stored state", e);
                                d
                            })
                        } else {
                            r.imp.upgrade_state(req.version, &j)
                        };
                        if let Some(v) = take(value, &mut diags) {
                            upgraded = encode(&v, &r.ty, "upgraded state", &mut diags);
                        }
                    }
                }
            }
        }
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: upgraded,
            diagnostics: diags.to_proto(),
        }))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> RpcResult<pb::configure_provider::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        tracing::debug!(terraform_version = %req.terraform_version, "configuring provider");
        if let Some(config) = take(decode(req.config.as_ref(), &self.provider_ty, "provider configuration"), &mut diags)
        {
            let provider = self.provider.clone();
            let result = guarded("ConfigureProvider", async move {
                let mut d = Diagnostics::new();
                let data = provider.configure(&config, &mut d).await;
                (data, d)
            })
            .await;
            if let Some((data, d)) = take(result, &mut diags) {
                diags.extend(d);
                if let (Some(data), Ok(mut slot)) = (data, self.data.write()) {
                    *slot = Some(data);
                }
            }
        }
        Ok(Response::new(pb::configure_provider::Response { diagnostics: diags.to_proto() }))
    }

    async fn read_resource(&self, req: Request<pb::read_resource::Request>) -> RpcResult<pb::read_resource::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut new_state = req.current_state.clone();
        let mut private = req.private.clone();
        if let Some(r) = take(self.resource(&req.type_name), &mut diags) {
            if let Some(current) = take(decode(req.current_state.as_ref(), &r.ty, "current state"), &mut diags) {
                let (imp, ctx, old_private) = (r.imp.clone(), self.context(), req.private.clone());
                tracing::debug!(type_name = %req.type_name, "reading resource");
                let read = guarded("ReadResource", async move { imp.read(&ctx, &current, &old_private).await }).await;
                if let Some(out) = take(read, &mut diags) {
                    diags.extend(out.diags);
                    new_state = encode(&out.state.unwrap_or(Value::Null), &r.ty, "state", &mut diags).or(new_state);
                    if let Some(p) = out.private {
                        private = p;
                    }
                }
            }
        }
        Ok(Response::new(pb::read_resource::Response {
            new_state,
            diagnostics: diags.to_proto(),
            private,
            deferred: None,
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut response =
            pb::plan_resource_change::Response { planned_private: req.prior_private.clone(), ..Default::default() };
        let Some(r) = take(self.resource(&req.type_name), &mut diags) else {
            response.diagnostics = diags.to_proto();
            return Ok(Response::new(response));
        };
        let decoded = (
            decode(req.prior_state.as_ref(), &r.ty, "prior state"),
            decode(req.proposed_new_state.as_ref(), &r.ty, "proposed new state"),
            decode(req.config.as_ref(), &r.ty, "configuration"),
        );
        let (Some(prior), Some(proposed), Some(config)) =
            (take(decoded.0, &mut diags), take(decoded.1, &mut diags), take(decoded.2, &mut diags))
        else {
            response.diagnostics = diags.to_proto();
            return Ok(Response::new(response));
        };
        if proposed.is_null() {
            // Destroy: nothing to refine.
            response.planned_state = req.proposed_new_state;
            return Ok(Response::new(response));
        }
        let (planned, replace) = plan_defaults(&r.schema.block, &prior, &config, &proposed);
        let (imp, ctx) = (r.imp.clone(), self.context());
        let refined = guarded("PlanResourceChange", async move {
            let mut change = PlanChange {
                prior: &prior,
                config: &config,
                planned,
                requires_replace: replace,
                diags: Diagnostics::new(),
            };
            imp.modify_plan(&ctx, &mut change).await;
            (change.planned, change.requires_replace, change.diags)
        })
        .await;
        if let Some((planned, replace, d)) = take(refined, &mut diags) {
            diags.extend(d);
            response.planned_state = encode(&planned, &r.ty, "plan", &mut diags);
            response.requires_replace = replace.iter().map(|p| p.to_proto()).collect();
        }
        response.diagnostics = diags.to_proto();
        Ok(Response::new(response))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut response =
            pb::apply_resource_change::Response { private: req.planned_private.clone(), ..Default::default() };
        let Some(r) = take(self.resource(&req.type_name), &mut diags) else {
            response.diagnostics = diags.to_proto();
            return Ok(Response::new(response));
        };
        let decoded = (
            decode(req.prior_state.as_ref(), &r.ty, "prior state"),
            decode(req.planned_state.as_ref(), &r.ty, "planned state"),
            decode(req.config.as_ref(), &r.ty, "configuration"),
        );
        let (Some(prior), Some(planned), Some(config)) =
            (take(decoded.0, &mut diags), take(decoded.1, &mut diags), take(decoded.2, &mut diags))
        else {
            // Keep whatever Terraform had: the prior state, untouched.
            response.new_state = req.prior_state;
            response.diagnostics = diags.to_proto();
            return Ok(Response::new(response));
        };
        let (imp, ctx) = (r.imp.clone(), self.context());
        let fallback = prior.clone();
        let outcome = guarded("ApplyResourceChange", async move {
            if planned.is_null() {
                let d = imp.delete(&ctx, &prior).await;
                let state = if d.has_errors() { Some(prior) } else { None };
                super::resource::Outcome { state, diags: d, private: None }
            } else if prior.is_null() {
                imp.create(&ctx, &planned, &config).await
            } else {
                imp.update(&ctx, &prior, &planned, &config).await
            }
        })
        .await;
        let state = match take(outcome, &mut diags) {
            Some(out) => {
                diags.extend(out.diags);
                out.state.unwrap_or(Value::Null)
            }
            None => fallback,
        };
        response.new_state = encode(&state, &r.ty, "new state", &mut diags);
        response.diagnostics = diags.to_proto();
        Ok(Response::new(response))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> RpcResult<pb::import_resource_state::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut imported = Vec::new();
        if let Some(r) = take(self.resource(&req.type_name), &mut diags) {
            let (imp, ctx, id) = (r.imp.clone(), self.context(), req.id.clone());
            if let Some(out) =
                take(guarded("ImportResourceState", async move { imp.import(&ctx, &id).await }).await, &mut diags)
            {
                diags.extend(out.diags);
                if let Some(state) = out.state {
                    if let Some(dv) = encode(&state, &r.ty, "imported state", &mut diags) {
                        imported.push(pb::import_resource_state::ImportedResource {
                            type_name: req.type_name.clone(),
                            state: Some(dv),
                            private: Vec::new(),
                        });
                    }
                }
            }
        }
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources: imported,
            diagnostics: diags.to_proto(),
            deferred: None,
        }))
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> RpcResult<pb::move_resource_state::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut target_state = None;
        let mut target_private = Vec::new();
        if let Some(r) = take(self.resource(&req.target_type_name), &mut diags) {
            let move_req = MoveRequest {
                source_provider_address: req.source_provider_address.clone(),
                source_type_name: req.source_type_name.clone(),
                source_schema_version: req.source_schema_version,
                source_state_json: req.source_state.map(|s| s.json).unwrap_or_default(),
            };
            let (imp, ctx) = (r.imp.clone(), self.context());
            let moved = guarded("MoveResourceState", async move { imp.move_state(&ctx, &move_req).await }).await;
            match take(moved, &mut diags) {
                Some(None) => diags.error(
                    "Unsupported resource move",
                    format!(
                        "{} cannot take state from {} of provider {}.",
                        req.target_type_name, req.source_type_name, req.source_provider_address
                    ),
                ),
                Some(Some(Err(d))) => diags.extend(d),
                Some(Some(Ok(moved))) => {
                    target_state = encode(&moved.state, &r.ty, "moved state", &mut diags);
                    target_private = moved.private;
                }
                None => {}
            }
        }
        Ok(Response::new(pb::move_resource_state::Response {
            target_state,
            diagnostics: diags.to_proto(),
            target_private,
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut state = None;
        if let Some(d) = take(self.data_source(&req.type_name), &mut diags) {
            if let Some(config) = take(decode(req.config.as_ref(), &d.ty, "data source configuration"), &mut diags) {
                let (imp, ctx) = (d.imp.clone(), self.context());
                if let Some(out) =
                    take(guarded("ReadDataSource", async move { imp.read(&ctx, &config).await }).await, &mut diags)
                {
                    diags.extend(out.diags);
                    if let Some(v) = out.state {
                        state = encode(&v, &d.ty, "data source state", &mut diags);
                    }
                }
            }
        }
        Ok(Response::new(pb::read_data_source::Response { state, diagnostics: diags.to_proto(), deferred: None }))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<pb::validate_ephemeral_resource_config::Response> {
        let d = unknown_type("ephemeral resource", &req.get_ref().type_name);
        Ok(Response::new(pb::validate_ephemeral_resource_config::Response { diagnostics: d.to_proto() }))
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> RpcResult<pb::open_ephemeral_resource::Response> {
        let d = unknown_type("ephemeral resource", &req.get_ref().type_name);
        Ok(Response::new(pb::open_ephemeral_resource::Response { diagnostics: d.to_proto(), ..Default::default() }))
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> RpcResult<pb::renew_ephemeral_resource::Response> {
        let d = unknown_type("ephemeral resource", &req.get_ref().type_name);
        Ok(Response::new(pb::renew_ephemeral_resource::Response { diagnostics: d.to_proto(), ..Default::default() }))
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> RpcResult<pb::close_ephemeral_resource::Response> {
        let d = unknown_type("ephemeral resource", &req.get_ref().type_name);
        Ok(Response::new(pb::close_ephemeral_resource::Response { diagnostics: d.to_proto() }))
    }

    async fn get_functions(&self, _: Request<pb::get_functions::Request>) -> RpcResult<pb::get_functions::Response> {
        Ok(Response::new(pb::get_functions::Response::default()))
    }

    async fn call_function(&self, req: Request<pb::call_function::Request>) -> RpcResult<pb::call_function::Response> {
        Ok(Response::new(pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text: format!("this provider has no function {:?}", req.get_ref().name),
                function_argument: None,
            }),
        }))
    }

    async fn stop_provider(&self, _: Request<pb::stop_provider::Request>) -> RpcResult<pb::stop_provider::Response> {
        tracing::info!("StopProvider: cancelling in-flight operations");
        self.cancel.cancel();
        Ok(Response::new(pb::stop_provider::Response { error: String::new() }))
    }
}
