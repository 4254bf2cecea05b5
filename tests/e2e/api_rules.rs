//! The real API's rules, end to end through terraform against `modelarts-sim`:
//! the status each change needs and the fewest transitions, auto-stop off unless
//! asked and its lease numbers, hooks, SSH, volume rules, the restart guard, and
//! each error code of the error table injected once. Every test asserts the calls
//! the API received (order, bodies, the status each call found).

use crate::common::scenario::{notebook, notebook_with, quick_transitions_and, Scenario, CPU_IMAGE, CPU_IMAGE_2};
use modelarts_sim::calllog::Call;

/// Quick transitions, and a volume resize slow enough to be seen waiting for.
fn fast() -> Vec<&'static str> {
    quick_transitions_and(&["--resize-seconds", "0.6"])
}

const WRITES: &[&str] = &["create", "update", "delete", "start", "stop", "lease_renew"];

fn rule(s: &Scenario, rule: serde_json::Value) {
    s.sim.control("POST", "/_sim/faults", Some(rule));
}

/// The write calls since `mark`, in order.
fn writes(s: &Scenario, mark: usize) -> Vec<Call> {
    s.sim.calls()[mark..].iter().filter(|c| WRITES.contains(&c.op.as_str())).cloned().collect()
}

/// `op(status found)` for each write since `mark`, e.g. `update(RUNNING)`.
fn trace(s: &Scenario, mark: usize) -> Vec<String> {
    writes(s, mark)
        .iter()
        .map(|c| {
            format!(
                "{}({}){}",
                c.op,
                c.status_before.as_deref().unwrap_or("-"),
                if c.response >= 400 { "!" } else { "" }
            )
        })
        .collect()
}

fn id_of(s: &Scenario) -> String {
    s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string()
}

fn sized(name: &str, flavor: &str, size: i64, extra: &str) -> String {
    notebook_with("nb", name, flavor, CPU_IMAGE, size, extra)
}

#[test]
fn flavor_and_size_grow_first_then_one_stop_and_one_start() {
    let Some(s) = Scenario::new(&fast()) else { return };
    s.config(&sized("both", "modelarts.vm.cpu.2u", 10, ""));
    s.apply();
    s.config(&sized("both", "modelarts.vm.cpu.8u", 40, ""));
    let plan = s.wd.ok(&["plan"]);
    assert!(
        plan.flat().contains("apply will grow the volume to 40 GB while running, wait for the resize to finish, stop, change flavor_id, start again"),
        "{}",
        plan.all()
    );
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["update(RUNNING)", "stop(RUNNING)", "update(STOPPED)", "start(STOPPED)"]);
    let w = writes(&s, m);
    assert_eq!(w[0].body, serde_json::json!({"storage_new_size": 40}));
    assert_eq!(w[2].body, serde_json::json!({"flavor": "modelarts.vm.cpu.8u"}));
    // The stop came once the volume was no longer RESIZING: it was not refused.
    assert!(s.sim.calls()[m..].iter().any(|c| c.op == "show"), "the resize was waited out");
    let n = s.sim.notebook(&id_of(&s));
    assert_eq!((n.flavor.as_str(), n.volume.unwrap().capacity), ("modelarts.vm.cpu.8u", Some(40)));
}

#[test]
fn a_stopped_notebook_that_stays_stopped_is_started_to_grow() {
    let Some(s) = Scenario::new(&fast()) else { return };
    s.config(&sized("grow-stopped", "modelarts.vm.cpu.2u", 10, "running = false"));
    s.apply();
    s.config(&sized("grow-stopped", "modelarts.vm.cpu.2u", 30, "running = false"));
    let plan = s.wd.ok(&["plan"]);
    let text = plan.flat();
    assert!(text.contains("Warning: The notebook will be started temporarily"), "{}", plan.all());
    assert!(
        text.contains("apply will start, grow the volume to 30 GB while running, wait for the resize to finish, stop"),
        "{}",
        plan.all()
    );
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["start(STOPPED)", "update(RUNNING)", "stop(RUNNING)"]);
    assert_eq!(s.sim.notebook(&id_of(&s)).status.as_str(), "STOPPED");
}

