//! The flavors and images a notebook is made from.

use serde::{Deserialize, Serialize};

use super::nullable;
use crate::enums::{ImageOrigin, ImageStatus, Word};
use crate::ids::{FlavorId, ImageId};

/// A flavor's GPUs (SDK `GPUInfo`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct GpuInfo {
    /// How many GPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu: Option<i64>,
    /// Memory per GPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_memory: Option<String>,
    /// The GPU model.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// How a flavor is billed (SDK `BillingInfo`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct BillingInfo {
    /// The billing code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Billing units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_num: Option<i64>,
}

/// A notebook flavor (SDK `NotebookFlavor`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Flavor {
    /// The flavor's ID, e.g. `modelarts.vm.cpu.2u`.
    #[serde(deserialize_with = "nullable")]
    pub id: FlavorId,
    /// The flavor's name.
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    /// `x86_64` or `aarch64` (lower case in the SDK's `NotebookFlavor`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// `CPU`, `GPU` or `ASCEND`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The flavor's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Older answers carry it (`golangsdk` `Flavor`); the SDK's model does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// Whether it is free of charge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free: Option<bool>,
    /// No capacity left for it now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sold_out: Option<bool>,
    /// vCPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcpus: Option<i64>,
    /// Memory in MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// Its GPUs, for a GPU flavor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu: Option<GpuInfo>,
    /// How it is billed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing: Option<BillingInfo>,
    /// Storage types it supports: `EVS`, `EFS`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub storages: Vec<String>,
}

/// An image (SDK `ImageResponse`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Image {
    /// The image's ID.
    #[serde(deserialize_with = "nullable")]
    pub id: ImageId,
    /// The image's name.
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    /// Where the image is in SWR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swr_path: Option<String>,
    /// The image's tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// `BUILD_IN` or `DEDICATED`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `X86_64` or `AARCH64` (upper case in the SDK's `ImageResponse`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// What the image is for: `COMMON`, `INFERENCE`, `TRAIN`, `DEV` or `UNKNOWN`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,
    /// The image's status, e.g. `ACTIVE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Word<ImageStatus>>,
    /// Flavor categories it runs on: `CPU`, `GPU`, `ASCEND`.
    #[serde(deserialize_with = "nullable")]
    pub resource_categories: Vec<String>,
    /// Ways to reach a notebook of it: `NOTEBOOK`, `SSH` (from the instance's
    /// `Image`; the official provider's images data source reads them).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub dev_services: Vec<String>,
    /// The image's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `PRIVATE` or `PUBLIC`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    /// The workspace it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// The SWR organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `CUSTOMIZE` (built by a user) or `IMAGE_SAVE` (saved from a notebook).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Word<ImageOrigin>>,
    /// The display name; "only preset images have this field" (SDK `ImageResponse.show_name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_name: Option<String>,
    /// What saving the image printed (SDK `status_message`); the reason of a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// When it was made, in milliseconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_at: Option<i64>,
}

/// The switchable-flavors answer; some regions name the list `data`.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
#[serde(default)]
pub struct SwitchableFlavors {
    /// The flavors, in regions that call the list this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flavors: Option<Vec<Flavor>>,
    /// The flavors, in regions that call the list this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<Flavor>>,
}

impl SwitchableFlavors {
    /// The flavors, from whichever field has them.
    pub fn into_list(self) -> Vec<Flavor> {
        self.flavors.or(self.data).unwrap_or_default()
    }
}
