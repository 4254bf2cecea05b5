//! `data "modelarts_notebook"`: one notebook, by ID or by a unique name, with every
//! attribute the resource reports.

use async_trait::async_trait;

use crate::client::notebooks::NotebookFilter;
use crate::client::types::Notebook;
use crate::framework::data_source::{ReadRequest, ReadResponse, ValidateConfigRequest, ValidateConfigResponse};
use crate::framework::model::block_list;
use crate::framework::IntoValue;
use crate::framework::{Attribute, Block, CallContext, DataSource, Mode, Nesting, Schema};
use crate::protocol::{AttributePath, Diagnostics, Type, Value};
use crate::provider::notebook::model::NotebookModel;
use crate::provider::notebook::schema::{self as resource_schema};
use crate::provider::notebook::state::{reported_auto_stop, state_from_api};

use super::{api, respond};
use crate::provider::diagnose::notebook_not_found;

/// `data "modelarts_notebook"`.
#[derive(Debug)]
pub struct NotebookDataSource;

/// Resource settings that do not describe the notebook, and so are not read: how
/// Terraform may change it, how long it waits, and the hooks the API never reports.
const NOT_READ: &[&str] = &["allow_stopping_for_update", "timeouts", "hooks"];

/// A resource attribute's description for the data source: what the value is,
/// without how a change to it is applied.
fn read_only(description: &str) -> String {
    const ABOUT_CHANGES: &[&str] = &[
        "Changing",
        "Changed in place",
        "a change",
        "changes ",
        "replace",
        "restart",
        "the plan",
        "plan that",
        "When omitted",
        "Defaults to",
        "refused",
    ];
    let kept: Vec<&str> = description
        .split_inclusive(". ")
        .filter(|sentence| !ABOUT_CHANGES.iter().any(|w| sentence.contains(w)))
        .collect();
    kept.concat().trim().to_string()
}

/// The resource's schema made read-only: blocks become computed list attributes,
/// `id` and `name` become the two ways to choose a notebook, and what is not read
/// (`NOT_READ`) goes.
pub fn schema() -> Schema {
    let resource = resource_schema::schema();
    let mut block =
        Block::new("Reads one notebook instance, chosen by `id` or by a `name` that exactly one notebook has.");
    for a in resource.block.attributes.into_iter().filter(|a| !NOT_READ.contains(&a.name)) {
        let mut a = Attribute { requires_replace: false, use_state_for_unknown: false, default: None, ..a };
        a.validators.clear();
        a.mode = Mode::Computed;
        a.description = read_only(&a.description);
        if a.name == "region" {
            a.mode = Mode::OptionalComputed;
            a.description = "The region to read in; the provider's when omitted.".into();
        }
        if a.name == "image_id" {
            a.description = "ID of the image the notebook runs, as the API reports it: after the notebook is saved as an image, the saved one (the same as `current_image_id`).".into();
        }
        if a.name == "running" {
            a.description = "Whether the notebook is running (or starting).".into();
        }
        if a.name == "id" {
            a.mode = Mode::OptionalComputed;
            a.description = "ID of the notebook to read. Either `id` or `name` must be set.".into();
        }
        if a.name == "name" {
            a.mode = Mode::OptionalComputed;
            a.description =
                "Name of the notebook to read; exactly one notebook may have it. Either `id` or `name` must be set."
                    .into();
        }
        block = block.attr(a);
    }
    for b in resource.block.blocks.into_iter().filter(|b| !NOT_READ.contains(&b.name)) {
        let fields = b.block.attributes.iter().map(|a| (a.name, a.ty.clone()));
        let ty = match b.nesting {
            Nesting::List => Type::list(Type::object(fields)),
            Nesting::Single => Type::object(fields),
        };
        let description = match b.name {
            "volume" => "The notebook's storage: `type`, `ownership`, `id`, `uri`, `size` (GB) and `mount_path`.".to_string(),
            "auto_stop" => "The notebook's auto-stop when it is on: `type` and the `duration` asked for at its last start (empty when auto-stop is off).".to_string(),
            _ => read_only(&b.block.description),
        };
        block = block.attr(Attribute::of_type(b.name, ty).computed().describe(description));
    }
    Schema::new(0, block)
}

