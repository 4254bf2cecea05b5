//! The notebook's plan: defaults, replacement and the plan-time checks.

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
        w.detail.contains("flavor_id (known after apply)") && w.detail.contains("stop, change flavor_id, start again"),
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
    c.set_attr("auto_stop", Value::List(vec![Value::object([("type", "TIMING".into()), ("duration", "2h".into())])]));
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
    assert_eq!(paths(vol(vec![("type", "OBS".into()), ("ownership", "DEDICATED".into())])), ["volume[0].ownership"]);
    assert!(paths(vol(vec![("type", "OBSFS".into()), ("uri", "obs://b/d/".into())])).is_empty());
}
