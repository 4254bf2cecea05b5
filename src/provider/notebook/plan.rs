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
mod tests {
    use super::*;
    use crate::framework::plan::plan_defaults;
    use crate::protocol::Severity;

    use super::super::schema::schema;

    fn prior() -> Value {
        Value::object([
            ("id", "n1".into()),
            ("name", "nb".into()),
            ("flavor_id", "cpu.2u".into()),
            ("image_id", "img".into()),
            ("running", Value::Bool(true)),
            ("status", "RUNNING".into()),
            ("url", "https://u".into()),
            ("updated_at", "2026-01-01T00:00:00Z".into()),
            ("image_name", "image".into()),
            ("workspace_id", "0".into()),
            (
                "volume",
                Value::List(vec![Value::object([
                    ("type", "EVS".into()),
                    ("ownership", "MANAGED".into()),
                    ("size", Value::int(10)),
                    ("mount_path", "/m".into()),
                ])]),
            ),
            ("auto_stop", Value::List(vec![])),
        ])
    }

    fn config_from(state: &Value) -> Value {
        let mut c = state.clone();
        for a in ["id", "status", "url", "updated_at", "image_name", "running", "workspace_id"] {
            c.set_attr(a, Value::Null);
        }
        c.set_at(&NotebookModel::path().volume().mount_path(), Value::Null);
        c
    }

    fn run(prior: &Value, config: &Value) -> (Value, Diagnostics, usize) {
        let mut proposed = config.clone();
        for a in ["id", "status", "url", "updated_at", "image_name", "workspace_id", "running"] {
            if config.attr(a).is_null() {
                proposed.set_attr(a, prior.attr(a).clone());
            }
        }
        let mount_path = NotebookModel::path().volume().mount_path();
        proposed.set_at(&mount_path, prior.at(&mount_path).clone());
        let size = Field::VolumeSize.path();
        if config.at(&size).is_null() {
            proposed.set_at(&size, prior.at(&size).clone());
        }
        let s = schema();
        let (planned, replace) = plan_defaults(&s.block, prior, config, proposed);
        let req = ModifyPlanRequest { config, state: prior, private: &[] };
        let mut resp = ModifyPlanResponse {
            plan: planned,
            requires_replace: replace,
            private: Vec::new(),
            diagnostics: Diagnostics::new(),
        };
        modify(&req, &mut resp);
        (resp.plan, resp.diagnostics, resp.requires_replace.len())
    }

    #[test]
    fn a_rename_changes_no_computed_value_but_updated_at() {
        let p = prior();
        let mut c = config_from(&p);
        c.set_attr("name", "renamed".into());
        let (planned, diags, replace) = run(&p, &c);
        assert!(diags.is_empty() && replace == 0);
        assert_eq!(planned.attr("status"), &Value::from("RUNNING"));
        assert_eq!(planned.attr("image_name"), &Value::from("image"));
        assert!(planned.attr("updated_at").is_unknown());
        assert_eq!(planned.attr("running"), &Value::Bool(true));
    }

    #[test]
    fn a_flavor_change_warns_of_the_restart_with_the_steps() {
        let p = prior();
        let mut c = config_from(&p);
        c.set_attr("flavor_id", Value::Unknown);
        let (planned, diags, _) = run(&p, &c);
        let w = &diags.0[0];
        assert_eq!(w.severity, Severity::Warning);
        assert_eq!(w.summary, "The notebook will be restarted");
        assert_eq!(w.path, Some(AttributePath::attr("flavor_id")));
        assert!(
            w.detail.contains("flavor_id (known after apply)")
                && w.detail.contains("stop, change flavor_id, start again"),
            "{}",
            w.detail
        );
        // A restart ends running, and its start sends duration -1: both are known.
        assert_eq!(planned.attr("status"), &Value::from("RUNNING"));
        assert_eq!(planned.attr("auto_stop_enabled"), &Value::Bool(false));
        assert_eq!(planned.attr("image_name"), &Value::from("image"));
    }

