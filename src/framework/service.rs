//! Adapts a framework [`Provider`] to the tfplugin6 gRPC service. Each RPC is one
//! function returning `Result<_, Diagnostics>`, run whole — decoding, validators,
//! plan defaults, upgrades, the resource's own code, encoding — inside
//! [`guarded`], so that every failure, a panic included, reaches Terraform as a
//! diagnostic naming the RPC, never as a crash.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

use tonic::{Request, Response, Status};

use crate::cancel::CancelToken;
use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProviderRpc;
use crate::protocol::{Diagnostics, Type, Value};

use super::codec::{decode, decode_json_state, encode, error, unknown_type};
use super::guard::{guarded, Checkpoint};
use super::plan::plan_defaults;
use super::resource::{CallContext, DataSource, MoveRequest, Outcome, PlanChange, Provider, ProviderData, Resource};
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

    fn handle_validate_provider_config(
        &self,
        req: pb::validate_provider_config::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        let config = decode(req.config.as_ref(), &self.provider_ty, "provider configuration")?;
        let mut diags = Diagnostics::new();
        self.provider_schema.block.validate(&config, &Default::default(), &mut diags);
        self.provider.validate(&config, &mut diags);
        Ok(diags)
    }

    fn handle_validate_resource_config(
        &self,
        req: pb::validate_resource_config::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let config = decode(req.config.as_ref(), &r.ty, "resource configuration")?;
        let mut diags = Diagnostics::new();
        r.schema.block.validate(&config, &Default::default(), &mut diags);
        r.imp.validate(&config, &mut diags);
        Ok(diags)
    }

    fn handle_validate_data_resource_config(
        &self,
        req: pb::validate_data_resource_config::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        let d = self.data_source(&req.type_name)?;
        let config = decode(req.config.as_ref(), &d.ty, "data source configuration")?;
        let mut diags = Diagnostics::new();
        d.schema.block.validate(&config, &Default::default(), &mut diags);
        d.imp.validate(&config, &mut diags);
        Ok(diags)
    }

    fn handle_upgrade_resource_state(
        &self,
        req: pb::upgrade_resource_state::Request,
    ) -> Result<pb::upgrade_resource_state::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let raw = req.raw_state.unwrap_or_default();
        if raw.json.is_empty() {
            return Err(error(
                "Unsupported state format",
                "Only JSON state is supported (the legacy flatmap format is not).",
            ));
        }
        let value = if req.version == r.schema.version {
            decode_json_state(&raw.json, &r.ty)?
        } else {
            let j =
                serde_json::from_slice(&raw.json).map_err(|e| error("Could not parse stored state", e.to_string()))?;
            r.imp.upgrade_state(req.version, &j)?
        };
        Ok(pb::upgrade_resource_state::Response {
            upgraded_state: Some(encode(&value, &r.ty, "upgraded state")?),
            diagnostics: Vec::new(),
        })
    }

    async fn handle_configure_provider(
        &self,
        req: pb::configure_provider::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        tracing::debug!(terraform_version = %req.terraform_version, "configuring provider");
        let config = decode(req.config.as_ref(), &self.provider_ty, "provider configuration")?;
        let mut diags = Diagnostics::new();
        let data = self.provider.configure(&config, &mut diags).await;
        if let (Some(data), Ok(mut slot)) = (data, self.data.write()) {
            *slot = Some(data);
        }
        Ok(diags)
    }

    async fn handle_read_resource(
        &self,
        req: pb::read_resource::Request,
    ) -> Result<pb::read_resource::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let current = decode(req.current_state.as_ref(), &r.ty, "current state")?;
        tracing::debug!(type_name = %req.type_name, "reading resource");
        let out = r.imp.read(&self.context(), &current, &req.private).await;
        let mut diags = out.diags;
        let new_state = match encode(&out.state.unwrap_or(Value::Null), &r.ty, "state") {
            Ok(dv) => Some(dv),
            Err(d) => {
                diags.extend(d);
                req.current_state
            }
        };
        Ok(pb::read_resource::Response {
            new_state,
            diagnostics: diags.to_proto(),
            private: out.private.unwrap_or(req.private),
            deferred: None,
        })
    }

    async fn handle_plan_resource_change(
        &self,
        req: pb::plan_resource_change::Request,
    ) -> Result<pb::plan_resource_change::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let prior = decode(req.prior_state.as_ref(), &r.ty, "prior state")?;
        let proposed = decode(req.proposed_new_state.as_ref(), &r.ty, "proposed new state")?;
        let config = decode(req.config.as_ref(), &r.ty, "configuration")?;
        let mut response =
            pb::plan_resource_change::Response { planned_private: req.prior_private, ..Default::default() };
        if proposed.is_null() {
            // Destroy: nothing to refine.
            response.planned_state = req.proposed_new_state;
            return Ok(response);
        }
        let (planned, requires_replace) = plan_defaults(&r.schema.block, &prior, &config, &proposed);
        let mut change =
            PlanChange { prior: &prior, config: &config, planned, requires_replace, diags: Diagnostics::new() };
        r.imp.modify_plan(&self.context(), &mut change).await;
        let mut diags = change.diags;
        match encode(&change.planned, &r.ty, "plan") {
            Ok(dv) => response.planned_state = Some(dv),
            Err(d) => diags.extend(d),
        }
        response.requires_replace = change.requires_replace.iter().map(|p| p.to_proto()).collect();
        response.diagnostics = diags.to_proto();
        Ok(response)
    }

    async fn handle_apply_resource_change(
        &self,
        req: pb::apply_resource_change::Request,
        checkpoint: Checkpoint,
    ) -> Result<pb::apply_resource_change::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let prior = decode(req.prior_state.as_ref(), &r.ty, "prior state")?;
        let planned = decode(req.planned_state.as_ref(), &r.ty, "planned state")?;
        let config = decode(req.config.as_ref(), &r.ty, "configuration")?;
        let ctx = self.context().with_checkpoint(checkpoint.clone());
        let out = if planned.is_null() {
            let d = r.imp.delete(&ctx, &prior).await;
            let state = if d.has_errors() { Some(prior) } else { None };
            Outcome { state, diags: d, private: None }
        } else if prior.is_null() {
            let mut out = r.imp.create(&ctx, &planned, &config).await;
            if out.state.is_none() {
                // A create that reports no object may still have made one: keep what was recorded.
                out.state = checkpoint.latest();
                if out.state.is_none() && !out.diags.has_errors() {
                    out.diags.error(
                        "Provider returned no state after create",
                        format!(
                            "{} created nothing and reported no error; this is a bug in the provider.",
                            req.type_name
                        ),
                    );
                }
            }
            out
        } else {
            r.imp.update(&ctx, &prior, &planned, &config).await
        };
        let mut diags = out.diags;
        let new_state = match encode(&out.state.unwrap_or(Value::Null), &r.ty, "new state") {
            Ok(dv) => Some(dv),
            Err(d) => {
                diags.extend(d);
                checkpoint.latest().and_then(|v| encode(&v, &r.ty, "new state").ok()).or(req.prior_state)
            }
        };
        Ok(pb::apply_resource_change::Response {
            new_state,
            private: out.private.unwrap_or(req.planned_private),
            diagnostics: diags.to_proto(),
            ..Default::default()
        })
    }

    async fn handle_import_resource_state(
        &self,
        req: pb::import_resource_state::Request,
    ) -> Result<pb::import_resource_state::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let out = r.imp.import(&self.context(), &req.id).await;
        let mut diags = out.diags;
        let mut imported = Vec::new();
        if let Some(state) = out.state {
            match encode(&state, &r.ty, "imported state") {
                Ok(dv) => imported.push(pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(dv),
                    private: out.private.unwrap_or_default(),
                }),
                Err(d) => diags.extend(d),
            }
        }
        Ok(pb::import_resource_state::Response {
            imported_resources: imported,
            diagnostics: diags.to_proto(),
            deferred: None,
        })
    }

    async fn handle_move_resource_state(
        &self,
        req: pb::move_resource_state::Request,
    ) -> Result<pb::move_resource_state::Response, Diagnostics> {
        let r = self.resource(&req.target_type_name)?;
        let move_req = MoveRequest {
            source_provider_address: req.source_provider_address.clone(),
            source_type_name: req.source_type_name.clone(),
            source_schema_version: req.source_schema_version,
            source_state_json: req.source_state.map(|s| s.json).unwrap_or_default(),
        };
        let moved = r.imp.move_state(&self.context(), &move_req).await.ok_or_else(|| {
            error(
                "Unsupported resource move",
                format!(
                    "{} cannot take state from {} of provider {}.",
                    req.target_type_name, req.source_type_name, req.source_provider_address
                ),
            )
        })??;
        Ok(pb::move_resource_state::Response {
            target_state: Some(encode(&moved.state, &r.ty, "moved state")?),
            diagnostics: Vec::new(),
            target_private: moved.private,
        })
    }

    async fn handle_read_data_source(
        &self,
        req: pb::read_data_source::Request,
    ) -> Result<pb::read_data_source::Response, Diagnostics> {
        let d = self.data_source(&req.type_name)?;
        let config = decode(req.config.as_ref(), &d.ty, "data source configuration")?;
        let out = d.imp.read(&self.context(), &config).await;
        let mut diags = out.diags;
        let state = match out.state.map(|v| encode(&v, &d.ty, "data source state")).transpose() {
            Ok(s) => s,
            Err(e) => {
                diags.extend(e);
                None
            }
        };
        Ok(pb::read_data_source::Response { state, diagnostics: diags.to_proto(), deferred: None })
    }
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities { plan_destroy: false, get_provider_schema_optional: true, move_resource_state: true }
}

