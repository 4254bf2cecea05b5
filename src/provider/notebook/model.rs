//! Between Terraform values and the API: the desired notebook read from a plan,
//! and the state written from what the API reports.

use std::time::Duration;

use base64::Engine;

use crate::client::types::{
    ContainerHooks, CustomHooks, EndpointReq, HookConfig, Lease, LeaseReq, Mount, Notebook, Status, VolumeReq,
};
use crate::duration;
use crate::protocol::Value;
use crate::timefmt;

use super::schema::{DEFAULT_CREATE_TIMEOUT, DEFAULT_DELETE_TIMEOUT, DEFAULT_UPDATE_TIMEOUT};

#[derive(Clone, Debug, PartialEq)]
pub struct VolumeSpec {
    pub kind: String,
    pub ownership: String,
    pub uri: Option<String>,
    /// A dedicated EFS file system's ID.
    pub id: Option<String>,
    /// GB; `None` lets the API choose.
    pub size: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timeouts {
    pub create: Duration,
    pub update: Duration,
    pub delete: Duration,
}

/// The notebook a plan asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    pub name: String,
    pub description: Option<String>,
    pub flavor_id: String,
    pub image_id: String,
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

fn opt_str(v: &Value) -> Option<String> {
    v.as_str().map(String::from)
}

fn strings(v: &Value) -> Vec<String> {
    v.elements().iter().filter_map(|x| x.as_str().map(String::from)).collect()
}

fn timeout(block: &Value, name: &str, default: &str) -> Duration {
    let text = block.attr(name).as_str().unwrap_or(default);
    duration::parse(text).or_else(|_| duration::parse(default)).unwrap_or(Duration::from_secs(1800))
}

/// The `timeouts` block of a state or plan, with defaults.
pub fn timeouts(v: &Value) -> Timeouts {
    let t = v.attr("timeouts");
    Timeouts {
        create: timeout(t, "create", DEFAULT_CREATE_TIMEOUT),
        update: timeout(t, "update", DEFAULT_UPDATE_TIMEOUT),
        delete: timeout(t, "delete", DEFAULT_DELETE_TIMEOUT),
    }
}

/// The `auto_stop` block as a lease request.
pub fn auto_stop(v: &Value) -> Option<LeaseReq> {
    let block = v.attr("auto_stop").elements().first()?;
    let d = duration::parse(block.attr("duration").as_str()?).ok()?;
    Some(LeaseReq {
        duration: i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        kind: block.attr("type").as_str().unwrap_or("TIMING").to_string(),
    })
}

fn hook(v: &Value) -> Option<HookConfig> {
    let block = v.elements().first()?;
    let kind = block.attr("type").as_str().unwrap_or("SCRIPT");
    let text = block.attr("script").as_str()?;
    // A COMMAND's script is the command itself, base64-encoded for the API (SDK `Config.script`).
    let script =
        if kind == "COMMAND" { base64::engine::general_purpose::STANDARD.encode(text) } else { text.to_string() };
    Some(HookConfig {
        script,
        kind: Some(kind.to_string()),
        mode: Some(block.attr("mode").as_str().unwrap_or("ASYNC").to_string()),
    })
}

/// The `hooks` block as the API takes it.
pub fn hooks(v: &Value) -> Option<CustomHooks> {
    let block = v.attr("hooks").elements().first()?;
    Some(CustomHooks {
        container_hooks: ContainerHooks {
            pre_start: hook(block.attr("pre_start")),
            post_start: hook(block.attr("post_start")),
        },
    })
}

impl Spec {
    /// Reads a planned state; `config` tells whether the power state is managed.
    pub fn from_plan(planned: &Value, config: &Value) -> Spec {
        let vol = planned.attr("volume").elements().first().cloned().unwrap_or_default();
        Spec {
            name: planned.attr("name").as_str().unwrap_or_default().to_string(),
            description: opt_str(planned.attr("description")),
            flavor_id: planned.attr("flavor_id").as_str().unwrap_or_default().to_string(),
            image_id: planned.attr("image_id").as_str().unwrap_or_default().to_string(),
            volume: VolumeSpec {
                kind: vol.attr("type").as_str().unwrap_or("EVS").to_string(),
                ownership: vol.attr("ownership").as_str().unwrap_or("MANAGED").to_string(),
                uri: opt_str(vol.attr("uri")),
                id: opt_str(vol.attr("id")),
                size: vol.attr("size").as_i64(),
            },
            key_pair: opt_str(planned.attr("key_pair")),
            allowed_access_ips: strings(planned.attr("allowed_access_ips")),
            workspace_id: opt_str(planned.attr("workspace_id")),
            pool_id: opt_str(planned.attr("pool_id")),
            running: config.attr("running").as_bool(),
            auto_stop: auto_stop(planned),
            hooks: hooks(planned),
            allow_stopping_for_update: planned.attr("allow_stopping_for_update").as_bool().unwrap_or(true),
            timeouts: timeouts(planned),
        }
    }

