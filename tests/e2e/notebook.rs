//! `modelarts_notebook` end to end: the real terraform CLI, the built provider and
//! `modelarts-sim`, asserting what the API received and what Terraform shows.

use crate::common::scenario::{notebook, notebook_with, Scenario, CPU_IMAGE, CPU_IMAGE_2};

const FAST: &[&str] =
    &["--create-seconds", "0.3", "--start-seconds", "0.3", "--stop-seconds", "0.3", "--delete-seconds", "0.3"];

fn body_of(s: &Scenario, mark: usize, op: &str) -> serde_json::Value {
    s.sim.calls()[mark..].iter().find(|c| c.op == op).unwrap_or_else(|| panic!("no {op} call")).body.clone()
}

#[test]
fn lifecycle_with_stop_sequenced_updates() {
    let Some(s) = Scenario::new(FAST) else { return };

    // Create: running, no stop, auto-stop off (duration -1, as the official provider sends).
    s.config(&notebook("nb-life", ""));
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["create"]);
    let create = body_of(&s, m, "create");
    assert_eq!((create["duration"].clone(), create.get("lease")), (serde_json::json!(-1), None));
    assert_eq!(s.state_attr("modelarts_notebook.nb", "auto_stop_enabled"), false);
    let id = s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string();
    assert_eq!(s.sim.notebook(&id).status.as_str(), "RUNNING");
    assert_eq!(s.state_attr("modelarts_notebook.nb", "running"), true);
    assert_eq!(s.state_attr("modelarts_notebook.nb", "image_name"), "notebook2.0-mul-kernel-cpu-cp36");

    // Rename: one PUT of the name only, no stop, no restart warning.
    s.config(&notebook("nb-renamed", ""));
    let plan = s.wd.ok(&["plan"]);
    assert!(!plan.flat().contains("will be restarted"), "{}", plan.all());
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["update"]);
    assert_eq!(body_of(&s, m, "update"), serde_json::json!({"name": "nb-renamed"}));

    // Flavor: the plan warns with the steps; apply checks the flavor, then stop, PUT, start.
    s.config(&notebook_with("nb", "nb-renamed", "modelarts.vm.cpu.8u", CPU_IMAGE, 10, ""));
    let plan = s.wd.ok(&["plan"]);
    let text = plan.flat();
    assert!(text.contains("Warning: The notebook will be restarted"), "{}", plan.all());
    assert!(
        text.contains("Changing flavor_id needs notebook \"nb-renamed\" (")
            && text.contains(") stopped: apply will stop, change flavor_id, start again."),
        "{}",
        plan.all()
    );
    // A restart ends RUNNING and its start turns auto-stop off: the plan knows both.
    assert!(
        text.contains("~ flavor_id") && !text.contains("~ status") && !text.contains("~ auto_stop_enabled"),
        "{}",
        plan.all()
    );
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["stop", "update", "start"]);
    let all = s.sim.ops_since(m, true);
    let check = all.iter().position(|o| o == "switchable_flavors").expect("flavor preflight");
    assert!(check < all.iter().position(|o| o == "stop").unwrap(), "preflight before the stop: {all:?}");
    assert_eq!(body_of(&s, m, "update"), serde_json::json!({"flavor": "modelarts.vm.cpu.8u"}));
    assert_eq!(s.sim.notebook(&id).flavor, "modelarts.vm.cpu.8u");
    assert_eq!(s.sim.calls()[m..].iter().find(|c| c.op == "start").unwrap().query, "duration=-1");

    // running = false: a stop only.
    s.config(&notebook_with("nb", "nb-renamed", "modelarts.vm.cpu.8u", CPU_IMAGE, 10, "running = false"));
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["stop"]);
    assert_eq!(s.sim.notebook(&id).status.as_str(), "STOPPED");

    // Image change while stopped: a PUT only, no start, and no restart warning.
    s.config(&notebook_with("nb", "nb-renamed", "modelarts.vm.cpu.8u", CPU_IMAGE_2, 10, "running = false"));
    let plan = s.wd.ok(&["plan"]);
    assert!(!plan.flat().contains("will be restarted"), "{}", plan.all());
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["update"]);
    assert_eq!(body_of(&s, m, "update"), serde_json::json!({"image_id": CPU_IMAGE_2}));

    // running = true: a start only.
    s.config(&notebook_with("nb", "nb-renamed", "modelarts.vm.cpu.8u", CPU_IMAGE_2, 10, "running = true"));
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["start"]);

    // Storage 10 -> 20: one PUT while running (the volume grows dynamically), no stop, no warning.
    s.config(&notebook_with("nb", "nb-renamed", "modelarts.vm.cpu.8u", CPU_IMAGE_2, 20, "running = true"));
    let plan = s.wd.ok(&["plan"]);
    assert!(!plan.flat().contains("Warning: The notebook"), "{}", plan.all());
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["update"]);
    let put = s.sim.calls()[m..].iter().find(|c| c.op == "update").unwrap().clone();
    assert_eq!(
        (put.body, put.status_before.as_deref()),
        (serde_json::json!({"storage_new_size": 20}), Some("RUNNING"))
    );

    // Storage 20 -> 10: a plan-time error pointing at the size, and no API change.
    s.config(&notebook_with("nb", "nb-renamed", "modelarts.vm.cpu.8u", CPU_IMAGE_2, 10, "running = true"));
    let m = s.mark();
    let plan = s.wd.fails(&["plan"]);
    let text = plan.flat();
    assert!(text.contains("Error: Storage cannot shrink"), "{}", plan.all());
    assert!(text.contains("size = 10"), "Terraform points at the line: {}", plan.all());
    assert!(s.sim.ops_since(m, false).is_empty());

    // A flavor the notebook cannot switch to (CPU to GPU): a plan-time error at the
    // attribute, without a restart warning, and nothing was sent.
    s.config(&notebook_with("nb", "nb-renamed", "modelarts.vm.gpu.t4", CPU_IMAGE_2, 20, "running = true"));
    let m = s.mark();
    let out = s.wd.fails(&["plan"]);
    let text = out.flat();
    assert!(
        text.contains("cannot switch to flavor \"modelarts.vm.gpu.t4\". It can switch to: modelarts.vm.cpu.2u."),
        "{}",
        out.all()
    );
    assert!(text.contains("flavor_id = \"modelarts.vm.gpu.t4\""), "at the attribute: {}", out.all());
    assert!(!text.contains("will be restarted") && !text.contains("HTTP 200"), "{}", out.all());
    assert!(s.sim.ops_since(m, false).is_empty(), "nothing was stopped: {:?}", s.sim.ops_since(m, true));
    assert_eq!(s.sim.notebook(&id).status.as_str(), "RUNNING");

    // Import (terraform import) into a matching configuration: no changes.
    s.config(&notebook_with("nb", "nb-renamed", "modelarts.vm.cpu.8u", CPU_IMAGE_2, 20, "running = true"));
    s.wd.ok(&["state", "rm", "modelarts_notebook.nb"]);
    let m = s.mark();
    s.wd.ok(&["import", "modelarts_notebook.nb", &id]);
    s.assert_no_changes();
    assert!(s.sim.ops_since(m, false).is_empty());

    // Destroy: a delete, and the notebook is gone.
    let m = s.mark();
    s.wd.ok(&["destroy", "-auto-approve"]);
    assert_eq!(s.sim.ops_since(m, false), ["delete"]);
    assert!(s.sim.notebooks().is_empty());
}

