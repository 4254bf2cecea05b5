//! The state written from what the API reports about a notebook.

use std::time::Duration;

use crate::client::enums::LeaseType;
use crate::client::types::{Lease, Mount, Notebook, NotebookImage, Status};
use crate::duration;
use crate::enums::{StringEnum, Word};
use crate::timefmt;

use super::model::{AutoStopModel, MountStorageModel, NotebookModel, VolumeModel};
use super::spec::lease_request;

/// RUNNING and STARTING (and CREATING, which ends RUNNING) count as running; so
/// does SNAPSHOTTING: an image is saved only from a running notebook (the SDK's
/// `create_image`: "the instance must be running"), which runs again afterwards.
pub(crate) fn is_running(status: &Status) -> bool {
    matches!(status, Status::Running | Status::Starting | Status::Creating | Status::Init | Status::Snapshotting)
}

fn time(ms: Option<i64>) -> Option<String> {
    ms.and_then(timefmt::rfc3339)
}

/// The `image_id` to record for a notebook that runs image `running`, when
/// `carried` is the configured one (or the prior state's). A notebook saved as an
/// image runs the saved image afterwards — the API reports it as the notebook's
/// (official docs of `huaweicloud_modelarts_notebook_image_store`: storing "will
/// change the value of `image_id`") — and putting the configured image back would
/// throw the saved environment away: so the configured image stays recorded, and
/// `current_image_id` shows the saved one. Any other image the notebook runs was
/// switched to elsewhere: recorded as it is, so the plan shows the drift.
pub(crate) fn recorded_image_id(running: &NotebookImage, carried: &str) -> String {
    let adopted = !carried.is_empty() && running.id != carried && running.is_saved() == Some(true);
    if adopted {
        carried.to_string()
    } else {
        running.id.to_string()
    }
}

/// The storage mounted into a notebook, as `mount_storages` (the official
/// provider's names: `type` is the API's `category`, `path` its `uri`).
pub(crate) fn mount_storages(mounts: &[Mount]) -> Vec<MountStorageModel> {
    mounts
        .iter()
        .map(|m| MountStorageModel {
            id: Some(m.id.to_string()),
            kind: m.category.as_ref().map(|c| c.to_string()),
            mount_path: m.mount_path.clone(),
            path: m.uri.clone(),
            status: m.status.as_ref().map(Word::to_string),
        })
        .collect()
}

/// The auto-stop duration asked for at the last start or renew: the API's
/// `duration` counts from `lease.create_at` (the instance's creation), and a start
/// or renew for `D` sets it to `(update_at - create_at) + D`, so the raw number
/// grows at every start and is never compared with the configured value.
pub(crate) fn asked_duration_ms(lease: &Lease) -> Option<i64> {
    let raw = lease.duration?;
    match (lease.create_at, lease.update_at) {
        (Some(c), Some(u)) if u >= c => Some(raw.saturating_sub(u.saturating_sub(c))),
        _ => Some(raw),
    }
}

/// How far the recovered duration may be from the configured one and still count
/// as the same (clocks and rounding).
const LEASE_TOLERANCE_MS: i64 = 60_000;

/// A lease as an `auto_stop` block.
pub(crate) fn auto_stop_block(kind: &str, asked_ms: i64) -> AutoStopModel {
    let secs = u64::try_from(asked_ms.max(0).saturating_add(500) / 1000).unwrap_or(0);
    AutoStopModel { kind: Some(kind.to_string()), duration: Some(duration::format(Duration::from_secs(secs))) }
}

/// The auto-stop to record. Configured: the configured block while the API agrees
/// with it (same type, duration within a minute), or cannot tell (the notebook is
/// not running: the next start applies it); otherwise what the API reports, so the
/// plan shows the drift. Not configured: nothing (`auto_stop_enabled` reports the
/// truth, and the next start turns auto-stop off).
fn reconcile_auto_stop(nb: &Notebook, carry: &NotebookModel) -> Option<AutoStopModel> {
    let configured = carry.auto_stop.as_ref()?;
    let wanted = lease_request(configured).ok()??;
    let lease = match &nb.lease {
        Some(l) if nb.status == Status::Running => l,
        _ => return Some(configured.clone()),
    };
    if lease.enable == Some(false) {
        return None;
    }
    let asked = asked_duration_ms(lease).unwrap_or(wanted.duration);
    let same_type = lease.kind.as_ref().is_none_or(|k| *k == wanted.kind);
    if same_type && (asked - wanted.duration).abs() <= LEASE_TOLERANCE_MS {
        return Some(configured.clone());
    }
    Some(auto_stop_block(lease.kind.as_ref().map_or(wanted.kind.as_str(), Word::as_str), asked))
}

