//! Resource identity (protocol 6.9, Terraform 1.12+): a small, versioned object
//! that names a remote object independently of the resource's schema. Terraform
//! stores it next to the state, imports by it (`import { identity = {...} }`) and
//! matches `terraform query` results with it.
//!
//! A resource offers identity by implementing [`ResourceWithIdentity`]; the
//! framework then fills the identity of every read, plan, apply, import and move
//! from the resulting state, so the resource itself never handles identity data.

use crate::proto::tfplugin6 as pb;
use crate::protocol::{Type, Value};

use super::model::ModelError;

/// One attribute of an identity.
#[derive(Clone, Debug)]
pub struct IdentityAttribute {
    /// The attribute's name, as written in an `import` block's `identity`.
    pub name: &'static str,
    /// The attribute's type.
    pub ty: Type,
    /// Must be given to import; otherwise the provider can supply it.
    pub required_for_import: bool,
    /// What the attribute is, for the docs and `terraform providers schema`.
    pub description: &'static str,
}

/// The identity's shape. Change `version` whenever the attributes change.
#[derive(Clone, Debug)]
pub struct IdentitySchema {
    /// The identity schema's version, separate from the resource schema's.
    pub version: i64,
    /// The identity's attributes.
    pub attributes: Vec<IdentityAttribute>,
}

impl IdentitySchema {
    /// The object type of the identity data.
    pub fn ty(&self) -> Type {
        Type::object(self.attributes.iter().map(|a| (a.name, a.ty.clone())))
    }

    pub(crate) fn to_proto(&self) -> pb::ResourceIdentitySchema {
        pb::ResourceIdentitySchema {
            version: self.version,
            identity_attributes: self
                .attributes
                .iter()
                .map(|a| pb::resource_identity_schema::IdentityAttribute {
                    name: a.name.to_string(),
                    r#type: a.ty.to_json().to_string().into_bytes(),
                    required_for_import: a.required_for_import,
                    optional_for_import: !a.required_for_import,
                    description: a.description.to_string(),
                })
                .collect(),
        }
    }
}

/// A resource with an identity. Identity is derived from state, so it can never
/// disagree with it.
pub trait ResourceWithIdentity: Send + Sync {
    /// The identity's attributes and version.
    fn identity_schema(&self) -> IdentitySchema;

    /// The identity of the object `state` describes; `None` while the object's
    /// name is not known yet (the plan of a create).
    fn identity_of(&self, state: &Value) -> Option<Value>;

    /// The import ID `identity` stands for (the form `terraform import` takes), or
    /// why it names no object, at the identity attribute to blame.
    fn import_id(&self, identity: &Value) -> Result<String, ModelError>;
}