#[test]
fn drift_of_the_power_state() {
    let Some(s) = Scenario::new(FAST) else { return };
    let body = format!(
        "{}{}",
        notebook_with("managed", "managed", "modelarts.vm.cpu.2u", CPU_IMAGE, 10, "running = true"),
        notebook_with("free", "free", "modelarts.vm.cpu.2u", CPU_IMAGE, 10, "")
    );
    s.config(&body);
    s.apply();
    for label in ["managed", "free"] {
        let id = s.state_attr(&format!("modelarts_notebook.{label}"), "id");
        s.sim.control(
            "PATCH",
            &format!("/_sim/notebooks/{}", id.as_str().unwrap()),
            Some(serde_json::json!({"status": "STOPPED"})),
        );
    }
    let plan = s.wd.run(&["plan", "-detailed-exitcode"]);
    let text = plan.flat();
    assert!(text.contains("modelarts_notebook.managed will be updated in-place"), "{}", plan.all());
    assert!(text.contains("~ running = false -> true"), "{}", plan.all());
    assert!(
        !text.contains("modelarts_notebook.free will be"),
        "an unmanaged power state is reported, never forced: {}",
        plan.all()
    );
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["start"]);
    assert_eq!(s.state_attr("modelarts_notebook.free", "running"), false);
    assert_eq!(s.state_attr("modelarts_notebook.free", "status"), "STOPPED");
}

