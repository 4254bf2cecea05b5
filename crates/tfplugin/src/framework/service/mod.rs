//! A framework [`Provider`] behind the tfplugin6 service: one function per RPC,
//! each returning `Result<_, Diagnostics>`, that decodes the request
//! ([`super::codec`]), runs the schema's validators and plan defaults, calls the
//! provider's code with that operation's request and response types, and encodes
//! the answer. The `rpc` module runs each of them inside the panic guard.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use crate::proto::tfplugin6 as pb;
use crate::protocol::{Diagnostics, Type, Value};
use tokio_util::sync::CancellationToken;

use super::action::Action;
use super::codec::{current_json_state, decode, encode, unknown_type};
use super::context::{CallContext, ProviderData};
use super::data_source::{self as ds, DataSource};
use super::ephemeral::EphemeralResource;
use super::guard::Checkpoint;
use super::list::ListResource;
use super::plan::plan_defaults;
use super::provider::{self as pv, Provider};
use super::resource::{self as rs, Resource};
use super::schema::Schema;
use super::validators::{ValidateConfigRequest, ValidateConfigResponse};

mod beyond_resources;
mod generate;
mod identity;

/// A type the provider serves, and its schema, built by the first call that needs it:
/// a launch uses few of a provider's types (a plan's planning launch, the provider and
/// the resources in the configuration), and GetProviderSchema, which needs them all, is
/// asked once per command.
pub(crate) struct Registered<T: ?Sized> {
    pub(crate) imp: Arc<T>,
    schema_of: fn(&T) -> Schema,
    built: OnceLock<(Schema, Type)>,
}

/// `types` by their names, each with its schema function.
fn registered<T: ?Sized>(
    types: Vec<Arc<T>>,
    name_of: fn(&T) -> &'static str,
    schema_of: fn(&T) -> Schema,
) -> HashMap<&'static str, Registered<T>> {
    types.into_iter().map(|t| (name_of(&t), Registered::new(t, schema_of))).collect()
}

impl<T: ?Sized> Registered<T> {
    fn new(imp: Arc<T>, schema_of: fn(&T) -> Schema) -> Self {
        Registered { imp, schema_of, built: OnceLock::new() }
    }

    fn built(&self) -> &(Schema, Type) {
        self.built.get_or_init(|| {
            let schema = (self.schema_of)(&self.imp);
            let ty = schema.ty();
            (schema, ty)
        })
    }

    pub(crate) fn schema(&self) -> &Schema {
        &self.built().0
    }

    pub(crate) fn ty(&self) -> &Type {
        &self.built().1
    }
}

fn protos<'a>(schemas: impl Iterator<Item = (&'a &'static str, &'a Schema)>) -> HashMap<String, pb::Schema> {
    schemas.map(|(k, s)| (k.to_string(), s.to_proto())).collect()
}

