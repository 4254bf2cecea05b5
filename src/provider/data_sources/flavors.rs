//! `data "modelarts_notebook_flavors"`: the flavors notebooks can use.

use crate::client::enums::{ClusterType, FlavorCategory};
use crate::client::types::Flavor;
use crate::enums::StringEnum;
use crate::framework::validators::OneOf;
use crate::framework::{Attribute, Block, CallContext, NestedNesting, Schema};
use crate::protocol::{Diagnostics, Value};

use super::{api, listing, region_attribute};

/// `data "modelarts_notebook_flavors"`.
#[derive(Debug)]
pub struct FlavorsDataSource;

/// A computed attribute of a listed object, with its description.
fn field(a: Attribute, description: &str) -> Attribute {
    a.computed().describe(description)
}

/// One flavor's attributes, named as in the official provider.
fn flavor_attributes() -> Vec<Attribute> {
    vec![
        field(Attribute::string("id"), "The flavor's ID, as `flavor_id` takes it."),
        field(Attribute::string("name"), "Its name."),
        field(Attribute::string("category"), "Processor category: `CPU`, `GPU` or `ASCEND`."),
        field(Attribute::string("arch"), "CPU architecture: `x86_64` or `aarch64`."),
        field(Attribute::string("description"), "What the API says of it."),
        field(
            Attribute::string("feature"),
            "What it is for, as older answers report it (the golangsdk `Flavor`); often empty.",
        ),
        field(Attribute::number("vcpus"), "Number of vCPUs."),
        field(Attribute::number("memory"), "Memory in MB."),
        field(Attribute::bool("free"), "Whether it is free of charge."),
        field(Attribute::bool("sold_out"), "Whether it is sold out now."),
        field(
            Attribute::nested(
                "billing",
                NestedNesting::List,
                vec![
                    field(Attribute::string("code"), "The billing code."),
                    field(Attribute::number("unit_num"), "Billing units."),
                ],
            ),
            "How it is billed (one item, or none).",
        ),
        field(
            Attribute::nested(
                "gpu",
                NestedNesting::List,
                vec![
                    field(Attribute::number("gpu"), "Number of GPUs."),
                    field(Attribute::string("gpu_memory"), "Memory of each GPU."),
                    field(Attribute::string("type"), "GPU type."),
                ],
            ),
            "Its GPUs (one item; none for a CPU flavor).",
        ),
    ]
}

/// The data source's schema.
pub fn schema() -> Schema {
    Schema::new(
        0,
        Block::new("Lists the compute flavors notebooks can use, optionally filtered by processor category and cluster type. Attribute names follow the official provider's `huaweicloud_modelarts_notebook_flavors`; as there, sold-out flavors are left out unless `include_sold_out` is set.")
            .attr(Attribute::string("id").computed().describe("An identifier of this query (its filters)."))
            .attr(region_attribute())
            .attr(Attribute::string("category").optional().describe("Only flavors of this processor category: `CPU`, `GPU` or `ASCEND`.").validate(OneOf(FlavorCategory::NAMES)))
            .attr(Attribute::string("type").optional().describe("Only flavors of this cluster type: `MANAGED` (public) or `DEDICATED`.").validate(OneOf(ClusterType::NAMES)))
            .attr(Attribute::bool("include_sold_out").optional().describe("Also list flavors that are sold out now (`sold_out = true`). Defaults to `false`."))
            .attr(
                Attribute::nested("flavors", NestedNesting::List, flavor_attributes())
                    .computed()
                    .describe("The flavors."),
            ),
    )
}

fn opt_int(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::int)
}

fn flavor_value(f: Flavor) -> Value {
    let billing = f.billing.map_or_else(Vec::new, |b| {
        vec![Value::object([("code", Value::opt_string(b.code)), ("unit_num", opt_int(b.unit_num))])]
    });
    let gpu = f.gpu.map_or_else(Vec::new, |g| {
        vec![Value::object([
            ("gpu", opt_int(g.gpu)),
            ("gpu_memory", Value::opt_string(g.gpu_memory)),
            ("type", Value::opt_string(g.kind)),
        ])]
    });
    Value::object([
        ("id", Value::from(f.id.into_string())),
        ("name", Value::from(f.name)),
        ("category", Value::opt_string(f.category)),
        ("arch", Value::opt_string(f.arch)),
        ("description", Value::opt_string(f.description)),
        ("feature", Value::opt_string(f.feature)),
        ("vcpus", opt_int(f.vcpus)),
        ("memory", opt_int(f.memory)),
        ("free", f.free.map_or(Value::Null, Value::Bool)),
        ("sold_out", f.sold_out.map_or(Value::Null, Value::Bool)),
        ("billing", Value::List(billing)),
        ("gpu", Value::List(gpu)),
    ])
}

listing_data_source!(FlavorsDataSource, "modelarts_notebook_flavors");

async fn read(ctx: &CallContext, config: &Value) -> Result<Value, Diagnostics> {
    let (api, region) = api(ctx, config).await?;
    let (category, kind) = (config.attr("category").as_str(), config.attr("type").as_str());
    let flavors = api
        .list_flavors(category, kind)
        .await
        .map_err(|e| Diagnostics::with_error("Failed to list flavors", e.to_string()))?;
    let sold_out_too = config.attr("include_sold_out").as_bool() == Some(true);
    let items = flavors.into_iter().filter(|f| sold_out_too || f.sold_out != Some(true)).map(flavor_value).collect();
    Ok(listing(
        config,
        &region,
        format!("flavors:{}:{}", category.unwrap_or("*"), kind.unwrap_or("*")),
        "flavors",
        items,
    ))
}
