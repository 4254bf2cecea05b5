//! `data "modelarts_notebook_flavors"`: the flavors notebooks can use.

use crate::client::enums::{ClusterType, FlavorCategory};
use crate::client::types::Flavor;
use crate::enums::StringEnum;
use crate::framework::validators::OneOf;
use crate::framework::{Attribute, Block, Ctx, ModelDataSource, NestedNesting, Schema};
use crate::protocol::Diagnostics;

use super::region_attribute;
use crate::provider::configured::Configured;

/// The data source's value: the filters, and what they found.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct FlavorsModel {
    id: Option<String>,
    region: Option<String>,
    category: Option<String>,
    #[tf(name = "type")]
    kind: Option<String>,
    include_sold_out: Option<bool>,
    flavors: Option<Vec<FlavorModel>>,
}

/// One flavor, named as in the official provider.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct FlavorModel {
    id: String,
    name: String,
    category: Option<String>,
    arch: Option<String>,
    description: Option<String>,
    feature: Option<String>,
    vcpus: Option<i64>,
    memory: Option<i64>,
    free: Option<bool>,
    sold_out: Option<bool>,
    billing: Vec<BillingModel>,
    gpu: Vec<GpuModel>,
}

/// How a flavor is billed.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct BillingModel {
    code: Option<String>,
    unit_num: Option<i64>,
}

/// A flavor's GPUs.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct GpuModel {
    gpu: Option<i64>,
    gpu_memory: Option<String>,
    #[tf(name = "type")]
    kind: Option<String>,
}

/// A computed attribute of a listed object, with its description.
fn field(a: Attribute, description: &str) -> Attribute {
    a.computed().describe(description)
}

