//! Plan-time checks with the API, so a doomed change fails at `terraform plan`, at
//! its attribute, before anything is written: a new `flavor_id` must exist, not be
//! sold out, and (for an existing notebook) be one it can switch to; a new
//! `image_id` must exist and fit the flavor (its `resource_categories` list the
//! flavor's category, and its architecture matches). Failures list the valid
//! choices, with a close match for a typo. Answers are cached for the provider
//! process; unknown values are skipped. An API that cannot be reached makes the
//! check a warning; one that refuses the credentials, an error.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::client::enums::ImageOrigin;
use crate::client::ids::NotebookId;
use crate::client::notebooks::ImageFilter;
use crate::client::types::{Flavor, Image};
use crate::client::{ApiError, Client};
use crate::framework::resource::{ModifyPlanRequest, ModifyPlanResponse};
use crate::protocol::{AttributePath, Diagnostics, Value};

use super::model::NotebookModel;

/// One answer, asked for once however many plans want it at the same time.
type Shared<T> = Arc<OnceCell<Result<T, ApiError>>>;

/// What the checks have asked the API, kept for the provider process (one plan or
/// apply): many notebooks of one flavor and image cost one call each.
#[derive(Debug, Default)]
pub struct Cache {
    flavors: OnceCell<Result<Vec<Flavor>, ApiError>>,
    images: Mutex<HashMap<String, Shared<Option<Image>>>>,
    all_images: OnceCell<Result<Vec<Image>, ApiError>>,
    switchable: Mutex<HashMap<String, Shared<Vec<Flavor>>>>,
}

/// The cell of `key` in `map`, made on first use.
fn cell<T>(map: &Mutex<HashMap<String, Shared<T>>>, key: String) -> Shared<T> {
    match map.lock() {
        Ok(mut m) => m.entry(key).or_default().clone(),
        Err(_) => Arc::new(OnceCell::new()),
    }
}

impl Cache {
    async fn flavors(&self, api: &Client) -> Result<&Vec<Flavor>, ApiError> {
        self.flavors.get_or_init(|| api.list_flavors(None, None)).await.as_ref().map_err(Clone::clone)
    }

