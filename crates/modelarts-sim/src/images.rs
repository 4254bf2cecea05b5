//! Images saved from a running notebook, as the evidence says the API treats them:
//! the SDK's `CreateImage` ("the instance must be running"; the image is `CREATING`
//! and "the notebook unavailable" meanwhile, then `ACTIVE`, or `CREATE_FAILED` with
//! a `status_message`), `ImageCreateReq`'s limits, and the official Go provider's
//! `huaweicloud_modelarts_notebook_image_store` (a missing image is HTTP 400 with
//! `ModelArts.6404`: it converts exactly that answer into "not found").
//! While the image is saved the notebook is `SNAPSHOTTING`; then it runs again, on
//! the saved image (its `image` now reports it, with `origin` `IMAGE_SAVE`).
//! Saved images belong to a project, outlive their notebook, and are shown, listed
//! and usable for new notebooks like the catalogue's.

use std::time::{Duration, Instant};

use serde_json::Value as J;

use super::catalogue::Catalogue;
use super::records::SavedImage;
use super::reply::{bad_parameter, notebook, parse_body, refused, to_json, uuid_v4, Ctx, Refused};
use super::rules::{self, code};
use super::store::{Ending, Store};
use modelarts_api::enums::{ImageOrigin, ImageStatus};
use modelarts_api::images::SaveImageRequest;
use modelarts_api::timefmt::now_millis;
use modelarts_api::types::{Image, Status};

impl Store {
    /// The saved images of `project`, brought up to date.
    pub(crate) fn saved_images(&mut self, project: &str) -> Vec<Image> {
        let now = Instant::now();
        self.images
            .iter_mut()
            .filter(|i| i.project == project)
            .map(|i| {
                i.advance(now);
                i.image.clone()
            })
            .collect()
    }
}

/// Image `id` as `project` sees it: the catalogue's, or one it saved.
pub(crate) fn find(catalogue: &Catalogue, store: &mut Store, project: &str, id: &str) -> Option<Image> {
    catalogue.image(id).cloned().or_else(|| store.saved_images(project).into_iter().find(|i| i.id == id))
}

/// `GET images/{id}`.
pub(crate) fn show(id: &str, ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    match find(ctx.catalogue, ctx.store, ctx.project, id) {
        Some(i) => Ok(to_json(&i)),
        None => refused(400, code::DOES_NOT_EXIST, format!("The image does not exist: {id}")),
    }
}

/// `POST notebooks/{id}/create-image`.
pub(crate) fn save(id: &str, body: &[u8], ctx: &mut Ctx<'_>, during: Duration) -> Result<J, Refused> {
    let req: SaveImageRequest = parse_body(body)?;
    let check =
        |what: &str, r: Result<(), String>| r.or_else(|e| bad_parameter(format!("Parameter error: {what}: {e}")));
    check("name", rules::image_name(&req.name))?;
    check("namespace", rules::image_namespace(&req.namespace))?;
    if let Some(t) = &req.tag {
        check("tag", rules::image_tag(t))?;
    }
    if let Some(d) = &req.description {
        check("description", rules::description(d))?;
    }
    if let Some(w) = &req.workspace_id {
        check("workspace_id", rules::workspace_id(w))?;
    }
    let ending = ctx.ending.clone();
    let project = ctx.project.to_string();
    let r = notebook(ctx.store, ctx.project, id, false)?;
    if r.notebook.status != Status::Running {
        return bad_parameter(format!(
            "Parameter error: an image is saved only from a running instance; instance {id} is {}",
            r.notebook.status
        ));
    }
    let source = ctx.catalogue.image(r.notebook.image.id.as_str()).cloned().unwrap_or_default();
    // The evidence does not say what tag the API picks when none is asked for.
    let tag = req.tag.clone().unwrap_or_else(|| "latest".into());
    let image = Image {
        id: uuid_v4().into(),
        name: req.name.clone(),
        swr_path: Some(format!("swr.sim.example/{}/{}:{tag}", req.namespace, req.name)),
        tag: Some(tag),
        kind: Some("DEDICATED".into()),
        arch: source.arch,
        service_type: source.service_type,
        status: Some(ImageStatus::Creating.into()),
        resource_categories: source.resource_categories,
        dev_services: source.dev_services,
        description: req.description.clone(),
        visibility: Some("PRIVATE".into()),
        workspace_id: req.workspace_id.clone().or_else(|| r.notebook.workspace_id.clone()),
        namespace: Some(req.namespace.clone()),
        origin: Some(ImageOrigin::ImageSave.into()),
        // "Only preset images have this field" (SDK `ImageResponse.show_name`).
        show_name: None,
        status_message: None,
        create_at: Some(now_millis()),
    };
    // The notebook is unusable while its image is saved, and runs again after.
    let notebook_ending = if ending == Ending::Stuck { Ending::Stuck } else { Ending::Normal };
    r.begin(Status::Snapshotting, Status::Running, during, &notebook_ending);
    // A good save leaves the notebook running the saved image (see `Record::image_after`).
    if ending == Ending::Normal {
        let mut saved = image.clone();
        saved.status = Some(ImageStatus::Active.into());
        r.image_after = Some(super::notebooks::notebook_image(&saved));
    }
    let (until, fail) = match ending {
        Ending::Normal => (Instant::now().checked_add(during), None),
        Ending::Error(reason) => (Instant::now().checked_add(during), Some(reason)),
        Ending::Stuck => (None, None),
    };
    ctx.store.images.push(SavedImage { image: image.clone(), project, until, fail });
    Ok(to_json(&image))
}