#[async_trait]
impl DataSource for NotebookDataSource {
    fn type_name(&self) -> &'static str {
        "modelarts_notebook"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate_config(&self, req: &ValidateConfigRequest<'_>, resp: &mut ValidateConfigResponse) {
        let (id, name) = (req.config.attr("id"), req.config.attr("name"));
        if id.is_null() && name.is_null() {
            resp.diagnostics.error("Missing notebook selector", "Set id, or the name of the notebook to read.");
        } else if !id.is_null() && !name.is_null() {
            resp.diagnostics.error_at(
                AttributePath::attr("name"),
                "Conflicting notebook selectors",
                "Set either id or name, not both.",
            );
        }
    }

    async fn read(&self, ctx: &CallContext, req: &ReadRequest<'_>, resp: &mut ReadResponse) {
        respond(resp, read(ctx, req.config).await);
    }
}

async fn read(ctx: &CallContext, config: &Value) -> Result<Value, Diagnostics> {
    let (api, region) = api(ctx, config).await?;
    let found = match (config.attr("id").as_str(), config.attr("name").as_str()) {
        (Some(id), _) => match api.get_notebook(id).await {
            Ok(n) => Ok(n),
            Err(e) if e.is_not_found() => Err(notebook_not_found("id", id, &region)),
            Err(e) => Err(Diagnostics::with_error("Failed to read notebook", e.to_string())),
        },
        (None, Some(name)) => {
            match api.list_notebooks(&NotebookFilter { name: Some(name.to_string()), ..Default::default() }).await {
                // The API matches names loosely; only an exact match counts.
                Ok(list) => {
                    let mut exact: Vec<Notebook> = list.into_iter().filter(|n| n.name == name).collect();
                    match exact.len() {
                        1 => Ok(exact.remove(0)),
                        0 => Err(Diagnostics::with_error(
                            "Notebook not found",
                            format!("No notebook is named {name:?}."),
                        )),
                        n => {
                            let ids: Vec<String> = exact.iter().map(|x| x.id.clone()).collect();
                            Err(Diagnostics::with_error(
                                "Ambiguous notebook name",
                                format!("{n} notebooks are named {name:?} ({}); choose one by id.", ids.join(", ")),
                            ))
                        }
                    }
                }
                Err(e) => Err(Diagnostics::with_error("Failed to list notebooks", e.to_string())),
            }
        }
        _ => Err(Diagnostics::with_error("Missing notebook selector", "Set id or name.")),
    };
    let n = found?;
    let carry = NotebookModel { region: Some(region), ..Default::default() };
    let mut state = state_from_api(&n, &carry).into_value();
    if let Value::Object(m) = &mut state {
        for gone in NOT_READ {
            m.remove(*gone);
        }
    }
    // The auto-stop the API reports: the duration asked for at its last start.
    state.set_attr(NotebookModel::AUTO_STOP, block_list(reported_auto_stop(n.lease.as_ref())));
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_resource_attribute_is_readable() {
        let ds = schema();
        let res = resource_schema::schema();
        for a in res.block.attributes.iter().filter(|a| !NOT_READ.contains(&a.name)) {
            let d = ds.block.attribute(a.name).unwrap_or_else(|| panic!("{} missing", a.name));
            assert!(d.is_computed());
            assert!(!d.description.contains("Changing") && !d.description.is_empty(), "{}: {}", a.name, d.description);
        }
        assert!(ds.block.attribute("volume").is_some() && ds.block.attribute("auto_stop").is_some());
        assert!(ds.block.attribute("timeouts").is_none() && ds.block.blocks.is_empty());
        assert_eq!(ds.block.attribute("id").unwrap().mode, Mode::OptionalComputed);
    }
}