    #[test]
    fn the_status_and_auto_stop_after_apply_are_planned_when_known() {
        let mut p = prior();
        p.set_attr("auto_stop_enabled", Value::Bool(false));
        // A restart with auto-stop configured: the start turns it on.
        let mut c = config_from(&p);
        c.set_attr("flavor_id", "cpu.8u".into());
        c.set_attr(
            "auto_stop",
            Value::List(vec![Value::object([("type", "TIMING".into()), ("duration", "2h".into())])]),
        );
        let (planned, _, _) = run(&p, &c);
        assert_eq!(planned.attr("status"), &Value::from("RUNNING"));
        assert_eq!(planned.attr("auto_stop_enabled"), &Value::Bool(true));
        // Stopping: the status is known, what the API reports of the lease is not.
        let mut c = config_from(&p);
        c.set_attr("running", Value::Bool(false));
        let (planned, _, _) = run(&p, &c);
        assert_eq!(planned.attr("status"), &Value::from("STOPPED"));
        assert!(planned.attr("auto_stop_enabled").is_unknown());
        // Found STARTING: a rename waits for it to settle, so the status is not known.
        let mut starting = p.clone();
        starting.set_attr("status", "STARTING".into());
        let mut c = config_from(&starting);
        c.set_attr("name", "renamed".into());
        let (planned, _, _) = run(&starting, &c);
        assert!(planned.attr("status").is_unknown());
        // running known only at apply: neither is known.
        let mut c = config_from(&p);
        c.set_attr("running", Value::Unknown);
        let (planned, _, _) = run(&p, &c);
        assert!(planned.attr("status").is_unknown() && planned.attr("auto_stop_enabled").is_unknown());
        // A rename of a stopped notebook keeps both, unless a brief start (should the
        // API refuse the rename) would turn off a lease made outside Terraform.
        let mut stopped = prior();
        stopped.set_attr("running", Value::Bool(false));
        stopped.set_attr("status", "STOPPED".into());
        stopped.set_attr("auto_stop_enabled", Value::Bool(false));
        let mut c = config_from(&stopped);
        c.set_attr("running", Value::Bool(false));
        c.set_attr("name", "renamed".into());
        let (planned, _, _) = run(&stopped, &c);
        assert_eq!(planned.attr("status"), &Value::from("STOPPED"));
        assert_eq!(planned.attr("auto_stop_enabled"), &Value::Bool(false));
        stopped.set_attr("auto_stop_enabled", Value::Bool(true));
        let (planned, _, _) = run(&stopped, &c);
        assert!(planned.attr("auto_stop_enabled").is_unknown());
    }

    #[test]
    fn naming_the_saved_image_it_runs_changes_no_image_attribute() {
        let mut p = prior();
        p.set_attr("current_image_id", "saved".into());
        let mut c = config_from(&p);
        c.set_attr("current_image_id", Value::Null);
        c.set_attr("image_id", "saved".into());
        let (planned, diags, _) = run(&p, &c);
        assert!(diags.is_empty(), "no restart for a relabel: {diags:?}");
        assert_eq!(planned.attr("image_name"), &Value::from("image"), "the image modifiers ask the change model");
        // A real switch: known after apply.
        c.set_attr("image_id", "other".into());
        let (planned, _, _) = run(&p, &c);
        assert!(planned.attr("image_name").is_unknown());
    }

    #[test]
    fn growth_of_a_running_notebook_needs_no_restart() {
        let p = prior();
        let mut c = config_from(&p);
        c.set_at(&Field::VolumeSize.path(), Value::int(40));
        let (planned, diags, _) = run(&p, &c);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(planned.attr("status"), &Value::from("RUNNING"));
    }

    #[test]
    fn growth_and_flavor_list_every_step() {
        let p = prior();
        let mut c = config_from(&p);
        c.set_at(&Field::VolumeSize.path(), Value::int(40));
        c.set_attr("flavor_id", "cpu.8u".into());
        let (_, diags, _) = run(&p, &c);
        assert_eq!(
            diags.0[0].detail,
            "Changing flavor_id needs notebook \"nb\" (n1) stopped: apply will grow the volume to 40 GB while running, wait for the resize to finish, stop, change flavor_id, start again."
        );
    }

