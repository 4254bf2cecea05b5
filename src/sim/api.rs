//! The notebook API as the simulator serves it: routing, the state machine's rules,
//! and validation with `ModelArts.xxxx` error codes.

use serde_json::{json, Value as J};

use super::catalogue::Catalogue;
use super::faults::Op;
use super::store::{restart_lease, Ending, Record, Store, Timings};
use crate::client::limits;
use crate::client::types::{
    CreateNotebook, EndpointReq, EndpointRes, Lease, LeaseReq, Notebook, NotebookImage, Page, PoolRef, Secret, Status,
    UpdateNotebook, VolumeRes,
};
use crate::timefmt::now_millis;

/// An API error answer.
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

fn refused<T>(status: u16, code: &'static str, message: impl Into<String>) -> Result<T, Refused> {
    Err(Refused { status, code, message: message.into() })
}

fn bad_request<T>(message: impl Into<String>) -> Result<T, Refused> {
    refused(400, "ModelArts.6101", message)
}

/// Maps method and path (after `/v1/{project}/`) to an operation and notebook id.
pub fn route(method: &str, rest: &[&str]) -> Option<(Op, Option<String>)> {
    let id = |s: &str| Some(s.to_string());
    Some(match (method, rest) {
        ("GET", ["notebooks"]) => (Op::List, None),
        ("POST", ["notebooks"]) => (Op::Create, None),
        ("GET", ["notebooks", "flavors"]) => (Op::Flavors, None),
        ("GET", ["notebooks", n]) => (Op::Show, id(n)),
        ("PUT", ["notebooks", n]) => (Op::Update, id(n)),
        ("DELETE", ["notebooks", n]) => (Op::Delete, id(n)),
        ("POST", ["notebooks", n, "start"]) => (Op::Start, id(n)),
        ("POST", ["notebooks", n, "stop"]) => (Op::Stop, id(n)),
        ("GET", ["notebooks", n, "flavors"]) => (Op::SwitchableFlavors, id(n)),
        ("GET", ["notebooks", n, "lease"]) => (Op::LeaseShow, id(n)),
        ("PATCH", ["notebooks", n, "lease"]) => (Op::LeaseRenew, id(n)),
        ("GET", ["images"]) => (Op::Images, None),
        _ => return None,
    })
}

/// Everything an operation may touch.
pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub catalogue: &'a Catalogue,
    pub timings: &'a Timings,
    /// How the transition this call starts will end.
    pub ending: Ending,
}

fn q<'a>(query: &'a [(String, String)], k: &str) -> Option<&'a str> {
    query.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str())
}

fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refused> {
    serde_json::from_slice(body).or_else(|e| bad_request(format!("invalid request body: {e}")))
}

fn not_found<T>(id: &str, show: bool) -> Result<T, Refused> {
    // The API spells "not found" three ways; the simulator uses two of them.
    if show {
        refused(404, "ModelArts.6404", format!("notebook {id} not found"))
    } else {
        refused(400, "ModelArts.6309", format!("notebook {id} does not exist"))
    }
}

fn wrong_state<T>(n: &Notebook, what: &str) -> Result<T, Refused> {
    refused(400, "ModelArts.6573", format!("cannot {what}: notebook {} is {}", n.id, n.status))
}

fn to_json(n: &impl serde::Serialize) -> J {
    serde_json::to_value(n).unwrap_or(J::Null)
}

