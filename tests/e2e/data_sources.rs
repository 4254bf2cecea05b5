//! Data sources end to end, filters and pagination included; and a notebook whose
//! flavor is unknown until apply.

use crate::common::scenario::{
    cpu_notebook_request, notebook, notebook_with, Scenario, CPU_IMAGE, CPU_IMAGE_2, QUICK_TRANSITIONS,
};

fn outputs(s: &Scenario) -> serde_json::Value {
    let out = s.wd.ok(&["output", "-json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut values = serde_json::Map::new();
    for (k, v) in json.as_object().unwrap() {
        values.insert(k.clone(), v["value"].clone());
    }
    serde_json::Value::Object(values)
}

#[test]
fn flavors_and_images_with_filters() {
    let Some(s) = Scenario::new(&[]) else { return };
    s.config(
        r#"
data "modelarts_notebook_flavors" "all" {}
data "modelarts_notebook_flavors" "gpu" {
  category         = "GPU"
  include_sold_out = true
}
data "modelarts_notebook_flavors" "dedicated" {
  type = "DEDICATED"
}
data "modelarts_notebook_images" "gpu" {
  category = "GPU"
}
data "modelarts_notebook_images" "named" {
  name = "notebook2.0-mul-kernel-cpu-cp36"
  type = "BUILD_IN"
}
data "modelarts_notebook_images" "arm" {
  cpu_arch = "AARCH64"
}
data "modelarts_notebook_images" "partial" {
  name      = "mindspore"
  namespace = "atelier"
}
output "partial" { value = sort([for i in data.modelarts_notebook_images.partial.images : "${i.namespace}/${i.show_name}/${i.name}"]) }
output "all" { value = [for f in data.modelarts_notebook_flavors.all.flavors : f.id] }
output "gpu" { value = data.modelarts_notebook_flavors.gpu.flavors }
output "dedicated" { value = length(data.modelarts_notebook_flavors.dedicated.flavors) }
output "gpu_images" { value = sort([for i in data.modelarts_notebook_images.gpu.images : i.name]) }
output "named" { value = data.modelarts_notebook_images.named.images }
output "arm" { value = [for i in data.modelarts_notebook_images.arm.images : i.name] }
output "all_sold_out" { value = [for f in data.modelarts_notebook_flavors.all.flavors : f.sold_out] }
"#,
    );
    s.wd.ok(&["apply", "-auto-approve"]);
    let o = outputs(&s);
    // As in the official provider, sold-out flavors are left out unless asked for.
    assert_eq!(o["all"].as_array().unwrap().len(), 4);
    assert!(o["all_sold_out"].as_array().unwrap().iter().all(|s| s == false));
    // The architecture filter ignores case (the SDK spells an image's X86_64 / AARCH64).
    assert_eq!(o["arm"], serde_json::json!(["mindspore2.2.0-py3.9-euleros2.10-aarch64"]));
    // A partial name matches, as in the official provider (the API matches fuzzily);
    // each image has its SWR organization and, preset, its display name.
    assert_eq!(
        o["partial"],
        serde_json::json!([
            "atelier/mindspore1.7.0/mindspore1.7.0-py3.7-ubuntu18.04",
            "atelier/mindspore2.2.0/mindspore2.2.0-py3.9-euleros2.10-aarch64"
        ])
    );
    let partial = s.sim.calls().iter().find(|c| c.op == "images" && c.query.contains("name=mindspore")).cloned();
    let query = partial.expect("the partial name was sent").query;
    assert!(query.contains("namespace=atelier") && !query.contains("name_fuzzy_match"), "{query}");
    let gpu = o["gpu"].as_array().unwrap();
    assert_eq!(gpu.len(), 2);
    assert!(gpu.iter().all(|f| f["category"] == "GPU"));
    let v100 = gpu.iter().find(|f| f["id"] == "modelarts.vm.gpu.v100").unwrap();
    assert_eq!(
        (v100["sold_out"].clone(), v100["vcpus"].clone(), v100["memory"].clone()),
        (true.into(), 8.into(), 65536.into())
    );
    assert_eq!(o["dedicated"], 0);
    assert_eq!(
        o["gpu_images"],
        serde_json::json!(["mindspore1.7.0-py3.7-ubuntu18.04", "pytorch1.10-cuda10.2-cudnn7-ubuntu18.04"])
    );
    let named = o["named"].as_array().unwrap();
    assert_eq!(named.len(), 1);
    assert_eq!(named[0]["id"], CPU_IMAGE);
    assert_eq!(named[0]["tag"], "3.3.2-release_v1");
    assert_eq!(named[0]["cpu_arch"], "X86_64");
    assert_eq!(named[0]["resource_categories"], serde_json::json!(["CPU"]));
    assert_eq!(named[0]["dev_services"], serde_json::json!(["NOTEBOOK", "SSH"]));
    assert_eq!((named[0]["status"].clone(), named[0]["workspace_id"].clone()), ("ACTIVE".into(), "0".into()));
    let v100 = &o["gpu"].as_array().unwrap().iter().find(|f| f["id"] == "modelarts.vm.gpu.v100").unwrap().clone();
    assert_eq!(v100["gpu"], serde_json::json!([{"gpu": 1, "gpu_memory": "16GB", "type": "V100"}]));
    assert_eq!(v100["billing"][0]["unit_num"], 1);
    // Filters are passed to the API.
    let queries: Vec<String> = s.sim.calls().iter().filter(|c| c.op == "flavors").map(|c| c.query.clone()).collect();
    assert!(queries.iter().any(|q| q.contains("category=GPU")), "{queries:?}");
    assert!(queries.iter().any(|q| q.contains("type=DEDICATED")), "{queries:?}");
}

#[test]
fn lists_page_as_the_api_does() {
    let dir = tempfile::tempdir().unwrap();
    let flavors: Vec<serde_json::Value> = (0..120)
        .map(|i| serde_json::json!({"id": format!("flavor.{i:03}"), "name": format!("flavor.{i:03}"), "category": "CPU"}))
        .collect();
    let images: Vec<serde_json::Value> = (0..450)
        .map(|i| serde_json::json!({"id": format!("image-{i:03}"), "name": format!("image-{i:03}"), "type": "BUILD_IN", "workspace_id": "0"}))
        .collect();
    let path = dir.path().join("catalogue.json");
    std::fs::write(&path, serde_json::json!({"flavors": flavors, "images": images}).to_string()).unwrap();
    let Some(s) = Scenario::new(&["--catalogue", path.to_str().unwrap()]) else { return };
    s.config(
        "data \"modelarts_notebook_flavors\" \"all\" {}\ndata \"modelarts_notebook_images\" \"all\" {}\n\
         output \"flavors\" { value = length(data.modelarts_notebook_flavors.all.flavors) }\n\
         output \"images\" { value = length(data.modelarts_notebook_images.all.images) }\n",
    );
    s.wd.ok(&["apply", "-auto-approve"]);
    assert_eq!((outputs(&s)["flavors"].clone(), outputs(&s)["images"].clone()), (120.into(), 450.into()));
    // Flavors: one call without paging (SDK ListFlavorsRequest: no limit by default;
    // the official data source sends none).
    let flavor_calls: Vec<String> =
        s.sim.calls().iter().filter(|c| c.op == "flavors").map(|c| c.query.clone()).collect();
    assert_eq!(flavor_calls, [""], "{flavor_calls:?}");
    // Images: pages of 200, as the official data source asks (the API's default).
    let image_calls: Vec<String> = s.sim.calls().iter().filter(|c| c.op == "images").map(|c| c.query.clone()).collect();
    assert_eq!(image_calls.len(), 3, "{image_calls:?}");
    assert!(image_calls.iter().all(|q| q.contains("limit=200")), "{image_calls:?}");
}

#[test]
fn one_notebook_by_id_or_unique_name() {
    let Some(s) = Scenario::new(&["--create-seconds", "0.2"]) else { return };
    let twins = format!(
        "{}{}{}",
        notebook("solo", ""),
        notebook_with("twin_a", "twin", "modelarts.vm.cpu.2u", CPU_IMAGE, 10, ""),
        notebook_with("twin_b", "twin", "modelarts.vm.cpu.2u", CPU_IMAGE, 10, "")
    );
    s.config(&twins);
    s.apply();
    let by = |sel: &str| {
        format!(
            "{twins}\ndata \"modelarts_notebook\" \"x\" {{\n  {sel}\n}}\noutput \"nb\" {{ value = data.modelarts_notebook.x }}\n"
        )
    };
    s.config(&by("id = modelarts_notebook.nb.id"));
    s.wd.ok(&["apply", "-auto-approve"]);
    let nb = outputs(&s)["nb"].clone();
    assert_eq!(nb["name"], "solo");
    assert_eq!(nb["status"], "RUNNING");
    assert_eq!(nb["volume"][0]["size"], 10);
    assert_eq!(nb["image_name"], "notebook2.0-mul-kernel-cpu-cp36");
    assert_eq!(nb["running"], true);

    s.config(&by("name = \"solo\""));
    s.wd.ok(&["apply", "-auto-approve"]);
    assert_eq!(outputs(&s)["nb"]["id"], nb["id"]);

    s.config(&by("name = \"twin\""));
    let out = s.wd.fails(&["plan"]);
    assert!(
        out.flat().contains("Ambiguous notebook name") && out.flat().contains("2 notebooks are named \"twin\""),
        "{}",
        out.all()
    );
    s.config(&by("name = \"nobody\""));
    let out = s.wd.fails(&["plan"]);
    assert!(out.flat().contains("No notebook is named \"nobody\""), "{}", out.all());
}

#[test]
fn a_flavor_unknown_until_apply_still_counts_as_a_restart() {
    let Some(s) = Scenario::new(&["--create-seconds", "0.2", "--start-seconds", "0.2", "--stop-seconds", "0.2"]) else {
        return;
    };
    let body = |flavor: &str| {
        format!(
            "resource \"terraform_data\" \"pick\" {{\n  input = \"{flavor}\"\n}}\n{}",
            notebook_with("nb", "unknowns", "${terraform_data.pick.output}", CPU_IMAGE, 10, "")
        )
    };
    s.config(&body("modelarts.vm.cpu.2u"));
    s.apply();
    s.config(&body("modelarts.vm.cpu.8u"));
    let plan = s.wd.ok(&["plan"]);
    let text = plan.flat();
    assert!(
        text.contains("Changing flavor_id (known after apply) needs notebook ")
            && text.contains(") stopped: apply will stop, change flavor_id, start again."),
        "{}",
        plan.all()
    );
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["stop", "update", "start"]);
}

/// `modelarts_notebooks`, as the official `huaweicloud_modelarts_notebooks`: every
/// filter reaches the list API under its query name, `name` and `flavor_id` match
/// fuzzily, and each notebook carries the official attribute names.
#[test]
fn notebooks_by_the_list_apis_filters() {
    use modelarts_provider::client::types::{CreateNotebook, Status};
    let Some(s) = Scenario::new(QUICK_TRANSITIONS) else { return };
    let team = s.made_behind_terraforms_back(&["team-alpha", "team-beta"]);
    let api = s.api();
    let other = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let wide = CreateNotebook {
            flavor: "modelarts.vm.cpu.8u".into(),
            image_id: CPU_IMAGE_2.into(),
            ..cpu_notebook_request("other")
        };
        let n = api.create_notebook(&wide).await.unwrap();
        api.wait_for_status(&n.id, &[Status::Running], std::time::Duration::from_secs(30)).await.unwrap();
        let stopped = team[1].as_str().into();
        api.stop_notebook(&stopped).await.unwrap();
        api.wait_for_status(&stopped, &[Status::Stopped], std::time::Duration::from_secs(30)).await.unwrap();
        n.id
    });
    let names = |label: &str| format!("sort([for n in data.modelarts_notebooks.{label}.notebooks : n.name])");
    s.config(&format!(
        r#"
data "modelarts_notebooks" "team" {{
  name = "team"
}}
data "modelarts_notebooks" "running_team" {{
  name   = "team"
  status = "RUNNING"
}}
data "modelarts_notebooks" "one" {{
  notebook_id = "{other}"
}}
data "modelarts_notebooks" "small" {{
  flavor_id = "cpu.2u"
  billing   = "ALL"
}}
data "modelarts_notebooks" "second_image" {{
  image_id     = "{CPU_IMAGE_2}"
  workspace_id = "0"
}}
data "modelarts_notebooks" "codelab" {{
  feature = "DEFAULT"
}}
output "team" {{ value = {team} }}
output "running_team" {{ value = {running_team} }}
output "one" {{ value = data.modelarts_notebooks.one.notebooks }}
output "small" {{ value = {small} }}
output "second_image" {{ value = {second_image} }}
output "codelab" {{ value = length(data.modelarts_notebooks.codelab.notebooks) }}
"#,
        team = names("team"),
        running_team = names("running_team"),
        small = names("small"),
        second_image = names("second_image"),
    ));
    let mark = s.mark();
    s.wd.ok(&["apply", "-auto-approve"]);
    let o = outputs(&s);
    assert_eq!(o["team"], serde_json::json!(["team-alpha", "team-beta"]), "name matches fuzzily");
    assert_eq!(o["running_team"], serde_json::json!(["team-alpha"]));
    assert_eq!(o["small"], serde_json::json!(["team-alpha", "team-beta"]), "flavor_id matches fuzzily");
    assert_eq!(o["second_image"], serde_json::json!(["other"]));
    assert_eq!(o["codelab"], 0, "only billed notebooks unless DEFAULT is asked for");
    let one = &o["one"].as_array().unwrap()[..];
    assert_eq!(one.len(), 1, "{one:?}");
    let n = &one[0];
    assert_eq!(n["id"], other.as_str());
    assert_eq!(n["name"], "other");
    assert_eq!(n["status"], "RUNNING");
    assert_eq!(n["flavor_id"], "modelarts.vm.cpu.8u");
    assert_eq!(n["image_id"], CPU_IMAGE_2);
    assert_eq!(n["feature"], "NOTEBOOK");
    assert_eq!(n["volume"][0]["type"], "EVS");
    assert_eq!(n["volume"][0]["size"], 10);
    assert!(n["url"].as_str().is_some_and(|u| u.starts_with("http")), "{n}");
    assert!(n["created_at"].as_str().is_some_and(|t| t.ends_with('Z') && t.contains('T')), "{n}");

    // What the API was asked: each filter under the list API's own query name.
    let queries: Vec<String> =
        s.sim.calls()[mark..].iter().filter(|c| c.op == "list").map(|c| c.query.clone()).collect();
    for expected in [
        format!("id={other}"),
        "flavor=cpu.2u".to_string(),
        "billing=ALL".to_string(),
        format!("image_id={CPU_IMAGE_2}"),
        "feature=DEFAULT".to_string(),
        "status=RUNNING".to_string(),
    ] {
        assert!(queries.iter().any(|q| q.split('&').any(|p| p == expected)), "{expected} in {queries:?}");
    }
    s.assert_no_changes();

    // A status that does not exist fails at plan time, at the attribute, without a call.
    s.config("data \"modelarts_notebooks\" \"x\" {\n  status = \"RUNING\"\n}\n");
    let mark = s.mark();
    let out = s.wd.fails(&["plan"]);
    assert!(
        out.flat().contains("is not a notebook status") && out.flat().contains("status = \"RUNING\""),
        "{}",
        out.all()
    );
    assert!(s.sim.calls()[mark..].iter().all(|c| c.op != "list"));
}

