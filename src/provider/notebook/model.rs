//! The notebook's Terraform value as a Rust struct: decoded once from a plan,
//! state or configuration ([`FromValue`]), encoded back for the state
//! ([`IntoValue`]). It mirrors the schema exactly — words stay strings here, as the
//! API may report words this provider does not know; [`super::spec::Spec`] turns a
//! plan into the notebook wanted, with Rust enums.

use crate::framework::model::{block_list, Fields, FromValue, IntoValue, ModelError};
use crate::protocol::{AttributePath, Value};

use super::schema::attr;
use super::tags::Tags;

/// A `modelarts_notebook` value. Null and unknown ("known after apply") both read
/// as `None`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct NotebookModel {
    pub id: Option<String>,
    pub region: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub flavor_id: String,
    pub image_id: String,
    pub volume: Option<VolumeModel>,
    pub key_pair: Option<String>,
    /// `Some(vec![])` (configured empty) and `None` (not configured) are told apart.
    pub allowed_access_ips: Option<Vec<String>>,
    pub workspace_id: Option<String>,
    pub pool_id: Option<String>,
    pub running: Option<bool>,
    pub allow_stopping_for_update: Option<bool>,
    pub auto_stop: Option<AutoStopModel>,
    pub auto_stop_enabled: Option<bool>,
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
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct VolumeModel {
    pub kind: Option<String>,
    pub ownership: Option<String>,
    pub id: Option<String>,
    pub uri: Option<String>,
    pub size: Option<i64>,
    pub mount_path: Option<String>,
}

/// The `auto_stop` block.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct AutoStopModel {
    pub kind: Option<String>,
    pub duration: Option<String>,
}

/// The `hooks` block.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct HooksModel {
    pub pre_start: Option<HookModel>,
    pub post_start: Option<HookModel>,
}

/// One startup hook.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct HookModel {
    pub script: Option<String>,
    pub kind: Option<String>,
    pub mode: Option<String>,
}

/// An entry of `mount_storages`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct MountStorageModel {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub mount_path: Option<String>,
    pub path: Option<String>,
    pub status: Option<String>,
}

impl FromValue for NotebookModel {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        let f = Fields::of(v, path)?;
        Ok(NotebookModel {
            id: f.get(attr::ID)?,
            region: f.get(attr::REGION)?,
            name: f.get::<Option<String>>(attr::NAME)?.unwrap_or_default(),
            description: f.get(attr::DESCRIPTION)?,
            flavor_id: f.get::<Option<String>>(attr::FLAVOR_ID)?.unwrap_or_default(),
            image_id: f.get::<Option<String>>(attr::IMAGE_ID)?.unwrap_or_default(),
            volume: f.block(attr::VOLUME)?,
            key_pair: f.get(attr::KEY_PAIR)?,
            allowed_access_ips: f.get(attr::ALLOWED_ACCESS_IPS)?,
            workspace_id: f.get(attr::WORKSPACE_ID)?,
            pool_id: f.get(attr::POOL_ID)?,
            running: f.get(attr::RUNNING)?,
            allow_stopping_for_update: f.get(attr::ALLOW_STOPPING_FOR_UPDATE)?,
            auto_stop: f.block(attr::AUTO_STOP)?,
            auto_stop_enabled: f.get(attr::AUTO_STOP_ENABLED)?,
            hooks: f.block(attr::HOOKS)?,
            timeouts: f.raw(attr::TIMEOUTS).clone(),
            status: f.get(attr::STATUS)?,
            url: f.get(attr::URL)?,
            ssh_uri: f.get(attr::SSH_URI)?,
            current_image_id: f.get(attr::CURRENT_IMAGE_ID)?,
            image_name: f.get(attr::IMAGE_NAME)?,
            image_swr_path: f.get(attr::IMAGE_SWR_PATH)?,
            image_type: f.get(attr::IMAGE_TYPE)?,
            created_at: f.get(attr::CREATED_AT)?,
            updated_at: f.get(attr::UPDATED_AT)?,
            pool_name: f.get(attr::POOL_NAME)?,
            mount_storages: f.get(attr::MOUNT_STORAGES)?,
            fail_reason: f.get(attr::FAIL_REASON)?,
            tags: f.get(attr::TAGS)?,
            tags_all: f.get(attr::TAGS_ALL)?,
        })
    }
}

