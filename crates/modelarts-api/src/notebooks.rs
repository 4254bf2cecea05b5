//! Typed calls of the notebook API.

use http::Method;

use super::error::ApiError;
use super::types::{
    CreateNotebook, Flavor, Image, Lease, LeaseReq, Notebook, Page, SwitchableFlavors, UpdateNotebook, AUTO_STOP_OFF,
};
use super::{Call, Client};
use crate::ids::{ImageId, NotebookId};

/// Page size of the notebook list: the largest it accepts (SDK
/// `ListNotebooksRequest.limit`: 10, 20 or 50), as the official data source sends.
const NOTEBOOKS_PAGE: usize = 50;
/// Page size of the image list: its default (SDK `ListImageRequest.limit`: any
/// positive number, default 200), as the official images data source sends.
const IMAGES_PAGE: usize = 200;
/// A safety stop for an API that keeps answering full pages.
const MAX_PAGES: usize = 10_000;

/// Filters of the notebook list call.
#[derive(Clone, Debug, Default)]
pub struct NotebookFilter {
    /// The API matches names fuzzily: callers wanting one name compare exactly.
    pub name: Option<String>,
    /// The API's `status` filter, e.g. `RUNNING`.
    pub status: Option<String>,
    /// Only notebooks of this dedicated resource pool.
    pub pool_id: Option<String>,
    /// The API's `feature` filter: `NOTEBOOK` (billed instances, its default) or `DEFAULT` (the free CodeLab one; SDK `ListNotebooksRequest`).
    pub feature: Option<String>,
    /// SDK `ListNotebooksRequest.workspace_id`.
    pub workspace_id: Option<String>,
    /// The API's `flavor` filter (matched fuzzily, SDK `ListNotebooksRequest.flavor`).
    pub flavor: Option<String>,
    /// The API's `image_id` filter.
    pub image_id: Option<String>,
    /// The API's `id` filter: one notebook by its ID.
    pub id: Option<String>,
    /// The API's `billing` filter: `COMPUTE`, `STORAGE` or `ALL`.
    pub billing: Option<String>,
    /// Only notebooks with all these tags (SDK `ListNotebooksRequest.tags`, sent as
    /// `key1|value1,key2|value2`).
    pub tags: Vec<(String, String)>,
}

impl NotebookFilter {
    /// The `tags` query: `key1|value1,key2|value2` (none when no tag is asked for).
    fn tags_query(&self) -> Option<String> {
        (!self.tags.is_empty()).then(|| self.tags.iter().map(|(k, v)| format!("{k}|{v}")).collect::<Vec<_>>().join(","))
    }
}

/// Filters of the images call.
#[derive(Clone, Debug, Default)]
pub struct ImageFilter {
    /// The image name to look for.
    pub name: Option<String>,
    /// Whether the API matches `name` as a substring (its default) or exactly.
    pub name_fuzzy_match: Option<bool>,
    /// The API's `type`: `BUILD_IN` (preset) or `DEDICATED` (the user's own).
    pub kind: Option<String>,
    /// The API's `service_type`: `COMMON`, `INFERENCE`, `TRAIN`, `DEV` or `UNKNOWN` (SDK `ListImageRequest`).
    pub service_type: Option<String>,
    /// The SWR organization.
    pub namespace: Option<String>,
    /// Only images of this workspace.
    pub workspace_id: Option<String>,
}

impl Client {
    pub(super) async fn call<T: serde::de::DeserializeOwned>(&self, call: Call) -> Result<T, ApiError> {
        let body = self.execute(&call).await?;
        self.decode(&call, &body)
    }

