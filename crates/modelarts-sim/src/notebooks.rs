//! The rules of the notebook calls, as the evidence says the API applies them
//! (`docs/development/modelarts-api.md`; the official SDK's models; the official Go
//! provider; the error-code table):
//!
//! - which status each change needs: `storage_new_size` a RUNNING notebook (the
//!   volume then shows `RESIZING`), `flavor` / `image_id` / `endpoints` / `hooks` a
//!   STOPPED one, `name` / `description` any settled status;
//! - the SSH key pair cannot change (the official provider treats it as ForceNew);
//! - the lease: `duration` counts from `lease.create_at` (the instance's creation);
//!   a start or renew for `D` sets it to `(now - create_at) + D`; `-1` turns
//!   auto-stop off; without a duration the API's default applies (1 h, TIMING);
//! - refusals carry the error table's codes: 6305 / 6307 already running / stopped,
//!   6306 / 6308 starting / stopping, 6357 busy, 0104 for a bad parameter — also for
//!   a change sent in the wrong status, for which the table has no code of its own.
//!
//! Deleting a RUNNING notebook is allowed: the official provider deletes without
//! stopping and its acceptance tests pass; `ModelArts.6304` ("stop before
//! deleting") can be injected as a fault.

use base64::Engine;
use serde_json::Value as J;

use super::catalogue::Catalogue;
use super::reply::{bad_parameter, busy, notebook, parse_body, q, refused, to_json, uuid_v4, Ctx, Refused};
use super::rules::{self, code};
use super::store::Record;
use modelarts_api::enums::{HookType, ImageStatus, LeaseType, NotebookFeature, Ownership, VolumeCategory};
use modelarts_api::enums::{StringEnum, Word};
use modelarts_api::timefmt::now_millis;
use modelarts_api::types::{
    CreateNotebook, CustomHooks, EndpointReq, EndpointRes, HookConfig, Image, Lease, LeaseReq, Notebook, NotebookImage,
    PoolRef, Secret, Status, UpdateNotebook, VolumeReq, VolumeRes, AUTO_STOP_OFF,
};

/// The lease the API applies when a create or start gives no duration.
fn default_lease() -> LeaseReq {
    LeaseReq { duration: *rules::LEASE_MS.start(), kind: Word::default() }
}

fn check_lease(l: &LeaseReq) -> Result<(), Refused> {
    rules::lease_ms(l.duration).or_else(|e| bad_parameter(format!("Parameter error: {e}")))?;
    if !l.kind.is_empty() && l.kind.known().is_none() {
        return bad_parameter(format!(
            "Parameter error: the auto-stop type must be TIMING or IDLE, not {:?}",
            l.kind.as_str()
        ));
    }
    Ok(())
}

/// The lease after a start or renew for `asked` (`None`: auto-stop off), at `now`.
fn leased(previous: Option<&Lease>, created: i64, asked: Option<&LeaseReq>, now: i64) -> Lease {
    let create_at = previous.and_then(|l| l.create_at).unwrap_or(created);
    match asked {
        None => Lease {
            create_at: Some(create_at),
            duration: previous.and_then(|l| l.duration),
            enable: Some(false),
            kind: previous.and_then(|l| l.kind.clone()).or(Some(LeaseType::Timing.into())),
            update_at: Some(now),
        },
        Some(l) => Lease {
            create_at: Some(create_at),
            duration: Some(now.saturating_sub(create_at).saturating_add(l.duration)),
            enable: Some(true),
            kind: Some(if l.kind.is_empty() { LeaseType::Timing.into() } else { l.kind.clone() }),
            update_at: Some(now),
        },
    }
}

/// The auto-stop a create or start asks for: `None` when turned off with `-1`.
fn asked_lease(duration: Option<i64>, kind: Option<&str>) -> Result<Option<LeaseReq>, Refused> {
    match duration {
        Some(AUTO_STOP_OFF) => Ok(None),
        Some(d) => {
            let l = LeaseReq { duration: d, kind: Word::parse(kind.unwrap_or_default()) };
            check_lease(&l)?;
            Ok(Some(l))
        }
        None => Ok(Some(LeaseReq { kind: Word::parse(kind.unwrap_or_default()), ..default_lease() })),
    }
}