pub fn dispatch(
    op: Op,
    id: Option<&str>,
    query: &[(String, String)],
    body: &[u8],
    ctx: &mut Ctx<'_>,
) -> Result<J, Refused> {
    let id = id.unwrap_or_default();
    match op {
        Op::Create => create(body, ctx),
        Op::List => list(query, ctx),
        Op::Flavors => Ok(flavors(query, ctx.catalogue)),
        Op::Images => Ok(images(query, ctx.catalogue)),
        Op::Show => ctx.store.get_mut(id).map(|r| to_json(&r.notebook)).map_or_else(|| not_found(id, true), Ok),
        Op::Update => update(id, body, ctx),
        Op::Delete => {
            let r = ctx.store.get_mut(id).map_or_else(|| not_found(id, false), Ok)?;
            if r.notebook.status == Status::Deleting {
                return wrong_state(&r.notebook, "delete");
            }
            r.begin(Status::Deleting, Status::Deleted, ctx.timings.delete, &ctx.ending);
            Ok(to_json(&r.notebook))
        }
        Op::Start => start(id, query, ctx),
        Op::Stop => {
            let r = ctx.store.get_mut(id).map_or_else(|| not_found(id, false), Ok)?;
            if r.notebook.status != Status::Running {
                return wrong_state(&r.notebook, "stop");
            }
            r.begin(Status::Stopping, Status::Stopped, ctx.timings.stop, &ctx.ending);
            Ok(to_json(&r.notebook))
        }
        Op::SwitchableFlavors => {
            let r = ctx.store.get_mut(id).map_or_else(|| not_found(id, false), Ok)?;
            let list = ctx.catalogue.switchable_from(&r.notebook.flavor);
            Ok(json!({ "flavors": list, "total": list.len() }))
        }
        Op::LeaseShow => {
            let r = ctx.store.get_mut(id).map_or_else(|| not_found(id, false), Ok)?;
            Ok(to_json(&r.notebook.lease.clone().unwrap_or_default()))
        }
        Op::LeaseRenew => {
            let req: LeaseReq = parse_body(body)?;
            let r = ctx.store.get_mut(id).map_or_else(|| not_found(id, false), Ok)?;
            if r.notebook.status != Status::Running {
                return wrong_state(&r.notebook, "renew the auto-stop of a notebook that is not running");
            }
            check_lease(&req)?;
            r.notebook.lease = Some(lease_from(&req));
            Ok(to_json(&r.notebook.lease))
        }
    }
}

fn check_lease(l: &LeaseReq) -> Result<(), Refused> {
    limits::check_lease_ms(l.duration).or_else(|e| refused(400, "ModelArts.6420", e))?;
    if !limits::LEASE_TYPES.contains(&l.kind.as_str()) {
        return refused(400, "ModelArts.6421", format!("auto-stop type must be TIMING or IDLE, not {:?}", l.kind));
    }
    Ok(())
}

fn lease_from(l: &LeaseReq) -> Lease {
    let now = now_millis();
    Lease {
        create_at: Some(now),
        duration: Some(l.duration),
        enable: Some(true),
        kind: Some(l.kind.clone()),
        update_at: Some(now),
    }
}

fn check_endpoints(eps: &[EndpointReq]) -> Result<(), Refused> {
    for e in eps {
        if e.service != "SSH" {
            return bad_request(format!("endpoint service must be SSH, not {:?}", e.service));
        }
        if e.key_pair_names.is_empty() {
            return bad_request("an SSH endpoint needs at least one key pair");
        }
        if e.allowed_access_ips.len() > limits::MAX_ALLOWED_IPS {
            return bad_request(format!("at most {} allowed access IPs", limits::MAX_ALLOWED_IPS));
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
            allowed_access_ips: e.allowed_access_ips.clone(),
            uri: Some(format!("192.168.0.{host}:22")),
        })
        .collect()
}

fn image_ref(catalogue: &Catalogue, image_id: &str, flavor: &str) -> Result<NotebookImage, Refused> {
    let Some(image) = catalogue.image(image_id) else {
        return refused(400, "ModelArts.6402", format!("image {image_id} does not exist"));
    };
    if let Some(f) = catalogue.flavor(flavor) {
        if !catalogue.image_fits(image, f) {
            return refused(
                400,
                "ModelArts.6403",
                format!(
                    "image {} supports {:?}, not the {} flavor {flavor}",
                    image.name,
                    image.resource_categories,
                    f.category.clone().unwrap_or_default()
                ),
            );
        }
    }
    Ok(NotebookImage {
        id: image.id.clone(),
        name: Some(image.name.clone()),
        swr_path: image.swr_path.clone(),
        tag: image.tag.clone(),
        kind: image.kind.clone(),
    })
}

