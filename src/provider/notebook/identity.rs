//! The notebook's resource identity: its ID, and the region it lives in. The
//! project is the provider's (one provider block serves one project), so it is
//! not part of the identity. Import by identity takes the same two values as
//! the `REGION/ID` import ID.

use crate::framework::model::ModelError;
use crate::framework::resource::{IdentityAttribute, IdentitySchema, ResourceWithIdentity};
use crate::protocol::{AttributePath, Type, Value};

use super::model::NotebookModel;
use super::NotebookResource;

impl ResourceWithIdentity for NotebookResource {
    fn identity_schema(&self) -> IdentitySchema {
        IdentitySchema {
            version: 0,
            attributes: vec![
                IdentityAttribute {
                    name: NotebookModel::ID,
                    ty: Type::String,
                    required_for_import: true,
                    description: "The notebook's ID.",
                },
                IdentityAttribute {
                    name: NotebookModel::REGION,
                    ty: Type::String,
                    required_for_import: false,
                    description: "The notebook's region; the provider's when omitted.",
                },
            ],
        }
    }

    fn identity_of(&self, state: &Value) -> Option<Value> {
        let id = state.attr(NotebookModel::ID).as_str().filter(|id| !id.is_empty())?;
        let region = match state.attr(NotebookModel::REGION).as_str() {
            Some(r) => Value::from(r),
            None => Value::Null,
        };
        Some(Value::object([(NotebookModel::ID, Value::from(id)), (NotebookModel::REGION, region)]))
    }

    fn import_id(&self, identity: &Value) -> Result<String, ModelError> {
        let at_id = AttributePath::attr(NotebookModel::ID);
        let id = identity
            .attr(NotebookModel::ID)
            .as_str()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| ModelError::at(&at_id, "the identity needs an id"))?;
        if id.contains('/') {
            let why = format!("{id:?} is not a notebook ID (it contains \"/\"); give the region as `region`.");
            return Err(ModelError::at(&at_id, why));
        }
        Ok(match identity.attr(NotebookModel::REGION).as_str().filter(|r| !r.is_empty()) {
            Some(region) => format!("{region}/{id}"),
            None => id.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_follows_the_state_and_imports_as_region_slash_id() {
        let r = NotebookResource;
        let state = Value::object([(NotebookModel::ID, "nb-1".into()), (NotebookModel::REGION, "cn-north-4".into())]);
        let identity = r.identity_of(&state).unwrap();
        assert_eq!(
            identity,
            Value::object([(NotebookModel::ID, "nb-1".into()), (NotebookModel::REGION, "cn-north-4".into())])
        );
        assert_eq!(r.import_id(&identity).unwrap(), "cn-north-4/nb-1");
        let no_region = Value::object([(NotebookModel::ID, "nb-1".into()), (NotebookModel::REGION, Value::Null)]);
        assert_eq!(r.import_id(&no_region).unwrap(), "nb-1");
        assert!(r
            .import_id(&Value::object([(NotebookModel::ID, Value::Null), (NotebookModel::REGION, Value::Null)]))
            .is_err());
        assert!(r
            .import_id(&Value::object([(NotebookModel::ID, "a/b".into()), (NotebookModel::REGION, Value::Null)]))
            .is_err());
        // A create's plan has no ID yet: no identity.
        assert!(r
            .identity_of(&Value::object([(NotebookModel::ID, Value::Unknown), (NotebookModel::REGION, "r".into())]))
            .is_none());
    }
}