    /// The SSH endpoint as the API takes it; empty when SSH is not configured.
    /// Without addresses the field is left out: any address may connect.
    pub fn endpoints(&self) -> Vec<EndpointReq> {
        match &self.key_pair {
            Some(kp) => vec![EndpointReq {
                service: "SSH".into(),
                key_pair_names: vec![kp.clone()],
                allowed_access_ips: (!self.allowed_access_ips.is_empty()).then(|| self.allowed_access_ips.clone()),
            }],
            None => Vec::new(),
        }
    }

    pub fn volume_request(&self) -> VolumeReq {
        let v = &self.volume;
        VolumeReq {
            category: v.kind.clone(),
            ownership: v.ownership.clone(),
            capacity: v.size.filter(|_| v.kind == "EVS"),
            uri: v.uri.clone(),
            id: v.id.clone(),
            mount_path: None,
        }
    }
}

/// RUNNING and STARTING (and CREATING, which ends RUNNING) count as running.
pub fn is_running(status: &Status) -> bool {
    matches!(status, Status::Running | Status::Starting | Status::Creating | Status::Init)
}

fn time(ms: Option<i64>) -> Value {
    Value::opt_string(ms.and_then(timefmt::rfc3339))
}

/// The storage mounted into a notebook, as `mount_storages` (the official
/// provider's names: `type` is the API's `category`, `path` its `uri`).
pub fn mounts_value(mounts: &[Mount]) -> Value {
    Value::List(
        mounts
            .iter()
            .map(|m| {
                Value::object([
                    ("id", Value::from(m.id.as_str())),
                    ("type", Value::opt_string(m.category.clone())),
                    ("mount_path", Value::opt_string(m.mount_path.clone())),
                    ("path", Value::opt_string(m.uri.clone())),
                    ("status", Value::opt_string(m.status.clone())),
                ])
            })
            .collect(),
    )
}

/// The auto-stop duration asked for at the last start or renew: the API's
/// `duration` counts from `lease.create_at` (the instance's creation), and a start
/// or renew for `D` sets it to `(update_at - create_at) + D`, so the raw number
/// grows at every start and is never compared with the configured value.
pub fn asked_duration_ms(lease: &Lease) -> Option<i64> {
    let raw = lease.duration?;
    match (lease.create_at, lease.update_at) {
        (Some(c), Some(u)) if u >= c => Some(raw.saturating_sub(u.saturating_sub(c))),
        _ => Some(raw),
    }
}

/// How far the recovered duration may be from the configured one and still count
/// as the same (clocks and rounding).
const LEASE_TOLERANCE_MS: i64 = 60_000;

/// A lease as an `auto_stop` block value.
pub fn auto_stop_block(kind: &str, asked_ms: i64) -> Value {
    let secs = u64::try_from(asked_ms.max(0).saturating_add(500) / 1000).unwrap_or(0);
    Value::List(vec![Value::object([
        ("type", Value::from(kind)),
        ("duration", Value::from(duration::format(Duration::from_secs(secs)))),
    ])])
}

/// The auto-stop to record. Configured: the configured block while the API agrees
/// with it (same type, duration within a minute), or cannot tell (the notebook is
/// not running: the next start applies it); otherwise what the API reports, so the
/// plan shows the drift. Not configured: nothing (`auto_stop_enabled` reports the
/// truth, and the next start turns auto-stop off).
fn reconcile_auto_stop(nb: &Notebook, carry: &Value) -> Value {
    let configured = carry.attr("auto_stop");
    let Some(wanted) = auto_stop(carry) else {
        return Value::List(Vec::new());
    };
    let lease = match &nb.lease {
        Some(l) if nb.status == Status::Running => l,
        _ => return configured.clone(),
    };
    if lease.enable == Some(false) {
        return Value::List(Vec::new());
    }
    let asked = asked_duration_ms(lease).unwrap_or(wanted.duration);
    let same_type = lease.kind.as_deref().is_none_or(|k| k == wanted.kind);
    if same_type && (asked - wanted.duration).abs() <= LEASE_TOLERANCE_MS {
        return configured.clone();
    }
    auto_stop_block(lease.kind.as_deref().unwrap_or(&wanted.kind), asked)
}

/// The state of notebook `nb`. Attributes the API does not echo (volume URI,
/// hooks, timeouts, an unmanaged power state...) come from `carry`: the plan being
/// applied, or the prior state.
pub fn state_from_api(nb: &Notebook, carry: &Value) -> Value {
    let vol = nb.volume.clone().unwrap_or_default();
    let carried_vol = carry.attr("volume").elements().first().cloned().unwrap_or_default();
    let ssh = nb.ssh_endpoint();
    // The API may answer an empty description as "" or not at all: either is the
    // configured "" when that is what the configuration says, and null otherwise.
    let description = match nb.description.as_deref() {
        None | Some("") if carry.attr("description") == &Value::from("") => Value::from(""),
        None | Some("") => Value::Null,
        Some(d) => Value::from(d),
    };
    let ips = match ssh {
        Some(e) if !e.allowed_access_ips.is_empty() => {
            Value::List(e.allowed_access_ips.iter().map(|s| Value::from(s.as_str())).collect())
        }
        _ if matches!(carry.attr("allowed_access_ips"), Value::List(l) if l.is_empty()) => Value::List(Vec::new()),
        _ => Value::Null,
    };
    let kind = if vol.category.is_empty() {
        carried_vol.attr("type").as_str().unwrap_or("EVS").to_string()
    } else {
        vol.category.clone()
    };
    // The API reports the capacity of EFS storage too (only an EVS size is the user's
    // to set); without one, what was planned stays, and an unknown becomes null.
    let size = match vol.capacity {
        Some(c) => Value::int(c),
        None if carried_vol.attr("size").is_unknown() => Value::Null,
        None => carried_vol.attr("size").clone(),
    };
    Value::object([
        ("id", Value::from(nb.id.as_str())),
        ("region", carry.attr("region").clone()),
        ("name", Value::from(nb.name.as_str())),
        ("description", description),
        ("flavor_id", Value::from(nb.flavor.as_str())),
        ("image_id", Value::from(nb.image.id.as_str())),
        (
            "volume",
            Value::List(vec![Value::object([
                ("type", Value::from(kind)),
                (
                    "ownership",
                    Value::opt_string(vol.ownership.clone().or_else(|| opt_str(carried_vol.attr("ownership")))),
                ),
                ("uri", Value::opt_string(opt_str(carried_vol.attr("uri")).or(vol.uri.clone()))),
                (
                    "id",
                    Value::opt_string(
                        vol.id.clone().filter(|i| !i.is_empty()).or_else(|| opt_str(carried_vol.attr("id"))),
                    ),
                ),
                ("size", size),
                ("mount_path", Value::opt_string(vol.mount_path.clone())),
            ])]),
        ),
        ("key_pair", Value::opt_string(ssh.and_then(|e| e.key_pair_names.first().cloned()))),
        ("allowed_access_ips", ips),
        ("workspace_id", Value::opt_string(nb.workspace_id.clone().or_else(|| opt_str(carry.attr("workspace_id"))))),
        ("pool_id", Value::opt_string(nb.pool.as_ref().map(|p| p.id.clone()).filter(|p| !p.is_empty()))),
        ("running", Value::Bool(is_running(&nb.status))),
        (
            "allow_stopping_for_update",
            carry.attr("allow_stopping_for_update").as_bool().map_or(Value::Bool(true), Value::Bool),
        ),
        ("auto_stop", reconcile_auto_stop(nb, carry)),
        ("auto_stop_enabled", Value::Bool(nb.lease.as_ref().and_then(|l| l.enable).unwrap_or(false))),
        // The API never reports hooks: what was applied is kept.
        ("hooks", if carry.attr("hooks").is_null() { Value::List(Vec::new()) } else { carry.attr("hooks").clone() }),
        ("timeouts", carry.attr("timeouts").clone()),
        ("status", Value::from(nb.status.as_str())),
        ("url", Value::opt_string(nb.url.clone())),
        ("ssh_uri", Value::opt_string(ssh.and_then(|e| e.uri.clone()))),
        ("image_name", Value::opt_string(nb.image.name.clone())),
        ("image_swr_path", Value::opt_string(nb.image.swr_path.clone())),
        ("image_type", Value::opt_string(nb.image.kind.clone())),
        ("created_at", time(nb.create_at)),
        ("updated_at", time(nb.update_at)),
        ("pool_name", Value::opt_string(nb.pool.as_ref().and_then(|p| p.name.clone()).filter(|p| !p.is_empty()))),
        // Listed by a read ([`mounts_value`]); otherwise what was known (none for a new notebook).
        (
            "mount_storages",
            if carry.attr("mount_storages").is_wholly_known() && !carry.attr("mount_storages").is_null() {
                carry.attr("mount_storages").clone()
            } else {
                Value::List(Vec::new())
            },
        ),
        // Only a failed notebook has a reason to show; the API may keep a stale one.
        ("fail_reason", Value::opt_string(nb.fail_reason.clone().filter(|r| !r.is_empty() && nb.status.is_failure()))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::types::{EndpointRes, NotebookImage, Secret, VolumeRes};

    const CREATED: i64 = 1_638_841_744_515;

    fn notebook() -> Notebook {
        Notebook {
            id: "n1".into(),
            name: "nb".into(),
            flavor: "modelarts.vm.cpu.2u".into(),
            status: Status::Running,
            image: NotebookImage {
                id: "img".into(),
                name: Some("image".into()),
                swr_path: Some("swr/x".into()),
                tag: None,
                kind: Some("BUILD_IN".into()),
            },
            // Started 2,727,212 ms after creation with a 4 h auto-stop.
            lease: Some(Lease {
                create_at: Some(CREATED),
                duration: Some(2_727_212 + 4 * 3_600_000),
                enable: Some(true),
                kind: Some("TIMING".into()),
                update_at: Some(CREATED + 2_727_212),
            }),
            token: Some(Secret("web-ui-secret".into())),
            volume: Some(VolumeRes {
                category: "EVS".into(),
                ownership: Some("MANAGED".into()),
                capacity: Some(20),
                mount_path: Some("/home/ma-user/work/".into()),
                ..Default::default()
            }),
            endpoints: vec![EndpointRes {
                service: Some("SSH".into()),
                key_pair_names: vec!["kp".into()],
                allowed_access_ips: vec!["1.2.3.4".into()],
                uri: Some("192.168.0.9:22".into()),
                ..Default::default()
            }],
            create_at: Some(CREATED),
            ..Default::default()
        }
    }

    fn carry_with_auto_stop(d: &str) -> Value {
        Value::object([(
            "auto_stop",
            Value::List(vec![Value::object([("type", "TIMING".into()), ("duration", d.into())])]),
        )])
    }

    #[test]
    fn state_maps_every_attribute_and_never_the_token() {
        let s = state_from_api(&notebook(), &Value::object([("timeouts", Value::Null)]));
        assert_eq!(s.attr("running"), &Value::Bool(true));
        assert_eq!(s.attr("key_pair"), &Value::from("kp"));
        assert_eq!(s.attr("ssh_uri"), &Value::from("192.168.0.9:22"));
        assert_eq!(s.attr("created_at"), &Value::from("2021-12-07T01:49:04Z"));
        assert_eq!(s.attr("volume").elements()[0].attr("size").as_i64(), Some(20));
        assert_eq!(s.attr("description"), &Value::Null);
        assert_eq!(s.attr("auto_stop"), &Value::List(vec![]), "an unconfigured auto-stop is not recorded");
        assert_eq!(s.attr("auto_stop_enabled"), &Value::Bool(true), "but it is reported");
        assert_eq!(s.attr("allow_stopping_for_update"), &Value::Bool(true));
        assert!(!format!("{s:?}").contains("web-ui-secret"));
    }

    #[test]
    fn the_asked_duration_is_recovered_from_the_lease_numbers() {
        let l = notebook().lease.unwrap();
        assert_eq!(asked_duration_ms(&l), Some(4 * 3_600_000));
        // The seed page's start example: 6,327,212 - 2,727,212 = 1 h.
        let seed = Lease {
            create_at: Some(1_638_841_744_515),
            duration: Some(6_327_212),
            update_at: Some(1_638_844_471_727),
            ..Default::default()
        };
        assert_eq!(asked_duration_ms(&seed), Some(3_600_000));
    }

    #[test]
    fn auto_stop_is_kept_while_the_api_agrees_and_shows_drift_otherwise() {
        let same = state_from_api(&notebook(), &carry_with_auto_stop("240m"));
        assert_eq!(
            same.attr("auto_stop").elements()[0].attr("duration"),
            &Value::from("240m"),
            "same duration, spelled as configured"
        );
        let drift = state_from_api(&notebook(), &carry_with_auto_stop("2h"));
        assert_eq!(drift.attr("auto_stop").elements()[0].attr("duration"), &Value::from("4h"));
        let mut stopped = notebook();
        stopped.status = Status::Stopped;
        assert_eq!(
            state_from_api(&stopped, &carry_with_auto_stop("2h")).attr("auto_stop").elements()[0].attr("duration"),
            &Value::from("2h")
        );
        let mut off = notebook();
        off.lease.as_mut().unwrap().enable = Some(false);
        assert_eq!(state_from_api(&off, &carry_with_auto_stop("4h")).attr("auto_stop"), &Value::List(vec![]));
    }

    #[test]
    fn spec_from_plan() {
        let planned = Value::object([
            ("name", "nb".into()),
            ("flavor_id", "f".into()),
            ("image_id", "i".into()),
            ("running", Value::Bool(true)),
            ("key_pair", "kp".into()),
            ("allowed_access_ips", Value::List(vec!["1.1.1.1".into()])),
            ("volume", Value::List(vec![Value::object([("type", "EVS".into()), ("size", Value::Unknown)])])),
            (
                "hooks",
                Value::List(vec![Value::object([(
                    "pre_start",
                    Value::List(vec![Value::object([
                        ("script", "echo hi".into()),
                        ("type", "COMMAND".into()),
                        ("mode", "BLOCK".into()),
                    ])]),
                )])]),
            ),
            ("timeouts", Value::object([("create", "5m".into())])),
        ]);
        let s = Spec::from_plan(&planned, &Value::object([("running", Value::Null)]));
        assert_eq!(s.running, None, "running omitted in config is unmanaged");
        assert_eq!(s.volume.size, None);
        assert_eq!(s.timeouts.create, Duration::from_secs(300));
        assert_eq!(s.timeouts.delete, Duration::from_secs(900));
        assert_eq!(s.endpoints()[0].allowed_access_ips, Some(vec!["1.1.1.1".to_string()]));
        let pre = s.hooks.unwrap().container_hooks.pre_start.unwrap();
        assert_eq!(pre.script, "ZWNobyBoaQ==", "a COMMAND is sent base64-encoded");
        assert_eq!(pre.mode.as_deref(), Some("BLOCK"));
        assert!(s.allow_stopping_for_update);
    }
}