fn create(body: &[u8], ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let req: CreateNotebook = parse_body(body)?;
    limits::check_name(&req.name).or_else(bad_request)?;
    if let Some(d) = &req.description {
        limits::check_description(d).or_else(bad_request)?;
    }
    match ctx.catalogue.flavor(&req.flavor) {
        None => return refused(400, "ModelArts.6401", format!("flavor {} does not exist", req.flavor)),
        Some(f) if f.sold_out == Some(true) => {
            return refused(400, "ModelArts.6405", format!("flavor {} is sold out", req.flavor))
        }
        Some(_) => {}
    }
    let image = image_ref(ctx.catalogue, &req.image_id, &req.flavor)?;
    let v = &req.volume;
    if !limits::VOLUME_CATEGORIES.contains(&v.category.as_str()) {
        return bad_request(format!("volume category must be one of {:?}", limits::VOLUME_CATEGORIES));
    }
    if !limits::OWNERSHIPS.contains(&v.ownership.as_str()) {
        return bad_request("volume ownership must be MANAGED or DEDICATED");
    }
    if v.ownership == "DEDICATED" && v.category != "EFS" {
        return bad_request("DEDICATED ownership is supported only for EFS storage");
    }
    let capacity = match (v.category.as_str(), v.capacity) {
        ("EVS", None) => Some(limits::MIN_STORAGE_GB),
        ("EFS", None) => Some(50),
        (_, Some(c)) if !(limits::MIN_STORAGE_GB..=limits::MAX_STORAGE_GB).contains(&c) => {
            return refused(
                400,
                "ModelArts.6575",
                format!("capacity must be {} to {} GB", limits::MIN_STORAGE_GB, limits::MAX_STORAGE_GB),
            )
        }
        (_, c) => c,
    };
    let endpoints = req.endpoints.clone().unwrap_or_default();
    check_endpoints(&endpoints)?;
    if let Some(l) = &req.lease {
        check_lease(l)?;
    }
    let id = uuid_v4();
    let now = now_millis();
    let notebook = Notebook {
        id: id.clone(),
        name: req.name.clone(),
        description: req.description.clone(),
        flavor: req.flavor.clone(),
        status: Status::Creating,
        image,
        lease: Some(req.lease.as_ref().map(lease_from).unwrap_or(Lease { enable: Some(false), ..Default::default() })),
        url: Some(format!("https://authoring-modelarts-sim.local/{id}/lab")),
        token: Some(Secret(uuid_v4())),
        volume: Some(VolumeRes {
            category: v.category.clone(),
            ownership: Some(v.ownership.clone()),
            capacity,
            mount_path: Some(v.mount_path.clone().unwrap_or_else(|| "/home/ma-user/work/".into())),
            uri: v.uri.clone(),
            status: None,
        }),
        endpoints: endpoints_res(&id, &endpoints),
        workspace_id: Some(req.workspace_id.clone().unwrap_or_else(|| "0".into())),
        pool: req.pool_id.as_ref().map(|p| PoolRef { id: p.clone(), name: Some(format!("pool-{p}")) }),
        feature: Some(req.feature.clone().unwrap_or_else(|| "NOTEBOOK".into())),
        create_at: Some(now),
        update_at: Some(now),
        ..Default::default()
    };
    let mut record = Record::new(notebook);
    record.begin(Status::Creating, Status::Running, ctx.timings.create, &ctx.ending);
    let answer = to_json(&record.notebook);
    ctx.store.insert(record);
    Ok(answer)
}

fn update(id: &str, body: &[u8], ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let req: UpdateNotebook = parse_body(body)?;
    let catalogue = ctx.catalogue;
    let r = ctx.store.get_mut(id).map_or_else(|| not_found(id, false), Ok)?;
    let n = &mut r.notebook;
    let needs_stop = req.flavor.is_some()
        || req.image_id.is_some()
        || req.storage_new_size.is_some()
        || req.endpoints.is_some()
        || req.hooks.is_some();
    if needs_stop && n.status != Status::Stopped {
        return wrong_state(n, "change flavor, image, storage, endpoints or hooks unless the notebook is STOPPED");
    }
    if n.status == Status::Deleting {
        return wrong_state(n, "update");
    }
    if let Some(name) = &req.name {
        limits::check_name(name).or_else(bad_request)?;
    }
    if let Some(d) = &req.description {
        limits::check_description(d).or_else(bad_request)?;
    }
    let flavor = req.flavor.clone().unwrap_or_else(|| n.flavor.clone());
    if let Some(f) = &req.flavor {
        if f != &n.flavor && !catalogue.switchable_from(&n.flavor).iter().any(|x| &x.id == f) {
            return refused(
                400,
                "ModelArts.6574",
                format!("notebook {id} cannot switch from flavor {} to {f}", n.flavor),
            );
        }
    }
    let image = match &req.image_id {
        Some(i) => Some(image_ref(catalogue, i, &flavor)?),
        None if req.flavor.is_some() => Some(image_ref(catalogue, &n.image.id, &flavor)?),
        None => None,
    };
    if let Some(size) = req.storage_new_size {
        let vol = n.volume.clone().unwrap_or_default();
        let current = vol.capacity.unwrap_or(0);
        if vol.category != "EVS" {
            return refused(400, "ModelArts.6575", format!("only EVS storage can be expanded, not {}", vol.category));
        }
        if size <= current || size > limits::MAX_STORAGE_GB {
            return refused(
                400,
                "ModelArts.6575",
                format!(
                    "storage can only grow, up to {} GB: {current} GB to {size} GB refused",
                    limits::MAX_STORAGE_GB
                ),
            );
        }
    }
    if let Some(eps) = &req.endpoints {
        check_endpoints(eps)?;
    }
    // All checks passed: apply.
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
    if let (Some(size), Some(vol)) = (req.storage_new_size, n.volume.as_mut()) {
        vol.capacity = Some(size);
    }
    if let Some(eps) = req.endpoints {
        n.endpoints = endpoints_res(id, &eps);
    }
    n.update_at = Some(now_millis());
    Ok(to_json(n))
}

