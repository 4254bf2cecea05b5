//! `data "modelarts_notebook_images"`: the images notebooks can use.

use crate::client::enums::{CpuArch, FlavorCategory, ImageType};
use crate::client::notebooks::ImageFilter;
use crate::client::types::Image;
use crate::enums::StringEnum;
use crate::framework::validators::{Check, OneOf};
use crate::framework::{Attribute, Block, Ctx, ModelDataSource, NestedNesting, Schema};
use crate::protocol::{AttributePath, Diagnostics, Type, Value};
use crate::provider::configured::Configured;

use super::region_attribute;

/// The data source's value: the filters, and what they found.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct ImagesModel {
    id: Option<String>,
    region: Option<String>,
    name: Option<String>,
    #[tf(name = "type")]
    kind: Option<String>,
    cpu_arch: Option<String>,
    namespace: Option<String>,
    organization: Option<String>,
    workspace_id: Option<String>,
    service_type: Option<String>,
    category: Option<String>,
    images: Option<Vec<ImageModel>>,
}

/// One image, named as in the official provider.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct ImageModel {
    id: String,
    name: String,
    swr_path: Option<String>,
    tag: Option<String>,
    #[tf(name = "type")]
    kind: Option<String>,
    cpu_arch: Option<String>,
    service_type: Option<String>,
    description: Option<String>,
    resource_categories: Vec<String>,
    status: Option<String>,
    dev_services: Vec<String>,
    workspace_id: Option<String>,
    namespace: Option<String>,
    show_name: Option<String>,
}

impl From<Image> for ImageModel {
    fn from(i: Image) -> Self {
        ImageModel {
            id: i.id.into_string(),
            name: i.name,
            swr_path: i.swr_path,
            tag: i.tag,
            kind: i.kind,
            cpu_arch: i.arch,
            service_type: i.service_type,
            description: i.description,
            resource_categories: i.resource_categories,
            status: i.status.map(|w| w.to_string()),
            dev_services: i.dev_services,
            workspace_id: i.workspace_id,
            namespace: i.namespace,
            show_name: i.show_name,
        }
    }
}

/// One image's attributes, named as in the official provider.
fn image_attributes() -> Vec<Attribute> {
    let field = |a: Attribute, description: &str| a.computed().describe(description);
    vec![
        field(Attribute::string(ImageModel::ID), "The image's ID, as `image_id` takes it."),
        field(Attribute::string(ImageModel::NAME), "Its name."),
        field(Attribute::string(ImageModel::SWR_PATH), "Its path in SWR."),
        field(Attribute::string(ImageModel::TAG), "Its tag."),
        field(Attribute::string(ImageModel::TYPE), "`BUILD_IN` or `DEDICATED`."),
        field(Attribute::string(ImageModel::CPU_ARCH), "CPU architecture, as the API spells it (e.g. `X86_64`)."),
        field(Attribute::string(ImageModel::SERVICE_TYPE), "The service it is for, e.g. `DEV`, `COMMON`."),
        field(Attribute::string(ImageModel::DESCRIPTION), "What the API says of it."),
        field(
            Attribute::list_of(ImageModel::RESOURCE_CATEGORIES, Type::String),
            "The flavor categories it runs on: `CPU`, `GPU`, `ASCEND`.",
        ),
        field(Attribute::string(ImageModel::STATUS), "Its status, e.g. `ACTIVE`."),
        field(
            Attribute::list_of(ImageModel::DEV_SERVICES, Type::String),
            "The services a notebook of it offers: `NOTEBOOK`, `SSH`.",
        ),
        field(Attribute::string(ImageModel::WORKSPACE_ID), "Its workspace."),
        field(Attribute::string(ImageModel::NAMESPACE), "Its SWR organization."),
        field(Attribute::string(ImageModel::SHOW_NAME), "The display name the API gives preset images."),
    ]
}

