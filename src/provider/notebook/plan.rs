//! Planning a `modelarts_notebook` change: plan-time checks with attribute paths,
//! which computed values will really change, the steps apply will take (the one
//! change model, [`super::diff`], and the same step planner as apply,
//! [`super::steps`], run on the prior state), and the refusal of a restart that
//! `allow_stopping_for_update = false` forbids.

use std::sync::LazyLock;

use crate::client::enums::{HookType, Ownership, VolumeCategory};
use crate::client::types::Status;
use crate::enums::StringEnum;
use crate::framework::model::decode;
use crate::framework::resource::{ModifyPlanRequest, ModifyPlanResponse};
use crate::protocol::{AttributePath, Diagnostics, Value};

use super::changes::{Field, Needs};
use super::diff::{diff, Diff};
use super::model::{HookModelPath, NotebookModel};
use super::spec::Spec;
use super::steps::{self, Power, Step};

/// Checks that need more than one attribute.
/// The attributes the configuration checks read, their paths built once (a plan
/// validates every notebook's configuration).
struct CheckedPaths {
    key_pair: AttributePath,
    allowed_access_ips: AttributePath,
    /// Each hook's `script` and `type`.
    hooks: [(AttributePath, AttributePath); 2],
    volume_type: AttributePath,
    volume_ownership: AttributePath,
    volume_id: AttributePath,
    volume_uri: AttributePath,
    volume_size: AttributePath,
}

static CHECKED: LazyLock<CheckedPaths> = LazyLock::new(|| {
    let nb = NotebookModel::path();
    let (vol, hooks) = (nb.volume(), nb.hooks());
    let hook = |h: HookModelPath| (h.script(), h.kind());
    CheckedPaths {
        key_pair: nb.key_pair(),
        allowed_access_ips: nb.allowed_access_ips().into(),
        hooks: [hook(hooks.pre_start()), hook(hooks.post_start())],
        volume_type: vol.kind(),
        volume_ownership: vol.ownership(),
        volume_id: vol.id(),
        volume_uri: vol.uri(),
        volume_size: vol.size(),
    }
});

pub(crate) fn validate(config: &Value, diags: &mut Diagnostics) {
    let paths = &*CHECKED;
    let (kp, ips) = (config.at(&paths.key_pair), config.at(&paths.allowed_access_ips));
    if kp.is_null() && !ips.is_null() && !ips.is_unknown() {
        diags.error_at(
            paths.allowed_access_ips.clone(),
            "allowed_access_ips needs key_pair",
            "The addresses allowed to reach the SSH endpoint need an SSH endpoint: set key_pair too (key_pair alone allows any address).",
        );
    }
    validate_volume(config, paths, diags);
    for (script_at, kind_at) in &paths.hooks {
        let script = config.at(script_at).as_str();
        let kind = config.at(kind_at).as_str().unwrap_or(HookType::Script.as_str());
        if kind == HookType::Script.as_str() && script.is_some_and(|s| !s.starts_with('/')) {
            diags.error_at(
                script_at.clone(),
                "A SCRIPT hook needs an absolute path",
                format!("{:?} is not an absolute path. For type = \"SCRIPT\" give the path of a script in the notebook's container (such as \"/home/ma-user/work/setup.sh\"); to run a command, set type = \"COMMAND\".", script.unwrap_or_default()),
            );
        }
    }
}

