//! The notebook a plan asks for ([`Spec`]), with the API's words as Rust enums, and
//! the parts of API requests it makes.

use std::time::Duration;

use base64::Engine;

use crate::client::enums::{HookMode, HookType, LeaseType, Ownership, VolumeCategory};
use crate::client::ids::{FlavorId, ImageId};
use crate::client::types::{ContainerHooks, CustomHooks, EndpointReq, HookConfig, LeaseReq, VolumeReq};
use crate::duration;
use crate::enums::StringEnum;
use crate::framework::model::ModelError;
use crate::framework::timeouts::Timeout;
use crate::protocol::{AttributePath, Value};

use super::model::{AutoStopModel, HookModel, HooksModel, NotebookModel, VolumeModel};

/// The storage asked for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct VolumeSpec {
    pub kind: VolumeCategory,
    pub ownership: Ownership,
    pub uri: Option<String>,
    /// A dedicated EFS file system's ID.
    pub id: Option<String>,
    /// GB; `None` lets the API choose.
    pub size: Option<i64>,
}

// The `timeouts` block's operations (the schema declares the block with them).
/// How long creating may wait.
pub(crate) const CREATE_TIMEOUT: Timeout = Timeout {
    operation: "create",
    default: "30m",
    covers: "Creating, including the wait for RUNNING (and for STOPPED when `running = false`).",
};
/// How long an update may wait.
pub(crate) const UPDATE_TIMEOUT: Timeout =
    Timeout { operation: "update", default: "30m", covers: "Updating, including stopping and starting." };
/// How long deleting may wait.
pub(crate) const DELETE_TIMEOUT: Timeout =
    Timeout { operation: "delete", default: "15m", covers: "Deleting, including the wait until the notebook is gone." };

/// How long each operation may wait.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Timeouts {
    pub create: Duration,
    pub update: Duration,
    pub delete: Duration,
}

impl Timeouts {
    /// The times of a `timeouts` block (null: every default).
    pub(crate) fn of(block: &Value) -> Timeouts {
        Timeouts {
            create: CREATE_TIMEOUT.of(block),
            update: UPDATE_TIMEOUT.of(block),
            delete: DELETE_TIMEOUT.of(block),
        }
    }
}

/// The notebook a plan asks for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Spec {
    pub name: String,
    pub description: Option<String>,
    pub flavor_id: FlavorId,
    pub image_id: ImageId,
    pub volume: VolumeSpec,
    pub key_pair: Option<String>,
    /// Empty: any address may reach the SSH endpoint.
    pub allowed_access_ips: Vec<String>,
    pub workspace_id: Option<String>,
    pub pool_id: Option<String>,
    /// `None`: the power state is not managed.
    pub running: Option<bool>,
    /// `None`: auto-stop off.
    pub auto_stop: Option<LeaseReq>,
    /// `None`: no startup scripts.
    pub hooks: Option<CustomHooks>,
    pub allow_stopping_for_update: bool,
    pub timeouts: Timeouts,
}

/// A word of `E` at `path`, or `default` when not set.
fn word<E: StringEnum>(text: Option<&str>, path: AttributePath, default: E) -> Result<E, ModelError> {
    text.map_or(Ok(default), |w| parse_word(w, &path))
}

/// An `auto_stop` block as a lease request.
pub(crate) fn lease_request(block: &AutoStopModel) -> Result<Option<LeaseReq>, ModelError> {
    let path = AttributePath::attr(NotebookModel::AUTO_STOP).then_index(0);
    let kind = word(block.kind.as_deref(), path.then_attr(AutoStopModel::TYPE), LeaseType::Timing)?;
    let Some(text) = block.duration.as_deref() else { return Ok(None) };
    let d = duration::parse(text).map_err(|e| ModelError::at(&path.then_attr(AutoStopModel::DURATION), e))?;
    Ok(Some(LeaseReq { duration: i64::try_from(d.as_millis()).unwrap_or(i64::MAX), kind: kind.into() }))
}

fn hook(h: &HookModel, path: AttributePath) -> Result<Option<HookConfig>, ModelError> {
    let kind = word(h.kind.as_deref(), path.then_attr(HookModel::TYPE), HookType::Script)?;
    let mode = word(h.mode.as_deref(), path.then_attr(HookModel::MODE), HookMode::Async)?;
    let Some(text) = h.script.as_deref() else { return Ok(None) };
    // A COMMAND's script is the command itself, base64-encoded for the API (SDK `Config.script`).
    let script = match kind {
        HookType::Command => base64::engine::general_purpose::STANDARD.encode(text),
        HookType::Script => text.to_string(),
    };
    Ok(Some(HookConfig { script, kind: Some(kind.into()), mode: Some(mode.into()) }))
}

/// A `hooks` block as the API takes it.
pub(crate) fn hooks_request(block: &HooksModel) -> Result<CustomHooks, ModelError> {
    let at = |which: &str| AttributePath::attr(NotebookModel::HOOKS).then_index(0).then_attr(which).then_index(0);
    let each = |h: &Option<HookModel>, which: &str| h.as_ref().map_or(Ok(None), |h| hook(h, at(which)));
    Ok(CustomHooks {
        container_hooks: ContainerHooks {
            pre_start: each(&block.pre_start, HooksModel::PRE_START)?,
            post_start: each(&block.post_start, HooksModel::POST_START)?,
        },
    })
}

