//! Create, read, update, delete and import of a notebook. Whatever happens, the
//! state returned matches what exists: a notebook that was created is always
//! recorded, even when a later wait fails.

use std::time::{Duration, Instant};

use crate::client::codes::ErrorCode;
use crate::client::enums::{ImageOrigin, LeaseType, NotebookFeature};
use crate::client::ids::{NotebookId, Region};
use crate::client::limits::MIN_LEASE_MS;
use crate::client::notebooks::NotebookFilter;
use crate::client::types::{CreateNotebook, Lease, Notebook, Status, AUTO_STOP_OFF};
use crate::client::{ApiError, Client};
use crate::enums::{StringEnum, Word};
use crate::framework::resource::ImportStateResponse;
use crate::framework::{Ctx, Failure, IntoValue};
use crate::protocol::Diagnostics;
use crate::timefmt::{self, now_millis};

use super::changes::Field;
use super::changes::NOTEBOOK_BLAME;
use super::diff::diff;
use super::execute::{execute, Run};
use super::model::NotebookModel;
use super::spec::{Spec, Timeouts};
use super::state::{asked_duration_ms, auto_stop_block, mount_storages, state_from_api};
use super::steps::{self, Power, Step};
use super::tags;
use crate::client::power;
use crate::provider::configured::Configured;
use crate::provider::diagnose::{api_error, blamed};

/// How far the API's clock may be from ours when matching a lost create.
const CLOCK_SLACK_MS: i64 = 120_000;

fn create_request(spec: &Spec) -> CreateNotebook {
    let endpoints = spec.endpoints();
    CreateNotebook {
        name: spec.name.clone(),
        description: spec.description.clone(),
        flavor: spec.flavor_id.clone(),
        image_id: spec.image_id.clone(),
        volume: spec.volume_request(),
        endpoints: (!endpoints.is_empty()).then_some(endpoints),
        workspace_id: spec.workspace_id.clone(),
        pool_id: spec.pool_id.clone(),
        hooks: spec.hooks.clone(),
        // Auto-stop on: the lease asked for; off: `duration: -1`, as the official
        // provider sends at every create (the API's default would be 1 hour).
        lease: spec.auto_stop.clone(),
        duration: spec.auto_stop.is_none().then_some(AUTO_STOP_OFF),
        feature: Some(NotebookFeature::Notebook.into()),
    }
}

/// The attributes a create request carries, to blame for a refusal.
const CREATE_FIELDS: &[Field] = &[
    Field::Name,
    Field::Description,
    Field::FlavorId,
    Field::ImageId,
    Field::VolumeType,
    Field::VolumeOwnership,
    Field::VolumeUri,
    Field::VolumeId,
    Field::VolumeSize,
    Field::AllowedAccessIps,
    Field::KeyPair,
    Field::WorkspaceId,
    Field::PoolId,
    Field::Hooks,
    Field::AutoStop,
];

/// Why the notebook of a create whose answer was lost could not be told apart.
#[derive(Debug)]
enum NotRecovered {
    /// Listing the notebooks of that name failed.
    List { name: String, source: ApiError },
    /// More than one appeared since the request was sent.
    Several { name: String, ids: Vec<String> },
    /// None appeared.
    None { name: String },
}

impl std::fmt::Display for NotRecovered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRecovered::List { name, source } => write!(f, "listing notebooks named {name:?} failed too: {source}"),
            NotRecovered::Several { name, ids } => write!(
                f,
                "several notebooks named {name:?} were created since then ({}); the provider cannot tell which is its own",
                ids.join(", ")
            ),
            NotRecovered::None { name } => write!(f, "no notebook named {name:?} has appeared"),
        }
    }
}

