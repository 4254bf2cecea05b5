//! The notebook API as the simulator serves it: routing, dispatch and the list
//! calls. The rules of each notebook call are in [`super::notebooks`]; what every
//! handler answers with is in [`super::reply`].

use serde_json::Value as J;

use super::catalogue::Catalogue;
use super::faults::Op;
use super::reply::{bad_parameter, notebook, q, to_json, Ctx, Refused};
use super::rules::PAGE_SIZES;
use super::{images, mounts, notebooks, tags};
use modelarts_api::enums::{NotebookFeature, StringEnum};
use modelarts_api::types::{Image, Page};

/// A request's operation, the notebook (or image) it is about, and the storage
/// mount within that notebook.
#[derive(Clone, Debug)]
pub(crate) struct Route {
    pub op: Op,
    pub id: Option<String>,
    pub mount: Option<String>,
}

/// Maps method and path (after `/v1/{project}/`) to a [`Route`].
pub(crate) fn route(method: &str, rest: &[&str]) -> Option<Route> {
    let id = |s: &str| Some(s.to_string());
    if let ("GET" | "DELETE", ["notebooks", n, "storage", m]) = (method, rest) {
        let op = if method == "GET" { Op::StorageShow } else { Op::StorageUnmount };
        return Some(Route { op, id: id(n), mount: id(m) });
    }
    let (op, id) = match (method, rest) {
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
        ("GET", ["notebooks", n, "storage"]) => (Op::StorageList, id(n)),
        ("POST", ["notebooks", n, "storage"]) => (Op::StorageMount, id(n)),
        ("POST", ["notebooks", n, "create-image"]) => (Op::SaveImage, id(n)),
        ("POST", ["notebooks", n, "tags", "create"]) => (Op::TagsCreate, id(n)),
        ("DELETE", ["notebooks", n, "tags", "delete"]) => (Op::TagsDelete, id(n)),
        ("PATCH", ["notebooks", n, "lease"]) => (Op::LeaseRenew, id(n)),
        ("GET", ["images"]) => (Op::Images, None),
        ("GET", ["images", image]) => (Op::ImageShow, id(image)),
        _ => return None,
    };
    Some(Route { op, id, mount: None })
}

pub(crate) fn dispatch(
    route: &Route,
    query: &[(String, String)],
    body: &[u8],
    ctx: &mut Ctx<'_>,
) -> Result<J, Refused> {
    let id = route.id.as_deref().unwrap_or_default();
    let mount = route.mount.as_deref().unwrap_or_default();
    match route.op {
        Op::Create => notebooks::create(body, ctx),
        Op::List => list(query, ctx),
        Op::Flavors => flavors(query, ctx.catalogue),
        Op::Images => {
            let saved = ctx.store.saved_images(ctx.project);
            list_images(query, ctx.catalogue.images.iter().chain(&saved))
        }
        // The id is an image's here, not a notebook's.
        Op::ImageShow => images::show(id, ctx),
        Op::SaveImage => {
            let during = ctx.timings.image;
            images::save(id, body, ctx, during)
        }
        Op::Show => notebook(ctx.store, ctx.project, id, true).map(|r| to_json(&r.notebook)),
        Op::Update => notebooks::update(id, body, ctx),
        Op::Delete => notebooks::delete(id, ctx),
        Op::Start => notebooks::start(id, query, ctx),
        Op::Stop => notebooks::stop(id, ctx),
        Op::SwitchableFlavors => {
            let r = notebook(ctx.store, ctx.project, id, false)?;
            let list = ctx.catalogue.switchable_from(r.notebook.flavor.as_str());
            let page = Page {
                current: 0,
                size: list.len() as i64,
                pages: 1,
                total: list.len() as i64,
                data: Vec::new(),
                flavors: Some(list),
            };
            Ok(to_json(&page))
        }
        Op::LeaseShow => {
            let r = notebook(ctx.store, ctx.project, id, false)?;
            Ok(to_json(&r.notebook.lease.clone().unwrap_or_default()))
        }
        Op::LeaseRenew => notebooks::renew_lease(id, query, body, ctx),
        Op::StorageList => {
            let r = notebook(ctx.store, ctx.project, id, false)?;
            let mounts: Vec<_> = r.mounts.iter().map(|m| m.mount.clone()).collect();
            let n = mounts.len() as i64;
            Ok(to_json(&Page { current: 0, size: n, pages: 1, total: n, data: mounts, flavors: None }))
        }
        Op::StorageMount => {
            let during = ctx.timings.mount;
            mounts::mount(id, body, ctx, during)
        }
        Op::StorageShow => mounts::show(id, mount, ctx),
        Op::TagsCreate => tags::create(id, query, body, ctx),
        Op::TagsDelete => tags::delete(id, query, body, ctx),
        Op::StorageUnmount => {
            let during = ctx.timings.mount;
            mounts::unmount(id, mount, ctx, during)
        }
    }
}