#[test]
fn the_restart_guard_refuses_at_plan_time_and_writes_nothing() {
    let Some(s) = Scenario::new(&fast()) else { return };
    s.config(&sized("guarded", "modelarts.vm.cpu.2u", 10, "allow_stopping_for_update = false"));
    s.apply();
    s.config(&sized("guarded", "modelarts.vm.cpu.8u", 10, "allow_stopping_for_update = false"));
    let m = s.mark();
    let out = s.wd.fails(&["plan"]);
    let text = out.flat();
    assert!(text.contains("Changing this needs a restart, and allow_stopping_for_update = false"), "{}", out.all());
    assert!(text.contains("flavor_id = \"modelarts.vm.cpu.8u\""), "at the attribute: {}", out.all());
    assert!(text.contains("set running = false to stop it deliberately"), "{}", out.all());
    assert!(writes(&s, m).is_empty());
    // Growth needs no restart: allowed.
    s.config(&sized("guarded", "modelarts.vm.cpu.2u", 20, "allow_stopping_for_update = false"));
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["update(RUNNING)"]);
    // Stopping deliberately, with the flavor change made while stopped.
    s.config(&sized("guarded", "modelarts.vm.cpu.8u", 20, "allow_stopping_for_update = false\n  running = false"));
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["stop(RUNNING)", "update(STOPPED)"]);
}

#[test]
fn auto_stop_is_off_unless_asked_and_its_numbers_never_drift() {
    let Some(s) = Scenario::new(&fast()) else { return };
    // Off: -1 at create and at every start.
    s.config(&notebook("leases", "running = false"));
    let m = s.mark();
    s.apply();
    assert_eq!(writes(&s, m)[0].body["duration"], -1);
    s.config(&notebook("leases", "running = true"));
    let m = s.mark();
    s.apply();
    assert_eq!(writes(&s, m)[0].query, "duration=-1");
    assert_eq!(s.state_attr("modelarts_notebook.nb", "auto_stop_enabled"), false);

    // 2 h: sent with every start; plans after stops, starts and waiting stay empty.
    let two_hours = "auto_stop {\n    duration = \"2h\"\n  }";
    s.config(&notebook("leases", &format!("running = false\n  {two_hours}")));
    s.apply();
    s.config(&notebook("leases", &format!("running = true\n  {two_hours}")));
    let m = s.mark();
    s.apply();
    assert_eq!(writes(&s, m)[0].query, "duration=7200000&type=TIMING");
    let id = id_of(&s);
    let lease = s.sim.notebook(&id).lease.unwrap();
    assert!(lease.duration.unwrap() > 7_200_000, "the raw duration counts from creation: {lease:?}");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    s.assert_no_changes();
    assert_eq!(s.state_attr("modelarts_notebook.nb", "auto_stop_enabled"), true);
    // Import: the asked-for 2 h is recovered from the grown numbers.
    s.wd.ok(&["state", "rm", "modelarts_notebook.nb"]);
    s.wd.ok(&["import", "modelarts_notebook.nb", &id]);
    s.assert_no_changes();

    // A change while running: one renew, no restart.
    s.config(&notebook("leases", "running = true\n  auto_stop {\n    duration = \"3h\"\n  }"));
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["lease_renew(RUNNING)"]);
    assert_eq!(writes(&s, m)[0].body, serde_json::json!({"duration": 10_800_000, "type": "TIMING"}));

    // Drift: auto-stop turned off in the console shows in the plan.
    let lease = s.sim.notebook(&id).lease.unwrap();
    s.sim.control(
        "PATCH",
        &format!("/_sim/notebooks/{id}"),
        Some(serde_json::json!({"lease": {"create_at": lease.create_at, "update_at": lease.update_at, "duration": lease.duration, "type": "TIMING", "enable": false}})),
    );
    let plan = s.wd.run(&["plan", "-detailed-exitcode"]);
    assert!(!plan.success, "the drift is a change");
    assert!(plan.flat().contains("+ auto_stop {"), "{}", plan.all());
}

