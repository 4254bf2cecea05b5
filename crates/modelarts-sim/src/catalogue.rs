//! The flavors and images the simulator offers, built in or loaded from a file.
//! Their shapes follow the SDK's `NotebookFlavor` and `ImageResponse`, including
//! the case of `arch`, which the two models spell differently (`x86_64` for a
//! flavor, `X86_64` for an image).

use serde::{Deserialize, Serialize};

use modelarts_api::enums::ImageStatus;
use modelarts_api::types::{BillingInfo, Flavor, GpuInfo, Image};

/// The flavors and images a simulator offers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Catalogue {
    /// The flavors.
    pub flavors: Vec<Flavor>,
    /// The images.
    pub images: Vec<Image>,
}

fn flavor(id: &str, category: &str, arch: &str, vcpus: i64, memory_gb: i64, sold_out: bool, desc: &str) -> Flavor {
    Flavor {
        id: id.into(),
        name: id.into(),
        arch: Some(arch.into()),
        category: Some(category.into()),
        description: Some(desc.into()),
        feature: None,
        free: Some(false),
        sold_out: Some(sold_out),
        vcpus: Some(vcpus),
        memory: Some(memory_gb * 1024),
        gpu: (category == "GPU").then(|| GpuInfo {
            gpu: Some(1),
            gpu_memory: Some("16GB".into()),
            kind: Some(desc.into()),
        }),
        billing: Some(BillingInfo { code: Some(format!("{id}.hourly")), unit_num: Some(1) }),
        storages: vec!["EVS".into(), "EFS".into()],
    }
}

fn image(id: &str, name: &str, tag: &str, categories: &[&str], arch: &str, desc: &str) -> Image {
    Image {
        id: id.into(),
        name: name.into(),
        swr_path: Some(format!("swr.cn-north-4.myhuaweicloud.com/atelier/{name}:{tag}")),
        tag: Some(tag.into()),
        kind: Some("BUILD_IN".into()),
        arch: Some(arch.into()),
        service_type: Some("DEV".into()),
        status: Some(ImageStatus::Active.into()),
        resource_categories: categories.iter().map(|c| c.to_string()).collect(),
        dev_services: vec!["NOTEBOOK".into(), "SSH".into()],
        description: Some(desc.into()),
        visibility: Some("PUBLIC".into()),
        workspace_id: Some("0".into()),
        namespace: Some("atelier".into()),
        // Preset images have a display name (SDK `ImageResponse.show_name`).
        show_name: Some(name.split('-').next().unwrap_or(name).to_string()),
        ..Default::default()
    }
}

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue {
            flavors: vec![
                flavor("modelarts.vm.cpu.2u", "CPU", "x86_64", 2, 8, false, "2 vCPUs | 8 GB"),
                flavor("modelarts.vm.cpu.8u", "CPU", "x86_64", 8, 32, false, "8 vCPUs | 32 GB"),
                flavor("modelarts.vm.gpu.t4", "GPU", "x86_64", 8, 32, false, "T4"),
                flavor("modelarts.vm.gpu.v100", "GPU", "x86_64", 8, 64, true, "V100"),
                flavor("modelarts.bm.d910.xlarge.1", "ASCEND", "aarch64", 24, 192, false, "1 Ascend 910 | 24 vCPUs"),
            ],
            images: vec![
                image(
                    "e1a07296-22a8-4f05-8bc8-e936c8e54090",
                    "notebook2.0-mul-kernel-cpu-cp36",
                    "3.3.2-release_v1",
                    &["CPU"],
                    "X86_64",
                    "Multi-kernel CPU image, Python 3.6",
                ),
                image(
                    "3b8c7a2e-5f1d-4c9e-9a47-2d6f0e1b8c35",
                    "pytorch1.10-cuda10.2-cudnn7-ubuntu18.04",
                    "2.0.0-release_v2",
                    &["GPU"],
                    "X86_64",
                    "PyTorch 1.10 with CUDA 10.2",
                ),
                image(
                    "7d0e4f6a-91c2-4b3e-8f5d-6a2c1e9b0f47",
                    "mindspore1.7.0-py3.7-ubuntu18.04",
                    "1.7.0",
                    &["CPU", "GPU"],
                    "X86_64",
                    "MindSpore 1.7 for CPU and GPU",
                ),
                image(
                    "5c3f1e9a-7b2d-4e6f-8a1c-9d0e2f4b6a81",
                    "mindspore2.2.0-py3.9-euleros2.10-aarch64",
                    "2.2.0",
                    &["CPU", "ASCEND"],
                    "AARCH64",
                    "MindSpore 2.2 for Arm CPUs and Ascend",
                ),
            ],
        }
    }
}

impl Catalogue {
    /// A catalogue from a JSON file (`{"flavors": [...], "images": [...]}`).
    pub fn load(path: &std::path::Path) -> Result<Catalogue, super::SimError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| super::SimError::File { path: path.to_path_buf(), source })?;
        serde_json::from_str(&text).map_err(|source| super::SimError::Catalogue { path: path.to_path_buf(), source })
    }

    /// The flavor with this ID.
    pub fn flavor(&self, id: &str) -> Option<&Flavor> {
        self.flavors.iter().find(|f| f.id == id)
    }

    /// The image with this ID.
    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.id == id)
    }

    /// A notebook may change to another flavor of its own category and architecture
    /// that is not sold out.
    pub fn switchable_from(&self, current: &str) -> Vec<Flavor> {
        let (category, arch) = self.flavor(current).map_or((None, None), |f| (f.category.clone(), f.arch.clone()));
        self.flavors
            .iter()
            .filter(|f| f.id != current && f.category == category && f.arch == arch && f.sold_out != Some(true))
            .cloned()
            .collect()
    }

    /// Whether an image can run on a flavor (the image lists the flavor's category).
    pub fn image_fits(&self, image: &Image, flavor: &Flavor) -> bool {
        flavor.category.as_ref().is_some_and(|c| image.resource_categories.contains(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_cannot_switch_to_gpu() {
        let c = Catalogue::default();
        let ids: Vec<String> = c.switchable_from("modelarts.vm.cpu.2u").into_iter().map(|f| f.id.into()).collect();
        assert_eq!(ids, vec!["modelarts.vm.cpu.8u"]);
        let gpu: Vec<String> = c.switchable_from("modelarts.vm.gpu.t4").into_iter().map(|f| f.id.into()).collect();
        assert!(gpu.is_empty(), "the V100 is sold out: {gpu:?}");
        assert!(c.image("e1a07296-22a8-4f05-8bc8-e936c8e54090").is_some());
    }
}