fn start(id: &str, query: &[(String, String)], ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let duration = match q(query, "duration") {
        Some(d) => d.parse::<i64>().or_else(|_| bad_request(format!("duration {d:?} is not a number")))?,
        None => limits::MIN_LEASE_MS,
    };
    let lease = LeaseReq { duration, kind: q(query, "type").unwrap_or("TIMING").to_string() };
    check_lease(&lease)?;
    let r = ctx.store.get_mut(id).map_or_else(|| not_found(id, false), Ok)?;
    if !matches!(r.notebook.status, Status::Stopped | Status::StartFailed) {
        return wrong_state(&r.notebook, "start");
    }
    r.notebook.lease = Some(lease_from(&lease));
    restart_lease(&mut r.notebook);
    r.begin(Status::Starting, Status::Running, ctx.timings.start, &ctx.ending);
    Ok(to_json(&r.notebook))
}

fn paginate<T: serde::Serialize>(items: Vec<T>, query: &[(String, String)]) -> Result<J, Refused> {
    let offset: usize =
        q(query, "offset").map_or(Ok(0), |v| v.parse().or_else(|_| bad_request("offset must be a number")))?;
    let limit: usize = q(query, "limit")
        .map_or(Ok(items.len().max(1)), |v| v.parse().or_else(|_| bad_request("limit must be a number")))?;
    if limit == 0 || limit > 1000 {
        return bad_request("limit must be 1 to 1000");
    }
    let total = items.len();
    let data: Vec<T> = items.into_iter().skip(offset).take(limit).collect();
    let page = Page {
        current: (offset / limit) as i64,
        size: data.len() as i64,
        data,
        pages: total.div_ceil(limit) as i64,
        total: total as i64,
        flavors: None,
    };
    Ok(to_json(&page))
}

fn list(query: &[(String, String)], ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let mut all = ctx.store.all();
    // Newest first, as the API's default sort; names match fuzzily (substring), as the API's do.
    all.reverse();
    all.retain(|n| {
        q(query, "name").is_none_or(|name| n.name.contains(name))
            && q(query, "status").is_none_or(|s| n.status.as_str() == s)
            && q(query, "pool_id").is_none_or(|p| n.pool.as_ref().is_some_and(|x| x.id == p))
    });
    paginate(all, query)
}

fn flavors(query: &[(String, String)], catalogue: &Catalogue) -> J {
    let list: Vec<_> = catalogue
        .flavors
        .iter()
        .filter(|f| {
            q(query, "category").is_none_or(|c| f.category.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(c)))
        })
        // Every simulated flavor runs on the public (MANAGED) cluster.
        .filter(|_| q(query, "type").is_none_or(|t| t.eq_ignore_ascii_case("MANAGED")))
        .cloned()
        .collect();
    paginate(list, query).unwrap_or(J::Null)
}

fn images(query: &[(String, String)], catalogue: &Catalogue) -> J {
    let list: Vec<_> = catalogue
        .images
        .iter()
        .filter(|i| {
            q(query, "name")
                .is_none_or(|n| i.name == n || (q(query, "name_fuzzy_match") == Some("true") && i.name.contains(n)))
        })
        .filter(|i| q(query, "type").is_none_or(|t| i.kind.as_deref() == Some(t)))
        .filter(|i| q(query, "service_type").is_none_or(|t| i.service_type.as_deref() == Some(t)))
        .cloned()
        .collect();
    paginate(list, query).unwrap_or(J::Null)
}

/// A random (version 4) UUID.
pub fn uuid_v4() -> String {
    use aws_lc_rs::rand::{SecureRandom, SystemRandom};
    let mut b = [0u8; 16];
    let _ = SystemRandom::new().fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}
