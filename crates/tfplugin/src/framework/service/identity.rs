//! Resource identity for the managed resource handlers: identities derived from
//! state, imports by identity, identity upgrades, and configuration generation.

use crate::proto::tfplugin6 as pb;
use crate::protocol::{Diagnostics, Value};

use super::super::codec::{decode, decode_json_state, encode};
use super::{ManagedResource, ProviderService};

impl ProviderService {
    /// The identity of the object `state` describes, for a resource that has one.
    pub(super) fn identity_data(&self, r: &ManagedResource, state: Option<&Value>) -> Option<pb::ResourceIdentityData> {
        let ((_, ty), with_identity) = r.identity.as_ref().zip(r.imp.capabilities().identity)?;
        let state = state.filter(|s| !s.is_null())?;
        let identity = with_identity.identity_of(state)?;
        match encode(&identity, ty, "identity") {
            Ok(dv) => Some(pb::ResourceIdentityData { identity_data: Some(dv) }),
            Err(d) => {
                // A provider bug; Terraform then keeps the identity it had.
                tracing::error!(diagnostics = ?d, "identity does not fit its schema");
                None
            }
        }
    }

    /// The import ID an identity from an `import` block stands for.
    pub(super) fn import_id_of(
        &self,
        r: &ManagedResource,
        identity: &pb::ResourceIdentityData,
    ) -> Result<String, Diagnostics> {
        let ((_, ty), with_identity) = r.identity.as_ref().zip(r.imp.capabilities().identity).ok_or_else(|| {
            Diagnostics::with_error(
                "Resource has no identity",
                "This resource type cannot be imported by identity; use an import ID (id = \"...\").",
            )
        })?;
        let value = decode(identity.identity_data.as_ref(), ty, "identity")?;
        with_identity.import_id(&value).map_err(|e| {
            // Not at an attribute: the path is the identity's, not the resource's.
            Diagnostics::with_error("Invalid import identity", format!("identity attribute {e}"))
        })
    }

    pub(in crate::framework) fn handle_get_resource_identity_schemas(
        &self,
    ) -> pb::get_resource_identity_schemas::Response {
        pb::get_resource_identity_schemas::Response {
            identity_schemas: self
                .resources
                .iter()
                .filter_map(|(k, r)| r.identity.as_ref().map(|(s, _)| (k.to_string(), s.to_proto())))
                .collect(),
            diagnostics: Vec::new(),
        }
    }

    /// Identities stored by this provider's own current version need no change;
    /// any other version is refused (there has only been version 0).
    pub(in crate::framework) fn handle_upgrade_resource_identity(
        &self,
        req: pb::upgrade_resource_identity::Request,
    ) -> Result<pb::upgrade_resource_identity::Response, Diagnostics> {
        let r = self.resource(&req.type_name)?;
        let (schema, ty) = r.identity.as_ref().ok_or_else(|| {
            Diagnostics::with_error(
                "Resource has no identity",
                format!("{} has no identity to upgrade.", req.type_name),
            )
        })?;
        if req.version != schema.version {
            return Err(Diagnostics::with_error(
                "Unsupported identity version",
                format!(
                    "The stored identity of {} has version {}, which this provider version cannot read (it writes version {}).",
                    req.type_name, req.version, schema.version
                ),
            ));
        }
        let raw = req.raw_identity.map(|r| r.json).unwrap_or_default();
        let identity = decode_json_state(&raw, ty)?;
        Ok(pb::upgrade_resource_identity::Response {
            upgraded_identity: Some(pb::ResourceIdentityData {
                identity_data: Some(encode(&identity, ty, "upgraded identity")?),
            }),
            diagnostics: Vec::new(),
        })
    }
}
