//! The notebook's Terraform value as a Rust struct: decoded once from a plan,
//! state or configuration, encoded back for the state (`#[derive(Model)]`). It mirrors the schema exactly — words stay strings here, as the
//! API may report words this provider does not know; [`super::spec::Spec`] turns a
//! plan into the notebook wanted, with Rust enums.

use crate::protocol::Value;

use super::tags::Tags;

/// A `modelarts_notebook` value. Null and unknown ("known after apply") both read
/// as `None`.
#[derive(Clone, Debug, Default, PartialEq, tfplugin::Model)]
pub(crate) struct NotebookModel {
    pub id: Option<String>,
    pub region: Option<String>,
    #[tf(default)]
    pub name: String,
    pub description: Option<String>,
    #[tf(default)]
    pub flavor_id: String,
    #[tf(default)]
    pub image_id: String,
    #[tf(block)]
    pub volume: Option<VolumeModel>,
    pub key_pair: Option<String>,
    /// `Some(vec![])` (configured empty) and `None` (not configured) are told apart.
    pub allowed_access_ips: Option<Vec<String>>,
    pub workspace_id: Option<String>,
    pub pool_id: Option<String>,
    pub running: Option<bool>,
    pub allow_stopping_for_update: Option<bool>,
    #[tf(block)]
    pub auto_stop: Option<AutoStopModel>,
    pub auto_stop_enabled: Option<bool>,
    #[tf(block)]
    pub hooks: Option<HooksModel>,
    /// The `timeouts` block as written (read with [`crate::framework::timeouts::Timeout::of`]).
    pub timeouts: Value,
    pub status: Option<String>,
    pub url: Option<String>,
    pub ssh_uri: Option<String>,
    pub current_image_id: Option<String>,
    pub image_name: Option<String>,
    pub image_swr_path: Option<String>,
    pub image_type: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub pool_name: Option<String>,
    pub mount_storages: Option<Vec<MountStorageModel>>,
    pub fail_reason: Option<String>,
    /// `Some(empty)` (configured `{}`) and `None` (not configured) are told apart.
    pub tags: Option<Tags>,
    pub tags_all: Option<Tags>,
}

/// The `volume` block.
#[derive(Clone, Debug, Default, PartialEq, tfplugin::Model)]
pub(crate) struct VolumeModel {
    #[tf(name = "type")]
    pub kind: Option<String>,
    pub ownership: Option<String>,
    pub id: Option<String>,
    pub uri: Option<String>,
    pub size: Option<i64>,
    pub mount_path: Option<String>,
}

/// The `auto_stop` block.
#[derive(Clone, Debug, Default, PartialEq, tfplugin::Model)]
pub(crate) struct AutoStopModel {
    #[tf(name = "type")]
    pub kind: Option<String>,
    pub duration: Option<String>,
}

/// The `hooks` block.
#[derive(Clone, Debug, Default, PartialEq, tfplugin::Model)]
pub(crate) struct HooksModel {
    #[tf(block)]
    pub pre_start: Option<HookModel>,
    #[tf(block)]
    pub post_start: Option<HookModel>,
}

/// One startup hook.
#[derive(Clone, Debug, Default, PartialEq, tfplugin::Model)]
pub(crate) struct HookModel {
    pub script: Option<String>,
    #[tf(name = "type")]
    pub kind: Option<String>,
    pub mode: Option<String>,
}

/// An entry of `mount_storages`.
#[derive(Clone, Debug, Default, PartialEq, tfplugin::Model)]
pub(crate) struct MountStorageModel {
    pub id: Option<String>,
    #[tf(name = "type")]
    pub kind: Option<String>,
    pub mount_path: Option<String>,
    pub path: Option<String>,
    pub status: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::{agree, decode, IntoValue};
    use crate::framework::TfType;
    use crate::protocol::value::conforms;
    use crate::protocol::Type;
    use crate::provider::notebook::schema::schema;

    /// A value of every attribute of the schema, with a non-null value where one fits.
    fn full(ty: &Type, depth: usize) -> Value {
        match ty {
            Type::String => Value::from(format!("s{depth}")),
            Type::Bool => Value::Bool(true),
            Type::Number => Value::int(7),
            Type::List(e) => Value::List(vec![full(e, depth + 1)]),
            Type::Map(e) => Value::Map([("k".to_string(), full(e, depth + 1))].into()),
            Type::Object(attrs) => Value::Object(attrs.iter().map(|(k, t)| (k.clone(), full(t, depth + 1))).collect()),
            _ => Value::Null,
        }
    }

    #[test]
    fn every_schema_attribute_round_trips() {
        // A typo in an attribute constant, or an attribute the model forgets, breaks this.
        let ty = schema().ty();
        let v = full(&ty, 0);
        let model: NotebookModel = decode(&v).unwrap();
        let back = model.into_value();
        assert!(conforms(&back, &ty).is_ok());
        assert_eq!(back, v);
        assert_eq!(agree(&ty, &NotebookModel::tf_type()), Ok(()));
    }

    #[test]
    fn unknowns_read_as_none_and_wrong_kinds_name_the_path() {
        let v = Value::object([
            (NotebookModel::NAME, "nb".into()),
            (NotebookModel::ID, Value::Unknown),
            (NotebookModel::VOLUME, Value::List(vec![Value::object([(VolumeModel::SIZE, "big".into())])])),
        ]);
        let e = decode::<NotebookModel>(&v).unwrap_err();
        assert_eq!(e.to_string(), "volume[0].size: expected a whole number, found a string");
        let ok: NotebookModel = decode(&Value::object([(NotebookModel::ID, Value::Unknown)])).unwrap();
        assert_eq!(ok.id, None);
    }
}