#[test]
fn a_failed_update_after_the_stop_starts_the_notebook_again() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.config(&notebook("put-fails", ""));
    s.apply();
    let id = s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string();
    s.sim.control(
        "POST",
        "/_sim/faults",
        Some(serde_json::json!({"op": "update", "kind": "reply", "status": 500, "code": "ModelArts.7001", "message": "storage backend unavailable", "times": 1})),
    );
    s.config(&notebook_with("nb", "put-fails", "modelarts.vm.cpu.8u", CPU_IMAGE, 10, ""));
    let m = s.mark();
    let out = s.wd.fails(&["apply", "-auto-approve"]);
    let text = out.flat();
    assert!(text.contains("ModelArts.7001") && text.contains("storage backend unavailable"), "{}", out.all());
    assert!(text.contains("started again"), "{}", out.all());
    assert_eq!(s.sim.ops_since(m, false), ["stop", "update", "start"]);
    let nb = s.sim.notebook(&id);
    assert_eq!((nb.status.as_str(), nb.flavor.as_str()), ("RUNNING", "modelarts.vm.cpu.2u"));
    // The state matches reality, so the next plan proposes the flavor change again.
    assert_eq!(s.state_attr("modelarts_notebook.nb", "flavor_id"), "modelarts.vm.cpu.2u");
    let plan = s.wd.ok(&["plan"]);
    assert!(plan.flat().contains("~ flavor_id = \"modelarts.vm.cpu.2u\" -> \"modelarts.vm.cpu.8u\""), "{}", plan.all());
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["stop", "update", "start"]);
}

#[test]
fn auto_stop_changes_use_the_lease_api_without_a_restart() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.config(&notebook("leased", "auto_stop {\n    duration = \"4h\"\n  }"));
    let m = s.mark();
    s.apply();
    let create = s.sim.calls()[m..].iter().find(|c| c.op == "create").unwrap().body.clone();
    assert_eq!(create["lease"], serde_json::json!({"duration": 14_400_000, "type": "TIMING"}));

    s.config(&notebook("leased", "auto_stop {\n    type     = \"IDLE\"\n    duration = \"90m\"\n  }"));
    let plan = s.wd.ok(&["plan"]);
    assert!(!plan.flat().contains("will be restarted"), "{}", plan.all());
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["lease_renew"]);
    assert_eq!(body_of(&s, m, "lease_renew"), serde_json::json!({"duration": 5_400_000, "type": "IDLE"}));

    // When the notebook is started, the auto-stop rides along with the start.
    s.config(&notebook(
        "leased",
        "running = false\n  auto_stop {\n    type     = \"IDLE\"\n    duration = \"90m\"\n  }",
    ));
    s.apply();
    s.config(&notebook("leased", "running = true\n  auto_stop {\n    duration = \"2h\"\n  }"));
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["start"]);
    let start = s.sim.calls()[m..].iter().find(|c| c.op == "start").unwrap().clone();
    assert_eq!(start.query, "duration=7200000&type=TIMING");
}

