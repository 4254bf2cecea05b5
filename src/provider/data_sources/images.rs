//! `data "modelarts_notebook_images"`: the images notebooks can use.

use async_trait::async_trait;

use crate::client::notebooks::ImageFilter;
use crate::framework::validators::OneOf;
use crate::framework::{Attribute, Block, CallContext, DataSource, Outcome, Schema};
use crate::protocol::{Type, Value};

use super::{api, failed, listing};

pub struct ImagesDataSource;

fn image_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("name", Type::String),
        ("swr_path", Type::String),
        ("tag", Type::String),
        ("type", Type::String),
        ("arch", Type::String),
        ("service_type", Type::String),
        ("description", Type::String),
    ])
}

pub fn schema() -> Schema {
    Schema::new(
        0,
        Block::new("Lists the images notebooks can use, optionally filtered.")
            .attr(Attribute::string("id").computed().describe("An identifier of this query (its filters)."))
            .attr(Attribute::string("name").optional().describe("Only the images with exactly this name (an exact match: the provider sends `name_fuzzy_match = false`, where the API would otherwise match any image whose name contains it)."))
            .attr(Attribute::string("type").optional().describe("Only images of this type: `BUILD_IN` (provided by ModelArts) or `DEDICATED` (your own).").validate(OneOf(&["BUILD_IN", "DEDICATED"])))
            .attr(Attribute::string("service_type").optional().describe("Only images for this service, e.g. `DEV`, `COMMON`, `TRAIN`, `INFERENCE`."))
            .attr(Attribute::string("category").optional().describe("Only images that run on this processor category: `CPU`, `GPU` or `ASCEND` (matched on the image's resource categories).").validate(OneOf(&["CPU", "GPU", "ASCEND"])))
            .attr(
                Attribute::list_of("images", image_type())
                    .computed()
                    .describe("The images: `id`, `name`, `swr_path`, `tag`, `type`, `arch`, `service_type`, `description`."),
            ),
    )
}

#[async_trait]
impl DataSource for ImagesDataSource {
    fn type_name(&self) -> &'static str {
        "modelarts_notebook_images"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &CallContext, config: &Value) -> Outcome {
        let api = match api(ctx) {
            Ok(a) => a,
            Err(d) => return Outcome::failed(None, d),
        };
        let s = |k: &str| config.attr(k).as_str().map(String::from);
        // The API matches names fuzzily by default; this data source promises an exact
        // match, so it asks for one (and checks it again below).
        let filter = ImageFilter {
            name: s("name"),
            name_fuzzy_match: s("name").map(|_| false),
            kind: s("type"),
            service_type: s("service_type"),
            namespace: None,
        };
        let images = match api.list_images(&filter).await {
            Ok(i) => i,
            Err(e) => return Outcome::failed(None, failed("Failed to list images", e.to_string())),
        };
        let category = s("category");
        let items = images
            .into_iter()
            // The API has no category filter: match on the image's resource categories.
            .filter(|i| {
                category.as_ref().is_none_or(|c| i.resource_categories.iter().any(|r| r.eq_ignore_ascii_case(c)))
            })
            .filter(|i| filter.name.as_ref().is_none_or(|n| &i.name == n))
            .map(|i| {
                Value::object([
                    ("id", Value::from(i.id)),
                    ("name", Value::from(i.name)),
                    ("swr_path", Value::opt_string(i.swr_path)),
                    ("tag", Value::opt_string(i.tag)),
                    ("type", Value::opt_string(i.kind)),
                    ("arch", Value::opt_string(i.arch)),
                    ("service_type", Value::opt_string(i.service_type)),
                    ("description", Value::opt_string(i.description)),
                ])
            })
            .collect();
        let key = ["name", "type", "service_type", "category"].map(|k| s(k).unwrap_or_else(|| "*".into())).join(":");
        listing(config, format!("images:{key}"), "images", items)
    }
}