impl IntoValue for NotebookModel {
    fn into_value(self) -> Value {
        Value::object([
            (attr::ID, self.id.into_value()),
            (attr::REGION, self.region.into_value()),
            (attr::NAME, self.name.into_value()),
            (attr::DESCRIPTION, self.description.into_value()),
            (attr::FLAVOR_ID, self.flavor_id.into_value()),
            (attr::IMAGE_ID, self.image_id.into_value()),
            (attr::VOLUME, block_list(self.volume)),
            (attr::KEY_PAIR, self.key_pair.into_value()),
            (attr::ALLOWED_ACCESS_IPS, self.allowed_access_ips.into_value()),
            (attr::WORKSPACE_ID, self.workspace_id.into_value()),
            (attr::POOL_ID, self.pool_id.into_value()),
            (attr::RUNNING, self.running.into_value()),
            (attr::ALLOW_STOPPING_FOR_UPDATE, self.allow_stopping_for_update.into_value()),
            (attr::AUTO_STOP, block_list(self.auto_stop)),
            (attr::AUTO_STOP_ENABLED, self.auto_stop_enabled.into_value()),
            (attr::HOOKS, block_list(self.hooks)),
            (attr::TIMEOUTS, self.timeouts),
            (attr::STATUS, self.status.into_value()),
            (attr::URL, self.url.into_value()),
            (attr::SSH_URI, self.ssh_uri.into_value()),
            (attr::CURRENT_IMAGE_ID, self.current_image_id.into_value()),
            (attr::IMAGE_NAME, self.image_name.into_value()),
            (attr::IMAGE_SWR_PATH, self.image_swr_path.into_value()),
            (attr::IMAGE_TYPE, self.image_type.into_value()),
            (attr::CREATED_AT, self.created_at.into_value()),
            (attr::UPDATED_AT, self.updated_at.into_value()),
            (attr::POOL_NAME, self.pool_name.into_value()),
            (attr::MOUNT_STORAGES, self.mount_storages.into_value()),
            (attr::FAIL_REASON, self.fail_reason.into_value()),
            (attr::TAGS, self.tags.into_value()),
            (attr::TAGS_ALL, self.tags_all.into_value()),
        ])
    }
}

impl FromValue for VolumeModel {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        use attr::volume as a;
        let f = Fields::of(v, path)?;
        Ok(VolumeModel {
            kind: f.get(a::TYPE)?,
            ownership: f.get(a::OWNERSHIP)?,
            id: f.get(a::ID)?,
            uri: f.get(a::URI)?,
            size: f.get(a::SIZE)?,
            mount_path: f.get(a::MOUNT_PATH)?,
        })
    }
}

impl IntoValue for VolumeModel {
    fn into_value(self) -> Value {
        use attr::volume as a;
        Value::object([
            (a::TYPE, self.kind.into_value()),
            (a::OWNERSHIP, self.ownership.into_value()),
            (a::ID, self.id.into_value()),
            (a::URI, self.uri.into_value()),
            (a::SIZE, self.size.into_value()),
            (a::MOUNT_PATH, self.mount_path.into_value()),
        ])
    }
}

impl FromValue for AutoStopModel {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        let f = Fields::of(v, path)?;
        Ok(AutoStopModel { kind: f.get(attr::auto_stop::TYPE)?, duration: f.get(attr::auto_stop::DURATION)? })
    }
}

impl IntoValue for AutoStopModel {
    fn into_value(self) -> Value {
        Value::object([
            (attr::auto_stop::TYPE, self.kind.into_value()),
            (attr::auto_stop::DURATION, self.duration.into_value()),
        ])
    }
}

impl FromValue for HooksModel {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        let f = Fields::of(v, path)?;
        Ok(HooksModel { pre_start: f.block(attr::hooks::PRE_START)?, post_start: f.block(attr::hooks::POST_START)? })
    }
}

impl IntoValue for HooksModel {
    fn into_value(self) -> Value {
        Value::object([
            (attr::hooks::PRE_START, block_list(self.pre_start)),
            (attr::hooks::POST_START, block_list(self.post_start)),
        ])
    }
}

impl FromValue for HookModel {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        let f = Fields::of(v, path)?;
        Ok(HookModel {
            script: f.get(attr::hooks::SCRIPT)?,
            kind: f.get(attr::hooks::TYPE)?,
            mode: f.get(attr::hooks::MODE)?,
        })
    }
}

impl IntoValue for HookModel {
    fn into_value(self) -> Value {
        Value::object([
            (attr::hooks::SCRIPT, self.script.into_value()),
            (attr::hooks::TYPE, self.kind.into_value()),
            (attr::hooks::MODE, self.mode.into_value()),
        ])
    }
}

impl FromValue for MountStorageModel {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        use attr::mount_storage as a;
        let f = Fields::of(v, path)?;
        Ok(MountStorageModel {
            id: f.get(a::ID)?,
            kind: f.get(a::TYPE)?,
            mount_path: f.get(a::MOUNT_PATH)?,
            path: f.get(a::PATH)?,
            status: f.get(a::STATUS)?,
        })
    }
}

impl IntoValue for MountStorageModel {
    fn into_value(self) -> Value {
        use attr::mount_storage as a;
        Value::object([
            (a::ID, self.id.into_value()),
            (a::TYPE, self.kind.into_value()),
            (a::MOUNT_PATH, self.mount_path.into_value()),
            (a::PATH, self.path.into_value()),
            (a::STATUS, self.status.into_value()),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::decode;
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
    }

    #[test]
    fn unknowns_read_as_none_and_wrong_kinds_name_the_path() {
        let v = Value::object([
            (attr::NAME, "nb".into()),
            (attr::ID, Value::Unknown),
            (attr::VOLUME, Value::List(vec![Value::object([(attr::volume::SIZE, "big".into())])])),
        ]);
        let e = decode::<NotebookModel>(&v).unwrap_err();
        assert_eq!(e.to_string(), "volume[0].size: expected a whole number, found a string");
        let ok: NotebookModel = decode(&Value::object([(attr::ID, Value::Unknown)])).unwrap();
        assert_eq!(ok.id, None);
    }
}
