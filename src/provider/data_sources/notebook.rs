//! `data "modelarts_notebook"`: one notebook, by ID or by a unique name, with every
//! attribute the resource reports.

use async_trait::async_trait;

use crate::client::ids::Region;
use crate::client::notebooks::NotebookFilter;
use crate::client::types::Notebook;
use crate::client::Client;
use crate::framework::data_source::{ValidateConfigRequest, ValidateConfigResponse};
use crate::framework::model::ModelError;
use crate::framework::{
    Attribute, Block, Ctx, FromValue, IntoValue, Mode, ModelDataSource, NestedNesting, Nesting, Schema,
};
use crate::protocol::{AttributePath, Diagnostics, Value};
use crate::provider::configured::Configured;
use crate::provider::diagnose::notebook_not_found;
use crate::provider::notebook::model::{AutoStopModel, NotebookModel, VolumeModel};
use crate::provider::notebook::schema::{self as resource_schema};
use crate::provider::notebook::state::{reported_auto_stop, state_from_api};

/// `data "modelarts_notebook"`.
#[derive(Debug)]
pub struct NotebookDataSource;

/// Resource settings that do not describe the notebook, and so are not read: how
/// Terraform may change it, how long it waits, and the hooks the API never reports.
const NOT_READ: &[&str] = &[NotebookModel::ALLOW_STOPPING_FOR_UPDATE, NotebookModel::TIMEOUTS, NotebookModel::HOOKS];

/// What each attribute is when read, where the resource's description speaks of
/// changing it (what a change replaces or restarts, what a plan refuses): this data
/// source's own words. The others keep the resource's description; a test checks
/// that none of them speaks of changes.
const READ_DESCRIPTIONS: &[(Name, &str)] = &[
    ((None, NotebookModel::NAME), "Name of the notebook."),
    ((None, NotebookModel::DESCRIPTION), "Description of the notebook."),
    ((None, NotebookModel::FLAVOR_ID), "Compute flavor, e.g. `modelarts.vm.cpu.2u` (see the `modelarts_notebook_flavors` data source)."),
    ((None, NotebookModel::KEY_PAIR), "Name of the key pair for SSH access, if any."),
    ((None, NotebookModel::ALLOWED_ACCESS_IPS), "IPv4 addresses or CIDR blocks allowed to reach the SSH endpoint; when none are listed, any address may."),
    ((None, NotebookModel::WORKSPACE_ID), "Workspace ID; `0` is the default workspace."),
    ((None, NotebookModel::POOL_ID), "ID of the dedicated resource pool it runs in, if any."),
    ((None, NotebookModel::TAGS), "Tags of the notebook, as the API reports them (without the cloud's own `_sys_` tags and the provider's `ignore_tags`)."),
    ((None, NotebookModel::STATUS), "Status as the API reports it, e.g. `RUNNING`, `STOPPED`, `ERROR`."),
    ((None, NotebookModel::AUTO_STOP_ENABLED), "Whether auto-stop is on, as the API reports it (`lease.enable`)."),
    ((None, NotebookModel::REGION), "The region to read in; the provider's when omitted."),
    ((None, NotebookModel::IMAGE_ID), "ID of the image the notebook runs, as the API reports it: after the notebook is saved as an image, the saved one (the same as `current_image_id`)."),
    ((None, NotebookModel::RUNNING), "Whether the notebook is running (or starting)."),
    ((None, NotebookModel::ID), "ID of the notebook to read. Either `id` or `name` must be set."),
    ((Some(NotebookModel::VOLUME), VolumeModel::TYPE), "Storage type: `EVS` (a disk of its own), `EFS` (SFS Turbo), `OBS` or `OBSFS` (a parallel file system)."),
    ((Some(NotebookModel::VOLUME), VolumeModel::OWNERSHIP), "Who owns the storage: `MANAGED` (ModelArts) or `DEDICATED` (your own SFS Turbo file system)."),
    ((Some(NotebookModel::VOLUME), VolumeModel::ID), "ID of a `DEDICATED` `EFS` volume's SFS Turbo file system."),
    ((Some(NotebookModel::VOLUME), VolumeModel::URI), "Share path of a `DEDICATED` `EFS` volume, or the path of an `OBS` / `OBSFS` volume."),
    ((Some(NotebookModel::VOLUME), VolumeModel::SIZE), "Capacity in GB of an `EVS` volume."),
    ((Some(NotebookModel::AUTO_STOP), AutoStopModel::TYPE), "`TIMING` stops the notebook `duration` after it starts; `IDLE` stops it after `duration` without activity."),
    ((Some(NotebookModel::AUTO_STOP), AutoStopModel::DURATION), "The auto-stop duration asked for at the last start, such as `\"4h\"`."),
];