fn check_endpoints(eps: &[EndpointReq]) -> Result<(), Refused> {
    for e in eps {
        if e.service != "SSH" && e.service != "NOTEBOOK" {
            return bad_parameter(format!(
                "Parameter error: endpoint service must be SSH or NOTEBOOK, not {:?}",
                e.service
            ));
        }
        if e.service == "SSH" && e.key_pair_names.is_empty() {
            return bad_parameter("Parameter error: an SSH endpoint needs a key pair");
        }
        let ips = e.allowed_access_ips.as_deref().unwrap_or_default();
        if ips.len() > rules::SSH_ADDRESSES {
            return bad_parameter(format!("Parameter error: at most {} allowed access IPs", rules::SSH_ADDRESSES));
        }
        for ip in ips {
            rules::ssh_address(ip).or_else(|e| bad_parameter(format!("Parameter error: allowed_access_ips: {e}")))?;
        }
    }
    Ok(())
}

fn endpoints_res(id: &str, eps: &[EndpointReq]) -> Vec<EndpointRes> {
    let host = 10 + id.bytes().map(u32::from).sum::<u32>() % 200;
    eps.iter()
        .map(|e| EndpointRes {
            service: Some(e.service.clone()),
            dev_service: Some(e.service.clone()),
            key_pair_names: e.key_pair_names.clone(),
            allowed_access_ips: e.allowed_access_ips.clone().unwrap_or_default(),
            uri: Some(format!("192.168.0.{host}:22")),
        })
        .collect()
}

fn check_hook(which: &str, h: &HookConfig) -> Result<(), Refused> {
    let kind = h.kind.clone().unwrap_or(HookType::Script.into());
    let Some(kind) = kind.known() else {
        let kind = kind.as_str();
        return bad_parameter(format!("Parameter error: hooks {which} type must be COMMAND or SCRIPT, not {kind:?}"));
    };
    if let Some(mode) = h.mode.as_ref().filter(|m| m.known().is_none()) {
        let mode = mode.as_str();
        return bad_parameter(format!("Parameter error: hooks {which} mode must be BLOCK or ASYNC, not {mode:?}"));
    }
    match kind {
        HookType::Command if base64::engine::general_purpose::STANDARD.decode(&h.script).is_err() => {
            bad_parameter(format!("Parameter error: hooks {which} script of a COMMAND must be base64-encoded"))
        }
        HookType::Script if !h.script.starts_with('/') => {
            bad_parameter(format!("Parameter error: hooks {which} script must be an absolute path, not {:?}", h.script))
        }
        _ => Ok(()),
    }
}

fn check_hooks(h: &CustomHooks) -> Result<(), Refused> {
    if let Some(p) = &h.container_hooks.pre_start {
        check_hook("pre_start", p)?;
    }
    if let Some(p) = &h.container_hooks.post_start {
        check_hook("post_start", p)?;
    }
    Ok(())
}

/// The image a notebook is made from: the catalogue's, or an `ACTIVE` one the
/// project saved (`saved`).
fn image_ref(catalogue: &Catalogue, saved: &[Image], image_id: &str, flavor: &str) -> Result<NotebookImage, Refused> {
    let active =
        saved.iter().find(|i| i.id == image_id && i.status.as_ref().is_some_and(|s| s.is(ImageStatus::Active)));
    let Some(image) = catalogue.image(image_id).or(active) else {
        return bad_parameter(format!("Parameter error: image {image_id} does not exist"));
    };
    if let Some(f) = catalogue.flavor(flavor) {
        if !catalogue.image_fits(image, f) {
            return bad_parameter(format!(
                "Parameter error: image {} supports {:?}, not the {} flavor {flavor}",
                image.name,
                image.resource_categories,
                f.category.clone().unwrap_or_default()
            ));
        }
    }
    Ok(notebook_image(image))
}