/// The state of notebook `nb`. Attributes the API does not echo (volume URI,
/// hooks, timeouts, an unmanaged power state...) come from `carry`: the plan being
/// applied, or the prior state.
pub(crate) fn state_from_api(nb: &Notebook, carry: &NotebookModel) -> NotebookModel {
    let vol = nb.volume.clone().unwrap_or_default();
    let carried_vol = carry.volume.clone().unwrap_or_default();
    let ssh = nb.ssh_endpoint();
    // The API may answer an empty description as "" or not at all: either is the
    // configured "" when that is what the configuration says, and null otherwise.
    let description = match nb.description.as_deref() {
        None | Some("") if carry.description.as_deref() == Some("") => Some(String::new()),
        None | Some("") => None,
        Some(d) => Some(d.to_string()),
    };
    let allowed_access_ips = match ssh {
        Some(e) if !e.allowed_access_ips.is_empty() => Some(e.allowed_access_ips.clone()),
        _ if carry.allowed_access_ips.as_ref().is_some_and(Vec::is_empty) => Some(Vec::new()),
        _ => None,
    };
    let (tags, tags_all) =
        super::tags::recorded(&super::tags::reported(&nb.tag_map()), carry.tags.as_ref(), carry.tags_all.as_ref());
    let kind = if vol.category.is_empty() {
        carried_vol.kind.clone().or_else(|| Some("EVS".into()))
    } else {
        Some(vol.category.as_str().to_string())
    };
    NotebookModel {
        id: Some(nb.id.to_string()),
        region: carry.region.clone(),
        name: nb.name.clone(),
        description,
        flavor_id: nb.flavor.to_string(),
        image_id: recorded_image_id(&nb.image, &carry.image_id),
        volume: Some(VolumeModel {
            kind,
            ownership: vol.ownership.as_ref().map(Word::to_string).or(carried_vol.ownership),
            uri: carried_vol.uri.or(vol.uri.clone()),
            id: vol.id.clone().filter(|i| !i.is_empty()).or(carried_vol.id),
            // The API reports the capacity of EFS storage too (only an EVS size is the
            // user's to set); without one, what was planned stays (an unknown is null).
            size: vol.capacity.or(carried_vol.size),
            mount_path: vol.mount_path.clone(),
        }),
        key_pair: ssh.and_then(|e| e.key_pair_names.first().cloned()),
        allowed_access_ips,
        workspace_id: nb.workspace_id.clone().or_else(|| carry.workspace_id.clone()),
        pool_id: nb.pool.as_ref().map(|p| p.id.clone()).filter(|p| !p.is_empty()),
        running: Some(is_running(&nb.status)),
        allow_stopping_for_update: Some(carry.allow_stopping_for_update.unwrap_or(true)),
        auto_stop: reconcile_auto_stop(nb, carry),
        auto_stop_enabled: Some(nb.lease.as_ref().and_then(|l| l.enable).unwrap_or(false)),
        // The API never reports hooks: what was applied is kept.
        hooks: carry.hooks.clone(),
        timeouts: carry.timeouts.clone(),
        status: Some(nb.status.as_str().to_string()),
        url: nb.url.clone(),
        ssh_uri: ssh.and_then(|e| e.uri.clone()),
        current_image_id: Some(nb.image.id.to_string()).filter(|i| !i.is_empty()),
        image_name: nb.image.name.clone(),
        image_swr_path: nb.image.swr_path.clone(),
        image_type: nb.image.kind.clone(),
        created_at: time(nb.create_at),
        updated_at: time(nb.update_at),
        pool_name: nb.pool.as_ref().and_then(|p| p.name.clone()).filter(|p| !p.is_empty()),
        // Listed by a read ([`mount_storages`]); otherwise what was known (none for a new notebook).
        mount_storages: Some(carry.mount_storages.clone().unwrap_or_default()),
        // Only a failed notebook has a reason to show; the API may keep a stale one.
        fail_reason: nb.fail_reason.clone().filter(|r| !r.is_empty() && nb.status.is_failure()),
        tags,
        tags_all: Some(tags_all),
    }
}