/// An attribute's name: the block it is in (none at the top), and its own.
type Name = (Option<&'static str>, &'static str);

/// Resource attribute `a` (inside `block`, when it is in one) as this data source
/// reports it: computed, with its read description, nothing planned or checked.
fn read_only(a: Attribute, block: Option<&str>) -> Attribute {
    let mut a = Attribute {
        requires_replace: false,
        use_state_for_unknown: false,
        plan_modifiers: Vec::new(),
        default: None,
        ..a
    };
    a.validators.clear();
    a.mode = Mode::Computed;
    a.description = read_description(block, a.name, &a.description);
    a
}

/// The description of attribute `name` (inside `block`, when it is in one) when
/// read: its own, else the resource's.
fn read_description(block: Option<&str>, name: &str, resource: &str) -> String {
    READ_DESCRIPTIONS
        .iter()
        .find(|((b, n), _)| *b == block && *n == name)
        .map_or_else(|| resource.to_string(), |(_, d)| d.to_string())
}

/// The resource's schema made read-only: blocks become computed list attributes,
/// `id` and `name` become the two ways to choose a notebook, and what is not read
/// (`NOT_READ`) goes.
pub fn schema() -> Schema {
    let resource = resource_schema::schema();
    let mut block =
        Block::new("Reads one notebook instance, chosen by `id` or by a `name` that exactly one notebook has.");
    for a in resource.block.attributes.into_iter().filter(|a| !NOT_READ.contains(&a.name)) {
        let mut a = read_only(a, None);
        if a.name == NotebookModel::REGION || a.name == NotebookModel::ID {
            a.mode = Mode::OptionalComputed;
        }
        if a.name == NotebookModel::NAME {
            a.mode = Mode::OptionalComputed;
            a.description =
                "Name of the notebook to read; exactly one notebook may have it. Either `id` or `name` must be set."
                    .into();
        }
        block = block.attr(a);
    }
    // Blocks become nested attributes, each inner attribute described for reading.
    for b in resource.block.blocks.into_iter().filter(|b| !NOT_READ.contains(&b.name)) {
        let inner = b.block.attributes.into_iter().map(|a| read_only(a, Some(b.name))).collect();
        let nesting = match b.nesting {
            Nesting::List => NestedNesting::List,
            Nesting::Single => NestedNesting::Single,
        };
        let description = match b.name {
            NotebookModel::VOLUME => "The notebook's storage (one).".to_string(),
            NotebookModel::AUTO_STOP => {
                "The notebook's auto-stop when it is on (empty when auto-stop is off).".to_string()
            }
            _ => b.block.description.clone(),
        };
        block = block.attr(Attribute::nested(b.name, nesting, inner).computed().describe(description));
    }
    Schema::new(0, block)
}

/// The data source's value: the resource's model, read. What the data source does
/// not report (`NOT_READ`) is left out of its value, and its blocks are nested
/// attributes of the same shape, so the resource's model (its names, its
/// decoding) serves as it is.
#[derive(Clone, Debug, Default)]
pub struct NotebookRead(NotebookModel);

impl FromValue for NotebookRead {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        NotebookModel::from_value(v, path).map(NotebookRead)
    }
}

impl IntoValue for NotebookRead {
    fn into_value(self) -> Value {
        let mut state = self.0.into_value();
        if let Value::Object(m) = &mut state {
            for gone in NOT_READ {
                m.remove(gone);
            }
        }
        state
    }
}

