//! `list "modelarts_notebook"`: the notebooks `terraform query` finds (Terraform
//! 1.14+), each with its identity, so `-generate-config-out` can write the
//! `import` and `resource` blocks that adopt them.
//!
//! Filters are the list API's own (SDK `ListNotebooksRequest`: `name`, `status`,
//! `workspace_id`, `flavor`, `image_id`, `tags`); `name` and `flavor` match as
//! substrings there, and so they do here. Without `workspace_id` the API lists the
//! default workspace (`0`) only; `ListAllNotebooks` defaults to it too, and listing
//! every workspace would need `ListWorkspace` and an IAM permission of its own, so
//! the default is the API's (and the official data source's).

use async_trait::async_trait;

use crate::client::notebooks::NotebookFilter;
use crate::client::types::Status;
use crate::framework::list::{ListItem, ListRequest, ListResource, ListResponse};
use crate::framework::model::decode;
use crate::framework::resource::ResourceWithIdentity;
use crate::framework::validators::{Check, Text};
use crate::framework::{Attribute, Block, CallContext, IntoValue, Schema};
use crate::protocol::Type;
use crate::provider::configured::{client, Configured};

use super::lifecycle::imported_state;
use super::tags::check_tags;
use super::NotebookResource;

/// The list resource's configuration: the filters.
#[derive(Clone, Debug, Default, tfplugin::Model)]
struct ListModel {
    name: Option<String>,
    status: Option<String>,
    workspace_id: Option<String>,
    flavor_id: Option<String>,
    image_id: Option<String>,
    tags: Option<std::collections::BTreeMap<String, String>>,
    region: Option<String>,
}

/// The list resource of `modelarts_notebook`.
#[derive(Debug)]
pub(crate) struct NotebookList;

pub(crate) fn known_status(s: &str) -> Result<(), String> {
    match Status::parse(s) {
        Status::Other(_) | Status::Unknown => Err(format!("{s:?} is not a notebook status (e.g. RUNNING, STOPPED)")),
        _ => Ok(()),
    }
}

pub(crate) fn schema() -> Schema {
    Schema::new(
        0,
        Block::new("Finds notebooks for `terraform query`, to import them (with `-generate-config-out`, configuration included). Without filters, every notebook of the default workspace (`0`) of the project in the region is listed, as the API lists them; set `workspace_id` for another workspace.")
            .attr(Attribute::string(ListModel::NAME).optional().describe("Only notebooks whose name contains this text (the API matches names as substrings)."))
            .attr(Attribute::string(ListModel::STATUS).optional().describe("Only notebooks in this status, e.g. `RUNNING` or `STOPPED`.").validate(Text { check: known_status, description: "a notebook status" }))
            .attr(Attribute::string(ListModel::WORKSPACE_ID).optional().describe("The workspace to list; the default workspace (`0`) when omitted, as the API does."))
            .attr(Attribute::string(ListModel::FLAVOR_ID).optional().describe("Only notebooks whose flavor contains this text, e.g. `gpu` (the API matches flavors as substrings)."))
            .attr(Attribute::string(ListModel::IMAGE_ID).optional().describe("Only notebooks made from this image."))
            .attr(
                Attribute::of_type(ListModel::TAGS, Type::map(Type::String))
                    .optional()
                    .describe("Only notebooks with every one of these tags (the API's `tags` filter).")
                    .validate(Check { check: check_tags, description: "tags the API accepts" }),
            )
            .attr(Attribute::string(ListModel::REGION).optional().describe("The region to list in; the provider's when omitted.")),
    )
}

#[async_trait]
impl ListResource for NotebookList {
    fn type_name(&self) -> &'static str {
        "modelarts_notebook"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn list(&self, ctx: &CallContext, req: &ListRequest<'_>, resp: &mut ListResponse) {
        let config: ListModel = match decode(req.config) {
            Ok(c) => c,
            Err(e) => return resp.diagnostics.extend(e.to_diagnostics("Invalid configuration")),
        };
        let (api, region) = match client(ctx, config.region.as_deref()).await {
            Ok(c) => c,
            Err(d) => return resp.diagnostics.extend(d),
        };
        let default_tags = ctx.data::<Configured>().map(|c| c.default_tags.clone()).unwrap_or_default();
        let filter = NotebookFilter {
            name: config.name,
            status: config.status,
            workspace_id: config.workspace_id,
            flavor: config.flavor_id,
            image_id: config.image_id,
            tags: config.tags.unwrap_or_default().into_iter().collect(),
            ..Default::default()
        };
        let notebooks = match api.list_notebooks(&filter).await {
            Ok(list) => list,
            Err(e) => return resp.diagnostics.error("Cannot list notebooks", e.to_string()),
        };
        for n in notebooks.iter().filter(|n| n.status != Status::Deleted).take(req.limit) {
            let state = imported_state(n, &region, &default_tags).into_value();
            let Some(identity) = NotebookResource.identity_of(&state) else { continue };
            resp.items.push(ListItem {
                identity,
                display_name: n.name.clone(),
                resource: req.include_resource.then_some(state),
            });
        }
    }
}
