//! Planning a `modelarts_notebook` change: plan-time checks with attribute paths,
//! which computed values will really change, the steps apply will take (the same
//! planner as apply, [`super::steps`], run on the prior state), and the refusal of
//! a restart that `allow_stopping_for_update = false` forbids.

use crate::client::types::{EndpointReq, Status, UpdateNotebook};
use crate::framework::resource::{ModifyPlanRequest, ModifyPlanResponse};
use crate::protocol::{AttributePath, Diagnostics, Value};

use super::changes::{changed, needing, path_of, set_at, value_at, Applied, Needs, Recompute, Rule, COMPUTED};
use super::spec::{auto_stop_of, hooks_of};
use super::steps::{self, Changes, Power, Step};

/// Checks that need more than one attribute.
pub(crate) fn validate(config: &Value, diags: &mut Diagnostics) {
    let (kp, ips) = (config.attr("key_pair"), config.attr("allowed_access_ips"));
    if kp.is_null() && !ips.is_null() && !ips.is_unknown() {
        diags.error_at(
            AttributePath::attr("allowed_access_ips"),
            "allowed_access_ips needs key_pair",
            "The addresses allowed to reach the SSH endpoint need an SSH endpoint: set key_pair too (key_pair alone allows any address).",
        );
    }
    for vol in config.attr("volume").elements() {
        validate_volume(vol, diags);
    }
    for hook in config.attr("hooks").elements() {
        for when in ["pre_start", "post_start"] {
            for h in hook.attr(when).elements() {
                let script = h.attr("script").as_str();
                if h.attr("type").as_str().unwrap_or("SCRIPT") == "SCRIPT"
                    && script.is_some_and(|s| !s.starts_with('/'))
                {
                    diags.error_at(
                        AttributePath::attr("hooks").then_index(0).then_attr(when).then_index(0).then_attr("script"),
                        "A SCRIPT hook needs an absolute path",
                        format!("{:?} is not an absolute path. For type = \"SCRIPT\" give the path of a script in the notebook's container (such as \"/home/ma-user/work/setup.sh\"); to run a command, set type = \"COMMAND\".", script.unwrap_or_default()),
                    );
                }
            }
        }
    }
}