impl Spec {
    /// The notebook `planned` asks for; `running` is the configured power state
    /// (`None`: not managed).
    pub(crate) fn from_plan(planned: &NotebookModel, running: Option<bool>) -> Result<Spec, ModelError> {
        let vol = planned.volume.clone().unwrap_or_default();
        let vol_path = |a: &str| AttributePath::attr(NotebookModel::VOLUME).then_index(0).then_attr(a);
        Ok(Spec {
            name: planned.name.clone(),
            description: planned.description.clone(),
            flavor_id: FlavorId::from(&planned.flavor_id),
            image_id: ImageId::from(&planned.image_id),
            volume: VolumeSpec {
                kind: word(vol.kind.as_deref(), vol_path(VolumeModel::TYPE), VolumeCategory::Evs)?,
                ownership: word(vol.ownership.as_deref(), vol_path(VolumeModel::OWNERSHIP), Ownership::Managed)?,
                uri: vol.uri,
                id: vol.id,
                size: vol.size,
            },
            key_pair: planned.key_pair.clone(),
            allowed_access_ips: planned.allowed_access_ips.clone().unwrap_or_default(),
            workspace_id: planned.workspace_id.clone(),
            pool_id: planned.pool_id.clone(),
            running,
            auto_stop: planned.auto_stop.as_ref().map(lease_request).transpose()?.flatten(),
            hooks: planned.hooks.as_ref().map(hooks_request).transpose()?,
            allow_stopping_for_update: planned.allow_stopping_for_update.unwrap_or(true),
            timeouts: Timeouts::of(&planned.timeouts),
        })
    }

    /// The SSH endpoint as the API takes it; empty when SSH is not configured.
    /// Without addresses the field is left out: any address may connect.
    pub(crate) fn endpoints(&self) -> Vec<EndpointReq> {
        match &self.key_pair {
            Some(kp) => vec![EndpointReq {
                service: "SSH".into(),
                key_pair_names: vec![kp.clone()],
                allowed_access_ips: (!self.allowed_access_ips.is_empty()).then(|| self.allowed_access_ips.clone()),
            }],
            None => Vec::new(),
        }
    }

    pub(crate) fn volume_request(&self) -> VolumeReq {
        let v = &self.volume;
        VolumeReq {
            category: v.kind.into(),
            ownership: v.ownership.into(),
            capacity: v.size.filter(|_| v.kind == VolumeCategory::Evs),
            uri: v.uri.clone(),
            id: v.id.clone(),
            mount_path: None,
        }
    }
}

/// Word `w` of `E`, found at `path`.
fn parse_word<E: StringEnum>(w: &str, path: &AttributePath) -> Result<E, ModelError> {
    E::parse(w).ok_or_else(|| ModelError::at(path, format!("{w:?} is not one of {}", E::NAMES.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::decode;

    #[test]
    fn spec_from_plan() {
        let planned = Value::object([
            (NotebookModel::NAME, "nb".into()),
            (NotebookModel::FLAVOR_ID, "f".into()),
            (NotebookModel::IMAGE_ID, "i".into()),
            (NotebookModel::RUNNING, Value::Bool(true)),
            (NotebookModel::KEY_PAIR, "kp".into()),
            (NotebookModel::ALLOWED_ACCESS_IPS, Value::List(vec!["1.1.1.1".into()])),
            (
                NotebookModel::VOLUME,
                Value::List(vec![Value::object([
                    (VolumeModel::TYPE, "EVS".into()),
                    (VolumeModel::SIZE, Value::Unknown),
                ])]),
            ),
            (
                NotebookModel::HOOKS,
                Value::List(vec![Value::object([(
                    HooksModel::PRE_START,
                    Value::List(vec![Value::object([
                        (HookModel::SCRIPT, "echo hi".into()),
                        (HookModel::TYPE, "COMMAND".into()),
                        (HookModel::MODE, "BLOCK".into()),
                    ])]),
                )])]),
            ),
            (NotebookModel::TIMEOUTS, Value::object([("create", "5m".into())])),
        ]);
        let s = Spec::from_plan(&decode(&planned).unwrap(), None).unwrap();
        assert_eq!(s.running, None, "running omitted in config is unmanaged");
        assert_eq!(s.volume.size, None);
        assert_eq!(s.volume.kind, VolumeCategory::Evs);
        assert_eq!(s.timeouts.create, Duration::from_secs(300));
        assert_eq!(s.timeouts.delete, Duration::from_secs(900));
        assert_eq!(s.endpoints()[0].allowed_access_ips, Some(vec!["1.1.1.1".to_string()]));
        let pre = s.hooks.unwrap().container_hooks.pre_start.unwrap();
        assert_eq!(pre.script, "ZWNobyBoaQ==", "a COMMAND is sent base64-encoded");
        assert_eq!(pre.mode.as_ref().map(|m| m.as_str()), Some("BLOCK"));
        assert!(s.allow_stopping_for_update);
    }

    #[test]
    fn a_word_the_api_does_not_know_is_refused_at_its_attribute() {
        let planned = Value::object([(
            NotebookModel::VOLUME,
            Value::List(vec![Value::object([(VolumeModel::OWNERSHIP, "SHARED".into())])]),
        )]);
        let e = Spec::from_plan(&decode(&planned).unwrap(), None).unwrap_err();
        assert_eq!(e.to_string(), "volume[0].ownership: \"SHARED\" is not one of MANAGED, DEDICATED");
    }
}
