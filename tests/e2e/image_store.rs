//! `modelarts_notebook_image_store` end to end through terraform against
//! `modelarts-sim`: a running notebook saved as an image (the notebook SNAPSHOTTING
//! meanwhile, running again after), a new notebook made from it, names checked at
//! plan time, a stopped notebook explained, a failed save reported, and a destroy
//! that keeps the image.

use crate::common::scenario::{notebook, notebook_with, quick_transitions_and, Scenario};
use serde_json::json;

const IMAGE: &str = "modelarts_notebook_image_store.env";

fn image_store(extra: &str) -> String {
    format!(
        r#"
resource "modelarts_notebook_image_store" "env" {{
  notebook_id = modelarts_notebook.nb.id
  name        = "team-env"
  namespace   = "team-images"
{extra}
}}
"#
    )
}

/// The image calls since `mark`, as `op status_before response`.
fn save_calls(s: &Scenario, mark: usize) -> Vec<String> {
    s.sim.calls()[mark..]
        .iter()
        .filter(|c| c.op == "save_image")
        .map(|c| format!("{} {} {}", c.op, c.status_before.as_deref().unwrap_or("-"), c.response))
        .collect()
}

fn string_attr(s: &Scenario, attr: &str) -> String {
    s.state_attr(IMAGE, attr).as_str().unwrap_or_default().to_string()
}