/// The volume rules of the SDK's `VolumeMountRequest`.
fn validate_volume(config: &Value, paths: &CheckedPaths, diags: &mut Diagnostics) {
    let (kind_at, own_at) = (&paths.volume_type, &paths.volume_ownership);
    let Some(kind) = config.at(kind_at).as_str() else { return };
    if config.at(own_at).is_unknown() {
        return;
    }
    let (evs, efs) = (VolumeCategory::Evs.as_str(), VolumeCategory::Efs.as_str());
    let own = config.at(own_at).as_str().unwrap_or(Ownership::Managed.as_str());
    let dedicated = own == Ownership::Dedicated.as_str();
    if dedicated && kind != efs {
        diags.error_at(
            own_at.clone(),
            "DEDICATED storage must be EFS",
            format!("Dedicated (your own) storage is an SFS Turbo file system: type = \"EFS\", not {kind:?}."),
        );
    }
    let dedicated_efs = dedicated && kind == efs;
    if dedicated_efs {
        for (at, what) in [(&paths.volume_id, "the file system's ID (a UUID)"), (&paths.volume_uri, "its share path")] {
            if config.at(at).is_null() {
                let attr = at.dotted();
                diags.error_at(
                    own_at.clone(),
                    format!("A dedicated EFS volume needs {}", attr.trim_start_matches("volume.")),
                    format!("Set {attr} to {what}: the API needs both id and uri for your own SFS Turbo file system."),
                );
            }
        }
    }
    if !config.at(&paths.volume_id).is_null() && !dedicated_efs {
        diags.error_at(paths.volume_id.clone(), "id is only for a dedicated EFS volume", "volume.id names your own SFS Turbo file system: set it only with type = \"EFS\" and ownership = \"DEDICATED\".");
    }
    if !config.at(&paths.volume_size).is_null() && kind != evs {
        diags.error_at(
            paths.volume_size.clone(),
            "size is only for EVS storage",
            format!("The API sets the capacity of {kind} storage itself; only an EVS volume takes a size."),
        );
    }
    if !config.at(&paths.volume_uri).is_null() && (kind == evs || (kind == efs && !dedicated)) {
        diags.error_at(
            paths.volume_uri.clone(),
            format!("uri does not apply to {} storage", if kind == evs { "EVS" } else { "managed EFS" }),
            "volume.uri is the share path of a dedicated EFS volume, or the path of OBS / OBSFS storage.",
        );
    }
}

pub(crate) fn modify(req: &ModifyPlanRequest<'_>, resp: &mut ModifyPlanResponse) {
    if req.state.is_null() {
        plan_create(req, resp);
    } else {
        plan_update(req, resp);
    }
}

fn plan_create(req: &ModifyPlanRequest<'_>, resp: &mut ModifyPlanResponse) {
    let nb = NotebookModel::path();
    // A new notebook ends up running unless told otherwise: say so in the plan.
    if req.config.at(&nb.running()).is_null() {
        resp.plan.set_at(&nb.running(), Value::Bool(true));
    }
    // A create that fails reports an error; one that succeeds has no fail reason.
    resp.plan.set_at(&nb.fail_reason(), Value::Null);
    // Auto-stop is on exactly when configured.
    let auto_stop = req.config.at(&nb.auto_stop().into());
    if !auto_stop.is_unknown() {
        resp.plan.set_at(&nb.auto_stop_enabled(), Value::Bool(!auto_stop.elements().is_empty()));
    }
}

/// What a plan announces: the changes, and the steps apply will take for them.
#[derive(Debug)]
pub(crate) struct Announced {
    pub diff: Diff,
    pub steps: Vec<Step>,
    /// The power state the notebook is in, and the one it ends in.
    pub now: Power,
    pub end: Power,
}

/// The steps apply will take from the `prior` state to the `planned` value, with
/// `running` as configured: the diff and the step planner apply itself runs.
pub(crate) fn announce(prior: &Value, planned: &Value, running: &Value) -> Result<Announced, Diagnostics> {
    // The notebook the plan asks for (a value known only after apply reads as unset).
    let model: NotebookModel = decode(planned).map_err(|e| e.to_diagnostics("Unexpected notebook value"))?;
    let spec =
        Spec::from_plan(&model, model.running).map_err(|e| e.to_diagnostics("Invalid notebook configuration"))?;
    let diff = diff(prior, planned);
    let now = Power::of(prior.at(&NotebookModel::path().running()).as_bool() == Some(true));
    let end = running.as_bool().map_or(now, Power::of);
    let steps = steps::plan(&diff.changes(&spec), now, end, spec.auto_stop.as_ref());
    Ok(Announced { diff, steps, now, end })
}