#[test]
fn hooks_are_applied_to_a_stopped_notebook_and_kept() {
    let Some(s) = Scenario::new(&fast()) else { return };
    s.config(&notebook("hooked", ""));
    s.apply();
    s.config(&notebook(
        "hooked",
        "hooks {\n    pre_start {\n      type   = \"COMMAND\"\n      script = \"pip install -r /home/ma-user/work/requirements.txt\"\n      mode   = \"BLOCK\"\n    }\n    post_start {\n      script = \"/home/ma-user/work/post.sh\"\n    }\n  }",
    ));
    let plan = s.wd.ok(&["plan"]);
    assert!(
        plan.flat().contains("Changing hooks needs notebook \"hooked\" (")
            && plan.flat().contains(") stopped: apply will stop, change hooks, start again."),
        "{}",
        plan.all()
    );
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["stop(RUNNING)", "update(STOPPED)", "start(STOPPED)"]);
    assert_eq!(
        writes(&s, m)[1].body,
        serde_json::json!({"hooks": {"container_hooks": {
            "pre_start": {"script": "cGlwIGluc3RhbGwgLXIgL2hvbWUvbWEtdXNlci93b3JrL3JlcXVpcmVtZW50cy50eHQ=", "type": "COMMAND", "mode": "BLOCK"},
            "post_start": {"script": "/home/ma-user/work/post.sh", "type": "SCRIPT", "mode": "ASYNC"}
        }}})
    );
    // A relative path for a SCRIPT is a plan-time error at its attribute.
    s.config(&notebook("hooked", "hooks {\n    post_start {\n      script = \"post.sh\"\n    }\n  }"));
    let out = s.wd.fails(&["plan"]);
    assert!(out.flat().contains("A SCRIPT hook needs an absolute path"), "{}", out.all());
}

#[test]
fn ssh_key_pairs_replace_and_addresses_update_a_stopped_notebook() {
    let Some(s) = Scenario::new(&fast()) else { return };
    // A key pair alone: any address may connect (no allowed_access_ips is sent).
    s.config(&notebook("ssh", "key_pair = \"kp-1\""));
    let m = s.mark();
    s.apply();
    assert_eq!(writes(&s, m)[0].body["endpoints"], serde_json::json!([{"service": "SSH", "key_pair_names": ["kp-1"]}]));
    s.config(&notebook("ssh", "key_pair = \"kp-1\"\n  allowed_access_ips = [\"203.0.113.7\"]"));
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["stop(RUNNING)", "update(STOPPED)", "start(STOPPED)"]);
    assert_eq!(
        writes(&s, m)[1].body,
        serde_json::json!({"endpoints": [{"service": "SSH", "key_pair_names": ["kp-1"], "allowed_access_ips": ["203.0.113.7"]}]})
    );
    // A new key pair replaces the notebook.
    s.config(&notebook("ssh", "key_pair = \"kp-2\"\n  allowed_access_ips = [\"203.0.113.7\"]"));
    let plan = s.wd.ok(&["plan"]);
    assert!(plan.flat().contains("must be replaced") && plan.flat().contains("forces replacement"), "{}", plan.all());
    // Bad addresses are refused at plan time.
    s.config(&notebook("ssh", "key_pair = \"kp-1\"\n  allowed_access_ips = [\"10.1.1\"]"));
    let out = s.wd.fails(&["plan"]);
    assert!(out.flat().contains("is not an IPv4 address or CIDR block"), "{}", out.all());
}