/// The volume rules of the SDK's `VolumeMountRequest`.
fn validate_volume(vol: &Value, diags: &mut Diagnostics) {
    let at = |a: &str| AttributePath::attr("volume").then_index(0).then_attr(a);
    let (kind, own) = (vol.attr("type").as_str(), vol.attr("ownership").as_str().or(Some("MANAGED")));
    let Some(kind) = kind else { return };
    if vol.attr("ownership").is_unknown() {
        return;
    }
    let dedicated = own == Some("DEDICATED");
    if dedicated && kind != "EFS" {
        diags.error_at(
            at("ownership"),
            "DEDICATED storage must be EFS",
            format!("Dedicated (your own) storage is an SFS Turbo file system: type = \"EFS\", not {kind:?}."),
        );
    }
    if dedicated && kind == "EFS" {
        for (attr, what) in [("id", "the file system's ID (a UUID)"), ("uri", "its share path")] {
            if vol.attr(attr).is_null() {
                diags.error_at(
                    at("ownership"),
                    format!("A dedicated EFS volume needs {attr}"),
                    format!("Set volume.{attr} to {what}: the API needs both id and uri for your own SFS Turbo file system."),
                );
            }
        }
    }
    let dedicated_efs = dedicated && kind == "EFS";
    if !vol.attr("id").is_null() && !dedicated_efs {
        diags.error_at(at("id"), "id is only for a dedicated EFS volume", "volume.id names your own SFS Turbo file system: set it only with type = \"EFS\" and ownership = \"DEDICATED\".");
    }
    if !vol.attr("size").is_null() && kind != "EVS" {
        diags.error_at(
            at("size"),
            "size is only for EVS storage",
            format!("The API sets the capacity of {kind} storage itself; only an EVS volume takes a size."),
        );
    }
    if !vol.attr("uri").is_null() && (kind == "EVS" || (kind == "EFS" && !dedicated)) {
        diags.error_at(
            at("uri"),
            format!("uri does not apply to {} storage", if kind == "EVS" { "EVS" } else { "managed EFS" }),
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
    // A new notebook ends up running unless told otherwise: say so in the plan.
    if req.config.attr("running").is_null() {
        resp.plan.set_attr("running", Value::Bool(true));
    }
    // A create that fails reports an error; one that succeeds has no fail reason.
    resp.plan.set_attr("fail_reason", Value::Null);
    // Auto-stop is on exactly when configured.
    if !req.config.attr("auto_stop").is_unknown() {
        resp.plan.set_attr("auto_stop_enabled", Value::Bool(!req.config.attr("auto_stop").elements().is_empty()));
    }
}

/// The updates the plan makes, with placeholder values where only the attribute
/// matters (the planner needs which groups change; the words need the new size).
fn planned_changes(changes: &[&Rule], planned: &Value) -> Changes {
    let has = |a: &str| changes.iter().any(|r| r.attr == a);
    let text = |a: &str| value_at(planned, a).as_str().unwrap_or_default().to_string();
    let mut c = Changes::default();
    c.any.name = has("name").then(|| text("name"));
    c.any.description = has("description").then(|| text("description"));
    c.running.storage_new_size = has("volume.size").then(|| value_at(planned, "volume.size").as_i64().unwrap_or(0));
    c.stopped = UpdateNotebook {
        flavor: has("flavor_id").then(|| text("flavor_id")),
        image_id: has("image_id").then(|| text("image_id")),
        endpoints: has("allowed_access_ips").then(Vec::<EndpointReq>::new),
        hooks: has("hooks").then(|| hooks_of(planned).unwrap_or_default()),
        ..Default::default()
    };
    c.auto_stop_changed = has("auto_stop");
    c
}

fn plan_update(req: &ModifyPlanRequest<'_>, resp: &mut ModifyPlanResponse) {
    let prior = req.state;
    check_size(prior, &resp.plan, &mut resp.diagnostics);
    if !resp.requires_replace.is_empty() {
        return;
    }
    let mut changes = changed(prior, &resp.plan);
    // `image_id` set to the image the notebook already runs (one saved from it):
    // Terraform-side only, as apply finds nothing to change.
    let runs_planned_image = prior.attr("current_image_id") == resp.plan.attr("image_id");
    changes.retain(|r| !(r.attr == "image_id" && runs_planned_image));
    let now = Power::of(prior.attr("running").as_bool() == Some(true));
    let running_cfg = req.config.attr("running");
    let end = running_cfg.as_bool().map_or(now, Power::of);
    let steps = steps::plan(&planned_changes(&changes, &resp.plan), now, end, auto_stop_of(&resp.plan).as_ref());
    let transition = running_cfg.is_unknown() || steps.iter().any(|s| matches!(s, Step::Start(_) | Step::Stop));
    let api_change = changes.iter().any(|r| !matches!(r.applied, Applied::NoApiCall | Applied::Tags));
    let changed_attr = |deps: &[&str]| changes.iter().any(|r| deps.contains(&r.attr));
    // A rename of a stopped notebook that stays stopped: should the API refuse it,
    // apply starts the notebook briefly (and the plan warns below).
    let renames_while_stopped = steps.iter().any(|s| matches!(s, Step::Update { needs: Needs::AnyStatus, .. }))
        && now == Power::Stopped
        && !steps.iter().any(|s| matches!(s, Step::Start(_)));
    let settling = prior.attr("status").as_str().is_some_and(|s| Status::parse(s).is_transitional());
    for (attr, when) in COMPUTED {
        let v = match when {
            Recompute::ClearedByTransition if transition => Value::Null,
            Recompute::EndStatus if running_cfg.is_unknown() => Value::Unknown,
            // Found on its way somewhere (e.g. STARTING): apply waits until it settles.
            Recompute::EndStatus if settling && (api_change || transition) => Value::Unknown,
            Recompute::EndStatus if transition => Value::from(end.status().as_str()),
            Recompute::OnApiChange if api_change => Value::Unknown,
            Recompute::OnChangeOf(deps) if changed_attr(deps) => Value::Unknown,
            Recompute::AutoStop if running_cfg.is_unknown() => Value::Unknown,
            Recompute::AutoStop => auto_stop_enabled_after(
                &steps,
                value_at(prior, attr),
                resp.plan.attr("auto_stop"),
                changed_attr(&["auto_stop"]),
                renames_while_stopped,
            ),
            _ => value_at(prior, attr).clone(),
        };
        set_at(&mut resp.plan, attr, v);
    }
    if resp.diagnostics.has_errors() {
        return;
    }
    let name = prior.attr("name").as_str().unwrap_or_default();
    let id = prior.attr("id").as_str().unwrap_or_default();
    let extra = steps::extra_transitions(&steps, now, end);
    if extra > 0 {
        // The group that needs the other status is to blame.
        let (blamed, verb) = match now {
            Power::Running => (needing(&changes, Needs::Stopped), "stop the running notebook"),
            Power::Stopped => (needing(&changes, Needs::Running), "start the stopped notebook"),
        };
        let first = blamed.first().copied().unwrap_or("running");
        let shown = shown_attributes(&blamed, &resp.plan);
        if resp.plan.attr("allow_stopping_for_update").as_bool() == Some(false) {
            let deliberate = match now {
                Power::Running => {
                    "set running = false to stop it deliberately (the change is then made while it is stopped)"
                }
                Power::Stopped => "set running = true to start it deliberately",
            };
            resp.diagnostics.error_at(
                path_of(first),
                "Changing this needs a restart, and allow_stopping_for_update = false",
                format!("Changing {shown} would {verb} {name:?} ({id}) only to make the change: apply would {}. allow_stopping_for_update = false forbids that, so nothing will be changed. To proceed, {deliberate}, or set allow_stopping_for_update = true.", steps::describe(&steps, now)),
            );
        } else {
            let summary = match now {
                Power::Running => "The notebook will be restarted",
                Power::Stopped => "The notebook will be started temporarily",
            };
            resp.diagnostics.warning_at(
                path_of(first),
                summary,
                format!(
                    "Changing {shown} needs notebook {name:?} ({id}) {}: apply will {}.",
                    if now == Power::Running { "stopped" } else { "running" },
                    steps::describe(&steps, now)
                ),
            );
        }
    }
    if renames_while_stopped && resp.plan.attr("allow_stopping_for_update").as_bool() != Some(false) {
        let attrs = shown_attributes(&needing(&changes, Needs::AnyStatus), &resp.plan);
        resp.diagnostics.warning_at(
            path_of(needing(&changes, Needs::AnyStatus).first().copied().unwrap_or("name")),
            "A stopped notebook may be started briefly",
            format!("Notebook {name:?} ({id}) is stopped. Should the API refuse to change {attrs} of a stopped notebook, apply will start it, make the change and stop it again."),
        );
    }
    let auto_stop_removed = changed_attr(&["auto_stop"]) && resp.plan.attr("auto_stop").elements().is_empty();
    if auto_stop_removed && now == Power::Running && end == Power::Running && !transition {
        resp.diagnostics.warning_at(
            AttributePath::attr("auto_stop"),
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
fn shown_attributes(attrs: &[&str], planned: &Value) -> String {
    attrs
        .iter()
        .map(|a| if value_at(planned, a).is_unknown() { format!("{a} (known after apply)") } else { a.to_string() })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Storage only grows, and only EVS storage can be resized.
fn check_size(prior: &Value, planned: &Value, diags: &mut Diagnostics) {
    let (old, new) = (value_at(prior, "volume.size").as_i64(), value_at(planned, "volume.size").as_i64());
    let (Some(old), Some(new)) = (old, new) else { return };
    if new == old {
        return;
    }
    let path = path_of("volume.size");
    if new < old {
        diags.error_at(
            path,
            "Storage cannot shrink",
            format!("volume.size would go from {old} GB to {new} GB, but a notebook's storage can only grow: the data might not fit. Keep {old} or more, or replace the notebook deliberately (terraform apply -replace=...)."),
        );
    } else if value_at(planned, "volume.type").as_str().is_some_and(|t| t != "EVS") {
        diags.error_at(
            path,
            "Storage cannot be resized",
            format!(
                "Only EVS storage can be resized, not {}.",
                value_at(planned, "volume.type").as_str().unwrap_or_default()
            ),
        );
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
        set_at(&mut c, "volume.mount_path", Value::Null);
        c
    }

    fn run(prior: &Value, config: &Value) -> (Value, Diagnostics, usize) {
        let mut proposed = config.clone();
        for a in ["id", "status", "url", "updated_at", "image_name", "workspace_id", "running"] {
            if config.attr(a).is_null() {
                proposed.set_attr(a, prior.attr(a).clone());
            }
        }
        set_at(&mut proposed, "volume.mount_path", value_at(prior, "volume.mount_path").clone());
        if value_at(config, "volume.size").is_null() {
            set_at(&mut proposed, "volume.size", value_at(prior, "volume.size").clone());
        }
        let s = schema();
        let (planned, replace) = plan_defaults(&s.block, prior, config, &proposed);
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
    fn growth_of_a_running_notebook_needs_no_restart() {
        let p = prior();
        let mut c = config_from(&p);
        set_at(&mut c, "volume.size", Value::int(40));
        let (planned, diags, _) = run(&p, &c);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(planned.attr("status"), &Value::from("RUNNING"));
    }

    #[test]
    fn growth_and_flavor_list_every_step() {
        let p = prior();
        let mut c = config_from(&p);
        set_at(&mut c, "volume.size", Value::int(40));
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
        set_at(&mut c, "volume.size", Value::int(40));
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
        set_at(&mut c, "volume.size", Value::int(40));
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
        set_at(&mut c, "volume.size", Value::int(5));
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
        let vol = |fields: Vec<(&str, Value)>| Value::object([("volume", Value::List(vec![Value::object(fields)]))]);
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
