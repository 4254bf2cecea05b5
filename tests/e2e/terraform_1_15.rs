//! Protocol 6.10 features through Terraform 1.15 (`crate::common::terraform_1_15`):
//! resource identity, `terraform query` with configuration generation, the
//! power action and the ephemeral access resource, against notebooks made
//! behind Terraform's back.

use crate::common::scenario::{Scenario, CPU_IMAGE, QUICK_TRANSITIONS};

/// An empty configuration and a query file with a `list "modelarts_notebook" "team"`
/// block, with `settings` and `config { filters }`; then `init`.
fn query_files(s: &Scenario, settings: &str, filters: &str) {
    s.config("");
    let list = format!(
        "list \"modelarts_notebook\" \"team\" {{\n  provider = modelarts\n  {settings}\n  config {{\n    {filters}\n  }}\n}}\n"
    );
    s.wd.write("main.tfquery.hcl", &list);
    s.wd.ok(&["init"]);
}

/// API calls since `mark` that change something.
fn writes_since(s: &Scenario, mark: usize) -> Vec<String> {
    s.sim.ops_since(mark, false)
}

#[test]
fn the_identity_schema_is_published() {
    let Some(s) = Scenario::on_terraform_1_15(&[]) else { return };
    s.config("");
    s.wd.ok(&["init"]);
    let out = s.wd.ok(&["providers", "schema", "-json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let provider = &json["provider_schemas"]["registry.terraform.io/modelarts/modelarts"];
    let identity = &provider["resource_identity_schemas"]["modelarts_notebook"];
    assert_eq!(identity["version"], 0, "{provider}");
    let attrs = &identity["attributes"];
    assert_eq!(attrs["id"]["type"], "string", "{identity}");
    assert_eq!(attrs["id"]["required_for_import"], true, "{identity}");
    assert_eq!(attrs["region"]["optional_for_import"], true, "{identity}");
    assert!(provider["list_resource_schemas"]["modelarts_notebook"].is_object(), "{provider}");
}

#[test]
fn import_by_identity_then_an_empty_plan_without_writes() {
    let Some(s) = Scenario::on_terraform_1_15(QUICK_TRANSITIONS) else { return };
    let ids = s.made_behind_terraforms_back(&["console-made"]);
    s.config(&format!(
        r#"
import {{
  to       = modelarts_notebook.nb
  identity = {{ id = "{}" }}
}}
resource "modelarts_notebook" "nb" {{
  name      = "console-made"
  flavor_id = "modelarts.vm.cpu.2u"
  image_id  = "{}"
  volume {{
    type = "EVS"
    size = 10
  }}
}}
"#,
        ids[0],
        crate::common::scenario::CPU_IMAGE
    ));
    let mark = s.mark();
    let out = s.wd.ok(&["apply", "-auto-approve"]);
    assert!(out.flat().contains("1 imported, 0 added, 0 changed, 0 destroyed"), "{}", out.all());
    s.assert_no_changes();
    assert_eq!(writes_since(&s, mark), Vec::<String>::new(), "importing must not change the notebook");
    assert_eq!(s.state_attr("modelarts_notebook.nb", "id"), ids[0].as_str());
}

#[test]
fn query_finds_the_team_notebooks_and_generated_config_imports_them_cleanly() {
    let Some(s) = Scenario::on_terraform_1_15(QUICK_TRANSITIONS) else { return };
    let ids = s.made_behind_terraforms_back(&["team-alpha", "team-beta", "other"]);
    query_files(&s, "", r#"name = "team""#);
    let out = s.wd.ok(&["query"]);
    println!("{}", out.all());
    assert!(out.stdout.contains("team-alpha") && out.stdout.contains("team-beta"), "{}", out.all());
    assert!(!out.stdout.contains("other"), "{}", out.all());
    assert!(out.stdout.contains(&ids[0]) && out.stdout.contains(&ids[1]), "{}", out.all());

    let mark = s.mark();
    let out = s.wd.ok(&["query", "-generate-config-out=generated.tf"]);
    let generated = std::fs::read_to_string(s.wd.path().join("generated.tf")).unwrap();
    println!("{}\n{generated}", out.all());
    assert_eq!(generated.matches("import {").count(), 2, "{generated}");
    // GenerateResourceConfig left out defaults (allow_stopping_for_update = true,
    // ownership = "MANAGED") and what the provider sets (mount_path).
    for left_out in ["allow_stopping_for_update", "ownership", "mount_path", "status"] {
        assert!(!generated.contains(left_out), "{left_out} in {generated}");
    }
    // The provider's own region goes unsaid too (the import blocks' identities keep it).
    let resource_blocks = generated.split("import {").map(|part| part.split("resource ").nth(1).unwrap_or_default());
    for block in resource_blocks {
        assert!(!block.lines().any(|l| l.trim_start().starts_with("region ")), "region in {block}");
    }
    let out = s.wd.ok(&["apply", "-auto-approve"]);
    assert!(out.flat().contains("2 imported, 0 added, 0 changed, 0 destroyed"), "{}", out.all());
    s.assert_no_changes();
    assert_eq!(writes_since(&s, mark), Vec::<String>::new(), "adopting must not change the notebooks");
}

#[test]
fn the_power_action_stops_a_notebook_returns_once_stopped_and_is_idempotent() {
    let slow_stop = ["--create-seconds", "0.3", "--start-seconds", "0.3", "--stop-seconds", "1.5"];
    let Some(s) = Scenario::on_terraform_1_15(&slow_stop) else { return };
    let ids = s.made_behind_terraforms_back(&["nightly"]);
    s.config(&format!(
        r#"
action "modelarts_notebook_power" "tonight" {{
  config {{
    notebook_id  = "{}"
    power_action = "stop"
  }}
}}
"#,
        ids[0]
    ));
    s.wd.ok(&["init"]);
    let mark = s.mark();
    let out = s.wd.ok(&["apply", "-auto-approve", "-invoke=action.modelarts_notebook_power.tonight"]);
    println!("{}", out.all());
    // The action returned only once the notebook was STOPPED.
    assert_eq!(s.sim.notebook(&ids[0]).status.as_str(), "STOPPED");
    assert_eq!(writes_since(&s, mark), vec!["stop"]);
    assert!(out.flat().contains("Stopping the notebook \"nightly\""), "{}", out.all());

    // Stopping a stopped notebook succeeds without a call.
    let mark = s.mark();
    let out = s.wd.ok(&["apply", "-auto-approve", "-invoke=action.modelarts_notebook_power.tonight"]);
    assert_eq!(writes_since(&s, mark), Vec::<String>::new());
    assert!(out.flat().contains("already STOPPED"), "{}", out.all());

    // A notebook that does not exist is refused at plan time, at the attribute.
    s.config(
        r#"
action "modelarts_notebook_power" "tonight" {
  config {
    notebook_id  = "00000000-0000-0000-0000-000000000000"
    power_action = "restart"
  }
}
"#,
    );
    let out = s.wd.fails(&["apply", "-auto-approve", "-invoke=action.modelarts_notebook_power.tonight"]);
    assert!(out.flat().contains("Notebook not found"), "{}", out.all());
}

#[test]
fn the_power_action_runs_from_an_action_trigger() {
    let Some(s) = Scenario::on_terraform_1_15(QUICK_TRANSITIONS) else { return };
    let ids = s.made_behind_terraforms_back(&["restarted-on-bump"]);
    let config = |version: &str| {
        format!(
            r#"
action "modelarts_notebook_power" "restart" {{
  config {{
    notebook_id  = "{}"
    power_action = "restart"
  }}
}}
resource "terraform_data" "image_bump" {{
  input = "{version}"
  lifecycle {{
    action_trigger {{
      events  = [after_update]
      actions = [action.modelarts_notebook_power.restart]
    }}
  }}
}}
"#,
            ids[0]
        )
    };
    s.config(&config("v1"));
    s.wd.ok(&["init"]);
    let mark = s.mark();
    s.wd.ok(&["apply", "-auto-approve"]);
    assert_eq!(writes_since(&s, mark), Vec::<String>::new(), "creating terraform_data is not an update");

    s.config(&config("v2"));
    let plan = s.wd.ok(&["plan"]);
    let flat = plan.flat();
    assert!(
        flat.contains(r#"action "modelarts_notebook_power" "restart""#) && flat.contains("Actions: 1 to invoke"),
        "the plan shows the action: {}",
        plan.all()
    );
    let mark = s.mark();
    let out = s.wd.ok(&["apply", "-auto-approve"]);
    println!("{}", out.all());
    assert_eq!(writes_since(&s, mark), vec!["stop", "start"], "the update restarted the notebook");
    assert_eq!(s.sim.notebook(&ids[0]).status.as_str(), "RUNNING");
}

#[test]
fn query_with_include_resource_returns_the_full_objects() {
    let Some(s) = Scenario::on_terraform_1_15(QUICK_TRANSITIONS) else { return };
    let ids = s.made_behind_terraforms_back(&["team-full"]);
    query_files(&s, "include_resource = true", r#"status = "RUNNING""#);
    let found = |out: &crate::common::TfOutput| -> Vec<serde_json::Value> {
        let lines = out.stdout.lines().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok());
        lines.filter(|j| j["type"] == "list_resource_found").map(|j| j["list_resource_found"].clone()).collect()
    };
    let out = s.wd.ok(&["query", "-json"]);
    let results = found(&out);
    assert_eq!(results.len(), 1, "{}", out.stdout);
    let r = &results[0];
    assert_eq!(r["display_name"], "team-full");
    assert_eq!(r["identity"]["id"], ids[0].as_str());
    let object = &r["resource_object"];
    assert_eq!(object["id"], ids[0].as_str(), "{r}");
    assert_eq!(object["flavor_id"], "modelarts.vm.cpu.2u", "{r}");
    assert_eq!(object["volume"][0]["size"], 10, "{r}");
    assert_eq!(object["running"], true, "{r}");

    // Without include_resource, only identities and names.
    let text = std::fs::read_to_string(s.wd.path().join("main.tfquery.hcl")).unwrap();
    s.wd.write("main.tfquery.hcl", &text.replace("include_resource = true", "include_resource = false"));
    let out = s.wd.ok(&["query", "-json"]);
    let results = found(&out);
    assert_eq!(results.len(), 1, "{}", out.stdout);
    assert!(results[0]["resource_object"].is_null(), "{}", results[0]);

    // The flavor and image filters reach the API; a flavor nobody has finds nothing.
    for (filters, expected) in [
        (r#"flavor_id = "cpu.2u""#.to_string(), 1),
        (format!(r#"image_id = "{CPU_IMAGE}""#), 1),
        (r#"flavor_id = "gpu""#.to_string(), 0),
    ] {
        query_files(&s, "", &filters);
        let mark = s.mark();
        let out = s.wd.ok(&["query", "-json"]);
        assert_eq!(found(&out).len(), expected, "{filters}: {}", out.stdout);
        let (name, value) = filters.split_once(" = ").unwrap();
        let param = format!("{}={}", if name == "flavor_id" { "flavor" } else { name }, value.trim_matches('"'));
        let queries: Vec<String> =
            s.sim.calls()[mark..].iter().filter(|c| c.op == "list").map(|c| c.query.clone()).collect();
        assert!(queries.iter().any(|q| q.split('&').any(|p| p == param)), "{param} in {queries:?}");
    }
}
