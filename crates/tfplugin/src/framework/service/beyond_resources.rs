//! Handlers of the RPCs beyond managed resources and data sources: list resources
//! (`terraform query`), actions and ephemeral resources.

use crate::proto::tfplugin6 as pb;
use crate::protocol::Diagnostics;

use super::super::action::{self as act, Action, Progress};
use super::super::codec::{decode, encode, unknown_type};
use super::super::ephemeral::{self as eph, EphemeralResource};
use super::super::list::{self as ls, ListResource};
use super::{validate, ProviderService, Registered};

impl ProviderService {
    fn list_resource(&self, name: &str) -> Result<&Registered<dyn ListResource>, Diagnostics> {
        self.list_resources.get(name).ok_or_else(|| unknown_type("list resource", name))
    }

    fn action(&self, name: &str) -> Result<&Registered<dyn Action>, Diagnostics> {
        self.actions.get(name).ok_or_else(|| unknown_type("action", name))
    }

    fn ephemeral_resource(&self, name: &str) -> Result<&Registered<dyn EphemeralResource>, Diagnostics> {
        self.ephemeral_resources.get(name).ok_or_else(|| unknown_type("ephemeral resource", name))
    }

    pub(in crate::framework) fn handle_validate_list_resource_config(
        &self,
        req: pb::validate_list_resource_config::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        let l = self.list_resource(&req.type_name)?;
        let config = decode(req.config.as_ref(), l.ty(), "list configuration")?;
        Ok(validate(l.schema(), &config, |q, s| l.imp.validate_config(q, s)))
    }

    /// The events of a listing: one per object found, at most `limit`.
    pub(in crate::framework) async fn handle_list_resource(
        &self,
        req: pb::list_resource::Request,
    ) -> Result<Vec<pb::list_resource::Event>, Diagnostics> {
        let l = self.list_resource(&req.type_name)?;
        let r = self.resource(&req.type_name)?;
        let (_, identity_ty) = r.identity.as_ref().ok_or_else(|| {
            Diagnostics::with_error(
                "List resource without identity",
                format!("{} has no identity; this is a bug in the provider.", req.type_name),
            )
        })?;
        let config = decode(req.config.as_ref(), l.ty(), "list configuration")?;
        // Terraform sends its limit (100 unless the list block sets one); 0 would mean none.
        let limit = usize::try_from(req.limit).ok().filter(|&n| n > 0).unwrap_or(usize::MAX);
        let request = ls::ListRequest { config: &config, include_resource: req.include_resource_object, limit };
        let mut resp = ls::ListResponse::default();
        l.imp.list(&self.context(), &request, &mut resp).await;
        if resp.diagnostics.has_errors() {
            return Err(resp.diagnostics);
        }
        let mut warnings = Some(resp.diagnostics);
        let mut events = Vec::new();
        for item in resp.items.into_iter().take(limit) {
            // The listing's warnings travel with its first result.
            let diags = warnings.take().unwrap_or_default();
            let identity = encode(&item.identity, identity_ty, "identity")?;
            let resource_object = match item.resource.filter(|_| req.include_resource_object) {
                Some(object) => Some(encode(&object, r.ty(), "resource object")?),
                None => None,
            };
            events.push(pb::list_resource::Event {
                identity: Some(pb::ResourceIdentityData { identity_data: Some(identity) }),
                display_name: item.display_name,
                resource_object,
                diagnostic: diags.to_proto(),
            });
        }
        Ok(events)
    }

    pub(in crate::framework) fn handle_validate_action_config(
        &self,
        req: pb::validate_action_config::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        let a = self.action(&req.type_name)?;
        let config = decode(req.config.as_ref(), a.ty(), "action configuration")?;
        Ok(validate(a.schema(), &config, |q, s| a.imp.validate_config(q, s)))
    }

    pub(in crate::framework) async fn handle_plan_action(
        &self,
        req: pb::plan_action::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        let a = self.action(&req.action_type)?;
        let config = decode(req.config.as_ref(), a.ty(), "action configuration")?;
        let mut resp = act::PlanResponse::default();
        a.imp.plan(&self.context(), &act::PlanRequest { config: &config }, &mut resp).await;
        Ok(resp.diagnostics)
    }

    /// Runs an action; its progress goes to `progress`, its outcome is returned.
    pub(in crate::framework) async fn handle_invoke_action(
        &self,
        req: pb::invoke_action::Request,
        progress: Progress,
    ) -> Result<Diagnostics, Diagnostics> {
        let a = self.action(&req.action_type)?;
        let config = decode(req.config.as_ref(), a.ty(), "action configuration")?;
        tracing::info!(action = %req.action_type, "invoking action");
        let mut resp = act::InvokeResponse::default();
        a.imp.invoke(&self.context(), &act::InvokeRequest { config: &config }, &progress, &mut resp).await;
        Ok(resp.diagnostics)
    }

    pub(in crate::framework) fn handle_validate_ephemeral_resource_config(
        &self,
        req: pb::validate_ephemeral_resource_config::Request,
    ) -> Result<Diagnostics, Diagnostics> {
        let e = self.ephemeral_resource(&req.type_name)?;
        let config = decode(req.config.as_ref(), e.ty(), "ephemeral resource configuration")?;
        Ok(validate(e.schema(), &config, |q, s| e.imp.validate_config(q, s)))
    }

    pub(in crate::framework) async fn handle_open_ephemeral_resource(
        &self,
        req: pb::open_ephemeral_resource::Request,
    ) -> Result<pb::open_ephemeral_resource::Response, Diagnostics> {
        let e = self.ephemeral_resource(&req.type_name)?;
        let config = decode(req.config.as_ref(), e.ty(), "ephemeral resource configuration")?;
        let mut resp = eph::OpenResponse::default();
        e.imp.open(&self.context(), &eph::OpenRequest { config: &config }, &mut resp).await;
        let mut diags = resp.diagnostics;
        let result = match resp.result {
            Some(v) => Some(encode(&v, e.ty(), "ephemeral result")?),
            None if diags.has_errors() => None,
            None => {
                diags.error(
                    "Provider returned no ephemeral result",
                    format!("{} opened nothing and reported no error; this is a bug in the provider.", req.type_name),
                );
                None
            }
        };
        Ok(pb::open_ephemeral_resource::Response { diagnostics: diags.to_proto(), result, ..Default::default() })
    }

    /// Renew and close: nothing is held open, so only the type is checked.
    pub(in crate::framework) fn handle_ephemeral_lifetime(&self, type_name: &str) -> Diagnostics {
        self.ephemeral_resource(type_name).err().unwrap_or_default()
    }
}