impl std::error::Error for NotRecovered {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NotRecovered::List { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// After a create whose answer was lost: the notebook of that name created since
/// the request began, if there is exactly one.
async fn recover_lost_create(api: &Client, name: &str, sent_at_ms: i64) -> Result<Notebook, NotRecovered> {
    for attempt in 0..4 {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
        }
        let listed = api
            .list_notebooks(&NotebookFilter { name: Some(name.to_string()), ..Default::default() })
            .await
            .map_err(|source| NotRecovered::List { name: name.to_string(), source })?;
        let matches: Vec<Notebook> = listed
            .into_iter()
            .filter(|n| n.name == name && n.create_at.is_none_or(|c| c >= sent_at_ms - CLOCK_SLACK_MS))
            .collect();
        match matches.len() {
            0 => continue,
            1 => return Ok(matches.into_iter().next().unwrap_or_default()),
            _ => {
                let ids = matches.iter().map(|n| n.id.to_string()).collect();
                return Err(NotRecovered::Several { name: name.to_string(), ids });
            }
        }
    }
    Err(NotRecovered::None { name: name.to_string() })
}

/// Creates the notebook `planned` describes and waits for it; the state records
/// it from the moment the API answers.
pub(crate) async fn create(
    api: &Client,
    ctx: &Ctx<'_, Configured>,
    planned: &NotebookModel,
    spec: &Spec,
) -> Result<NotebookModel, Failure<NotebookModel>> {
    let deadline = Instant::now() + spec.timeouts.create;
    // Passing trouble (throttling, an outage) is ridden out within the timeout: the
    // create, the waits and the reads that follow it.
    let api = &api.until(deadline);
    let sent_at = now_millis();
    tracing::info!(name = %spec.name, flavor = %spec.flavor_id, "creating notebook");
    let created = match api.create_notebook(&create_request(spec)).await {
        Ok(n) => n,
        Err(e) if e.is_ambiguous() => {
            tracing::warn!(name = %spec.name, error = %e, "create answer lost; looking for the notebook it made");
            match recover_lost_create(api, &spec.name, sent_at).await {
                Ok(n) => {
                    tracing::info!(notebook = %n.id, "recovered the notebook made by the lost create");
                    n
                }
                Err(why) => {
                    let since = timefmt::rfc3339(sent_at).unwrap_or_default();
                    return Err(Failure::error(
                        "Notebook may have been created",
                        format!("The create request was sent but its answer was lost ({e}), and {why}. A notebook named {:?} created after {since} may exist and keep costing money: check the ModelArts console and import it (terraform import) or delete it before applying again.", spec.name),
                    ));
                }
            }
        }
        Err(e) => return Err(api_error("Failed to create notebook", &e, CREATE_FIELDS, NOTEBOOK_BLAME).into()),
    };
    let id = created.id.clone();
    // From here on the notebook exists: whatever happens next, it is in the state.
    ctx.record(&state_from_api(&created, planned));
    crate::testhook::panic_point("after_create");
    let mut last = created;
    // Whether only the tags failed: the notebook itself is fine then.
    let mut tagging = false;
    let result: Result<(), ApiError> = async {
        last = api.wait_for_status(&id, &[Status::Running], deadline.saturating_duration_since(Instant::now())).await?;
        // The create body has no tags (SDK `NotebookCreateRequest`): they are set on
        // the running notebook, as the official provider does.
        let wanted_tags = planned.tags_all.clone().unwrap_or_default();
        if !wanted_tags.is_empty() {
            tagging = true;
            let workspace = last.workspace_id.clone();
            api.change_notebook_tags(&id, workspace.as_deref(), &tags::reported(&last.tag_map()), &wanted_tags).await?;
            tagging = false;
        }
        if spec.running == Some(false) {
            last = power::stop(api, &id, deadline).await?;
        }
        last = api.get_notebook(&id).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(state_from_api(&last, planned)),
        // Recorded (and tainted by Terraform): never an orphan that keeps costing money.
        Err(e) => {
            let state = refresh_or(api, &id, &last, planned).await;
            let (summary, detail) = if tagging {
                ("Notebook created, but its tags could not be set", format!("Notebook {id} was created and runs; setting its tags failed: {e}. It is kept in the state, and Terraform marks it tainted: to keep the notebook, run terraform untaint on it and apply again (the tags are then set in place)."))
            } else {
                (
                    "Notebook created, but it did not become ready",
                    format!("Notebook {id} was created and is kept in the state (Terraform marks it tainted): {e}."),
                )
            };
            Err(Failure::error(summary, detail).with_state(state))
        }
    }
}

/// The latest state of notebook `id`, or the last one seen if the API cannot tell now.
async fn refresh_or(api: &Client, id: &NotebookId, last: &Notebook, carry: &NotebookModel) -> NotebookModel {
    if api.cancel_requested() {
        return state_from_api(last, carry);
    }
    match api.get_notebook(id).await {
        Ok(n) => state_from_api(&with_image_origin(api, n, &carry.image_id).await, carry),
        Err(_) => state_from_api(last, carry),
    }
}

/// Notebook `n` with the `origin` of the image it runs filled in, when it runs
/// another image than `carried` and its answer does not say how that image was made
/// (the SDK's `Image` has `origin`; whether every answer fills it is not known):
/// it decides whether a save is adopted ([`super::state::recorded_image_id`]).
/// When the image cannot be read now, it is taken for a save: keeping the configured
/// image for a while is safe, planning to put it back is not.
pub(crate) async fn with_image_origin(api: &Client, mut n: Notebook, carried: &str) -> Notebook {
    if n.image.origin.is_some() || carried.is_empty() || n.image.id == carried || n.image.id.is_empty() {
        return n;
    }
    match api.get_image(&n.image.id).await {
        Ok(image) => n.image.origin = image.origin,
        Err(e) if e.is_not_found() => {}
        Err(e) => {
            tracing::warn!(notebook = %n.id, image = %n.image.id, error = %e, "could not read the image the notebook runs; taking it for a saved one");
            n.image.origin = Some(ImageOrigin::ImageSave.into());
        }
    }
    n
}

/// Reads notebook `current` and the storage mounted into it.
pub(crate) async fn read(
    api: &Client,
    current: &NotebookModel,
) -> Result<Option<NotebookModel>, Failure<NotebookModel>> {
    let Some(id) = current.id.as_deref().map(NotebookId::from) else { return Ok(None) };
    // Both at once: a refresh of many notebooks waits for one round trip each, not two.
    // (The listing of a notebook that turns out to be gone is simply dropped.)
    let (notebook, mounts) = tokio::join!(api.get_notebook(&id), api.list_mounts(&id));
    match notebook {
        Ok(n) => {
            let n = with_image_origin(api, n, &current.image_id).await;
            let mut state = state_from_api(&n, current);
            // As in the official provider, a failed listing of the mounts keeps what was known.
            match mounts {
                Ok(mounts) => state.mount_storages = Some(mount_storages(&mounts)),
                Err(e) => tracing::warn!(notebook = %id, error = %e, "could not list the notebook's mounted storage"),
            }
            Ok(Some(state))
        }
        Err(e) if e.is_not_found() => {
            tracing::info!(notebook = %id, "notebook no longer exists; removing it from the state");
            Ok(None)
        }
        Err(e) => Err(Failure::error("Failed to read notebook", e.to_string())),
    }
}

/// Updates notebook `prior` to `planned` with the fewest starts and stops.
pub(crate) async fn update(
    api: &Client,
    prior: &NotebookModel,
    planned: &NotebookModel,
    spec: &Spec,
) -> Result<NotebookModel, Failure<NotebookModel>> {
    let id = NotebookId::from(prior.id.clone().unwrap_or_default());
    let deadline = Instant::now() + spec.timeouts.update;
    let api = &api.until(deadline);
    let mut current = match api.get_notebook(&id).await {
        Ok(n) => n,
        Err(e) if e.is_not_found() => {
            return Err(Failure::error(
                "Notebook no longer exists",
                format!("Notebook {id} was deleted outside Terraform; the next plan will create it again."),
            )
            .gone())
        }
        Err(e) => return Err(Failure::error("Failed to update notebook", e.to_string())),
    };
    if current.status.is_transitional() || current.volume.as_ref().is_some_and(|v| v.is_busy()) {
        tracing::info!(notebook = %id, status = %current.status, "waiting for the notebook to settle before changing it");
        match power::settle(api, &id, deadline).await {
            Ok(n) => current = n,
            Err(e) => {
                let state = state_from_api(&current, prior);
                let detail = format!("It did not settle before the update: {e}.");
                return Err(Failure::error("Failed to update notebook", detail).with_state(state));
            }
        }
    }
    let current = with_image_origin(api, current, &prior.image_id).await;
    // Tags first: their calls work in any status and restart nothing.
    if let Some(wanted) = &planned.tags_all {
        let reported = tags::reported(&current.tag_map());
        if let Err(e) = api.change_notebook_tags(&id, current.workspace_id.as_deref(), &reported, wanted).await {
            let state = refresh_or(api, &id, &current, prior).await;
            let d = Diagnostics::with_error_at(
                Field::Tags.path(),
                "Failed to change the notebook's tags",
                format!("Notebook {id}: {e}. Nothing else was changed."),
            );
            return Err(Failure::from(d).with_state(state));
        }
    }
    let now = Power::of(current.status == Status::Running);
    let end = spec.running.map_or(now, Power::of);
    // The one change model, as at plan time: here the notebook observed is the API's
    // answer, as the state would record it.
    let observed = state_from_api(&current, prior).into_value();
    let changes = diff(&observed, &planned.clone().into_value()).changes(spec);
    let steps = steps::plan(&changes, now, end, spec.auto_stop.as_ref());
    tracing::debug!(notebook = %id, steps = ?steps, "update steps");
    if !spec.allow_stopping_for_update && steps::extra_transitions(&steps, now, end) > 0 {
        return Err(Failure::error(
            "Update needs a restart that is not allowed",
            format!("Notebook {id} is {} now, and applying this change would {}; allow_stopping_for_update = false forbids that. Nothing was changed. Set running to stop or start it deliberately, or allow it.", current.status, steps::describe(&steps, now)),
        )
        .with_state(state_from_api(&current, prior)));
    }
    let run = Run {
        id: &id,
        now,
        end,
        auto_stop: spec.auto_stop.as_ref(),
        allow_stopping: spec.allow_stopping_for_update,
        deadline,
        timeout: spec.timeouts.update,
    };
    match execute(api, &run, &steps).await {
        Ok(last) => {
            let fallback = last.unwrap_or(current);
            Ok(refresh_or(api, &id, &fallback, planned).await)
        }
        Err(failure) => {
            let fallback = failure.notebook.unwrap_or(current);
            // Record the progress made: the state matches the notebook as it is now.
            let state = refresh_or(api, &id, &fallback, prior).await;
            let sent: Vec<Field> = steps
                .iter()
                .filter_map(|s| match s {
                    Step::Update { update, .. } => Some(update.fields.iter().copied()),
                    _ => None,
                })
                .flatten()
                .collect();
            // The error points at the attribute the API's refusal names, or at the one
            // attribute the update changed.
            let named = failure
                .api
                .as_ref()
                .filter(|e| e.code_is(ErrorCode::ParameterError))
                .and_then(|e| blamed(e.message().unwrap_or_default(), &sent, NOTEBOOK_BLAME));
            let attr = named.or(match sent.as_slice() {
                [one] => Some(*one),
                _ => None,
            });
            let d = match attr {
                Some(field) => Diagnostics::with_error_at(field.path(), "Failed to update notebook", failure.error),
                None => Diagnostics::with_error("Failed to update notebook", failure.error),
            };
            Err(Failure::from(d).with_state(state))
        }
    }
}

/// Deletes notebook `prior` and waits until it is gone.
pub(crate) async fn delete(api: &Client, prior: &NotebookModel) -> Result<(), Diagnostics> {
    let Some(id) = prior.id.as_deref().map(NotebookId::from) else { return Ok(()) };
    let deadline = Instant::now() + Timeouts::of(&prior.timeouts).delete;
    let api = &api.until(deadline);
    tracing::info!(notebook = %id, "deleting notebook");
    power::delete(api, &id, deadline)
        .await
        .map_err(|e| Diagnostics::with_error("Failed to delete notebook", e.to_string()))
}

/// The lease every console start gets by default (1 h, TIMING): an imported notebook
/// with it is imported without `auto_stop`.
fn is_default_lease(l: &Lease) -> bool {
    asked_duration_ms(l) == Some(MIN_LEASE_MS) && l.kind.as_ref().is_none_or(|k| k.is(LeaseType::Timing))
}

/// The state of a notebook found without a configuration (an import, a listing):
/// an auto-stop other than the API's default is written as the block that asks for
/// it; tags with the key and value of one of the provider's `default_tags` are
/// taken for default tags (in `tags_all`, not `tags`); hooks cannot be read.
pub(crate) fn imported_state(n: &Notebook, region: &Region, default_tags: &tags::Tags) -> NotebookModel {
    let mut carry =
        NotebookModel { region: Some(region.to_string()), tags_all: Some(default_tags.clone()), ..Default::default() };
    if let Some(lease) = n.lease.as_ref().filter(|l| l.enable == Some(true) && !is_default_lease(l)) {
        let asked = asked_duration_ms(lease).unwrap_or(MIN_LEASE_MS);
        carry.auto_stop =
            Some(auto_stop_block(lease.kind.as_ref().map_or(LeaseType::Timing.as_str(), Word::as_str), asked));
    }
    state_from_api(n, &carry)
}

/// Imports notebook `id` of `region` ([`imported_state`]).
pub(crate) async fn import(
    api: &Client,
    id: &NotebookId,
    region: &Region,
    default_tags: &tags::Tags,
    resp: &mut ImportStateResponse,
) {
    match api.get_notebook(id).await {
        Ok(n) => resp.state = Some(imported_state(&n, region, default_tags).into_value()),
        Err(e) if e.is_not_found() => resp.diagnostics.error(
            "Cannot import notebook",
            format!("There is no notebook with ID {id:?} in this project and region ({region})."),
        ),
        Err(e) => resp.diagnostics.error("Cannot import notebook", e.to_string()),
    }
}