/// An image as a notebook's answer shows it (SDK `Image` of `NotebookResp`).
pub(crate) fn notebook_image(image: &Image) -> NotebookImage {
    NotebookImage {
        id: image.id.clone(),
        name: Some(image.name.clone()),
        swr_path: image.swr_path.clone(),
        tag: image.tag.clone(),
        kind: image.kind.clone(),
        origin: image.origin.clone(),
    }
}

/// The volume rules of `VolumeMountRequest`: the create enum, `DEDICATED` only for
/// EFS and then with the file system's `id` (a UUID) and `uri`; `capacity` counts
/// for EVS only (5–4096 GB; EFS is 50 GB by default).
fn volume_res(v: &VolumeReq) -> Result<VolumeRes, Refused> {
    let Some(category) = v.category.known() else {
        return bad_parameter(format!(
            "Parameter error: volume category must be one of {:?}, not {:?}",
            VolumeCategory::NAMES,
            v.category.as_str()
        ));
    };
    let Some(ownership) = v.ownership.known() else {
        return bad_parameter("Parameter error: volume ownership must be MANAGED or DEDICATED");
    };
    let dedicated = ownership == Ownership::Dedicated;
    if dedicated && category != VolumeCategory::Efs {
        return bad_parameter("Parameter error: DEDICATED ownership is supported only for EFS storage");
    }
    if dedicated && !v.id.as_deref().is_some_and(rules::uuid) {
        return bad_parameter("Parameter error: a dedicated EFS volume needs the file system's id (a UUID)");
    }
    if dedicated && v.uri.as_deref().is_none_or(str::is_empty) {
        return bad_parameter("Parameter error: a dedicated EFS volume needs its uri (the share path)");
    }
    if category == VolumeCategory::Evs && v.uri.is_some() {
        return bad_parameter("Parameter error: uri does not apply to EVS storage");
    }
    if v.uri.as_deref().is_some_and(|u| u.chars().count() > rules::VOLUME_URI_CHARS) {
        return bad_parameter("Parameter error: volume uri is longer than 1024 characters");
    }
    let capacity = match (category, v.capacity) {
        (VolumeCategory::Evs, None) => Some(*rules::EVS_GB.start()),
        (VolumeCategory::Evs, Some(c)) if !rules::EVS_GB.contains(&c) => {
            return bad_parameter(format!(
                "Parameter error: capacity must be {} to {} GB",
                rules::EVS_GB.start(),
                rules::EVS_GB.end()
            ))
        }
        (VolumeCategory::Evs, c) => c,
        (VolumeCategory::Efs, _) if !dedicated => Some(50),
        _ => None,
    };
    Ok(VolumeRes {
        category: v.category.clone(),
        id: v.id.clone(),
        ownership: Some(v.ownership.clone()),
        capacity,
        mount_path: Some(v.mount_path.clone().unwrap_or_else(|| "/home/ma-user/work/".into())),
        uri: v.uri.clone(),
        status: None,
    })
}

fn check_flavor(catalogue: &Catalogue, flavor: &str) -> Result<(), Refused> {
    match catalogue.flavor(flavor) {
        None => bad_parameter(format!("Parameter error: flavor {flavor} does not exist")),
        Some(f) if f.sold_out == Some(true) => {
            bad_parameter(format!("Parameter error: flavor {flavor} is sold out in this region"))
        }
        Some(_) => Ok(()),
    }
}

