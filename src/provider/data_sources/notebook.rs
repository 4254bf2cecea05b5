//! `data "modelarts_notebook"`: one notebook, by ID or by a unique name, with every
//! attribute the resource reports.

use std::time::Duration;

use async_trait::async_trait;

use crate::client::notebooks::NotebookFilter;
use crate::client::types::Notebook;
use crate::duration;
use crate::framework::{Attribute, Block, CallContext, DataSource, Mode, Nesting, Outcome, Schema};
use crate::protocol::{AttributePath, Diagnostics, Type, Value};
use crate::provider::notebook::{model::state_from_api, schema as resource_schema};

use super::{api, failed};

pub struct NotebookDataSource;

/// The resource's schema made read-only: blocks become computed list attributes,
/// `id` and `name` become the two ways to choose a notebook, `timeouts` goes.
pub fn schema() -> Schema {
    let resource = resource_schema::schema();
    let mut block =
        Block::new("Reads one notebook instance, chosen by `id` or by a `name` that exactly one notebook has.");
    for a in resource.block.attributes {
        let mut a = Attribute { requires_replace: false, use_state_for_unknown: false, default: None, ..a };
        a.validators.clear();
        a.mode = Mode::Computed;
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
    for b in resource.block.blocks.into_iter().filter(|b| b.name != "timeouts") {
        let fields = b.block.attributes.iter().map(|a| (a.name, a.ty.clone()));
        let ty = match b.nesting {
            Nesting::List => Type::list(Type::object(fields)),
            Nesting::Single => Type::object(fields),
        };
        let description = format!("{} (Read-only.)", b.block.description);
        block = block.attr(Attribute::of_type(b.name, ty).computed().describe(description));
    }
    Schema::new(0, block)
}

/// The notebook's auto-stop, as the API reports it.
fn auto_stop_of(n: &Notebook) -> Value {
    match n.lease.as_ref().filter(|l| l.enable == Some(true)) {
        Some(l) => Value::List(vec![Value::object([
            ("type", Value::from(l.kind.clone().unwrap_or_else(|| "TIMING".into()))),
            ("duration", Value::from(duration::format(Duration::from_millis(l.duration.unwrap_or(0).max(0) as u64)))),
        ])]),
        None => Value::List(Vec::new()),
    }
}

#[async_trait]
impl DataSource for NotebookDataSource {
    fn type_name(&self) -> &'static str {
        "modelarts_notebook"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let (id, name) = (config.attr("id"), config.attr("name"));
        if id.is_null() && name.is_null() {
            diags.error("Missing notebook selector", "Set id, or the name of the notebook to read.");
        } else if !id.is_null() && !name.is_null() {
            diags.error_at(
                AttributePath::attr("name"),
                "Conflicting notebook selectors",
                "Set either id or name, not both.",
            );
        }
    }

    async fn read(&self, ctx: &CallContext, config: &Value) -> Outcome {
        let api = match api(ctx) {
            Ok(a) => a,
            Err(d) => return Outcome::failed(None, d),
        };
        let found = match (config.attr("id").as_str(), config.attr("name").as_str()) {
            (Some(id), _) => match api.get_notebook(id).await {
                Ok(n) => Ok(n),
                Err(e) if e.is_not_found() => {
                    Err(failed("Notebook not found", format!("There is no notebook with ID {id:?}.")))
                }
                Err(e) => Err(failed("Failed to read notebook", e.to_string())),
            },
            (None, Some(name)) => {
                match api.list_notebooks(&NotebookFilter { name: Some(name.to_string()), ..Default::default() }).await {
                    // The API matches names loosely; only an exact match counts.
                    Ok(list) => {
                        let mut exact: Vec<Notebook> = list.into_iter().filter(|n| n.name == name).collect();
                        match exact.len() {
                            1 => Ok(exact.remove(0)),
                            0 => Err(failed("Notebook not found", format!("No notebook is named {name:?}."))),
                            n => {
                                let ids: Vec<String> = exact.iter().map(|x| x.id.clone()).collect();
                                Err(failed(
                                    "Ambiguous notebook name",
                                    format!("{n} notebooks are named {name:?} ({}); choose one by id.", ids.join(", ")),
                                ))
                            }
                        }
                    }
                    Err(e) => Err(failed("Failed to list notebooks", e.to_string())),
                }
            }
            _ => Err(failed("Missing notebook selector", "Set id or name.")),
        };
        match found {
            Ok(n) => {
                let mut state = state_from_api(&n, &Value::Null);
                if let Value::Object(m) = &mut state {
                    m.remove("timeouts");
                }
                state.set_attr("auto_stop", auto_stop_of(&n));
                Outcome::ok(state)
            }
            Err(d) => Outcome::failed(None, d),
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
        for a in &res.block.attributes {
            let d = ds.block.attribute(a.name).unwrap_or_else(|| panic!("{} missing", a.name));
            assert!(d.is_computed());
        }
        assert!(ds.block.attribute("volume").is_some() && ds.block.attribute("auto_stop").is_some());
        assert!(ds.block.attribute("timeouts").is_none() && ds.block.blocks.is_empty());
        assert_eq!(ds.block.attribute("id").unwrap().mode, Mode::OptionalComputed);
    }
}