/// Which page sizes a list call takes, and its default (SDK `ListNotebooksRequest`:
/// 10, 20 or 50, default 10; `ListImageRequest`: any positive number, default 200;
/// `ListFlavorsRequest`: any, "no limit by default").
#[derive(Clone, Copy, Debug)]
enum Paging {
    /// One of these sizes, and the first is the default.
    OneOf(&'static [usize]),
    /// Any positive size, with this default (`None`: everything in one page).
    Any(Option<usize>),
}

/// `offset` / `limit` pagination as `paging` allows it.
fn paginate<T: serde::Serialize>(items: Vec<T>, query: &[(String, String)], paging: Paging) -> Result<J, Refused> {
    let offset: usize = match q(query, "offset") {
        None => 0,
        Some(v) => v.parse().or_else(|_| bad_parameter(format!("Parameter error: offset {v:?} is not a number")))?,
    };
    let limit: usize = match (q(query, "limit"), paging) {
        (None, Paging::OneOf(sizes)) => sizes.first().copied().unwrap_or(10),
        (None, Paging::Any(default)) => default.unwrap_or(items.len()).max(1),
        (Some(v), Paging::OneOf(sizes)) => match v.parse() {
            Ok(l) if sizes.contains(&l) => l,
            _ => return bad_parameter(format!("Parameter error: limit must be one of {sizes:?}, not {v:?}")),
        },
        (Some(v), Paging::Any(_)) => match v.parse() {
            Ok(l) if l > 0 => l,
            _ => return bad_parameter(format!("Parameter error: limit must be a positive number, not {v:?}")),
        },
    };
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

/// The list call's filters, as SDK `ListNotebooksRequest` describes them: `name` and
/// `flavor` match fuzzily (substring), `feature` is `NOTEBOOK` and `workspace_id`
/// `0` (the default workspace) unless asked, `tags` (`k1|v1,k2|v2`) keeps notebooks
/// with every tag, and `billing` is one of its three values. Every simulated
/// notebook is billed for compute and storage alike, so `billing` narrows nothing.
fn list(query: &[(String, String)], ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    if let Some(b) = q(query, "billing").filter(|b| !["COMPUTE", "STORAGE", "ALL"].contains(b)) {
        return bad_parameter(format!("Parameter error: billing must be COMPUTE, STORAGE or ALL, not {b:?}"));
    }
    let wanted_tags = match q(query, "tags") {
        Some(t) => tags::parse_filter(t)?,
        None => Vec::new(),
    };
    let feature = q(query, "feature").unwrap_or("NOTEBOOK");
    let workspace = q(query, "workspace_id").unwrap_or("0");
    let mut all = ctx.store.all_of(ctx.project);
    // Newest first, as the API's default sort.
    all.reverse();
    all.retain(|n| {
        q(query, "name").is_none_or(|name| n.name.contains(name))
            && q(query, "status").is_none_or(|s| n.status.as_str() == s)
            && q(query, "pool_id").is_none_or(|p| n.pool.as_ref().is_some_and(|x| x.id == p))
            && n.workspace_id.as_deref().unwrap_or("0") == workspace
            && wanted_tags.iter().all(|(k, v)| n.tags.iter().any(|t| &t.key == k && &t.value == v))
            && q(query, "flavor").is_none_or(|f| n.flavor.as_str().contains(f))
            && q(query, "image_id").is_none_or(|i| n.image.id == i)
            && q(query, "id").is_none_or(|i| n.id == i)
            && n.feature.as_ref().map_or(NotebookFeature::Notebook.as_str(), |f| f.as_str()) == feature
    });
    paginate(all, query, Paging::OneOf(&PAGE_SIZES))
}

fn flavors(query: &[(String, String)], catalogue: &Catalogue) -> Result<J, Refused> {
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
    paginate(list, query, Paging::Any(None))
}

/// Images; `name` matches fuzzily (a substring) unless `name_fuzzy_match=false`
/// (SDK `ListImageRequest.name_fuzzy_match`, default true); `type` is `BUILD_IN`
/// and `workspace_id` `0` unless asked (the same model's defaults).
fn list_images<'i>(query: &[(String, String)], all: impl Iterator<Item = &'i Image>) -> Result<J, Refused> {
    let fuzzy = q(query, "name_fuzzy_match") != Some("false");
    let list: Vec<_> = all
        .filter(|i| q(query, "name").is_none_or(|n| if fuzzy { i.name.contains(n) } else { i.name == n }))
        .filter(|i| i.kind.as_deref() == Some(q(query, "type").unwrap_or("BUILD_IN")))
        .filter(|i| q(query, "service_type").is_none_or(|t| i.service_type.as_deref() == Some(t)))
        .filter(|i| i.workspace_id.as_deref().unwrap_or("0") == q(query, "workspace_id").unwrap_or("0"))
        .filter(|i| q(query, "namespace").is_none_or(|n| i.namespace.as_deref() == Some(n)))
        .cloned()
        .collect();
    paginate(list, query, Paging::Any(Some(200)))
}