#[test]
fn import_block_and_plan_time_validation() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.config(&notebook("to-import", ""));
    s.apply();
    let id = s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string();
    s.wd.ok(&["state", "rm", "modelarts_notebook.nb"]);
    s.config(&format!("import {{\n  to = modelarts_notebook.nb\n  id = \"{id}\"\n}}\n{}", notebook("to-import", "")));
    let plan = s.wd.ok(&["plan"]);
    assert!(plan.flat().contains("1 to import, 0 to add, 0 to change, 0 to destroy"), "{}", plan.all());
    s.apply();

    // Plan-time errors, each pointing at its attribute.
    for (extra, expected) in [
        ("allowed_access_ips = [\"10.0.0.1\"]", "allowed_access_ips needs key_pair"),
        ("description = \"a<b\"", "Invalid character in description"),
        ("auto_stop {\n    duration = \"30m\"\n  }", "outside the allowed 1h to 72h"),
    ] {
        s.config(&notebook("to-import", extra));
        let out = s.wd.fails(&["plan"]);
        assert!(out.flat().contains(expected), "{extra}: {}", out.all());
    }
    s.config(&notebook_with("nb", "bad name!", "modelarts.vm.cpu.2u", CPU_IMAGE, 10, ""));
    let out = s.wd.fails(&["plan"]);
    assert!(out.flat().contains("Invalid character in name"), "{}", out.all());
    assert!(out.flat().contains("name = \"bad name!\""), "{}", out.all());
}

/// The tag calls since `mark`, as `op status_before body`.
fn tag_calls(s: &Scenario, mark: usize) -> Vec<String> {
    s.sim.calls()[mark..]
        .iter()
        .filter(|c| c.op.starts_with("tags_"))
        .map(|c| format!("{} {} {}", c.op, c.status_before.as_deref().unwrap_or("-"), c.body))
        .collect()
}