fn plan_update(req: &ModifyPlanRequest<'_>, resp: &mut ModifyPlanResponse) {
    let prior = req.state;
    let nb = NotebookModel::path();
    check_size(prior, &resp.plan, &mut resp.diagnostics);
    if !resp.requires_replace.is_empty() {
        return;
    }
    // Nothing changes (the plan is the state): nothing to plan, no step to announce.
    // (Most plans of most notebooks: this is the hot path of a large plan.)
    if resp.plan == *prior {
        return;
    }
    let running_cfg = req.config.at(&nb.running());
    let Announced { diff, steps, now, end } = match announce(prior, &resp.plan, running_cfg) {
        Ok(a) => a,
        Err(d) => return resp.diagnostics.extend(d),
    };
    let transition = running_cfg.is_unknown() || steps.iter().any(|s| matches!(s, Step::Start(_) | Step::Stop));
    let api_change = diff.calls_the_api();
    // A rename of a stopped notebook that stays stopped: should the API refuse it,
    // apply starts the notebook briefly (and the plan warns below).
    let renames_while_stopped = steps.iter().any(|s| matches!(s, Step::Update { needs: Needs::AnyStatus, .. }))
        && now == Power::Stopped
        && !steps.iter().any(|s| matches!(s, Step::Start(_)));
    let settling = prior.at(&nb.status()).as_str().is_some_and(|s| Status::parse(s).is_transitional());
    // The computed attributes that follow from the steps. (Those that keep their
    // value, or follow configurable ones, are planned by their schema's modifiers.)
    let status = if running_cfg.is_unknown() || (settling && (api_change || transition)) {
        // Found on its way somewhere (e.g. STARTING): apply waits until it settles.
        Value::Unknown
    } else if transition {
        Value::from(end.status().as_str())
    } else {
        prior.at(&nb.status()).clone()
    };
    resp.plan.set_at(&nb.status(), status);
    // A failed transition reports an error instead.
    let fail_reason = if transition { Value::Null } else { prior.at(&nb.fail_reason()).clone() };
    resp.plan.set_at(&nb.fail_reason(), fail_reason);
    let updated_at = if api_change { Value::Unknown } else { prior.at(&nb.updated_at()).clone() };
    resp.plan.set_at(&nb.updated_at(), updated_at);
    let auto_stop_enabled = if running_cfg.is_unknown() {
        Value::Unknown
    } else {
        auto_stop_enabled_after(
            &steps,
            prior.at(&nb.auto_stop_enabled()),
            resp.plan.at(&nb.auto_stop().into()),
            diff.contains(Field::AutoStop),
            renames_while_stopped,
        )
    };
    resp.plan.set_at(&nb.auto_stop_enabled(), auto_stop_enabled);
    if resp.diagnostics.has_errors() {
        return;
    }
    let name = prior.at(&nb.name()).as_str().unwrap_or_default();
    let id = prior.at(&nb.id()).as_str().unwrap_or_default();
    let allows_stopping = resp.plan.at(&nb.allow_stopping_for_update()).as_bool() != Some(false);
    let extra = steps::extra_transitions(&steps, now, end);
    if extra > 0 {
        // The group that needs the other status is to blame.
        let (blamed, verb) = match now {
            Power::Running => (diff.needing(Needs::Stopped), "stop the running notebook"),
            Power::Stopped => (diff.needing(Needs::Running), "start the stopped notebook"),
        };
        let at = blamed.first().map_or_else(|| Field::Running.path(), |f| f.path());
        let shown = shown_attributes(&blamed, &resp.plan);
        if !allows_stopping {
            let deliberate = match now {
                Power::Running => {
                    "set running = false to stop it deliberately (the change is then made while it is stopped)"
                }
                Power::Stopped => "set running = true to start it deliberately",
            };
            resp.diagnostics.error_at(
                at,
                "Changing this needs a restart, and allow_stopping_for_update = false",
                format!("Changing {shown} would {verb} {name:?} ({id}) only to make the change: apply would {}. allow_stopping_for_update = false forbids that, so nothing will be changed. To proceed, {deliberate}, or set allow_stopping_for_update = true.", steps::describe(&steps, now)),
            );
        } else {
            let summary = match now {
                Power::Running => "The notebook will be restarted",
                Power::Stopped => "The notebook will be started temporarily",
            };
            resp.diagnostics.warning_at(
                at,
                summary,
                format!(
                    "Changing {shown} needs notebook {name:?} ({id}) {}: apply will {}.",
                    if now == Power::Running { "stopped" } else { "running" },
                    steps::describe(&steps, now)
                ),
            );
        }
    }
    if renames_while_stopped && allows_stopping {
        let renamed = diff.needing(Needs::AnyStatus);
        let attrs = shown_attributes(&renamed, &resp.plan);
        resp.diagnostics.warning_at(
            renamed.first().copied().unwrap_or(Field::Name).path(),
            "A stopped notebook may be started briefly",
            format!("Notebook {name:?} ({id}) is stopped. Should the API refuse to change {attrs} of a stopped notebook, apply will start it, make the change and stop it again."),
        );
    }
    let auto_stop_removed =
        diff.contains(Field::AutoStop) && resp.plan.at(&nb.auto_stop().into()).elements().is_empty();
    if auto_stop_removed && now == Power::Running && end == Power::Running && !transition {
        resp.diagnostics.warning_at(
            nb.auto_stop().into(),
            "Auto-stop stays on until the next start",
            format!("The API cannot turn auto-stop off while notebook {name:?} ({id}) runs: it is turned off at its next start (every start the provider makes sends duration -1)."),
        );
    }
}