    /// Follows `offset` / `limit` pagination to the end, `size` items a page.
    async fn all_pages<T: serde::de::DeserializeOwned>(
        &self,
        size: usize,
        base: impl Fn() -> Call,
    ) -> Result<Vec<T>, ApiError> {
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            let page: Page<T> = self.call(base().query("limit", size).query("offset", items.len())).await?;
            let total = usize::try_from(page.total).unwrap_or(0);
            let page = page.into_items();
            let n = page.len();
            items.extend(page);
            if n == 0 || n < size || (total > 0 && items.len() >= total) {
                break;
            }
        }
        Ok(items)
    }

    /// Creates a notebook. A 2xx answer means the notebook exists even when the
    /// answer cannot be read: then it is fetched by the `id` the answer gave, and
    /// without one the error is [`ApiError::Ambiguous`], so the caller looks for it.
    pub async fn create_notebook(&self, req: &CreateNotebook) -> Result<Notebook, ApiError> {
        let call = Call::new(Method::POST, "notebooks").json(req);
        let body = self.execute(&call).await?;
        let unreadable = match self.decode::<Notebook>(&call, &body) {
            Ok(n) if !n.id.is_empty() => return Ok(self.without_ignored_tags(n)),
            Ok(_) => "it has no id".to_string(),
            Err(e) => e.to_string(),
        };
        let id = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|j| j.get("id").and_then(|id| id.as_str()).filter(|id| !id.is_empty()).map(NotebookId::from));
        tracing::warn!(answer = %unreadable, id = ?id, "the create answer could not be read");
        match id {
            Some(id) => self.get_notebook(&id).await,
            None => Err(ApiError::Ambiguous {
                method: "POST".into(),
                path: self.path_of(&call),
                cause: format!("the API accepted it, but its answer could not be read: {unreadable}"),
            }),
        }
    }

    /// Shows one notebook (`GET notebooks/{id}`).
    pub async fn get_notebook(&self, id: &NotebookId) -> Result<Notebook, ApiError> {
        self.call(Call::new(Method::GET, format!("notebooks/{id}"))).await.map(|n| self.without_ignored_tags(n))
    }

    /// `n` without the tags of the keys this client ignores.
    fn without_ignored_tags(&self, mut n: Notebook) -> Notebook {
        let ignored = &self.inner.config.ignored_tag_keys;
        if !ignored.is_empty() {
            n.tags.retain(|t| !ignored.contains(&t.key));
        }
        n
    }

    /// Lists the notebooks that pass `filter`, every page.
    pub async fn list_notebooks(&self, filter: &NotebookFilter) -> Result<Vec<Notebook>, ApiError> {
        self.all_pages(NOTEBOOKS_PAGE, || {
            Call::new(Method::GET, "notebooks")
                .query_opt("name", filter.name.as_ref())
                .query_opt("status", filter.status.as_ref())
                .query_opt("pool_id", filter.pool_id.as_ref())
                .query_opt("feature", filter.feature.as_ref())
                .query_opt("workspace_id", filter.workspace_id.as_ref())
                .query_opt("flavor", filter.flavor.as_ref())
                .query_opt("image_id", filter.image_id.as_ref())
                .query_opt("id", filter.id.as_ref())
                .query_opt("billing", filter.billing.as_ref())
                .query_opt("tags", filter.tags_query())
        })
        .await
        .map(|all: Vec<Notebook>| all.into_iter().map(|n| self.without_ignored_tags(n)).collect())
    }

    /// Changes a notebook (`PUT notebooks/{id}`); see the notes for which status each field needs.
    pub async fn update_notebook(&self, id: &NotebookId, req: &UpdateNotebook) -> Result<Notebook, ApiError> {
        self.call(Call::new(Method::PUT, format!("notebooks/{id}")).json(req))
            .await
            .map(|n| self.without_ignored_tags(n))
    }

    /// Deletes a notebook; the API refuses while it is running (`ModelArts.6304`).
    pub async fn delete_notebook(&self, id: &NotebookId) -> Result<(), ApiError> {
        self.execute(&Call::new(Method::DELETE, format!("notebooks/{id}"))).await.map(|_| ())
    }

    /// Starts a stopped notebook; `auto_stop` sets when it stops again, and `None`
    /// turns auto-stop off (`duration=-1`, as the official provider sends at every
    /// start; without it the API would apply its 1-hour default).
    pub async fn start_notebook(&self, id: &NotebookId, auto_stop: Option<&LeaseReq>) -> Result<Notebook, ApiError> {
        let call = Call::new(Method::POST, format!("notebooks/{id}/start"))
            .query("duration", auto_stop.map_or(AUTO_STOP_OFF, |l| l.duration))
            .query_opt("type", auto_stop.map(|l| l.kind.clone()));
        self.call(call).await.map(|n| self.without_ignored_tags(n))
    }

    /// Stops a running notebook.
    pub async fn stop_notebook(&self, id: &NotebookId) -> Result<Notebook, ApiError> {
        self.call(Call::new(Method::POST, format!("notebooks/{id}/stop"))).await.map(|n| self.without_ignored_tags(n))
    }

    /// Notebook flavors, optionally of one `category` (CPU, GPU, ASCEND) and `type`:
    /// one call, without paging (SDK `ListFlavorsRequest.limit`: "no limit by
    /// default"; the official flavors data source sends none).
    pub async fn list_flavors(&self, category: Option<&str>, kind: Option<&str>) -> Result<Vec<Flavor>, ApiError> {
        let call = Call::new(Method::GET, "notebooks/flavors").query_opt("category", category).query_opt("type", kind);
        let page: Page<Flavor> = self.call(call).await?;
        Ok(page.into_items())
    }

    /// The flavors notebook `id` can change to.
    pub async fn switchable_flavors(&self, id: &NotebookId) -> Result<Vec<Flavor>, ApiError> {
        let answer: SwitchableFlavors = self.call(Call::new(Method::GET, format!("notebooks/{id}/flavors"))).await?;
        Ok(answer.into_list())
    }

    /// The notebook's auto-stop lease.
    pub async fn get_lease(&self, id: &NotebookId) -> Result<Lease, ApiError> {
        self.call(Call::new(Method::GET, format!("notebooks/{id}/lease"))).await
    }

    /// Renews auto-stop of a running notebook.
    pub async fn renew_lease(&self, id: &NotebookId, lease: &LeaseReq) -> Result<(), ApiError> {
        self.execute(&Call::new(Method::PATCH, format!("notebooks/{id}/lease")).json(lease)).await.map(|_| ())
    }

    /// The IDs of the projects named `name` (IAM's `GET projects?name=`, on an IAM
    /// endpoint such as `https://iam.{region}.{cloud}/v3`): how the official provider
    /// finds a project from `project_name` or a region's name. Exact matches only.
    pub async fn projects_named(&self, name: &str) -> Result<Vec<String>, ApiError> {
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct Projects {
            projects: Vec<Project>,
        }
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct Project {
            id: String,
            name: String,
        }
        let listed: Projects = self.call(Call::outside_project(Method::GET, "projects").query("name", name)).await?;
        Ok(listed.projects.into_iter().filter(|p| p.name == name && !p.id.is_empty()).map(|p| p.id).collect())
    }

    /// One image by its ID (`GET /v1/{project_id}/images/{id}`, SDK `ShowImageRequest`).
    pub async fn get_image(&self, id: &ImageId) -> Result<Image, ApiError> {
        self.call(Call::new(Method::GET, format!("images/{id}"))).await
    }

    /// Lists the images that pass `filter`, every page.
    pub async fn list_images(&self, filter: &ImageFilter) -> Result<Vec<Image>, ApiError> {
        self.all_pages(IMAGES_PAGE, || {
            Call::new(Method::GET, "images")
                .query_opt("name", filter.name.as_ref())
                .query_opt("name_fuzzy_match", filter.name_fuzzy_match)
                .query_opt("type", filter.kind.as_ref())
                .query_opt("service_type", filter.service_type.as_ref())
                .query_opt("namespace", filter.namespace.as_ref())
                .query_opt("workspace_id", filter.workspace_id.as_ref())
        })
        .await
    }
}