/// An architecture, as the official provider spells them ([`CpuArch`]); compared
/// without regard to case (the SDK's docs spell an image's `X86_64`).
fn check_arch(v: &Value) -> Result<(), String> {
    match v.as_str() {
        Some(a) if !CpuArch::NAMES.iter().any(|x| x.eq_ignore_ascii_case(a)) => {
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
            .attr(Attribute::string(ImagesModel::ID).computed().describe("An identifier of this query (its filters)."))
            .attr(region_attribute())
            .attr(Attribute::string(ImagesModel::NAME).optional().describe("Only images whose name contains this text: the API matches names fuzzily by default (SDK `ListImageRequest.name_fuzzy_match`), as in the official provider."))
            .attr(Attribute::string(ImagesModel::TYPE).default_value(ImageType::BuildIn.as_str()).describe("Only images of this type: `BUILD_IN` (provided by ModelArts, the default, as in the official provider) or `DEDICATED` (your own).").validate(OneOf(ImageType::NAMES)))
            .attr(Attribute::string(ImagesModel::CPU_ARCH).optional().describe("Only images for this CPU architecture: `x86_64` or `aarch64` (compared without regard to case).").validate(Check { check: check_arch, description: "`x86_64` or `aarch64`" }))
            .attr(Attribute::string(ImagesModel::NAMESPACE).optional().describe("Only images of this SWR organization (the API's `namespace`)."))
            .attr(Attribute::string(ImagesModel::ORGANIZATION).optional().describe("The same as `namespace`, under the official provider's older (deprecated) name."))
            .attr(Attribute::string(ImagesModel::WORKSPACE_ID).optional().describe("Only images of this workspace; the default workspace (`0`) when omitted, as the API does."))
            .attr(Attribute::string(ImagesModel::SERVICE_TYPE).optional().describe("Only images for this service, e.g. `DEV`, `COMMON`, `TRAIN`, `INFERENCE`."))
            .attr(Attribute::string(ImagesModel::CATEGORY).optional().describe("Only images that run on this processor category: `CPU`, `GPU` or `ASCEND` (matched on the image's resource categories).").validate(OneOf(FlavorCategory::NAMES)))
            .attr(
                Attribute::nested(ImagesModel::IMAGES, NestedNesting::List, image_attributes())
                    .computed()
                    .describe("The images."),
            ),
    )
}

/// `data "modelarts_notebook_images"`.
#[derive(Debug)]
pub(crate) struct ImagesDataSource;

#[async_trait::async_trait]
impl ModelDataSource for ImagesDataSource {
    type Model = ImagesModel;
    type Data = Configured;

    fn type_name(&self) -> &'static str {
        "modelarts_notebook_images"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &Ctx<'_, Configured>, config: ImagesModel) -> Result<ImagesModel, Diagnostics> {
        let (api, region) = ctx.data()?.region_client(config.region.as_deref(), ctx.cancel()).await?;
        let namespace = match (&config.namespace, &config.organization) {
            (Some(n), Some(o)) if n != o => {
                return Err(Diagnostics::with_error_at(
                    AttributePath::attr(ImagesModel::ORGANIZATION),
                    "namespace and organization differ",
                    format!("organization is the older name of namespace: set one of them, not {n:?} and {o:?}."),
                ))
            }
            (n, o) => n.clone().or(o.clone()),
        };
        // The API matches names fuzzily by default, as the official data source relies on.
        let filter = ImageFilter {
            name: config.name.clone(),
            name_fuzzy_match: None,
            kind: config.kind.clone().or_else(|| Some(ImageType::BuildIn.as_str().into())),
            service_type: config.service_type.clone(),
            namespace,
            workspace_id: config.workspace_id.clone(),
        };
        let images = api
            .list_images(&filter)
            .await
            .map_err(|e| Diagnostics::with_error("Failed to list images", e.to_string()))?;
        let (category, arch) = (&config.category, &config.cpu_arch);
        let items = images
            .into_iter()
            // The API has no category or architecture filter: match on the image's own.
            .filter(|i| {
                category.as_ref().is_none_or(|c| i.resource_categories.iter().any(|r| r.eq_ignore_ascii_case(c)))
            })
            .filter(|i| arch.as_ref().is_none_or(|a| i.arch.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(a))))
            .map(ImageModel::from)
            .collect();
        let filters = [
            &config.name,
            &config.kind,
            &config.cpu_arch,
            &config.namespace,
            &config.organization,
            &config.workspace_id,
            &config.service_type,
            &config.category,
        ];
        let key = filters.map(|f| f.as_deref().unwrap_or("*")).join(":");
        Ok(ImagesModel {
            id: Some(format!("images:{key}")),
            region: Some(region.into_string()),
            images: Some(items),
            ..config
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::agree;
    use crate::framework::TfType;

    #[test]
    fn the_model_and_the_schema_agree() {
        assert_eq!(agree(&schema().ty(), &ImagesModel::tf_type()), Ok(()));
    }
}