/// `auto_stop_enabled` once apply is done. A start sends the configured lease, or
/// `duration: -1` when none is, so after one auto-stop is on exactly when configured.
/// After a stop, or a lease change without a start, the API decides (unknown); with
/// neither, it stays, unless a brief start (should the API refuse a rename of the
/// stopped notebook) would change it.
fn auto_stop_enabled_after(
    steps: &[Step],
    prior: &Value,
    planned_auto_stop: &Value,
    auto_stop_changed: bool,
    may_start_briefly: bool,
) -> Value {
    if planned_auto_stop.is_unknown() {
        return Value::Unknown;
    }
    let on = Value::Bool(!planned_auto_stop.elements().is_empty());
    let brief_start_changes_it = may_start_briefly && *prior != on;
    match steps.iter().rev().find(|s| matches!(s, Step::Start(_) | Step::Stop)) {
        Some(Step::Start(_)) => on,
        None if !auto_stop_changed && !brief_start_changes_it => prior.clone(),
        _ => Value::Unknown,
    }
}

/// `a, b (known after apply)`.
fn shown_attributes(fields: &[Field], planned: &Value) -> String {
    fields
        .iter()
        .map(
            |f| {
                if planned.at(&f.path()).is_unknown() {
                    format!("{} (known after apply)", f.name())
                } else {
                    f.name()
                }
            },
        )
        .collect::<Vec<_>>()
        .join(", ")
}

/// Storage only grows, and only EVS storage can be resized.
fn check_size(prior: &Value, planned: &Value, diags: &mut Diagnostics) {
    let (path, kind) = (Field::VolumeSize.path(), planned.at(&Field::VolumeType.path()).as_str());
    let (Some(old), Some(new)) = (prior.at(&path).as_i64(), planned.at(&path).as_i64()) else { return };
    if new == old {
        return;
    }
    let attr = path.dotted();
    if new < old {
        diags.error_at(
            path,
            "Storage cannot shrink",
            format!("{attr} would go from {old} GB to {new} GB, but a notebook's storage can only grow: the data might not fit. Keep {old} or more, or replace the notebook deliberately (terraform apply -replace=...)."),
        );
    } else if let Some(kind) = kind.filter(|k| *k != VolumeCategory::Evs.as_str()) {
        diags.error_at(path, "Storage cannot be resized", format!("Only EVS storage can be resized, not {kind}."));
    }
}

#[cfg(test)]
mod tests;