/// The auto-stop the API reports, for a notebook read without configuration (an
/// import, the data source): the duration asked for at its last start.
pub(crate) fn reported_auto_stop(lease: Option<&Lease>) -> Option<AutoStopModel> {
    let l = lease.filter(|l| l.enable == Some(true))?;
    Some(auto_stop_block(
        l.kind.as_ref().map_or(LeaseType::Timing.as_str(), Word::as_str),
        asked_duration_ms(l).unwrap_or(0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::types::{EndpointRes, Secret, VolumeRes};
    use crate::framework::IntoValue;
    use crate::protocol::Value;

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
                origin: None,
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

    fn carry_with_auto_stop(d: &str) -> NotebookModel {
        NotebookModel {
            auto_stop: Some(AutoStopModel { kind: Some("TIMING".into()), duration: Some(d.into()) }),
            ..Default::default()
        }
    }

    fn duration_of(m: &NotebookModel) -> Option<&str> {
        m.auto_stop.as_ref().and_then(|a| a.duration.as_deref())
    }

    #[test]
    fn state_maps_every_attribute_and_never_the_token() {
        let s = state_from_api(&notebook(), &NotebookModel::default());
        assert_eq!(s.running, Some(true));
        assert_eq!(s.key_pair.as_deref(), Some("kp"));
        assert_eq!(s.ssh_uri.as_deref(), Some("192.168.0.9:22"));
        assert_eq!(s.created_at.as_deref(), Some("2021-12-07T01:49:04Z"));
        assert_eq!(s.volume.as_ref().and_then(|v| v.size), Some(20));
        assert_eq!(s.description, None);
        assert_eq!(s.auto_stop, None, "an unconfigured auto-stop is not recorded");
        assert_eq!(s.auto_stop_enabled, Some(true), "but it is reported");
        assert_eq!(s.allow_stopping_for_update, Some(true));
        let v = s.into_value();
        assert_eq!(v.attr("auto_stop"), &Value::List(vec![]));
        assert!(!format!("{v:?}").contains("web-ui-secret"));
    }

    #[test]
    fn a_saved_image_is_adopted_and_any_other_switch_is_drift() {
        let configured = NotebookModel { image_id: "base".into(), ..Default::default() };
        let mut saved = notebook();
        saved.image = NotebookImage { id: "saved".into(), origin: Some("IMAGE_SAVE".into()), ..Default::default() };
        let s = state_from_api(&saved, &configured);
        assert_eq!((s.image_id.as_str(), s.current_image_id.as_deref()), ("base", Some("saved")));
        // Switched in the console to an image not saved from a notebook: drift.
        let mut switched = notebook();
        switched.image = NotebookImage { id: "other".into(), origin: Some("CUSTOMIZE".into()), ..Default::default() };
        assert_eq!(state_from_api(&switched, &configured).image_id, "other");
        switched.image.origin = None;
        assert_eq!(state_from_api(&switched, &configured).image_id, "other", "an origin not reported is not a save");
        // Imported (nothing carried): what runs.
        assert_eq!(state_from_api(&saved, &NotebookModel::default()).image_id, "saved");
    }

    #[test]
    fn a_notebook_saving_an_image_counts_as_running() {
        for (status, running) in [
            ("RUNNING", true),
            ("SNAPSHOTTING", true),
            ("STARTING", true),
            ("STOPPING", false),
            ("STOPPED", false),
            ("ERROR", false),
        ] {
            assert_eq!(is_running(&Status::parse(status)), running, "{status}");
        }
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
        assert_eq!(duration_of(&same), Some("240m"), "same duration, spelled as configured");
        let drift = state_from_api(&notebook(), &carry_with_auto_stop("2h"));
        assert_eq!(duration_of(&drift), Some("4h"));
        let mut stopped = notebook();
        stopped.status = Status::Stopped;
        assert_eq!(duration_of(&state_from_api(&stopped, &carry_with_auto_stop("2h"))), Some("2h"));
        let mut off = notebook();
        off.lease.as_mut().unwrap().enable = Some(false);
        assert_eq!(state_from_api(&off, &carry_with_auto_stop("4h")).auto_stop, None);
    }
}
