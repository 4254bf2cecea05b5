//! `data "modelarts_notebook_images"`: the images notebooks can use.

use crate::client::notebooks::ImageFilter;
use crate::framework::validators::{Check, OneOf};
use crate::framework::{Attribute, Block, CallContext, NestedNesting, Schema};
use crate::protocol::{Diagnostics, Type, Value};

use super::{api, listing, region_attribute};

/// `data "modelarts_notebook_images"`.
#[derive(Debug)]
pub struct ImagesDataSource;

/// One image's attributes, named as in the official provider.
fn image_attributes() -> Vec<Attribute> {
    let field = |a: Attribute, description: &str| a.computed().describe(description);
    vec![
        field(Attribute::string("id"), "The image's ID, as `image_id` takes it."),
        field(Attribute::string("name"), "Its name."),
        field(Attribute::string("swr_path"), "Its path in SWR."),
        field(Attribute::string("tag"), "Its tag."),
        field(Attribute::string("type"), "`BUILD_IN` or `DEDICATED`."),
        field(Attribute::string("cpu_arch"), "CPU architecture, as the API spells it (e.g. `X86_64`)."),
        field(Attribute::string("service_type"), "The service it is for, e.g. `DEV`, `COMMON`."),
        field(Attribute::string("description"), "What the API says of it."),
        field(
            Attribute::list_of("resource_categories", Type::String),
            "The flavor categories it runs on: `CPU`, `GPU`, `ASCEND`.",
        ),
        field(Attribute::string("status"), "Its status, e.g. `ACTIVE`."),
        field(
            Attribute::list_of("dev_services", Type::String),
            "The services a notebook of it offers: `NOTEBOOK`, `SSH`.",
        ),
        field(Attribute::string("workspace_id"), "Its workspace."),
        field(Attribute::string("namespace"), "Its SWR organization."),
        field(Attribute::string("show_name"), "The display name the API gives preset images."),
    ]
}

/// The architectures, as the official provider spells them; compared without
/// regard to case (the SDK's docs spell an image's `X86_64`).
const ARCHES: &[&str] = &["x86_64", "aarch64"];

fn check_arch(v: &Value) -> Result<(), String> {
    match v.as_str() {
        Some(a) if !ARCHES.iter().any(|x| x.eq_ignore_ascii_case(a)) => {
            Err(format!("{a:?} is not a CPU architecture: `x86_64` or `aarch64`"))
        }
        _ => Ok(()),
    }
}

/// The data source's schema.
pub fn schema() -> Schema {
    Schema::new(
        0,
        Block::new("Lists the images notebooks can use, optionally filtered. Attribute names follow the official provider's `huaweicloud_modelarts_notebook_images`.")
            .attr(Attribute::string("id").computed().describe("An identifier of this query (its filters)."))
            .attr(region_attribute())
            .attr(Attribute::string("name").optional().describe("Only images whose name contains this text: the API matches names fuzzily by default (SDK `ListImageRequest.name_fuzzy_match`), as in the official provider."))
            .attr(Attribute::string("type").default_value("BUILD_IN").describe("Only images of this type: `BUILD_IN` (provided by ModelArts, the default, as in the official provider) or `DEDICATED` (your own).").validate(OneOf(&["BUILD_IN", "DEDICATED"])))
            .attr(Attribute::string("cpu_arch").optional().describe("Only images for this CPU architecture: `x86_64` or `aarch64` (compared without regard to case).").validate(Check { check: check_arch, description: "`x86_64` or `aarch64`" }))
            .attr(Attribute::string("namespace").optional().describe("Only images of this SWR organization (the API's `namespace`)."))
            .attr(Attribute::string("organization").optional().describe("The same as `namespace`, under the official provider's older (deprecated) name."))
            .attr(Attribute::string("workspace_id").optional().describe("Only images of this workspace; the default workspace (`0`) when omitted, as the API does."))
            .attr(Attribute::string("service_type").optional().describe("Only images for this service, e.g. `DEV`, `COMMON`, `TRAIN`, `INFERENCE`."))
            .attr(Attribute::string("category").optional().describe("Only images that run on this processor category: `CPU`, `GPU` or `ASCEND` (matched on the image's resource categories).").validate(OneOf(&["CPU", "GPU", "ASCEND"])))
            .attr(
                Attribute::nested("images", NestedNesting::List, image_attributes())
                    .computed()
                    .describe("The images."),
            ),
    )
}

listing_data_source!(ImagesDataSource, "modelarts_notebook_images");

async fn read(ctx: &CallContext, config: &Value) -> Result<Value, Diagnostics> {
    let (api, region) = api(ctx, config).await?;
    let s = |k: &str| config.attr(k).as_str().map(String::from);
    let namespace = match (s("namespace"), s("organization")) {
        (Some(n), Some(o)) if n != o => {
            return Err(Diagnostics::with_error_at(
                crate::protocol::AttributePath::attr("organization"),
                "namespace and organization differ",
                format!("organization is the older name of namespace: set one of them, not {n:?} and {o:?}."),
            ))
        }
        (n, o) => n.or(o),
    };
    // The API matches names fuzzily by default, as the official data source relies on.
    let filter = ImageFilter {
        name: s("name"),
        name_fuzzy_match: None,
        kind: s("type").or_else(|| Some("BUILD_IN".into())),
        service_type: s("service_type"),
        namespace,
        workspace_id: s("workspace_id"),
    };
    let images =
        api.list_images(&filter).await.map_err(|e| Diagnostics::with_error("Failed to list images", e.to_string()))?;
    let (category, arch) = (s("category"), s("cpu_arch"));
    let strings = |v: Vec<String>| Value::List(v.into_iter().map(Value::from).collect());
    let items = images
        .into_iter()
        // The API has no category or architecture filter: match on the image's own.
        .filter(|i| category.as_ref().is_none_or(|c| i.resource_categories.iter().any(|r| r.eq_ignore_ascii_case(c))))
        .filter(|i| arch.as_ref().is_none_or(|a| i.arch.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(a))))
        .map(|i| {
            Value::object([
                ("id", Value::from(i.id.into_string())),
                ("name", Value::from(i.name)),
                ("swr_path", Value::opt_string(i.swr_path)),
                ("tag", Value::opt_string(i.tag)),
                ("type", Value::opt_string(i.kind)),
                ("cpu_arch", Value::opt_string(i.arch)),
                ("service_type", Value::opt_string(i.service_type)),
                ("description", Value::opt_string(i.description)),
                ("resource_categories", strings(i.resource_categories)),
                ("status", Value::opt_string(i.status.map(|w| w.to_string()))),
                ("dev_services", strings(i.dev_services)),
                ("workspace_id", Value::opt_string(i.workspace_id)),
                ("namespace", Value::opt_string(i.namespace)),
                ("show_name", Value::opt_string(i.show_name)),
            ])
        })
        .collect();
    let key = ["name", "type", "cpu_arch", "namespace", "organization", "workspace_id", "service_type", "category"]
        .map(|k| s(k).unwrap_or_else(|| "*".into()))
        .join(":");
    Ok(listing(config, &region, format!("images:{key}"), "images", items))
}