#[test]
fn tags_are_set_changed_in_any_status_without_a_restart_and_read_back() {
    use serde_json::json;
    let Some(s) = Scenario::new(FAST) else { return };
    // The official provider's form: a map.
    s.provider_settings("max_retries = 3\n  default_tags = { team = \"ml\" }");
    let tagged = |tags: &str, extra: &str| notebook("tagged", &format!("  tags = {tags}\n{extra}"));

    // Created without tags in the body, then tagged on the running notebook.
    s.config(&tagged("{ env = \"dev\", owner = \"ana\" }", ""));
    let m = s.mark();
    s.apply();
    assert!(body_of(&s, m, "create").get("tags").is_none(), "the create body has no tags (SDK NotebookCreateRequest)");
    let tag = |k: &str, v: &str| json!({"key": k, "value": v});
    let create_all = json!({"tags": [tag("env", "dev"), tag("owner", "ana"), tag("team", "ml")]});
    assert_eq!(tag_calls(&s, m), [format!("tags_create RUNNING {create_all}")]);
    assert_eq!(s.sim.ops_since(m, false), ["create", "tags_create"]);
    assert_eq!(s.state_attr("modelarts_notebook.nb", "tags"), json!({"env": "dev", "owner": "ana"}));
    assert_eq!(s.state_attr("modelarts_notebook.nb", "tags_all"), json!({"env": "dev", "owner": "ana", "team": "ml"}));
    let id = s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string();

    // Changed on the running notebook: deletions first, then creations; no restart.
    s.config(&tagged("{ env = \"prod\", cost = \"42\" }", ""));
    let plan = s.wd.ok(&["plan", "-no-color"]);
    assert!(!plan.flat().contains("restarted") && plan.flat().contains("1 to change"), "{}", plan.all());
    let m = s.mark();
    s.apply();
    assert_eq!(
        tag_calls(&s, m),
        [
            format!("tags_delete RUNNING {}", json!({"tags": [tag("env", "dev"), tag("owner", "ana")]})),
            format!("tags_create RUNNING {}", json!({"tags": [tag("cost", "42"), tag("env", "prod")]})),
        ]
    );
    assert_eq!(s.sim.ops_since(m, false), ["tags_delete", "tags_create"], "nothing else");

    // On a stopped notebook too, without a start.
    s.config(&tagged("{ env = \"prod\", cost = \"42\" }", "  running = false"));
    s.apply();
    s.config(&tagged("{ env = \"prod\", cost = \"43\" }", "  running = false"));
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["tags_delete", "tags_create"]);
    assert!(tag_calls(&s, m).iter().all(|c| c.contains(" STOPPED ")), "{:?}", tag_calls(&s, m));
    assert_eq!(s.sim.notebook(&id).status.as_str(), "STOPPED");

    // Added in the console: drift, shown and undone.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let extra = modelarts_provider::client::types::Tag { key: "intruder".into(), value: "x".into() };
    rt.block_on(s.api().create_notebook_tags(&id.as_str().into(), None, &[extra])).unwrap();
    let plan = s.wd.ok(&["plan", "-no-color"]);
    assert!(plan.flat().contains("- \"intruder\" = \"x\" -> null"), "{}", plan.all());
    let m = s.mark();
    s.apply();
    assert_eq!(tag_calls(&s, m), [format!("tags_delete STOPPED {}", json!({"tags": [tag("intruder", "x")]}))]);

    // Imported: the default tag is told apart, and the plan is empty.
    s.wd.ok(&["state", "rm", "modelarts_notebook.nb"]);
    s.wd.ok(&["import", "modelarts_notebook.nb", &id]);
    assert_eq!(s.state_attr("modelarts_notebook.nb", "tags"), json!({"env": "prod", "cost": "43"}));
    s.assert_no_changes();

    // Removed from the configuration: the notebook's own tags go, the default stays.
    s.config(&notebook("tagged", "  running = false"));
    let m = s.mark();
    s.apply();
    assert_eq!(
        tag_calls(&s, m),
        [format!("tags_delete STOPPED {}", json!({"tags": [tag("cost", "43"), tag("env", "prod")]}))]
    );
    assert_eq!(s.state_attr("modelarts_notebook.nb", "tags_all"), json!({"team": "ml"}));
    assert!(s.state_attr("modelarts_notebook.nb", "tags").is_null());

    // A key the API refuses fails at plan time, at the attribute.
    s.config(&tagged("{ \"a/b\" = \"x\" }", "  running = false"));
    let m = s.mark();
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(out.flat().contains("Invalid value for tags") && out.flat().contains("no /"), "{}", out.all());
    assert!(s.sim.ops_since(m, false).is_empty());

    // A key managed elsewhere (the provider's ignore_tags): never drift, never touched.
    s.provider_settings("max_retries = 3\n  default_tags = { team = \"ml\" }\n  ignore_tags = [\"cost-center\"]");
    s.config(&notebook("tagged", "  running = false"));
    let policy = modelarts_provider::client::types::Tag { key: "cost-center".into(), value: "cc-7".into() };
    rt.block_on(s.api().create_notebook_tags(&id.as_str().into(), None, &[policy])).unwrap();
    s.assert_no_changes();
    s.config(&tagged("{ env = \"qa\" }", "  running = false"));
    let m = s.mark();
    s.apply();
    assert_eq!(tag_calls(&s, m), [format!("tags_create STOPPED {}", json!({"tags": [tag("env", "qa")]}))]);
    assert_eq!(s.state_attr("modelarts_notebook.nb", "tags_all"), json!({"env": "qa", "team": "ml"}));
    let on_the_notebook: Vec<String> =
        s.sim.notebook(&id).tags.iter().map(|t| format!("{}={}", t.key, t.value)).collect();
    assert!(on_the_notebook.contains(&"cost-center=cc-7".to_string()), "{on_the_notebook:?}");
    // Naming an ignored key in tags or default_tags: refused at plan time, at the key.
    s.config(&tagged("{ \"cost-center\" = \"cc-8\" }", "  running = false"));
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(
        out.flat().contains("An ignored tag is configured")
            && out.flat().contains("tags = { \"cost-center\" = \"cc-8\" }"),
        "{}",
        out.all()
    );
    s.provider_settings("default_tags = { \"cost-center\" = \"x\" }\n  ignore_tags = [\"cost-center\"]");
    s.config(&notebook("tagged", "  running = false"));
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(out.flat().contains("A default tag is ignored"), "{}", out.all());
    s.provider_settings("max_retries = 3\n  ignore_tags = [\"cost-center\"]");
    s.config(&notebook("tagged", "  running = false"));
    s.wd.ok(&["destroy", "-auto-approve"]);
}
