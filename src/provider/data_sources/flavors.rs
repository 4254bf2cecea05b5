//! `data "modelarts_notebook_flavors"`: the flavors notebooks can use.

use async_trait::async_trait;

use crate::framework::validators::OneOf;
use crate::framework::{Attribute, Block, CallContext, DataSource, Outcome, Schema};
use crate::protocol::{Type, Value};

use super::{api, failed, listing};

pub struct FlavorsDataSource;

const CATEGORIES: &[&str] = &["CPU", "GPU", "ASCEND"];
const CLUSTER_TYPES: &[&str] = &["MANAGED", "DEDICATED"];

fn flavor_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("name", Type::String),
        ("category", Type::String),
        ("arch", Type::String),
        ("description", Type::String),
        ("vcpus", Type::Number),
        ("memory", Type::Number),
        ("free", Type::Bool),
        ("sold_out", Type::Bool),
    ])
}

pub fn schema() -> Schema {
    Schema::new(
        0,
        Block::new("Lists the compute flavors notebooks can use, optionally filtered by processor category and cluster type.")
            .attr(Attribute::string("id").computed().describe("An identifier of this query (its filters)."))
            .attr(Attribute::string("category").optional().describe("Only flavors of this processor category: `CPU`, `GPU` or `ASCEND`.").validate(OneOf(CATEGORIES)))
            .attr(Attribute::string("type").optional().describe("Only flavors of this cluster type: `MANAGED` (public) or `DEDICATED`.").validate(OneOf(CLUSTER_TYPES)))
            .attr(
                Attribute::list_of("flavors", flavor_type())
                    .computed()
                    .describe("The flavors: `id`, `name`, `category`, `arch`, `description`, `vcpus`, `memory` (MB), `free` (free of charge), `sold_out`."),
            ),
    )
}

#[async_trait]
impl DataSource for FlavorsDataSource {
    fn type_name(&self) -> &'static str {
        "modelarts_notebook_flavors"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &CallContext, config: &Value) -> Outcome {
        let api = match api(ctx) {
            Ok(a) => a,
            Err(d) => return Outcome::failed(None, d),
        };
        let (category, kind) = (config.attr("category").as_str(), config.attr("type").as_str());
        let flavors = match api.list_flavors(category, kind).await {
            Ok(f) => f,
            Err(e) => return Outcome::failed(None, failed("Failed to list flavors", e.to_string())),
        };
        let items = flavors
            .into_iter()
            .map(|f| {
                Value::object([
                    ("id", Value::from(f.id)),
                    ("name", Value::from(f.name)),
                    ("category", Value::opt_string(f.category)),
                    ("arch", Value::opt_string(f.arch)),
                    ("description", Value::opt_string(f.description)),
                    ("vcpus", f.vcpus.map_or(Value::Null, Value::int)),
                    ("memory", f.memory.map_or(Value::Null, Value::int)),
                    ("free", f.free.map_or(Value::Null, Value::Bool)),
                    ("sold_out", f.sold_out.map_or(Value::Null, Value::Bool)),
                ])
            })
            .collect();
        listing(config, format!("flavors:{}:{}", category.unwrap_or("*"), kind.unwrap_or("*")), "flavors", items)
    }
}