pub(crate) fn create(body: &[u8], ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let req: CreateNotebook = parse_body(body)?;
    rules::notebook_name(&req.name).or_else(|e| bad_parameter(format!("Parameter error: {e}")))?;
    if let Some(d) = &req.description {
        rules::description(d).or_else(|e| bad_parameter(format!("Parameter error: {e}")))?;
    }
    if let Some(w) = &req.workspace_id {
        rules::workspace_id(w).or_else(|e| bad_parameter(format!("Parameter error: workspace_id: {e}")))?;
    }
    check_flavor(ctx.catalogue, req.flavor.as_str())?;
    let saved = ctx.store.saved_images(ctx.project);
    let image = image_ref(ctx.catalogue, &saved, req.image_id.as_str(), req.flavor.as_str())?;
    let volume = volume_res(&req.volume)?;
    let endpoints = req.endpoints.clone().unwrap_or_default();
    check_endpoints(&endpoints)?;
    if let Some(h) = &req.hooks {
        check_hooks(h)?;
    }
    let asked = match &req.lease {
        Some(l) => {
            check_lease(l)?;
            Some(l.clone())
        }
        None => asked_lease(req.duration, None)?,
    };
    let id = uuid_v4();
    let now = now_millis();
    let notebook = Notebook {
        id: id.as_str().into(),
        name: req.name.clone(),
        description: req.description.clone(),
        flavor: req.flavor.clone(),
        status: Status::Creating,
        image,
        lease: Some(leased(None, now, asked.as_ref(), now)),
        url: Some(format!("https://authoring-modelarts-sim.local/{id}/lab")),
        token: Some(Secret(uuid_v4())),
        volume: Some(volume),
        endpoints: endpoints_res(&id, &endpoints),
        workspace_id: Some(req.workspace_id.clone().unwrap_or_else(|| "0".into())),
        pool: req.pool_id.as_ref().map(|p| PoolRef { id: p.clone(), name: Some(format!("pool-{p}")) }),
        feature: Some(req.feature.clone().unwrap_or(NotebookFeature::Notebook.into())),
        create_at: Some(now),
        update_at: Some(now),
        ..Default::default()
    };
    let mut record = Record::new(notebook);
    record.project = ctx.project.to_string();
    record.hooks = req.hooks;
    record.begin(Status::Creating, Status::Running, ctx.timings.create, &ctx.ending);
    let answer = to_json(&record.notebook);
    ctx.store.insert(record);
    Ok(answer)
}

/// Refuses an update field sent in the wrong status.
fn wrong_status<T>(n: &Notebook, fields: &str, needs: &str) -> Result<T, Refused> {
    bad_parameter(format!(
        "Parameter error: {fields} can be changed only when the instance is {needs}; instance {} is {}",
        n.id, n.status
    ))
}

pub(crate) fn update(id: &str, body: &[u8], ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let req: UpdateNotebook = parse_body(body)?;
    let catalogue = ctx.catalogue;
    let resize = ctx.timings.resize;
    let saved = ctx.store.saved_images(ctx.project);
    let r = notebook(ctx.store, ctx.project, id, false)?;
    let n = &r.notebook;
    if n.status.is_transitional() || n.volume.as_ref().is_some_and(VolumeRes::is_busy) {
        return busy(n, "update it");
    }
    let needs_stopped =
        req.flavor.is_some() || req.image_id.is_some() || req.endpoints.is_some() || req.hooks.is_some();
    if needs_stopped && n.status != Status::Stopped {
        return wrong_status(n, "flavor, image_id, endpoints and hooks", "STOPPED");
    }
    if req.storage_new_size.is_some() && n.status != Status::Running {
        // "EVS capacity that can be expanded dynamically": the volume grows while the instance runs.
        return wrong_status(n, "storage_new_size", "RUNNING");
    }
    if let Some(name) = &req.name {
        rules::notebook_name(name).or_else(|e| bad_parameter(format!("Parameter error: {e}")))?;
    }
    if let Some(d) = &req.description {
        rules::description(d).or_else(|e| bad_parameter(format!("Parameter error: {e}")))?;
    }
    let flavor = req.flavor.clone().unwrap_or_else(|| n.flavor.clone());
    if let Some(f) = req.flavor.as_ref().filter(|f| **f != n.flavor) {
        check_flavor(catalogue, f.as_str())?;
        if !catalogue.switchable_from(n.flavor.as_str()).iter().any(|x| &x.id == f) {
            return bad_parameter(format!(
                "Parameter error: instance {id} cannot switch from flavor {} to {f}",
                n.flavor
            ));
        }
    }
    let image = match &req.image_id {
        Some(i) => Some(image_ref(catalogue, &saved, i.as_str(), flavor.as_str())?),
        None if req.flavor.is_some() => Some(image_ref(catalogue, &saved, n.image.id.as_str(), flavor.as_str())?),
        None => None,
    };
    if let Some(size) = req.storage_new_size {
        let vol = n.volume.clone().unwrap_or_default();
        let current = vol.capacity.unwrap_or(0);
        if !vol.category.is(VolumeCategory::Evs) {
            return bad_parameter(format!("Parameter error: only EVS storage can be expanded, not {}", vol.category));
        }
        if size <= current || size > *rules::EVS_GB.end() {
            return bad_parameter(format!(
                "Parameter error: storage can only grow, up to {} GB: {current} GB to {size} GB refused",
                rules::EVS_GB.end()
            ));
        }
    }
    if let Some(eps) = &req.endpoints {
        check_endpoints(eps)?;
        let old: Vec<&Vec<String>> = n.endpoints.iter().map(|e| &e.key_pair_names).collect();
        let new: Vec<&Vec<String>> = eps.iter().map(|e| &e.key_pair_names).collect();
        if old != new {
            return bad_parameter("Parameter error: the SSH key pair of an instance cannot be changed");
        }
    }
    if let Some(h) = &req.hooks {
        check_hooks(h)?;
    }
    // All checks passed: apply.
    let n = &mut r.notebook;
    if let Some(name) = req.name {
        n.name = name;
    }
    if let Some(d) = req.description {
        n.description = Some(d);
    }
    n.flavor = flavor;
    if let Some(i) = image {
        n.image = i;
    }
    if let Some(eps) = req.endpoints {
        n.endpoints = endpoints_res(id, &eps);
    }
    n.update_at = Some(now_millis());
    if let (Some(size), Some(vol)) = (req.storage_new_size, n.volume.as_mut()) {
        vol.capacity = Some(size);
        r.begin_resize(resize);
    }
    if req.hooks.is_some() {
        r.hooks = req.hooks;
    }
    Ok(to_json(&r.notebook))
}