    async fn image(&self, api: &Client, id: &str) -> Result<Option<Image>, ApiError> {
        let once = cell(&self.images, id.to_string());
        let found = once
            .get_or_init(|| async {
                match api.get_image(&id.into()).await {
                    Ok(i) => Ok(Some(i)),
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .await;
        found.clone()
    }

    async fn all_images(&self, api: &Client) -> Result<&Vec<Image>, ApiError> {
        let every_image = ImageFilter::default();
        self.all_images
            .get_or_init(|| async { api.list_images(&every_image).await })
            .await
            .as_ref()
            .map_err(Clone::clone)
    }

    async fn switchable(&self, api: &Client, id: &str, current: &str) -> Result<Vec<Flavor>, ApiError> {
        let once = cell(&self.switchable, format!("{id}:{current}"));
        let id = NotebookId::from(id);
        once.get_or_init(|| api.switchable_flavors(&id)).await.clone()
    }
}

/// Runs the checks on a plan (create or in-place update) of `modelarts_notebook`.
pub(crate) async fn check(api: &Client, cache: &Cache, req: &ModifyPlanRequest<'_>, resp: &mut ModifyPlanResponse) {
    // A plan that already fails needs no more calls; a replacement is checked when
    // Terraform plans its create (with no prior state).
    if resp.diagnostics.has_errors() || !resp.requires_replace.is_empty() {
        return;
    }
    let creating = req.state.is_null();
    let known = |v: &Value| v.as_str().map(String::from);
    let flavor = known(resp.plan.attr(NotebookModel::FLAVOR_ID));
    let image = known(resp.plan.attr(NotebookModel::IMAGE_ID));
    let flavor_changed =
        creating || req.state.attr(NotebookModel::FLAVOR_ID) != resp.plan.attr(NotebookModel::FLAVOR_ID);
    let image_changed = creating || req.state.attr(NotebookModel::IMAGE_ID) != resp.plan.attr(NotebookModel::IMAGE_ID);
    let mut checks = Checks { diags: Diagnostics::new(), warned: false };

    // A create always lists the flavors: it also proves the endpoint and credentials.
    let need_flavors = creating || (flavor_changed && flavor.is_some()) || (image_changed && image.is_some());
    let flavors = if need_flavors {
        match cache.flavors(api).await {
            Ok(f) => Some(f),
            Err(e) => {
                checks.unchecked(NotebookModel::FLAVOR_ID, &e);
                None
            }
        }
    } else {
        None
    };
    let chosen = match (&flavor, flavors) {
        (Some(f), Some(all)) => all.iter().find(|x| &x.id == f),
        _ => None,
    };
    if let (Some(f), Some(all), true) = (&flavor, flavors, flavor_changed) {
        match chosen {
            None => checks.refuse(
                NotebookModel::FLAVOR_ID,
                "Unknown flavor",
                format!(
                    "Flavor {f:?} does not exist in this region. {}",
                    choices(f, all.iter().filter(|x| x.sold_out != Some(true)).map(|x| x.id.as_str()))
                ),
            ),
            Some(x) if x.sold_out == Some(true) => checks.refuse(
                NotebookModel::FLAVOR_ID,
                "Flavor sold out",
                format!(
                    "Flavor {f:?} is sold out in this region now. {}",
                    choices(f, all.iter().filter(|x| x.sold_out != Some(true)).map(|x| x.id.as_str()))
                ),
            ),
            Some(_) => {}
        }
        let id = req.state.attr(NotebookModel::ID).as_str();
        let current = req.state.attr(NotebookModel::FLAVOR_ID).as_str();
        if let (false, Some(id), Some(current), false) = (creating, id, current, checks.diags.has_errors()) {
            match cache.switchable(api, id, current).await {
                Ok(options) if !options.iter().any(|x| &x.id == f) => checks.refuse(
                    NotebookModel::FLAVOR_ID,
                    "The notebook cannot switch to this flavor",
                    format!(
                        "Notebook {id} ({current}) cannot switch to flavor {f:?}. {} Nothing will be stopped or changed.",
                        listed(f, options.iter().map(|x| x.id.as_str()), "It can switch to", false)
                    ),
                ),
                Ok(_) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) => checks.unchecked(NotebookModel::FLAVOR_ID, &e),
            }
        }
    }
    if let (Some(i), true) = (&image, image_changed || flavor_changed) {
        match cache.image(api, i).await {
            Ok(None) => {
                let names = match cache.all_images(api).await {
                    Ok(all) => choices(i, all.iter().map(|x| x.id.as_str())),
                    Err(_) => String::new(),
                };
                checks.refuse(
                    NotebookModel::IMAGE_ID,
                    "Unknown image",
                    format!("Image {i:?} does not exist in this project and region (the modelarts_notebook_images data source lists them). {names}"),
                );
            }
            Ok(Some(img)) => {
                if let Some(f) = chosen {
                    if let Some(why) = misfit(&img, f) {
                        let fitting = match cache.all_images(api).await {
                            Ok(all) => {
                                let mut ok: Vec<&str> =
                                    all.iter().filter(|x| misfit(x, f).is_none()).map(|x| x.id.as_str()).collect();
                                ok.sort_unstable();
                                format!(
                                    " Images that fit it: {}.",
                                    if ok.is_empty() { "(none)".to_string() } else { ok.join(", ") }
                                )
                            }
                            Err(_) => String::new(),
                        };
                        checks.refuse(
                            NotebookModel::IMAGE_ID,
                            "The image does not fit the flavor",
                            format!("Image {} ({i}) {why}, so it cannot run on flavor {}.{fitting}", img.name, f.id),
                        );
                    }
                }
            }
            Err(e) => checks.unchecked(NotebookModel::IMAGE_ID, &e),
        }
    }
    if !creating && image_changed && !checks.diags.has_errors() {
        warn_of_a_saved_environment(api, cache, req, resp, &mut checks).await;
    }
    resp.diagnostics.extend(checks.diags);
}

/// A notebook running an image saved from it whose configuration names another
/// image (a real change after a save, or an import after a save, whose `image_id`
/// is the saved one: which image it was made from cannot be told from the API):
/// apply switches it away from its saved environment. Legitimate — the plan shows
/// it — but worth a sentence.
async fn warn_of_a_saved_environment(
    api: &Client,
    cache: &Cache,
    req: &ModifyPlanRequest<'_>,
    resp: &ModifyPlanResponse,
    checks: &mut Checks,
) {
    let Some(running) = req.state.attr(NotebookModel::CURRENT_IMAGE_ID).as_str() else { return };
    if resp.plan.attr(NotebookModel::IMAGE_ID).as_str() == Some(running) {
        return;
    }
    if let Ok(Some(img)) = cache.image(api, running).await {
        if img.origin.as_ref().is_some_and(|o| o.is(ImageOrigin::ImageSave)) {
            checks.diags.warning_at(
                AttributePath::attr(NotebookModel::IMAGE_ID),
                "The notebook leaves the image it was saved as",
                format!(
                    "Notebook {} runs image {} ({running}), saved from a notebook. Apply switches it to {}, without what was installed in it (the saved image stays in SWR). To keep the saved environment, set image_id = {running:?}.",
                    req.state.attr(NotebookModel::ID).as_str().unwrap_or_default(),
                    img.name,
                    resp.plan.attr(NotebookModel::IMAGE_ID).as_str().unwrap_or("(known after apply)"),
                ),
            );
        }
    }
}

/// Why `image` cannot run on `flavor`, if it cannot.
fn misfit(image: &Image, flavor: &Flavor) -> Option<String> {
    if let Some(category) = &flavor.category {
        if !image.resource_categories.iter().any(|c| c.eq_ignore_ascii_case(category)) {
            return Some(format!("runs on {} flavors, not {category}", image.resource_categories.join(" or ")));
        }
    }
    // The SDK spells a flavor's architecture `x86_64`, an image's `X86_64`.
    match (&image.arch, &flavor.arch) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => Some(format!("is built for {a}, not {b}")),
        _ => None,
    }
}

/// "Did you mean \"b\"? Valid choices: a, b, c."
fn choices<'a>(wanted: &str, options: impl Iterator<Item = &'a str>) -> String {
    listed(wanted, options, "Valid choices", true)
}