#[test]
fn a_running_notebook_is_saved_and_a_new_notebook_is_made_from_the_image() {
    let Some(s) = Scenario::new(&quick_transitions_and(&["--image-seconds", "0.5"])) else { return };
    s.config(&format!(
        "{}{}",
        notebook("source", ""),
        image_store("  tag         = \"v1\"\n  description = \"the team's packages\"")
    ));
    // The plan says the notebook pauses (the notebook is new: its ID is not known yet).
    let plan = s.wd.ok(&["plan", "-no-color"]);
    assert!(
        plan.flat().contains("Warning: The notebook pauses while its image is saved")
            && plan.flat().contains("unusable (SNAPSHOTTING) until the image is ACTIVE"),
        "{}",
        plan.all()
    );
    let m = s.mark();
    s.apply();
    let calls = s.sim.calls();
    let post = calls[m..].iter().find(|c| c.op == "save_image").expect("a save request");
    assert_eq!(
        post.body,
        json!({"name": "team-env", "namespace": "team-images", "tag": "v1", "description": "the team's packages"}),
        "the SDK's ImageCreateReq, nothing more"
    );
    assert_eq!(post.status_before.as_deref(), Some("RUNNING"), "saved from the running notebook");
    // The apply waited for the image, and for the notebook to run again.
    let after: Vec<&str> = calls[m..]
        .iter()
        .skip_while(|c| c.op != "save_image")
        .filter(|c| c.op == "show")
        .filter_map(|c| c.status_before.as_deref())
        .collect();
    assert_eq!(after.last(), Some(&"RUNNING"), "{after:?}");
    assert_eq!(string_attr(&s, "status"), "ACTIVE");
    assert_eq!(string_attr(&s, "origin"), "IMAGE_SAVE");
    assert_eq!(string_attr(&s, "type"), "DEDICATED");
    assert_eq!(string_attr(&s, "region"), "sim-region-1");
    assert_eq!(string_attr(&s, "workspace_id"), "0", "the API's choice, recorded");
    assert_eq!(s.state_attr(IMAGE, "resource_categories"), json!(["CPU"]), "the source image's categories");
    assert!(string_attr(&s, "swr_path").ends_with("team-images/team-env:v1"), "{}", string_attr(&s, "swr_path"));
    s.assert_no_changes();

    // A second notebook made from the saved image (its ID is known only after apply
    // the first time; here it is known, so the plan-time check looks it up).
    let image_id = string_attr(&s, "id");
    s.config(&format!(
        "{}{}{}",
        notebook("source", ""),
        image_store("  tag         = \"v1\"\n  description = \"the team's packages\""),
        notebook_with("copy", "copy", "modelarts.vm.cpu.2u", "${modelarts_notebook_image_store.env.id}", 10, "")
    ));
    s.apply();
    assert_eq!(s.state_attr("modelarts_notebook.copy", "image_id"), image_id.as_str());
    assert_eq!(s.state_attr("modelarts_notebook.copy", "image_name"), "team-env");
    s.assert_no_changes();

    // Destroy keeps the image, and says so; nothing deletes it.
    let m = s.mark();
    let out = s.wd.ok(&["destroy", "-auto-approve", "-no-color"]);
    assert!(out.flat().contains("The saved image is kept"), "{}", out.all());
    assert!(out.flat().contains("team-images/team-env:v1 stays in SWR"), "{}", out.all());
    let ops = s.sim.ops_since(m, false);
    assert_eq!(ops, ["delete", "delete"], "only the two notebooks: {ops:?}");
    let kept = s.api();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let image = rt.block_on(kept.get_image(&image_id.as_str().into())).expect("the image is still there");
    assert_eq!(image.status.as_ref().map(|w| w.as_str()), Some("ACTIVE"));

    // An image deleted outside Terraform: the refresh drops it, and the plan saves it again.
    s.config(&format!("{}{}", notebook("source", ""), image_store("")));
    s.apply();
    let second = string_attr(&s, "id");
    s.sim.control("DELETE", &format!("/_sim/images/{second}"), None);
    let plan = s.wd.ok(&["plan", "-no-color"]);
    assert!(
        plan.flat().contains("# modelarts_notebook_image_store.env will be created")
            && plan.flat().contains("1 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.all()
    );
    s.wd.ok(&["destroy", "-auto-approve"]);
}

#[test]
fn bad_names_fail_at_plan_time_at_their_attribute() {
    let Some(s) = Scenario::new(crate::common::scenario::QUICK_TRANSITIONS) else { return };
    s.config(&format!(
        "{}{}",
        notebook("source", ""),
        r#"
resource "modelarts_notebook_image_store" "env" {
  notebook_id = modelarts_notebook.nb.id
  name        = "Team Env"
  namespace   = "1team"
  tag         = "v:1"
}
"#
    ));
    let m = s.mark();
    let out = s.wd.fails(&["plan", "-no-color"]);
    let text = out.flat();
    for (attr, words) in
        [("name", "is not an image name"), ("namespace", "is not an SWR organization"), ("tag", "is not an image tag")]
    {
        assert!(text.contains(&format!("Invalid value for {attr}")) && text.contains(words), "{attr}: {}", out.all());
    }
    assert!(s.sim.ops_since(m, false).is_empty(), "nothing written");
}

#[test]
fn a_stopped_notebook_is_explained_and_a_failed_save_reported() {
    let Some(s) = Scenario::new(crate::common::scenario::QUICK_TRANSITIONS) else { return };
    // Kept stopped by this configuration: the apply says what to do, and saves nothing.
    s.config(&format!("{}{}", notebook("source", "  running = false"), image_store("")));
    let m = s.mark();
    let out = s.wd.fails(&["apply", "-auto-approve", "-no-color"]);
    let text = out.flat();
    assert!(text.contains("The notebook is not running") && text.contains("STOPPED"), "{}", out.all());
    assert!(text.contains("An image can be saved only from a running notebook"), "{}", out.all());
    assert!(text.contains("set running = true"), "{}", out.all());
    assert!(save_calls(&s, m).is_empty(), "{:?}", save_calls(&s, m));
    let plan = s.wd.ok(&["plan", "-no-color"]);
    assert!(plan.flat().contains("Warning: The notebook is not running"), "{}", plan.all());

    // Running, but the save fails: the API's message, and the failed image stays in
    // the state, tainted, so the next apply saves again.
    s.config(&format!("{}{}", notebook("source", "  running = true"), image_store("")));
    s.sim.control(
        "POST",
        "/_sim/faults",
        Some(json!({"op": "save_image", "kind": "transition_error", "reason": "SWR quota exceeded", "times": 1})),
    );
    let m = s.mark();
    let out = s.wd.fails(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.flat().contains("ended in CREATE_FAILED: SWR quota exceeded"), "{}", out.all());
    assert_eq!(save_calls(&s, m), ["save_image RUNNING 200"]);
    let list = s.wd.ok(&["state", "list"]);
    assert!(list.flat().contains(IMAGE), "kept in the state: {}", list.all());
    let plan = s.wd.ok(&["plan", "-no-color"]);
    assert!(plan.flat().contains("is tainted, so must be replaced"), "{}", plan.all());
    let m = s.mark();
    s.apply();
    assert_eq!(save_calls(&s, m), ["save_image RUNNING 200"]);
    assert_eq!(string_attr(&s, "status"), "ACTIVE");
    s.wd.ok(&["destroy", "-auto-approve"]);
}

/// The notebook's `(image_id, current_image_id)` in the state.
fn notebook_images(s: &Scenario) -> (String, String) {
    let get = |a: &str| s.state_attr("modelarts_notebook.nb", a).as_str().unwrap_or_default().to_string();
    (get("image_id"), get("current_image_id"))
}

#[test]
fn a_save_is_adopted_not_undone_while_real_changes_still_apply() {
    use crate::common::scenario::{CPU_IMAGE, CPU_IMAGE_2};
    let Some(s) = Scenario::new(&quick_transitions_and(&["--image-seconds", "0.3"])) else { return };
    let mount = r#"
resource "modelarts_notebook_mount_storage" "data" {
  notebook_id           = modelarts_notebook.nb.id
  storage_path          = "obs://team-bucket/datasets/"
  local_mount_directory = "/data/datasets/"
  depends_on            = [modelarts_notebook_image_store.env]
}
"#;
    s.config(&format!("{}{}{mount}", notebook("source", ""), image_store("")));
    // `apply` checks that the plan after it is empty: the notebook now runs the saved
    // image (the API reports it), and the plan neither shows nor undoes it.
    s.apply();
    let saved = string_attr(&s, "id");
    let id = s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string();
    assert_eq!(s.sim.notebook(&id).image.id, saved, "the API reports the saved image as the notebook's");
    assert_eq!(s.sim.notebook(&id).image.origin.as_ref().map(|w| w.as_str()), Some("IMAGE_SAVE"));
    // Another apply refreshes the state and writes nothing.
    let m = s.mark();
    s.wd.ok(&["apply", "-auto-approve"]);
    assert!(s.sim.ops_since(m, false).is_empty(), "{:?}", s.sim.ops_since(m, false));
    assert_eq!(notebook_images(&s), (CPU_IMAGE.to_string(), saved.clone()), "configured kept, saved shown");
    assert_eq!(s.state_attr("modelarts_notebook.nb", "image_name"), "team-env", "what runs");
    assert_eq!(s.state_attr("modelarts_notebook.nb", "image_type"), "DEDICATED");

    // The official pattern keeps working.
    s.config(&format!(
        "{}{}{mount}",
        notebook("source", "  lifecycle {\n    ignore_changes = [image_id]\n  }"),
        image_store("")
    ));
    s.assert_no_changes();

    // A real change of image_id after the save applies: stop, PUT, start — and the
    // plan says the saved environment is left.
    s.config(&format!(
        "{}{}{mount}",
        notebook_with("nb", "source", "modelarts.vm.cpu.2u", CPU_IMAGE_2, 10, ""),
        image_store("")
    ));
    let plan = s.wd.ok(&["plan", "-no-color"]);
    assert!(
        plan.flat().contains(&format!("~ image_id = \"{CPU_IMAGE}\" -> \"{CPU_IMAGE_2}\""))
            && plan.flat().contains("The notebook leaves the image it was saved as")
            && plan.flat().contains(&format!("set image_id = \"{saved}\"")),
        "{}",
        plan.all()
    );
    let m = s.mark();
    s.apply();
    let writes: Vec<String> = s.sim.calls()[m..]
        .iter()
        .filter(|c| ["stop", "update", "start"].contains(&c.op.as_str()))
        .map(|c| format!("{} {} {}", c.op, c.status_before.as_deref().unwrap_or("-"), c.body))
        .collect();
    assert_eq!(
        writes,
        [
            "stop RUNNING null".to_string(),
            format!("update STOPPED {}", json!({"image_id": CPU_IMAGE_2})),
            "start STOPPED null".to_string()
        ]
    );
    assert_eq!(s.sim.ops_since(m, false), ["stop", "update", "start"]);
    assert_eq!(notebook_images(&s), (CPU_IMAGE_2.to_string(), CPU_IMAGE_2.to_string()));

    // Switched in the console to an image not saved from a notebook: drift, shown.
    let api = s.api();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use modelarts_provider::client::types::{Status, UpdateNotebook};
        let t = std::time::Duration::from_secs(30);
        let id = id.as_str().into();
        api.stop_notebook(&id).await.unwrap();
        api.wait_for_status(&id, &[Status::Stopped], t).await.unwrap();
        let switch = UpdateNotebook { image_id: Some(CPU_IMAGE.into()), ..Default::default() };
        api.update_notebook(&id, &switch).await.unwrap();
        api.start_notebook(&id, None).await.unwrap();
        api.wait_for_status(&id, &[Status::Running], t).await.unwrap();
    });
    let plan = s.wd.ok(&["plan", "-no-color"]);
    assert!(
        plan.flat().contains(&format!("~ image_id = \"{CPU_IMAGE}\" -> \"{CPU_IMAGE_2}\""))
            && !plan.flat().contains("The notebook leaves the image it was saved as"),
        "{}",
        plan.all()
    );
    s.wd.ok(&["destroy", "-auto-approve"]);
}
