//! A hostile API, end to end through terraform: absurd and undecodable headers,
//! oversized and endless answers, wrong JSON types after a create, and a provider
//! that panics right after the create answer. Nothing crashes, every error names
//! its call, and a notebook that was created is always in the state.

use std::time::{Duration, Instant};

use crate::common::scenario::{notebook, notebook_with, Scenario, CPU_IMAGE};
use crate::common::TfOutput;

const FAST: &[&str] =
    &["--create-seconds", "0.3", "--start-seconds", "0.3", "--stop-seconds", "0.3", "--delete-seconds", "0.3"];

fn rule(s: &Scenario, rule: serde_json::Value) {
    s.sim.control("POST", "/_sim/faults", Some(rule));
}

fn clear_faults(s: &Scenario) {
    s.sim.control("DELETE", "/_sim/faults", None);
}

/// Neither terraform nor the provider reports a crash.
fn no_crash(out: &TfOutput) {
    let text = out.flat();
    for bad in ["panic", "internal error", "Internal error", "plugin crashed", "Plugin did not respond"] {
        assert!(!text.contains(bad), "{bad}: {}", out.all());
    }
}

/// The raw state file's one instance of `modelarts_notebook.nb`.
fn instance(s: &Scenario) -> serde_json::Value {
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.wd.path().join("terraform.tfstate")).unwrap()).unwrap();
    let r = state["resources"].as_array().unwrap().iter().find(|r| r["name"] == "nb").cloned();
    r.unwrap_or_else(|| panic!("modelarts_notebook.nb is not in the state: {state}"))["instances"][0].clone()
}

#[test]
fn absurd_and_undecodable_retry_after_values_are_survived() {
    let Some(s) = Scenario::new(FAST) else { return };
    // Create with `Retry-After: 1e20` on every answer, 2xx included.
    rule(&s, serde_json::json!({"kind": "retry_after", "value": "1e20"}));
    s.config(&notebook("hostile-headers", ""));
    let started = Instant::now();
    let out = s.wd.ok(&["apply", "-auto-approve"]);
    no_crash(&out);
    assert!(started.elapsed() < Duration::from_secs(30), "no answer made the provider wait");
    assert_eq!(s.sim.notebooks().len(), 1);
    s.assert_no_changes();

    // A rename through two throttled answers whose Retry-After is not UTF-8: backoff applies.
    clear_faults(&s);
    rule(&s, serde_json::json!({"kind": "bad_headers"}));
    rule(
        &s,
        serde_json::json!({"op": "update", "kind": "reply", "status": 429, "code": "APIGW.0308", "message": "throttled", "times": 2}),
    );
    s.config(&notebook("hostile-headers-2", ""));
    let m = s.mark();
    let out = s.wd.ok(&["apply", "-auto-approve"]);
    no_crash(&out);
    let updates: Vec<u16> = s.sim.calls()[m..].iter().filter(|c| c.op == "update").map(|c| c.response).collect();
    assert_eq!(updates, [429, 429, 200]);

    // Destroy through throttled answers whose Retry-After is an HTTP-date in the past.
    clear_faults(&s);
    rule(&s, serde_json::json!({"kind": "retry_after", "value": "Wed, 21 Oct 2015 07:28:00 GMT"}));
    rule(
        &s,
        serde_json::json!({"op": "delete", "kind": "reply", "status": 429, "code": "APIGW.0308", "message": "throttled", "times": 1}),
    );
    let out = s.wd.ok(&["destroy", "-auto-approve"]);
    no_crash(&out);
    assert!(s.sim.notebooks().is_empty());
}

#[test]
fn wrong_types_after_a_create_keep_the_notebook_in_the_state() {
    let Some(s) = Scenario::new(FAST) else { return };
    // The create works, then every look at the notebook answers with wrong JSON types.
    rule(&s, serde_json::json!({"op": "show", "kind": "garbage", "body": "wrong_types"}));
    s.config(&notebook("garbled", ""));
    let out = s.wd.fails(&["apply", "-auto-approve"]);
    no_crash(&out);
    let text = out.flat();
    assert!(text.contains("Notebook created, but it did not become ready"), "{}", out.all());
    assert!(text.contains("at id: invalid type: integer `42`, expected a string"), "the JSON path: {}", out.all());
    let created = s.sim.notebooks();
    assert_eq!(created.len(), 1);
    let kept = instance(&s);
    assert_eq!(kept["attributes"]["id"], created[0].id.as_str());
    assert_eq!(kept["status"], "tainted");

    // Once the API answers properly, the tainted notebook is replaced: no orphan.
    clear_faults(&s);
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["delete", "create"]);
    assert_eq!(s.sim.notebooks().len(), 1);
    assert_ne!(s.sim.notebooks()[0].id, created[0].id);
}