pub(crate) fn start(id: &str, query: &[(String, String)], ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let duration = match q(query, "duration") {
        Some(d) => Some(d.parse::<i64>().or_else(|_| bad_parameter(format!("Parameter error: duration {d:?}")))?),
        None => None,
    };
    let asked = asked_lease(duration, q(query, "type"))?;
    let r = notebook(ctx.store, ctx.project, id, false)?;
    match r.notebook.status {
        Status::Stopped | Status::StartFailed => {}
        Status::Running => return refused(400, code::RUNNING_ALREADY, "The instance is already running."),
        _ => return busy(&r.notebook, "start it"),
    }
    let created = r.notebook.create_at.unwrap_or_default();
    r.notebook.lease = Some(leased(r.notebook.lease.as_ref(), created, asked.as_ref(), now_millis()));
    r.begin(Status::Starting, Status::Running, ctx.timings.start, &ctx.ending);
    Ok(to_json(&r.notebook))
}

pub(crate) fn stop(id: &str, ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let r = notebook(ctx.store, ctx.project, id, false)?;
    match r.notebook.status {
        Status::Running if r.notebook.volume.as_ref().is_some_and(VolumeRes::is_busy) => {
            return busy(&r.notebook, "stop it while its volume is resizing")
        }
        Status::Running => {}
        Status::Stopped => return refused(400, code::STOPPED_ALREADY, "The instance has already been stopped."),
        _ => return busy(&r.notebook, "stop it"),
    }
    r.begin(Status::Stopping, Status::Stopped, ctx.timings.stop, &ctx.ending);
    Ok(to_json(&r.notebook))
}

/// Deletes a notebook. Refused while it starts, stops or is being deleted, or while
/// its volume resizes ("other operations cannot be performed", the error table
/// says of 6306); a notebook that hangs in CREATING can be deleted.
pub(crate) fn delete(id: &str, ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let r = notebook(ctx.store, ctx.project, id, false)?;
    let n = &r.notebook;
    if matches!(n.status, Status::Starting | Status::Stopping | Status::Deleting)
        || n.volume.as_ref().is_some_and(VolumeRes::is_busy)
    {
        return busy(n, "delete it");
    }
    r.begin(Status::Deleting, Status::Deleted, ctx.timings.delete, &ctx.ending);
    Ok(to_json(&r.notebook))
}

