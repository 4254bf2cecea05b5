//! Images saved from a running notebook: the SDK's `CreateImage`
//! (`POST /v1/{project_id}/notebooks/{id}/create-image`, "the instance must be
//! running") and the wait until the image is `ACTIVE`, read with `ShowImage`.

use std::time::Duration;

use http::Method;
use serde::{Deserialize, Serialize};

use super::enums::ImageStatus;
use super::error::ApiError;
use super::types::Image;
use super::wait::Seen;
use super::{Call, Client};
use crate::enums::{StringEnum, Word};
use crate::ids::{ImageId, NotebookId};

/// The request to save a notebook as an image (SDK `ImageCreateReq`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct SaveImageRequest {
    /// The image's name.
    pub name: String,
    /// The SWR organization it goes into.
    pub namespace: String,
    /// The image's tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The image's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The workspace it belongs to (`0`, the default, when omitted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// An SWR enterprise-edition repository to save into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swr_instance_id: Option<String>,
    /// That repository's domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swr_instance_domain: Option<String>,
}

impl Client {
    /// Saves running notebook `notebook` as an image; the answer is `CREATING`
    /// (the notebook is `SNAPSHOTTING` meanwhile).
    pub async fn save_image(&self, notebook: &NotebookId, req: &SaveImageRequest) -> Result<Image, ApiError> {
        self.call(Call::new(Method::POST, format!("notebooks/{notebook}/create-image")).json(req)).await
    }

    /// Waits until image `id` is `ACTIVE`; `CREATE_FAILED`, `ERROR` or `DELETED`
    /// end the wait with the API's `status_message`.
    pub async fn wait_image_saved(&self, id: &ImageId, timeout: Duration) -> Result<Image, ApiError> {
        let object = format!("image {id}");
        self.wait_until(&object, ImageStatus::Active.as_str(), timeout, || async {
            let image = self.get_image(id).await?;
            match image.status.as_ref().and_then(Word::known) {
                Some(ImageStatus::Active) => Ok(Seen::Reached(image)),
                Some(status @ (ImageStatus::CreateFailed | ImageStatus::Error | ImageStatus::Deleted)) => {
                    Err(ApiError::Failed {
                        object: object.clone(),
                        status: status.as_str().to_string(),
                        reason: image.status_message.unwrap_or_default(),
                    })
                }
                _ => Ok(Seen::Waiting { status: image.status.map_or_else(|| "unknown".into(), |s| s.to_string()) }),
            }
        })
        .await
    }
}