/// Runs the schema's validators and the type's own checks (`own`) on a
/// configuration: the ValidateXConfig RPCs of every kind of type.
fn validate(
    schema: &Schema,
    config: &Value,
    own: impl FnOnce(&ValidateConfigRequest<'_>, &mut ValidateConfigResponse),
) -> Diagnostics {
    let mut resp = ValidateConfigResponse::default();
    schema.block.validate(config, &Default::default(), &mut resp.diagnostics);
    own(&ValidateConfigRequest { config }, &mut resp);
    resp.diagnostics
}

/// Whether `dv` is a msgpack value (which an equal value may be answered with as it
/// came) rather than JSON or nothing.
fn is_msgpack(dv: Option<&pb::DynamicValue>) -> bool {
    dv.is_some_and(|dv| !dv.msgpack.is_empty())
}

/// A managed resource type and, when it has one, its identity's type.
pub(crate) struct ManagedResource {
    pub(crate) reg: Registered<dyn Resource>,
    pub(crate) identity: Option<(super::identity::IdentitySchema, Type)>,
}

impl std::ops::Deref for ManagedResource {
    type Target = Registered<dyn Resource>;
    fn deref(&self) -> &Self::Target {
        &self.reg
    }
}

/// The gRPC face of a provider. Each schema and its type are computed once, when a
/// call first needs them.
pub struct ProviderService {
    provider: Arc<dyn Provider>,
    provider_ty: Type,
    provider_schema: Schema,
    pub(super) resources: HashMap<&'static str, ManagedResource>,
    pub(super) data_sources: HashMap<&'static str, Registered<dyn DataSource>>,
    pub(super) list_resources: HashMap<&'static str, Registered<dyn ListResource>>,
    pub(super) actions: HashMap<&'static str, Registered<dyn Action>>,
    pub(super) ephemeral_resources: HashMap<&'static str, Registered<dyn EphemeralResource>>,
    /// GetProviderSchema's answer, built by the first call: of a plan's three
    /// launches only the first asks for it (the others find it in Terraform's cache,
    /// `get_provider_schema_optional`); built at start, it cost those launches a few
    /// percent of their CPU for nothing.
    schema_response: OnceLock<pb::get_provider_schema::Response>,
    data: RwLock<Option<ProviderData>>,
    pub(super) cancel: CancellationToken,
}

impl std::fmt::Debug for ProviderService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderService")
            .field("resources", &self.resources.keys().collect::<Vec<_>>())
            .field("data_sources", &self.data_sources.keys().collect::<Vec<_>>())
            .field("list_resources", &self.list_resources.keys().collect::<Vec<_>>())
            .field("actions", &self.actions.keys().collect::<Vec<_>>())
            .field("ephemeral_resources", &self.ephemeral_resources.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ProviderService {
    /// The service of `provider`; the provider's own schema is built here, every other
    /// one by the first call that needs it.
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        let provider_schema = provider.schema();
        let resources: HashMap<_, _> = provider
            .resources()
            .into_iter()
            .map(|r| {
                let identity = r.capabilities().identity.map(|i| i.identity_schema()).map(|s| {
                    let ty = s.ty();
                    (s, ty)
                });
                (r.type_name(), ManagedResource { reg: Registered::new(r.clone(), |r| r.schema()), identity })
            })
            .collect();
        let data_sources = registered(provider.data_sources(), |d| d.type_name(), |d| d.schema());
        let list_resources = registered(provider.list_resources(), |l| l.type_name(), |l| l.schema());
        let actions = registered(provider.actions(), |a| a.type_name(), |a| a.schema());
        let ephemeral_resources = registered(provider.ephemeral_resources(), |e| e.type_name(), |e| e.schema());
        ProviderService {
            provider_ty: provider_schema.ty(),
            provider_schema,
            provider,
            resources,
            data_sources,
            list_resources,
            actions,
            ephemeral_resources,
            schema_response: OnceLock::new(),
            data: RwLock::new(None),
            cancel: CancellationToken::new(),
        }
    }

    /// GetProviderSchema's answer: every schema as the protocol sends it.
    pub(super) fn schema_response(&self) -> &pb::get_provider_schema::Response {
        self.schema_response.get_or_init(|| pb::get_provider_schema::Response {
            provider: Some(self.provider_schema.to_proto()),
            resource_schemas: protos(self.resources.iter().map(|(k, r)| (k, r.schema()))),
            data_source_schemas: protos(self.data_sources.iter().map(|(k, d)| (k, d.schema()))),
            list_resource_schemas: protos(self.list_resources.iter().map(|(k, l)| (k, l.schema()))),
            ephemeral_resource_schemas: protos(self.ephemeral_resources.iter().map(|(k, e)| (k, e.schema()))),
            action_schemas: self
                .actions
                .iter()
                .map(|(k, a)| (k.to_string(), pb::ActionSchema { schema: Some(a.schema().to_proto()) }))
                .collect(),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        })
    }

    fn context(&self) -> CallContext {
        let data = self.data.read().ok().and_then(|d| d.clone());
        CallContext::new(self.cancel.clone(), data)
    }

    pub(super) fn resource(&self, name: &str) -> Result<&ManagedResource, Diagnostics> {
        self.resources.get(name).ok_or_else(|| unknown_type("resource", name))
    }

    fn data_source(&self, name: &str) -> Result<&Registered<dyn DataSource>, Diagnostics> {
        self.data_sources.get(name).ok_or_else(|| unknown_type("data source", name))
    }

    pub(super) fn handle_validate_provider_config(
        &self,
        req: pb::validate_provider_config::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        let config = decode(req.config.as_ref(), &self.provider_ty, "provider configuration")?;
        Ok(validate(&self.provider_schema, &config, |q, s| self.provider.validate_config(q, s)))
    }

    pub(super) fn handle_validate_resource_config(
        &self,
        req: pb::validate_resource_config::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let config = decode(req.config.as_ref(), r.ty(), "resource configuration")?;
        Ok(validate(r.schema(), &config, |q, s| r.imp.validate_config(q, s)))
    }

    pub(super) fn handle_validate_data_resource_config(
        &self,
        req: pb::validate_data_resource_config::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        let d = self.data_source(&req.type_name)?;
        let config = decode(req.config.as_ref(), d.ty(), "data source configuration")?;
        Ok(validate(d.schema(), &config, |q, s| d.imp.validate_config(q, s)))
    }

    pub(super) fn handle_upgrade_resource_state(
        &self,
        req: pb::upgrade_resource_state::Request,
    ) -> Result<pb::upgrade_resource_state::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let raw = req.raw_state.unwrap_or_default();
        if raw.json.is_empty() {
            return Err(Diagnostics::with_error(
                "Unsupported state format",
                "Only JSON state is supported (the legacy flatmap format is not).",
            ));
        }
        let (upgraded, diagnostics) = if req.version == r.schema().version {
            (current_json_state(&raw.json, r.ty())?, Diagnostics::new())
        } else {
            let unsupported = || {
                Diagnostics::with_error(
                    "Unsupported state version",
                    format!(
                        "State was written with schema version {}, which this provider version cannot read (it writes version {}).",
                        req.version, r.schema().version
                    ),
                )
            };
            let upgrader = r.imp.capabilities().upgrade_state.ok_or_else(unsupported)?;
            let json = serde_json::from_slice(&raw.json)
                .map_err(|e| Diagnostics::with_error("Could not parse stored state", e.to_string()))?;
            let mut resp = rs::UpgradeStateResponse::default();
            upgrader.upgrade_state(&rs::UpgradeStateRequest { version: req.version, state: &json }, &mut resp);
            match resp.state {
                Some(state) => (encode(&state, r.ty(), "upgraded state")?, resp.diagnostics),
                None if resp.diagnostics.has_errors() => return Err(resp.diagnostics),
                None => return Err(unsupported()),
            }
        };
        Ok(pb::upgrade_resource_state::Response { upgraded_state: Some(upgraded), diagnostics: diagnostics.to_proto() })
    }

    pub(super) async fn handle_configure_provider(
        &self,
        req: pb::configure_provider::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        tracing::debug!(terraform_version = %req.terraform_version, "configuring provider");
        let config = decode(req.config.as_ref(), &self.provider_ty, "provider configuration")?;
        let mut resp = pv::ConfigureResponse::default();
        let request = pv::ConfigureRequest { config: &config, terraform_version: &req.terraform_version };
        self.provider.configure(&request, &mut resp).await;
        if let (Some(data), Ok(mut slot)) = (resp.data, self.data.write()) {
            *slot = Some(data);
        }
        Ok(resp.diagnostics)
    }

    pub(super) async fn handle_read_resource(
        &self,
        req: pb::read_resource::Request,
    ) -> Result<pb::read_resource::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let current = decode(req.current_state.as_ref(), r.ty(), "current state")?;
        tracing::debug!(type_name = %req.type_name, "reading resource");
        let mut resp = rs::ReadResponse {
            state: rs::ReadState::AsBefore,
            private: req.private.clone(),
            diagnostics: Diagnostics::new(),
        };
        r.imp.read(&self.context(), &rs::ReadRequest { state: &current, private: &req.private }, &mut resp).await;
        let mut diags = resp.diagnostics;
        let (state, unchanged) = match resp.state {
            rs::ReadState::AsBefore => (Some(current), true),
            rs::ReadState::Now(v) => {
                let unchanged = v == current;
                (Some(v), unchanged)
            }
            rs::ReadState::Gone => (None, false),
        };
        let new_state = if unchanged && is_msgpack(req.current_state.as_ref()) {
            // What most refreshes find: the state Terraform sent, answered with its
            // own bytes rather than encoded again.
            req.current_state
        } else {
            match encode(state.as_ref().unwrap_or(&Value::Null), r.ty(), "state") {
                Ok(dv) => Some(dv),
                Err(d) => {
                    diags.extend(d);
                    req.current_state
                }
            }
        };
        let new_identity = self.identity_data(r, state.as_ref());
        Ok(pb::read_resource::Response {
            new_state,
            diagnostics: diags.to_proto(),
            private: resp.private,
            deferred: None,
            new_identity,
        })
    }

    pub(super) async fn handle_plan_resource_change(
        &self,
        mut req: pb::plan_resource_change::Request,
    ) -> Result<pb::plan_resource_change::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let prior = decode(req.prior_state.as_ref(), r.ty(), "prior state")?;
        // Most plans propose what is there (every unchanged object of a refresh):
        // the same bytes are the same value, decoded once.
        let proposed = if req.proposed_new_state.is_some() && req.proposed_new_state == req.prior_state {
            prior.clone()
        } else {
            decode(req.proposed_new_state.as_ref(), r.ty(), "proposed new state")?
        };
        let config = decode(req.config.as_ref(), r.ty(), "configuration")?;
        if proposed.is_null() {
            // Destroy: nothing to refine.
            return Ok(pb::plan_resource_change::Response {
                planned_state: req.proposed_new_state,
                planned_private: req.prior_private,
                planned_identity: req.prior_identity,
                ..Default::default()
            });
        }
        let (plan, requires_replace) = plan_defaults(&r.schema().block, &prior, &config, proposed);
        let mut resp = rs::ModifyPlanResponse {
            plan,
            requires_replace,
            private: req.prior_private.clone(),
            diagnostics: Diagnostics::new(),
        };
        let request = rs::ModifyPlanRequest { config: &config, state: &prior, private: &req.prior_private };
        r.imp.modify_plan(&self.context(), &request, &mut resp).await;
        let mut diags = resp.diagnostics;
        let planned_state = if is_msgpack(req.prior_state.as_ref()) && resp.plan == prior {
            // Nothing changes: the prior state's own bytes are the plan (moved, not
            // copied: nothing reads them after this).
            req.prior_state.take()
        } else {
            match encode(&resp.plan, r.ty(), "plan") {
                Ok(dv) => Some(dv),
                Err(d) => {
                    diags.extend(d);
                    None
                }
            }
        };
        // An object keeps its identity; a new one has it once its name is known.
        let planned_identity = req.prior_identity.or_else(|| self.identity_data(r, Some(&resp.plan)));
        Ok(pb::plan_resource_change::Response {
            planned_state,
            planned_identity,
            requires_replace: resp.requires_replace.iter().map(|p| p.to_proto()).collect(),
            planned_private: resp.private,
            diagnostics: diags.to_proto(),
            ..Default::default()
        })
    }

    pub(super) async fn handle_apply_resource_change(
        &self,
        req: pb::apply_resource_change::Request,
        checkpoint: Checkpoint,
    ) -> Result<pb::apply_resource_change::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let prior = decode(req.prior_state.as_ref(), r.ty(), "prior state")?;
        let planned = decode(req.planned_state.as_ref(), r.ty(), "planned state")?;
        let config = decode(req.config.as_ref(), r.ty(), "configuration")?;
        let ctx = self.context().with_checkpoint(checkpoint.clone());
        let private = req.planned_private.as_slice();
        let (state, private, mut diags) = if planned.is_null() {
            let mut resp = rs::DeleteResponse::default();
            r.imp.delete(&ctx, &rs::DeleteRequest { state: &prior, private }, &mut resp).await;
            // A delete that fails leaves the object in the state.
            let state = resp.diagnostics.has_errors().then_some(prior);
            (state, private.to_vec(), resp.diagnostics)
        } else if prior.is_null() {
            let mut resp =
                rs::CreateResponse { state: None, private: private.to_vec(), diagnostics: Diagnostics::new() };
            r.imp.create(&ctx, &rs::CreateRequest { config: &config, plan: &planned, private }, &mut resp).await;
            if resp.state.is_none() {
                // A create that reports no object may still have made one: keep what was recorded.
                resp.state = checkpoint.latest();
                if resp.state.is_none() && !resp.diagnostics.has_errors() {
                    resp.diagnostics.error(
                        "Provider returned no state after create",
                        format!(
                            "{} created nothing and reported no error; this is a bug in the provider.",
                            req.type_name
                        ),
                    );
                }
            }
            (resp.state, resp.private, resp.diagnostics)
        } else {
            let mut resp = rs::UpdateResponse {
                state: Some(planned.clone()),
                private: private.to_vec(),
                diagnostics: Diagnostics::new(),
            };
            match r.imp.as_update() {
                Some(updater) => {
                    let request = rs::UpdateRequest { config: &config, plan: &planned, state: &prior, private };
                    updater.update(&ctx, &request, &mut resp).await;
                }
                // Without updates, only Terraform-side settings (timeouts) change in
                // place: the plan is the new state, once nothing in it is unknown.
                None if !planned.is_wholly_known() => {
                    resp.state = Some(prior);
                    resp.diagnostics.error(
                        "Resource cannot be updated in place",
                        format!("{} has no in-place update, and the plan leaves values unknown; this is a bug in the provider.", req.type_name),
                    );
                }
                None => {}
            }
            (resp.state, resp.private, resp.diagnostics)
        };
        let new_state = match encode(state.as_ref().unwrap_or(&Value::Null), r.ty(), "new state") {
            Ok(dv) => Some(dv),
            Err(d) => {
                diags.extend(d);
                checkpoint.latest().and_then(|v| encode(&v, r.ty(), "new state").ok()).or(req.prior_state)
            }
        };
        let new_identity = self.identity_data(r, state.as_ref());
        Ok(pb::apply_resource_change::Response {
            new_state,
            private,
            diagnostics: diags.to_proto(),
            new_identity,
            ..Default::default()
        })
    }

    pub(super) async fn handle_import_resource_state(
        &self,
        req: pb::import_resource_state::Request,
    ) -> Result<pb::import_resource_state::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let importer = r.imp.capabilities().import_state.ok_or_else(|| {
            Diagnostics::with_error(
                "Resource import not supported",
                format!("{} cannot be imported; create it with Terraform instead.", req.type_name),
            )
        })?;
        // An import by identity (`import { identity = {...} }`) comes without an ID.
        let id = match req.identity.as_ref() {
            Some(identity) if req.id.is_empty() => self.import_id_of(r, identity)?,
            _ => req.id.clone(),
        };
        let mut resp = rs::ImportStateResponse::default();
        importer.import_state(&self.context(), &rs::ImportStateRequest { id: &id }, &mut resp).await;
        let mut diags = resp.diagnostics;
        let mut imported = Vec::new();
        if let Some(state) = resp.state {
            match encode(&state, r.ty(), "imported state") {
                Ok(dv) => imported.push(pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(dv),
                    private: resp.private,
                    identity: self.identity_data(r, Some(&state)),
                }),
                Err(d) => diags.extend(d),
            }
        } else if !diags.has_errors() {
            diags.error(
                "Provider returned no state after import",
                format!(
                    "Importing {} {:?} gave nothing and no error; this is a bug in the provider.",
                    req.type_name, id
                ),
            );
        }
        Ok(pb::import_resource_state::Response {
            imported_resources: imported,
            diagnostics: diags.to_proto(),
            deferred: None,
        })
    }

    pub(super) async fn handle_move_resource_state(
        &self,
        req: pb::move_resource_state::Request,
    ) -> Result<pb::move_resource_state::Response, Diagnostics> {
        let r = self.resource(&req.target_type_name)?;
        let unsupported = || {
            Diagnostics::with_error(
                "Unsupported resource move",
                format!(
                    "{} cannot take state from {} of provider {}.",
                    req.target_type_name, req.source_type_name, req.source_provider_address
                ),
            )
        };
        let mover = r.imp.capabilities().move_state.ok_or_else(unsupported)?;
        let source_state = req.source_state.as_ref().map(|s| s.json.as_slice()).unwrap_or_default();
        let request = rs::MoveStateRequest {
            source_provider_address: &req.source_provider_address,
            source_type_name: &req.source_type_name,
            source_schema_version: req.source_schema_version,
            source_state,
        };
        let mut resp = rs::MoveStateResponse::default();
        mover.move_state(&self.context(), &request, &mut resp).await;
        let state = match resp.state {
            Some(s) => s,
            None if resp.diagnostics.has_errors() => return Err(resp.diagnostics),
            None => return Err(unsupported()),
        };
        Ok(pb::move_resource_state::Response {
            target_state: Some(encode(&state, r.ty(), "moved state")?),
            diagnostics: resp.diagnostics.to_proto(),
            target_private: resp.private,
            target_identity: self.identity_data(r, Some(&state)),
        })
    }

    pub(super) async fn handle_read_data_source(
        &self,
        req: pb::read_data_source::Request,
    ) -> Result<pb::read_data_source::Response, Diagnostics> {
        let d = self.data_source(&req.type_name)?;
        let config = decode(req.config.as_ref(), d.ty(), "data source configuration")?;
        let mut resp = ds::ReadResponse::default();
        d.imp.read(&self.context(), &ds::ReadRequest { config: &config }, &mut resp).await;
        let mut diags = resp.diagnostics;
        let state = match resp.state.map(|v| encode(&v, d.ty(), "data source state")).transpose() {
            Ok(s) => s,
            Err(e) => {
                diags.extend(e);
                None
            }
        };
        Ok(pb::read_data_source::Response { state, diagnostics: diags.to_proto(), deferred: None })
    }
}

/// What this framework's server can do, as `GetProviderSchema` and
/// `GetMetadata` tell Terraform.
pub(crate) fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: true,
        move_resource_state: true,
        generate_resource_config: true,
    }
}

#[cfg(test)]
mod tests;