#[async_trait]
impl ModelDataSource for NotebookDataSource {
    type Model = NotebookRead;
    type Data = Configured;

    fn type_name(&self) -> &'static str {
        "modelarts_notebook"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate_config(&self, req: &ValidateConfigRequest<'_>, resp: &mut ValidateConfigResponse) {
        let (id, name) = (req.config.attr(NotebookModel::ID), req.config.attr(NotebookModel::NAME));
        if id.is_null() && name.is_null() {
            resp.diagnostics.error("Missing notebook selector", "Set id, or the name of the notebook to read.");
        } else if !id.is_null() && !name.is_null() {
            resp.diagnostics.error_at(
                AttributePath::attr(NotebookModel::NAME),
                "Conflicting notebook selectors",
                "Set either id or name, not both.",
            );
        }
    }

    async fn read(&self, ctx: &Ctx<'_, Configured>, config: NotebookRead) -> Result<NotebookRead, Diagnostics> {
        let config = config.0;
        let (api, region) = ctx.data()?.region_client(config.region.as_deref(), ctx.cancel()).await?;
        let n = find(&api, &region, config.id.as_deref(), &config.name).await?;
        let carry = NotebookModel { region: Some(region.into_string()), ..Default::default() };
        // The auto-stop the API reports: the duration asked for at its last start.
        let auto_stop = reported_auto_stop(n.lease.as_ref());
        Ok(NotebookRead(NotebookModel { auto_stop, ..state_from_api(&n, &carry) }))
    }
}

/// The notebook of ID `id`, else the one notebook named `name` (the API matches
/// names loosely; only an exact match counts).
async fn find(api: &Client, region: &Region, id: Option<&str>, name: &str) -> Result<Notebook, Diagnostics> {
    if let Some(id) = id {
        return match api.get_notebook(&id.into()).await {
            Ok(n) => Ok(n),
            Err(e) if e.is_not_found() => Err(notebook_not_found(NotebookModel::ID, id, region)),
            Err(e) => Err(Diagnostics::with_error("Failed to read notebook", e.to_string())),
        };
    }
    if name.is_empty() {
        return Err(Diagnostics::with_error("Missing notebook selector", "Set id or name."));
    }
    let list = api
        .list_notebooks(&NotebookFilter { name: Some(name.to_string()), ..Default::default() })
        .await
        .map_err(|e| Diagnostics::with_error("Failed to list notebooks", e.to_string()))?;
    let mut exact: Vec<Notebook> = list.into_iter().filter(|n| n.name == name).collect();
    match exact.len() {
        1 => Ok(exact.remove(0)),
        0 => Err(Diagnostics::with_error("Notebook not found", format!("No notebook is named {name:?}."))),
        n => {
            let ids: Vec<&str> = exact.iter().map(|x| x.id.as_str()).collect();
            Err(Diagnostics::with_error(
                "Ambiguous notebook name",
                format!("{n} notebooks are named {name:?} ({}); choose one by id.", ids.join(", ")),
            ))
        }
    }
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

#[cfg(test)]
mod description_tests {
    /// Words of a description that speaks of changing the notebook.
    const ABOUT_CHANGES: &[&str] = &[
        "Changing",
        "Changed in place",
        "a change",
        "changes ",
        "replace",
        "restart",
        "the plan",
        "When omitted",
        "Defaults to",
        "refused",
    ];

    #[test]
    fn what_the_data_source_says_is_what_a_value_is_not_how_it_changes() {
        let s = super::schema();
        let inner = s.block.attributes.iter().flat_map(|a| a.nested.iter().flat_map(|n| &n.attributes));
        let texts = s.block.attributes.iter().chain(inner).map(|a| (a.name, a.description.as_str()));
        for (name, text) in texts {
            let said = ABOUT_CHANGES.iter().find(|w| text.contains(*w));
            assert!(said.is_none(), "{name}: {text:?} speaks of changes ({said:?}): give it a read description");
        }
    }
}