/// Renews auto-stop of a running notebook: body `LeaseReq`, or the `duration` query
/// (which wins, and means TIMING: SDK `RenewLeaseRequest.duration`).
pub(crate) fn renew_lease(id: &str, query: &[(String, String)], body: &[u8], ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let asked = match q(query, "duration") {
        Some(d) => LeaseReq {
            duration: d.parse().or_else(|_| bad_parameter(format!("Parameter error: duration {d:?}")))?,
            kind: "TIMING".into(),
        },
        None => parse_body(body)?,
    };
    check_lease(&asked)?;
    let r = notebook(ctx.store, ctx.project, id, false)?;
    if r.notebook.status != Status::Running {
        return bad_parameter(format!(
            "Parameter error: auto-stop can be renewed only while the instance runs; instance {id} is {}",
            r.notebook.status
        ));
    }
    let created = r.notebook.create_at.unwrap_or_default();
    let lease = leased(r.notebook.lease.as_ref(), created, Some(&asked), now_millis());
    r.notebook.lease = Some(lease.clone());
    Ok(to_json(&lease))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lease_counts_from_creation_and_grows_at_every_start() {
        let created = 1_638_841_744_515;
        let start = 1_638_844_471_727;
        // The seed page's start example: 2,727,212 elapsed + 3,600,000 asked.
        let l = leased(None, created, Some(&LeaseReq { duration: 3_600_000, kind: Word::default() }), start);
        assert_eq!(
            (l.duration, l.enable, l.kind.as_ref().map(Word::as_str)),
            (Some(6_327_212), Some(true), Some("TIMING"))
        );
        assert_eq!(l.create_at, Some(created));
        let off = leased(Some(&l), created, None, start + 10);
        assert_eq!(off.enable, Some(false));
        assert_eq!(off.create_at, Some(created));
    }

    #[test]
    fn lease_requests() {
        assert_eq!(asked_lease(Some(-1), None).unwrap(), None);
        assert_eq!(asked_lease(None, None).unwrap().unwrap().duration, 3_600_000);
        assert!(asked_lease(Some(60_000), None).is_err());
        assert!(asked_lease(Some(7_200_000), Some("SOMETIMES")).is_err());
    }

    #[test]
    fn volumes_follow_the_create_rules() {
        let v = |c: &str, o: &str| VolumeReq { category: c.into(), ownership: o.into(), ..Default::default() };
        assert!(volume_res(&v("SFS", "MANAGED")).is_err(), "SFS is not a create type");
        assert_eq!(volume_res(&v("EVS", "MANAGED")).unwrap().capacity, Some(5));
        assert_eq!(volume_res(&v("EFS", "MANAGED")).unwrap().capacity, Some(50));
        assert!(volume_res(&v("EVS", "DEDICATED")).is_err());
        assert!(volume_res(&v("EFS", "DEDICATED")).is_err(), "needs id and uri");
        let dedicated = VolumeReq {
            id: Some("280a8bd5-03e2-4a5c-bea1-83d81e75bc53".into()),
            uri: Some("192.168.0.3:/share".into()),
            ..v("EFS", "DEDICATED")
        };
        assert_eq!(volume_res(&dedicated).unwrap().id.as_deref(), Some("280a8bd5-03e2-4a5c-bea1-83d81e75bc53"));
        assert!(volume_res(&VolumeReq { uri: Some("x".into()), ..v("EVS", "MANAGED") }).is_err());
    }

    #[test]
    fn hooks_are_checked() {
        let h = |kind: &str, script: &str| HookConfig { script: script.into(), kind: Some(kind.into()), mode: None };
        assert!(check_hook("pre_start", &h("COMMAND", "ZWNobyBoaQ==")).is_ok());
        assert!(check_hook("pre_start", &h("COMMAND", "echo hi")).is_err());
        assert!(check_hook("pre_start", &h("SCRIPT", "/home/ma-user/start.sh")).is_ok());
        assert!(check_hook("pre_start", &h("SCRIPT", "start.sh")).is_err());
        assert!(check_hook("pre_start", &h("BATCH", "/x")).is_err());
    }
}