#[test]
fn volume_rules_are_plan_time_errors_and_a_dedicated_efs_sends_its_id() {
    let Some(s) = Scenario::new(&fast()) else { return };
    let volume = |block: &str| {
        format!(
            "resource \"modelarts_notebook\" \"nb\" {{\n  name      = \"vol\"\n  flavor_id = \"modelarts.vm.cpu.2u\"\n  image_id  = \"{CPU_IMAGE}\"\n  volume {{\n{block}\n  }}\n}}\n"
        )
    };
    let m = s.mark();
    for (block, expected) in [
        ("    type = \"SFS\"", "\"SFS\" is not one of `EVS`, `EFS`, `OBS`, `OBSFS`"),
        (
            "    type = \"EFS\"\n    ownership = \"DEDICATED\"\n    uri = \"192.168.0.3:/share\"",
            "A dedicated EFS volume needs id",
        ),
        ("    type = \"EFS\"\n    size = 50", "size is only for EVS storage"),
        ("    type = \"EVS\"\n    uri = \"obs://b/d/\"", "uri does not apply to EVS storage"),
        ("    type = \"OBS\"\n    ownership = \"DEDICATED\"", "DEDICATED storage must be EFS"),
        ("    type = \"EFS\"\n    ownership = \"DEDICATED\"\n    id = \"nope\"\n    uri = \"x:/y\"", "is not a UUID"),
    ] {
        s.config(&volume(block));
        let out = s.wd.fails(&["plan"]);
        assert!(out.flat().contains(expected), "{block}: {}", out.all());
    }
    assert!(s.sim.calls()[m..].iter().all(|c| !WRITES.contains(&c.op.as_str())), "nothing was written");
    s.config(&volume(
        "    type      = \"EFS\"\n    ownership = \"DEDICATED\"\n    id        = \"280a8bd5-03e2-4a5c-bea1-83d81e75bc53\"\n    uri       = \"192.168.0.3:/share\"",
    ));
    let m = s.mark();
    s.apply();
    assert_eq!(
        writes(&s, m)[0].body["volume"],
        serde_json::json!({"category": "EFS", "ownership": "DEDICATED", "id": "280a8bd5-03e2-4a5c-bea1-83d81e75bc53", "uri": "192.168.0.3:/share"})
    );
}

#[test]
fn a_rename_refused_while_stopped_starts_renames_and_stops_again() {
    let Some(s) = Scenario::new(&fast()) else { return };
    s.config(&notebook("sleepy", "running = false"));
    s.apply();
    s.config(&notebook("sleepy-renamed", "running = false"));
    let plan = s.wd.ok(&["plan"]);
    assert!(plan.flat().contains("A stopped notebook may be started briefly"), "{}", plan.all());
    rule(
        &s,
        serde_json::json!({"op": "update", "kind": "reply", "status": 400, "code": "ModelArts.6307", "message": "The instance has already been stopped.", "times": 1}),
    );
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["update(STOPPED)!", "start(STOPPED)", "update(RUNNING)", "stop(RUNNING)"]);
    let n = s.sim.notebook(&id_of(&s));
    assert_eq!((n.name.as_str(), n.status.as_str()), ("sleepy-renamed", "STOPPED"));
}