#[test]
fn notebooks_of_the_default_workspace_with_their_mounts_and_tags() {
    use modelarts_provider::client::mounts::MountRequest;
    use modelarts_provider::client::types::{CreateNotebook, Status, Tag};
    let Some(s) = Scenario::new(QUICK_TRANSITIONS) else { return };
    let workspace = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let [home, tagged] = s.made_behind_terraforms_back(&["home", "tagged"]).try_into().unwrap();
    let api = s.api();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let away = CreateNotebook { workspace_id: Some(workspace.into()), ..cpu_notebook_request("away") };
        let n = api.create_notebook(&away).await.unwrap();
        api.wait_for_status(&n.id, &[Status::Running], std::time::Duration::from_secs(30)).await.unwrap();
        let tags = [Tag { key: "team".into(), value: "ml".into() }, Tag { key: "env".into(), value: "dev".into() }];
        api.create_notebook_tags(&tagged.as_str().into(), None, &tags).await.unwrap();
        let mount = MountRequest {
            category: "OBS".into(),
            mount_path: "/data/datasets/".into(),
            uri: "obs://team-bucket/datasets/".into(),
            efs_id: None,
        };
        let home = home.as_str().into();
        let m = api.mount_storage(&home, &mount).await.unwrap();
        api.wait_mounted(&home, &m.id, std::time::Duration::from_secs(30)).await.unwrap();
    });
    let names = |label: &str| format!("sort([for n in data.modelarts_notebooks.{label}.notebooks : n.name])");
    s.config(&format!(
        r#"
data "modelarts_notebooks" "default" {{}}
data "modelarts_notebooks" "away" {{
  workspace_id = "{workspace}"
}}
data "modelarts_notebooks" "ml" {{
  tags = {{ team = "ml" }}
}}
output "default" {{ value = {default} }}
output "away" {{ value = {away} }}
output "ml" {{ value = data.modelarts_notebooks.ml.notebooks }}
output "home" {{ value = [for n in data.modelarts_notebooks.default.notebooks : n if n.name == "home"][0] }}
"#,
        default = names("default"),
        away = names("away"),
    ));
    let mark = s.mark();
    s.wd.ok(&["apply", "-auto-approve"]);
    let o = outputs(&s);
    assert_eq!(o["default"], serde_json::json!(["home", "tagged"]), "the default workspace, as the API lists");
    assert_eq!(o["away"], serde_json::json!(["away"]));
    let ml = o["ml"].as_array().unwrap();
    assert_eq!((ml.len(), ml[0]["name"].clone()), (1, "tagged".into()));
    assert_eq!(ml[0]["tags"], serde_json::json!({"team": "ml", "env": "dev"}));
    assert_eq!(
        o["home"]["data_volumes"],
        serde_json::json!([{"type": "OBSFS", "mount_path": "/data/datasets/", "path": "obs://team-bucket/datasets/", "status": "MOUNTED", "mount_type": "DYNAMIC"}])
    );
    let queries: Vec<String> =
        s.sim.calls()[mark..].iter().filter(|c| c.op == "list").map(|c| c.query.clone()).collect();
    assert!(queries.iter().any(|q| q.split('&').any(|p| p == "tags=team%7Cml" || p == "tags=team|ml")), "{queries:?}");
    s.assert_no_changes();
}
