//! Planning a `modelarts_notebook` change: plan-time checks with attribute paths,
//! which computed values will really change, and the warning that a restart is coming.

use crate::framework::PlanChange;
use crate::protocol::{AttributePath, Diagnostics, Value};

use super::changes::{changed, path_of, set_at, value_at, Applied, Recompute, COMPUTED};

/// Checks that need more than one attribute.
pub fn validate(config: &Value, diags: &mut Diagnostics) {
    let kp = config.attr("key_pair");
    let ips = config.attr("allowed_access_ips");
    let known = !kp.is_unknown() && !ips.is_unknown();
    if known && kp.is_null() != ips.is_null() {
        let (missing, given) =
            if kp.is_null() { ("key_pair", "allowed_access_ips") } else { ("allowed_access_ips", "key_pair") };
        diags.error_at(
            AttributePath::attr(given),
            format!("{given} needs {missing}"),
            "The SSH endpoint needs both a key pair and the addresses allowed to reach it: set key_pair and allowed_access_ips together.",
        );
    }
    for vol in config.attr("volume").elements() {
        let (kind, own) = (vol.attr("type"), vol.attr("ownership"));
        if own.as_str() == Some("DEDICATED") && kind.as_str().is_some_and(|k| k != "EFS") {
            diags.error_at(
                AttributePath::attr("volume").then_index(0).then_attr("ownership"),
                "DEDICATED storage must be EFS",
                format!(
                    "Dedicated (user-owned) storage is supported only for EFS volumes, not {}.",
                    kind.as_str().unwrap_or_default()
                ),
            );
        }
    }
}

pub fn modify(plan: &mut PlanChange<'_>) {
    if plan.prior.is_null() {
        plan_create(plan);
    } else {
        plan_update(plan);
    }
}

fn plan_create(plan: &mut PlanChange<'_>) {
    // A new notebook ends up running unless told otherwise: say so in the plan.
    if plan.config.attr("running").is_null() {
        plan.planned.set_attr("running", Value::Bool(true));
    }
    // A create that fails reports an error; one that succeeds has no fail reason.
    plan.planned.set_attr("fail_reason", Value::Null);
}

fn plan_update(plan: &mut PlanChange<'_>) {
    let prior = plan.prior;
    check_size(prior, &plan.planned, &mut plan.diags);
    if !plan.requires_replace.is_empty() {
        return;
    }
    let changes = changed(prior, &plan.planned);
    let needs_stop: Vec<&str> = changes.iter().filter(|r| r.applied == Applied::StopRequired).map(|r| r.attr).collect();
    let power = changes.iter().any(|r| r.applied == Applied::Power);
    let api_change = changes.iter().any(|r| r.applied != Applied::NoApiCall);
    let was_running = prior.attr("running").as_bool() == Some(true);
    let transition = power || (!needs_stop.is_empty() && was_running);

    for (attr, when) in COMPUTED {
        let v = match when {
            Recompute::ClearedByTransition if transition => Value::Null,
            Recompute::OnTransition if transition => Value::Unknown,
            Recompute::OnApiChange if api_change => Value::Unknown,
            Recompute::OnChangeOf(deps) if changes.iter().any(|r| deps.contains(&r.attr)) => Value::Unknown,
            _ => value_at(prior, attr).clone(),
        };
        set_at(&mut plan.planned, attr, v);
    }

    if !needs_stop.is_empty() && was_running {
        let stays_stopped = plan.planned.attr("running").as_bool() == Some(false);
        let then = if stays_stopped { "and leave it stopped (running = false)" } else { "and start it again" };
        let shown: Vec<String> = needs_stop
            .iter()
            .map(|a| {
                if value_at(&plan.planned, a).is_unknown() {
                    format!("{a} (known after apply)")
                } else {
                    a.to_string()
                }
            })
            .collect();
        plan.diags.warning_at(
            path_of(needs_stop.first().copied().unwrap_or_default()),
            "The notebook will be restarted",
            format!(
                "Changing {} needs a stopped notebook: apply will stop notebook {:?} ({}), update it, {then}. Other changes are applied first, without a restart.",
                shown.join(", "),
                prior.attr("name").as_str().unwrap_or_default(),
                prior.attr("id").as_str().unwrap_or_default(),
            ),
        );
    }
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
        let mut change = PlanChange { prior, config, planned, requires_replace: replace, diags: Diagnostics::new() };
        modify(&mut change);
        (change.planned, change.diags, change.requires_replace.len())
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
    fn a_flavor_change_warns_of_the_restart() {
        let p = prior();
        let mut c = config_from(&p);
        c.set_attr("flavor_id", Value::Unknown);
        let (planned, diags, _) = run(&p, &c);
        let w = &diags.0[0];
        assert_eq!(w.severity, Severity::Warning);
        assert_eq!(w.path, Some(AttributePath::attr("flavor_id")));
        assert!(
            w.detail.contains("flavor_id (known after apply)") && w.detail.contains("start it again"),
            "{}",
            w.detail
        );
        assert!(planned.attr("status").is_unknown());
        assert_eq!(planned.attr("image_name"), &Value::from("image"));
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
    fn shrinking_storage_is_a_plan_error_at_its_path() {
        let p = prior();
        let mut c = config_from(&p);
        set_at(&mut c, "volume.size", Value::int(5));
        let (_, diags, _) = run(&p, &c);
        assert!(diags.has_errors());
        assert_eq!(diags.0[0].path.as_ref().unwrap().to_string(), "volume[0].size");
    }

    #[test]
    fn ssh_settings_come_in_pairs() {
        let mut d = Diagnostics::new();
        validate(&Value::object([("key_pair", "kp".into()), ("allowed_access_ips", Value::Null)]), &mut d);
        assert_eq!(d.0[0].path, Some(AttributePath::attr("key_pair")));
        let mut d = Diagnostics::new();
        validate(&Value::object([("key_pair", Value::Unknown), ("allowed_access_ips", Value::Null)]), &mut d);
        assert!(d.is_empty(), "unknowns are not judged");
    }
}