    #[test]
    fn allow_stopping_for_update_false_refuses_at_the_attribute() {
        let p = prior();
        let mut c = config_from(&p);
        c.set_attr("flavor_id", "cpu.8u".into());
        c.set_attr("allow_stopping_for_update", Value::Bool(false));
        let (_, diags, _) = run(&p, &c);
        assert!(diags.has_errors());
        let e = &diags.0[0];
        assert_eq!(e.path, Some(AttributePath::attr("flavor_id")));
        assert!(e.detail.contains("allow_stopping_for_update") && e.detail.contains("running = false"), "{}", e.detail);
        // Stopping it deliberately is allowed.
        c.set_attr("running", Value::Bool(false));
        let (_, diags, _) = run(&p, &c);
        assert!(!diags.has_errors(), "{diags:?}");
        // A stopped notebook that stays stopped is not started for growth.
        let mut stopped = prior();
        stopped.set_attr("running", Value::Bool(false));
        let mut c = config_from(&stopped);
        c.set_at(&Field::VolumeSize.path(), Value::int(40));
        c.set_attr("allow_stopping_for_update", Value::Bool(false));
        c.set_attr("running", Value::Bool(false));
        let (_, diags, _) = run(&stopped, &c);
        assert_eq!(diags.0[0].path.as_ref().unwrap().to_string(), "volume[0].size");
    }

    #[test]
    fn a_stopped_notebook_started_for_growth_is_announced() {
        let mut p = prior();
        p.set_attr("running", Value::Bool(false));
        p.set_attr("status", "STOPPED".into());
        let mut c = config_from(&p);
        c.set_attr("running", Value::Bool(false));
        c.set_at(&Field::VolumeSize.path(), Value::int(40));
        let (_, diags, _) = run(&p, &c);
        assert_eq!(diags.0[0].summary, "The notebook will be started temporarily");
        assert!(
            diags.0[0]
                .detail
                .contains("start, grow the volume to 40 GB while running, wait for the resize to finish, stop"),
            "{}",
            diags.0[0].detail
        );
    }

    #[test]
    fn nothing_to_restart_when_already_stopped() {
        let mut p = prior();
        p.set_attr("running", Value::Bool(false));
        p.set_attr("status", "STOPPED".into());
        let mut c = config_from(&p);
        c.set_attr("image_id", "img2".into());
        let (planned, diags, _) = run(&p, &c);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(planned.attr("status"), &Value::from("STOPPED"));
        assert!(planned.attr("image_name").is_unknown());
    }

    #[test]
    fn shrinking_storage_is_a_plan_error_at_its_path_without_a_restart_warning() {
        let p = prior();
        let mut c = config_from(&p);
        c.set_at(&Field::VolumeSize.path(), Value::int(5));
        c.set_attr("flavor_id", "cpu.8u".into());
        let (_, diags, _) = run(&p, &c);
        assert!(diags.has_errors());
        assert_eq!(diags.0.len(), 1, "no restart warning for a plan that fails: {diags:?}");
        assert_eq!(diags.0[0].path.as_ref().unwrap().to_string(), "volume[0].size");
    }

    #[test]
    fn ssh_and_volume_rules() {
        let mut d = Diagnostics::new();
        validate(
            &Value::object([("key_pair", Value::Null), ("allowed_access_ips", Value::List(vec!["1.1.1.1".into()]))]),
            &mut d,
        );
        assert_eq!(d.0[0].path, Some(AttributePath::attr("allowed_access_ips")));
        let mut d = Diagnostics::new();
        validate(&Value::object([("key_pair", "kp".into()), ("allowed_access_ips", Value::Null)]), &mut d);
        assert!(d.is_empty(), "a key pair alone allows any address");
        let vol =
            |fields: Vec<(&'static str, Value)>| Value::object([("volume", Value::List(vec![Value::object(fields)]))]);
        let paths = |v: Value| {
            let mut d = Diagnostics::new();
            validate(&v, &mut d);
            d.0.iter().map(|x| x.path.as_ref().unwrap().to_string()).collect::<Vec<_>>()
        };
        assert_eq!(paths(vol(vec![("type", "EFS".into()), ("ownership", "DEDICATED".into())])).len(), 2, "id and uri");
        assert_eq!(paths(vol(vec![("type", "EFS".into()), ("size", Value::int(50))])), ["volume[0].size"]);
        assert_eq!(paths(vol(vec![("type", "EVS".into()), ("uri", "x".into())])), ["volume[0].uri"]);
        assert_eq!(paths(vol(vec![("type", "EVS".into()), ("id", "x".into())])), ["volume[0].id"]);
        assert_eq!(
            paths(vol(vec![("type", "OBS".into()), ("ownership", "DEDICATED".into())])),
            ["volume[0].ownership"]
        );
        assert!(paths(vol(vec![("type", "OBSFS".into()), ("uri", "obs://b/d/".into())])).is_empty());
    }
}