/// Each code of the error table, injected once, with the outcome the table calls for.
#[test]
fn each_error_code_has_its_outcome() {
    let Some(s) = Scenario::new(&fast()) else { return };
    let reply = |op: &str, code: &str, after_work: bool| {
        rule(
            &s,
            serde_json::json!({"op": op, "kind": "reply", "status": 400, "code": code, "message": format!("simulated {code}"), "after_work": after_work, "times": 1}),
        );
    };
    s.config(&notebook("codes", "running = false"));
    s.apply();

    // 6305 on a start that a concurrent caller made: done, wait for RUNNING.
    reply("start", "ModelArts.6305", true);
    s.config(&notebook("codes", "running = true"));
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["start(STOPPED)!"]);
    // 6307 on a stop likewise.
    reply("stop", "ModelArts.6307", true);
    s.config(&notebook("codes", "running = false"));
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["stop(RUNNING)!"]);
    // 6357 (busy) on a start: look, then start again.
    reply("start", "ModelArts.6357", false);
    s.config(&notebook("codes", "running = true"));
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["start(STOPPED)!", "start(STOPPED)"]);
    // 6306 / 6308 (starting, stopping) on an update: wait until settled, then send it again.
    reply("update", "ModelArts.6306", false);
    s.config(&notebook("codes-2", "running = true"));
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["update(RUNNING)!", "update(RUNNING)"]);
    reply("stop", "ModelArts.6308", false);
    s.config(&notebook("codes-2", "running = false"));
    let m = s.mark();
    s.apply();
    assert_eq!(trace(&s, m), ["stop(RUNNING)!", "stop(RUNNING)"]);
    // 0104 names its attribute: the error points at flavor_id.
    s.config(&notebook_with("nb", "codes-2", "modelarts.vm.cpu.8u", CPU_IMAGE_2, 10, "running = false"));
    reply("update", "ModelArts.0104", false);
    s.sim.control("DELETE", "/_sim/faults", None);
    rule(
        &s,
        serde_json::json!({"op": "update", "kind": "reply", "status": 400, "code": "ModelArts.0104", "message": "Parameter error: flavor modelarts.vm.cpu.8u is not available now", "times": 1}),
    );
    let out = s.wd.fails(&["apply", "-auto-approve"]);
    let text = out.flat();
    assert!(text.contains("ModelArts.0104") && text.contains("is not available now"), "{}", out.all());
    assert!(text.contains("flavor_id = \"modelarts.vm.cpu.8u\""), "at the attribute the API names: {}", out.all());
    s.sim.control("DELETE", "/_sim/faults", None);
    s.apply();
    // 6304 on a delete: stop, wait, delete.
    s.config(&notebook_with("nb", "codes-2", "modelarts.vm.cpu.8u", CPU_IMAGE_2, 10, "running = true"));
    s.apply();
    reply("delete", "ModelArts.6304", false);
    let m = s.mark();
    s.wd.ok(&["destroy", "-auto-approve"]);
    assert_eq!(trace(&s, m), ["delete(RUNNING)!", "stop(RUNNING)", "delete(STOPPED)"]);
    assert!(s.sim.notebooks().is_empty());
    // 0113 (quota), 6302 (count) and 6301 (exists) on a create: clear errors, nothing created.
    for (code, expected) in [
        ("ModelArts.0113", "Notebook quota exhausted"),
        ("ModelArts.6302", "Too many notebooks"),
        ("ModelArts.6301", "Notebook already exists"),
    ] {
        reply("create", code, false);
        s.config(&notebook("codes-3", ""));
        let out = s.wd.fails(&["apply", "-auto-approve"]);
        assert!(out.flat().contains(expected) && out.flat().contains(code), "{code}: {}", out.all());
        assert!(s.sim.notebooks().is_empty());
    }
    // 6404 (HTTP 404) on a read: the notebook is gone, so the plan creates it again; no write.
    s.config(&notebook("codes-4", "running = false"));
    s.apply();
    rule(
        &s,
        serde_json::json!({"op": "show", "kind": "reply", "status": 404, "code": "ModelArts.6404", "message": "simulated ModelArts.6404", "times": 1}),
    );
    let m = s.mark();
    let plan = s.wd.ok(&["plan"]);
    assert!(
        plan.flat().contains("will be created") && plan.flat().contains("1 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.all()
    );
    assert_eq!(trace(&s, m), Vec::<String>::new());
    // 6309 answering a delete the API carried out (a retried delete finds it gone): done.
    reply("delete", "ModelArts.6309", true);
    let m = s.mark();
    s.wd.ok(&["destroy", "-auto-approve"]);
    assert_eq!(trace(&s, m), ["delete(STOPPED)!"]);
    let left: Vec<String> = s.sim.notebooks().iter().map(|n| n.status.to_string()).collect();
    assert!(left.iter().all(|st| st == "DELETING" || st == "DELETED"), "the delete was carried out: {left:?}");
    assert_eq!(s.wd.ok(&["state", "list"]).stdout.trim(), "", "and the state is empty");
}