/// One flavor's attributes, named as in the official provider.
fn flavor_attributes() -> Vec<Attribute> {
    vec![
        field(Attribute::string(FlavorModel::ID), "The flavor's ID, as `flavor_id` takes it."),
        field(Attribute::string(FlavorModel::NAME), "Its name."),
        field(Attribute::string(FlavorModel::CATEGORY), "Processor category: `CPU`, `GPU` or `ASCEND`."),
        field(Attribute::string(FlavorModel::ARCH), "CPU architecture: `x86_64` or `aarch64`."),
        field(Attribute::string(FlavorModel::DESCRIPTION), "What the API says of it."),
        field(
            Attribute::string(FlavorModel::FEATURE),
            "What it is for, as older answers report it (the golangsdk `Flavor`); often empty.",
        ),
        field(Attribute::number(FlavorModel::VCPUS), "Number of vCPUs."),
        field(Attribute::number(FlavorModel::MEMORY), "Memory in MB."),
        field(Attribute::bool(FlavorModel::FREE), "Whether it is free of charge."),
        field(Attribute::bool(FlavorModel::SOLD_OUT), "Whether it is sold out now."),
        field(
            Attribute::nested(
                FlavorModel::BILLING,
                NestedNesting::List,
                vec![
                    field(Attribute::string(BillingModel::CODE), "The billing code."),
                    field(Attribute::number(BillingModel::UNIT_NUM), "Billing units."),
                ],
            ),
            "How it is billed (one item, or none).",
        ),
        field(
            Attribute::nested(
                FlavorModel::GPU,
                NestedNesting::List,
                vec![
                    field(Attribute::number(GpuModel::GPU), "Number of GPUs."),
                    field(Attribute::string(GpuModel::GPU_MEMORY), "Memory of each GPU."),
                    field(Attribute::string(GpuModel::TYPE), "GPU type."),
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
            .attr(Attribute::string(FlavorsModel::ID).computed().describe("An identifier of this query (its filters)."))
            .attr(region_attribute())
            .attr(Attribute::string(FlavorsModel::CATEGORY).optional().describe("Only flavors of this processor category: `CPU`, `GPU` or `ASCEND`.").validate(OneOf(FlavorCategory::NAMES)))
            .attr(Attribute::string(FlavorsModel::TYPE).optional().describe("Only flavors of this cluster type: `MANAGED` (public) or `DEDICATED`.").validate(OneOf(ClusterType::NAMES)))
            .attr(Attribute::bool(FlavorsModel::INCLUDE_SOLD_OUT).optional().describe("Also list flavors that are sold out now (`sold_out = true`). Defaults to `false`."))
            .attr(
                Attribute::nested(FlavorsModel::FLAVORS, NestedNesting::List, flavor_attributes())
                    .computed()
                    .describe("The flavors."),
            ),
    )
}

impl From<Flavor> for FlavorModel {
    fn from(f: Flavor) -> Self {
        FlavorModel {
            id: f.id.into_string(),
            name: f.name,
            category: f.category,
            arch: f.arch,
            description: f.description,
            feature: f.feature,
            vcpus: f.vcpus,
            memory: f.memory,
            free: f.free,
            sold_out: f.sold_out,
            billing: f.billing.map(|b| BillingModel { code: b.code, unit_num: b.unit_num }).into_iter().collect(),
            gpu: f.gpu.map(|g| GpuModel { gpu: g.gpu, gpu_memory: g.gpu_memory, kind: g.kind }).into_iter().collect(),
        }
    }
}

/// `data "modelarts_notebook_flavors"`.
#[derive(Debug)]
pub(crate) struct FlavorsDataSource;

#[async_trait::async_trait]
impl ModelDataSource for FlavorsDataSource {
    type Model = FlavorsModel;
    type Data = Configured;

    fn type_name(&self) -> &'static str {
        "modelarts_notebook_flavors"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &Ctx<'_, Configured>, config: FlavorsModel) -> Result<FlavorsModel, Diagnostics> {
        let (api, region) = ctx.data()?.region_client(config.region.as_deref(), ctx.cancel()).await?;
        let (category, kind) = (config.category.as_deref(), config.kind.as_deref());
        let flavors = api
            .list_flavors(category, kind)
            .await
            .map_err(|e| Diagnostics::with_error("Failed to list flavors", e.to_string()))?;
        let sold_out_too = config.include_sold_out == Some(true);
        let items = flavors.into_iter().filter(|f| sold_out_too || f.sold_out != Some(true)).map(FlavorModel::from);
        Ok(FlavorsModel {
            id: Some(format!("flavors:{}:{}", category.unwrap_or("*"), kind.unwrap_or("*"))),
            region: Some(region.into_string()),
            flavors: Some(items.collect()),
            ..config
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::{agree, decode};
    use crate::framework::{IntoValue, TfType};
    use crate::protocol::Value;

    #[test]
    fn the_model_and_the_schema_agree() {
        assert_eq!(agree(&schema().ty(), &FlavorsModel::tf_type()), Ok(()));
    }

    #[test]
    fn a_flavor_is_listed_with_its_gpu_and_billing() {
        let f: Flavor = serde_json::from_value(serde_json::json!({
            "id": "modelarts.vm.gpu.t4", "name": "GPU T4", "category": "GPU", "vcpus": 8,
            "gpu": {"gpu": 1, "gpu_memory": "16GB", "type": "T4"},
            "billing": {"code": "modelarts.vm.gpu.t4", "unit_num": 1}
        }))
        .unwrap();
        let v = FlavorModel::from(f).into_value();
        let state = FlavorsModel { flavors: Some(vec![decode(&v).unwrap()]), ..Default::default() }.into_value();
        assert_eq!(crate::protocol::value::conforms(&state, &schema().ty()), Ok(()));
        assert_eq!(
            v.attr(FlavorModel::GPU),
            &Value::List(vec![Value::object([
                (GpuModel::GPU, Value::int(1)),
                (GpuModel::GPU_MEMORY, "16GB".into()),
                (GpuModel::TYPE, "T4".into()),
            ])])
        );
        assert_eq!(v.attr(FlavorModel::MEMORY), &Value::Null);
    }
}