/// The options under `label`, with a close match to `wanted` first when `suggest`.
fn listed<'a>(wanted: &str, options: impl Iterator<Item = &'a str>, label: &str, suggest: bool) -> String {
    let mut all: Vec<&str> = options.collect();
    all.sort_unstable();
    all.dedup();
    if all.is_empty() {
        return "There are no valid choices.".to_string();
    }
    let close = all
        .iter()
        .filter(|_| suggest)
        .map(|o| (strsim::levenshtein(&wanted.to_ascii_lowercase(), &o.to_ascii_lowercase()), *o))
        .filter(|(d, o)| *d <= (o.chars().count() / 3).max(2))
        .min();
    let first: Vec<&str> = all.iter().take(20).copied().collect();
    let shown =
        if all.len() > 20 { format!("{} (and {} more)", first.join(", "), all.len() - 20) } else { first.join(", ") };
    match close {
        Some((_, o)) => format!("Did you mean {o:?}? {label}: {shown}."),
        None => format!("{label}: {shown}."),
    }
}

struct Checks {
    diags: Diagnostics,
    warned: bool,
}

impl Checks {
    fn refuse(&mut self, attr: &str, summary: &str, detail: String) {
        self.diags.error_at(AttributePath::attr(attr), summary, detail);
    }

    /// The API could not answer: a warning (once), unless it refused the credentials.
    fn unchecked(&mut self, attr: &str, e: &ApiError) {
        match e {
            ApiError::Unauthorized(_) if !self.diags.has_errors() => {
                self.diags.error("The API refused the credentials", e.to_string());
            }
            ApiError::Unauthorized(_) => {}
            _ if !self.warned => {
                self.warned = true;
                self.diags.warning_at(
                    AttributePath::attr(attr),
                    "Could not check the flavor and image with the API",
                    format!("The plan-time check of {attr} could not ask the API ({e}); apply will find out whether the change can be made."),
                );
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_suggest_a_close_match() {
        let opts = ["modelarts.vm.cpu.2u", "modelarts.vm.cpu.8u", "modelarts.vm.gpu.t4"];
        assert_eq!(
            choices("modelarts.vm.cpu.2x", opts.iter().copied()),
            "Did you mean \"modelarts.vm.cpu.2u\"? Valid choices: modelarts.vm.cpu.2u, modelarts.vm.cpu.8u, modelarts.vm.gpu.t4."
        );
        assert!(choices("something-else-entirely", opts.iter().copied()).starts_with("Valid choices"));
        assert_eq!(choices("x", std::iter::empty()), "There are no valid choices.");
    }

    #[test]
    fn images_fit_by_category_and_architecture() {
        let image = |cats: &[&str], arch: &str| Image {
            resource_categories: cats.iter().map(|c| c.to_string()).collect(),
            arch: Some(arch.into()),
            ..Default::default()
        };
        let flavor = |cat: &str, arch: &str| Flavor {
            category: Some(cat.into()),
            arch: Some(arch.into()),
            ..Default::default()
        };
        assert!(misfit(&image(&["CPU"], "X86_64"), &flavor("CPU", "x86_64")).is_none(), "case does not matter");
        assert!(misfit(&image(&["CPU"], "X86_64"), &flavor("GPU", "x86_64")).unwrap().contains("not GPU"));
        assert!(misfit(&image(&["CPU"], "AARCH64"), &flavor("CPU", "x86_64")).unwrap().contains("built for AARCH64"));
    }
}