#[test]
fn an_unreadable_create_answer_is_recovered() {
    let Some(s) = Scenario::new(FAST) else { return };
    rule(&s, serde_json::json!({"op": "create", "kind": "garbage", "body": "wrong_types", "times": 1}));
    s.config(&notebook("garbled-answer", ""));
    let out = s.apply();
    no_crash(&out);
    assert_eq!(s.sim.calls().iter().filter(|c| c.op == "create").count(), 1, "never created twice");
    assert_eq!(s.sim.notebooks().len(), 1);
    assert_eq!(s.state_attr("modelarts_notebook.nb", "id"), s.sim.notebooks()[0].id.as_str());
}

#[test]
fn a_panic_right_after_the_create_answer_keeps_the_notebook() {
    let Some(mut s) = Scenario::new(FAST) else { return };
    s.wd.set_env("MODELARTS_PROVIDER_TEST_PANIC", "after_create");
    s.config(&notebook("crash-after-create", ""));
    let out = s.wd.fails(&["apply", "-auto-approve"]);
    no_crash(&out);
    let text = out.flat();
    assert!(text.contains("The provider failed handling ApplyResourceChange"), "{}", out.all());
    assert!(text.contains("MODELARTS_PROVIDER_TEST_PANIC=after_create"), "the panic's message: {}", out.all());
    let created = s.sim.notebooks();
    assert_eq!(created.len(), 1);
    let kept = instance(&s);
    assert_eq!(kept["attributes"]["id"], created[0].id.as_str(), "the notebook made before the crash is recorded");
    assert_eq!(kept["status"], "tainted");
    assert_eq!(kept["attributes"]["name"], "crash-after-create");

    s.wd.set_env("MODELARTS_PROVIDER_TEST_PANIC", "");
    let m = s.mark();
    s.apply();
    assert_eq!(s.sim.ops_since(m, false), ["delete", "create"]);
    assert_eq!(s.sim.notebooks().len(), 1);
}

#[test]
fn oversized_and_endless_answers_are_errors_naming_the_call() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.provider_settings("max_retries = 1\n  request_timeout = \"2s\"");
    s.config(&notebook("big-answers", ""));
    s.apply();
    let id = s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string();
    let state_path = s.wd.path().join("terraform.tfstate");
    let before = std::fs::read_to_string(&state_path).unwrap();

    rule(&s, serde_json::json!({"op": "show", "kind": "oversized", "times": 1}));
    let out = s.wd.fails(&["plan"]);
    no_crash(&out);
    let text = out.flat();
    assert!(
        text.contains(&format!("GET /v1/sim-project/notebooks/{id}"))
            && text.contains("the answer is larger than the 16 MiB limit"),
        "{}",
        out.all()
    );

    clear_faults(&s);
    rule(&s, serde_json::json!({"op": "show", "kind": "endless_body"}));
    let started = Instant::now();
    let out = s.wd.fails(&["plan"]);
    no_crash(&out);
    let text = out.flat();
    assert!(
        text.contains(&format!("GET /v1/sim-project/notebooks/{id}")) && text.contains("timed out"),
        "{}",
        out.all()
    );
    assert!(started.elapsed() < Duration::from_secs(30), "two 2 s attempts, not a hang: {:?}", started.elapsed());
    let shows = s.sim.calls().iter().filter(|c| c.op == "show" && c.notebook.as_deref() == Some(id.as_str())).count();
    assert!(shows >= 2, "the GET was retried once");
    assert_eq!(std::fs::read_to_string(&state_path).unwrap(), before, "a failed refresh leaves the state alone");

    clear_faults(&s);
    s.assert_no_changes();
}

#[test]
fn a_lost_create_answer_with_an_endless_body_is_recovered() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.provider_settings("max_retries = 1\n  request_timeout = \"2s\"");
    rule(&s, serde_json::json!({"op": "create", "kind": "endless_body", "times": 1}));
    s.config(&notebook_with("nb", "trickled", "modelarts.vm.cpu.2u", CPU_IMAGE, 10, ""));
    let out = s.apply();
    no_crash(&out);
    assert_eq!(s.sim.calls().iter().filter(|c| c.op == "create").count(), 1, "a POST is never repeated");
    assert_eq!(s.sim.notebooks().len(), 1);
}