/// Runs one RPC's work inside the guard; any failure is answered as `fallback`
/// with the failure's diagnostics added.
async fn answer<R: Send + 'static>(
    rpc: &'static str,
    fallback: impl FnOnce(Diagnostics) -> R,
    work: impl Future<Output = Result<R, Diagnostics>> + Send + 'static,
) -> RpcResult<R> {
    Ok(Response::new(match guarded(rpc, work).await {
        Ok(Ok(r)) => r,
        Ok(Err(d)) | Err(d) => fallback(d),
    }))
}

/// For the RPCs whose whole answer is a list of diagnostics.
fn diagnostics_only(d: Result<Diagnostics, Diagnostics>) -> Result<Vec<pb::Diagnostic>, Diagnostics> {
    Ok(d.unwrap_or_else(|e| e).to_proto())
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
        use pb::validate_provider_config::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ValidateProviderConfig", |d| R { diagnostics: d.to_proto() }, async move {
            diagnostics_only(svc.handle_validate_provider_config(req)).map(|diagnostics| R { diagnostics })
        })
        .await
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> RpcResult<pb::validate_resource_config::Response> {
        use pb::validate_resource_config::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ValidateResourceConfig", |d| R { diagnostics: d.to_proto() }, async move {
            diagnostics_only(svc.handle_validate_resource_config(req)).map(|diagnostics| R { diagnostics })
        })
        .await
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> RpcResult<pb::validate_data_resource_config::Response> {
        use pb::validate_data_resource_config::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ValidateDataResourceConfig", |d| R { diagnostics: d.to_proto() }, async move {
            diagnostics_only(svc.handle_validate_data_resource_config(req)).map(|diagnostics| R { diagnostics })
        })
        .await
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> RpcResult<pb::upgrade_resource_state::Response> {
        use pb::upgrade_resource_state::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("UpgradeResourceState", |d| R { upgraded_state: None, diagnostics: d.to_proto() }, async move {
            svc.handle_upgrade_resource_state(req)
        })
        .await
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> RpcResult<pb::configure_provider::Response> {
        use pb::configure_provider::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ConfigureProvider", |d| R { diagnostics: d.to_proto() }, async move {
            diagnostics_only(svc.handle_configure_provider(req).await).map(|diagnostics| R { diagnostics })
        })
        .await
    }

    async fn read_resource(&self, req: Request<pb::read_resource::Request>) -> RpcResult<pb::read_resource::Response> {
        use pb::read_resource::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        // On failure Terraform keeps what it had.
        let (kept, private) = (req.current_state.clone(), req.private.clone());
        answer(
            "ReadResource",
            |d| R { new_state: kept, diagnostics: d.to_proto(), private, deferred: None },
            async move { svc.handle_read_resource(req).await },
        )
        .await
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        use pb::plan_resource_change::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        let private = req.prior_private.clone();
        answer(
            "PlanResourceChange",
            |d| R { planned_private: private, diagnostics: d.to_proto(), ..Default::default() },
            async move { svc.handle_plan_resource_change(req).await },
        )
        .await
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        use pb::apply_resource_change::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        let checkpoint = Checkpoint::default();
        let recorded = checkpoint.clone();
        let ty = svc.resource(&req.type_name).ok().map(|r| r.ty.clone());
        let (prior, private) = (req.prior_state.clone(), req.planned_private.clone());
        // Whatever failed, an object the apply created stays in the state.
        let fallback = move |d: Diagnostics| R {
            new_state: recorded.latest().zip(ty).and_then(|(v, ty)| encode(&v, &ty, "new state").ok()).or(prior),
            private,
            diagnostics: d.to_proto(),
            ..Default::default()
        };
        answer("ApplyResourceChange", fallback, async move { svc.handle_apply_resource_change(req, checkpoint).await })
            .await
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> RpcResult<pb::import_resource_state::Response> {
        use pb::import_resource_state::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer(
            "ImportResourceState",
            |d| R { imported_resources: Vec::new(), diagnostics: d.to_proto(), deferred: None },
            async move { svc.handle_import_resource_state(req).await },
        )
        .await
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> RpcResult<pb::move_resource_state::Response> {
        use pb::move_resource_state::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer(
            "MoveResourceState",
            |d| R { target_state: None, diagnostics: d.to_proto(), target_private: Vec::new() },
            async move { svc.handle_move_resource_state(req).await },
        )
        .await
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        use pb::read_data_source::Response as R;
        let (svc, req) = (self.clone(), req.into_inner());
        answer("ReadDataSource", |d| R { state: None, diagnostics: d.to_proto(), deferred: None }, async move {
            svc.handle_read_data_source(req).await
        })
        .await
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
