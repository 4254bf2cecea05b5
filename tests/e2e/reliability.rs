//! Reliability and security, end to end against `modelarts-sim`'s faults: flaky
//! APIs, lost answers, stuck and failed transitions, Ctrl-C, concurrency, broken
//! answers, bad provider settings, secrets in logs and state, TLS verification.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::scenario::{notebook, notebook_with, Scenario, CPU_IMAGE};

const FAST: &[&str] =
    &["--create-seconds", "0.3", "--start-seconds", "0.3", "--stop-seconds", "0.3", "--delete-seconds", "0.3"];

fn rule(s: &Scenario, rule: serde_json::Value) {
    s.sim.control("POST", "/_sim/faults", Some(rule));
}

fn no_crash(out: &crate::common::TfOutput) {
    let text = out.flat();
    for bad in ["panic", "Provider internal error", "plugin crashed", "Plugin did not respond"] {
        assert!(!text.contains(bad), "{bad}: {}", out.all());
    }
}

fn counted(body: &str) -> String {
    format!(
        r#"
resource "modelarts_notebook" "n" {{
  count     = {body}
  name      = "many-${{count.index}}"
  flavor_id = var.flavor
  image_id  = "{CPU_IMAGE}"
  volume {{
    type = "EVS"
  }}
}}
variable "flavor" {{
  type    = string
  default = "modelarts.vm.cpu.2u"
}}
"#
    )
}

#[test]
fn a_flaky_api_converges() {
    let Some(s) = Scenario::new(&[
        "--create-seconds",
        "0.3",
        "--error-rate",
        "0.3",
        "--throttle-burst",
        "6",
        "--retry-after",
        "1",
    ]) else {
        return;
    };
    s.provider_settings("max_retries = 12");
    s.config(&counted("10"));
    let out = s.wd.ok(&["apply", "-auto-approve"]);
    no_crash(&out);
    s.assert_no_changes();
    let creates_ok = s.sim.calls().iter().filter(|c| c.op == "create" && c.response == 200).count();
    assert_eq!(creates_ok, 10);
    assert_eq!(s.sim.notebooks().len(), 10, "exactly 10 instances exist");
    let (throttled, unavailable) = s
        .sim
        .calls()
        .iter()
        .fold((0, 0), |(t, u), c| (t + usize::from(c.response == 429), u + usize::from(c.response == 503)));
    assert_eq!(throttled, 6);
    assert!(unavailable > 5, "the 30% error rate was exercised ({unavailable} 503s)");
}

#[test]
fn a_lost_create_answer_is_recovered_not_repeated() {
    let Some(s) = Scenario::new(&["--create-seconds", "0.3", "--fault", "create:drop_answer*1"]) else { return };
    s.config(&notebook("lost-answer", ""));
    s.apply();
    assert_eq!(s.sim.notebooks().len(), 1);
    assert_eq!(s.sim.calls().iter().filter(|c| c.op == "create").count(), 1, "never created twice");
    let id = s.state_attr("modelarts_notebook.nb", "id");
    assert_eq!(id, s.sim.notebooks()[0].id.as_str());
}

#[test]
fn an_undecidable_lost_create_names_the_possible_orphan() {
    let Some(s) = Scenario::new(&["--fault", "create:drop_answer*1", "--fault", "list:reply:500"]) else { return };
    s.config(&notebook("maybe-orphan", ""));
    let out = s.wd.fails(&["apply", "-auto-approve"]);
    no_crash(&out);
    let text = out.flat();
    assert!(text.contains("Notebook may have been created"), "{}", out.all());
    assert!(text.contains("A notebook named \"maybe-orphan\" created after"), "{}", out.all());
    assert_eq!(s.sim.calls().iter().filter(|c| c.op == "create").count(), 1);
}

#[test]
fn stuck_transitions_time_out_and_keep_the_notebook_in_state() {
    let Some(s) = Scenario::new(FAST) else { return };
    // A create that never finishes: the notebook is kept, tainted.
    rule(&s, serde_json::json!({"op": "create", "kind": "transition_stuck", "times": 1}));
    s.config(&notebook("stuck", "timeouts {\n    create = \"2s\"\n  }"));
    let started = Instant::now();
    let out = s.wd.fails(&["apply", "-auto-approve"]);
    assert!(started.elapsed() < Duration::from_secs(20));
    let text = out.flat();
    assert!(
        text.contains("timed out after 2")
            && text.contains("waiting for notebook")
            && text.contains("it is still CREATING"),
        "{}",
        out.all()
    );
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.wd.path().join("terraform.tfstate")).unwrap()).unwrap();
    let instance = &state["resources"][0]["instances"][0];
    assert_eq!(instance["status"], "tainted", "{state}");
    assert_eq!(instance["attributes"]["id"], s.sim.notebooks()[0].id.as_str());

    // A start that never finishes, within the update timeout.
    s.wd.ok(&["destroy", "-auto-approve"]);
    s.config(&notebook("stuck", "running = false"));
    s.apply();
    rule(&s, serde_json::json!({"op": "start", "kind": "transition_stuck", "times": 1}));
    s.config(&notebook("stuck", "running = true\n  timeouts {\n    update = \"2s\"\n  }"));
    let out = s.wd.fails(&["apply", "-auto-approve"]);
    let text = out.flat();
    assert!(
        text.contains("Starting the notebook failed: timed out after 2") && text.contains("it is still STARTING"),
        "{}",
        out.all()
    );
    assert_eq!(s.state_attr("modelarts_notebook.nb", "status"), "STARTING");
}

#[test]
fn an_error_transition_shows_the_fail_reason_and_is_retried_by_the_next_plan() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.config(&notebook("fails-to-start", "running = false"));
    s.apply();
    rule(
        &s,
        serde_json::json!({"op": "start", "kind": "transition_error", "reason": "insufficient resources in the pool", "times": 1}),
    );
    s.config(&notebook("fails-to-start", "running = true"));
    let out = s.wd.fails(&["apply", "-auto-approve"]);
    let text = out.flat();
    assert!(text.contains("ended in status ERROR: insufficient resources in the pool"), "{}", out.all());
    assert_eq!(s.state_attr("modelarts_notebook.nb", "fail_reason"), "insufficient resources in the pool");
    let plan = s.wd.ok(&["plan"]);
    assert!(plan.flat().contains("~ running = false -> true"), "{}", plan.all());
}

#[test]
fn ctrl_c_during_a_long_stop_exits_promptly_with_a_valid_state() {
    let Some(s) = Scenario::new(&["--create-seconds", "0.2", "--stop-seconds", "600"]) else { return };
    let two = format!(
        "{}{}",
        notebook_with("a", "a", "modelarts.vm.cpu.2u", CPU_IMAGE, 10, ""),
        notebook_with("b", "b", "modelarts.vm.cpu.2u", CPU_IMAGE, 10, "")
    );
    s.config(&two);
    s.apply();
    let ids: Vec<String> = s.sim.notebooks().into_iter().map(|n| n.id.into_string()).collect();
    s.config(&two.replace("\n}\n", "\n  running = false\n}\n"));
    let mut child =
        s.wd.command(&["apply", "-auto-approve", "-no-color"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !s.sim.notebooks().iter().all(|n| n.status.as_str() == "STOPPING") {
        assert!(Instant::now() < deadline, "the stops never began");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    let interrupted = Instant::now();
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(interrupted.elapsed() < Duration::from_secs(15), "terraform did not exit after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    let took = interrupted.elapsed();
    assert!(took < Duration::from_secs(5), "terraform took {took:?} to exit after Ctrl-C");
    assert!(!status.success());
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.wd.path().join("terraform.tfstate")).unwrap())
            .expect("a valid state file");
    let mut in_state: Vec<String> = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["instances"][0]["attributes"]["id"].as_str().unwrap().to_string())
        .collect();
    in_state.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(in_state, expected, "every instance is still in the state");
}

#[test]
fn twenty_notebooks_change_at_once_without_duplicate_requests() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.config(&counted("20"));
    s.apply();
    let m = s.mark();
    let out = s.wd.ok(&["apply", "-auto-approve", "-var", "flavor=modelarts.vm.cpu.8u"]);
    no_crash(&out);
    s.wd.ok(&["plan", "-var", "flavor=modelarts.vm.cpu.8u", "-detailed-exitcode"]);
    let mut per_notebook: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in &s.sim.calls()[m..] {
        if ["stop", "update", "start", "switchable_flavors"].contains(&c.op.as_str()) {
            per_notebook.entry(c.notebook.clone().unwrap()).or_default().push(c.op.clone());
        }
    }
    assert_eq!(per_notebook.len(), 20);
    for (id, ops) in per_notebook {
        // The flavor is checked at plan time (in Terraform's plan and again in its
        // apply walk) and before the stop; then one stop, one update, one start.
        let writes: Vec<&String> = ops.iter().filter(|o| *o != "switchable_flavors").collect();
        assert_eq!(writes, ["stop", "update", "start"], "{id}: {ops:?}");
        assert_eq!(ops.iter().rposition(|o| o == "switchable_flavors"), Some(ops.len() - 4), "{id}: {ops:?}");
    }
    assert!(s.sim.notebooks().iter().all(|n| n.flavor == "modelarts.vm.cpu.8u" && n.status.as_str() == "RUNNING"));
}

#[test]
fn broken_answers_are_clear_errors_and_leave_the_state_alone() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.config(&notebook("broken", ""));
    s.apply();
    let state_path = s.wd.path().join("terraform.tfstate");
    let before = std::fs::read_to_string(&state_path).unwrap();
    let cases = [
        (serde_json::json!({"op": "show", "kind": "garbage", "body": "not_json", "times": 1}), "could not be read"),
        (serde_json::json!({"op": "show", "kind": "garbage", "body": "truncated", "times": 1}), "could not be read"),
        (serde_json::json!({"op": "show", "kind": "garbage", "body": "wrong_types", "times": 1}), "could not be read"),
        (serde_json::json!({"op": "show", "kind": "garbage", "body": "empty", "times": 1}), "empty body"),
        (
            serde_json::json!({"op": "show", "kind": "garbage", "body": "html", "status": 502, "times": 10}),
            "HTTP 502: a non-JSON (HTML) body: 502 502 Bad Gateway nginx",
        ),
    ];
    for (fault, expected) in cases {
        rule(&s, fault.clone());
        let out = s.wd.fails(&["plan"]);
        no_crash(&out);
        let text = out.flat();
        assert!(text.contains("Failed to read notebook") && text.contains(expected), "{fault}: {}", out.all());
        s.sim.control("DELETE", "/_sim/faults", None);
        assert_eq!(std::fs::read_to_string(&state_path).unwrap(), before, "{fault} changed the state");
    }
    s.assert_no_changes();
}

#[test]
fn malformed_provider_settings_fail_at_plan_time() {
    let Some(s) = Scenario::new(&[]) else { return };
    s.provider_settings("max_retries = -1");
    s.config(&notebook("x", ""));
    let text = s.wd.read_config().replace(&format!("endpoint    = \"{}\"", s.sim.url), "endpoint    = \"not a url\"");
    s.wd.write("main.tf", &text);
    let out = s.wd.fails(&["plan"]);
    let flat = out.flat();
    assert!(flat.contains("Invalid value for endpoint") && flat.contains("endpoint = \"not a url\""), "{}", out.all());
    assert!(flat.contains("Invalid value for max_retries") && flat.contains("max_retries = -1"), "{}", out.all());
    assert!(s.sim.calls().is_empty(), "nothing was sent");
}

#[test]
fn secrets_never_reach_logs_output_or_state() {
    let secret_key = "sk-VERY-SECRET-4711";
    let token = "tok-TEMPORARY-0815";
    let Some(mut s) =
        Scenario::new(&["--create-seconds", "0.2", "--secret-key", secret_key, "--security-token", token])
    else {
        return;
    };
    s.provider_settings(&format!("security_token = \"{token}\"\n  max_retries = 3"));
    s.config(&notebook("secretive", ""));
    let text = s.wd.read_config().replace("sim-secret-key", secret_key);
    s.wd.write("main.tf", &text);
    let log = s.wd.path().join("trace.log");
    s.wd.set_env("TF_LOG", "trace");
    s.wd.set_env("TF_LOG_PATH", log.to_str().unwrap());
    let apply = s.wd.ok(&["apply", "-auto-approve"]);
    let plan = s.wd.ok(&["plan"]);
    let ui_token = s.sim.notebooks()[0].token.clone().expect("the API returns a web-UI token").0;
    assert!(!ui_token.is_empty());
    let trace = std::fs::read_to_string(&log).unwrap();
    assert!(trace.contains("provider.terraform-provider-modelarts"), "the provider's own logs are in the trace");
    let state = std::fs::read_to_string(s.wd.path().join("terraform.tfstate")).unwrap();
    for (name, secret) in [("secret key", secret_key), ("security token", token), ("web-UI token", ui_token.as_str())] {
        for (place, text) in [
            ("terraform output", apply.all()),
            ("plan output", plan.all()),
            ("trace log", trace.clone()),
            ("state", state.clone()),
        ] {
            assert!(!text.contains(secret), "the {name} appears in the {place}");
        }
    }
}

#[test]
fn tls_is_verified_unless_insecure() {
    let Some(s) = Scenario::new(&["--tls"]) else { return };
    assert!(s.sim.url.starts_with("https://"));
    let flavors = "data \"modelarts_notebook_flavors\" \"all\" {}\noutput \"n\" { value = length(data.modelarts_notebook_flavors.all.flavors) }\n";
    s.config(flavors);
    let started = Instant::now();
    let out = s.wd.fails(&["plan"]);
    no_crash(&out);
    let text = out.flat();
    assert!(text.contains("Failed to list flavors") && text.contains("certificate"), "{}", out.all());
    // An untrusted certificate cannot pass by trying again: one attempt, at once.
    assert!(text.contains("not retried: trying again cannot help"), "{}", out.all());
    assert!(started.elapsed() < Duration::from_secs(10), "not retried with backoff: {:?}", started.elapsed());
    s.provider_settings("insecure = true\n  max_retries = 3");
    s.config(flavors);
    let out = s.wd.ok(&["apply", "-auto-approve"]);
    assert!(out.flat().contains("n = 4"), "the flavors that are not sold out: {}", out.all());
}

/// The calls answered `status` so far.
fn answered(s: &Scenario, status: u16) -> usize {
    s.sim.calls().iter().filter(|c| c.response == status).count()
}

#[test]
fn a_short_outage_during_creates_taints_nothing() {
    let Some(mut s) = Scenario::new(&["--create-seconds", "2", "--delete-seconds", "0.3"]) else { return };
    s.wd.set_env("TF_LOG_PROVIDER", "WARN");
    s.config(&counted("5"));
    // Once the five creates are in, the API answers every request 503 for 8 s: far
    // longer than one call's retries (max_retries = 3), far shorter than the timeout.
    let sim = &s.sim;
    let out = std::thread::scope(|scope| {
        scope.spawn(move || {
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(60) {
                if sim.calls().iter().filter(|c| c.op == "create").count() == 5 {
                    sim.control("POST", "/_sim/outage", Some(serde_json::json!({"seconds": 8})));
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        s.wd.run(&["apply", "-auto-approve", "-no-color"])
    });
    assert!(out.success, "the apply rode out the outage: {}", out.all());
    no_crash(&out);
    assert!(answered(&s, 503) >= 5, "the outage was met ({} 503s)", answered(&s, 503));
    assert!(
        out.flat().contains("the API is unavailable since") && out.flat().contains("still waiting"),
        "the progress log says so: {}",
        out.all()
    );
    let state = std::fs::read_to_string(s.wd.path().join("terraform.tfstate")).unwrap();
    assert!(!state.contains("\"tainted\""), "no notebook tainted: {state}");
    assert_eq!(s.sim.calls().iter().filter(|c| c.op == "create").count(), 5, "no create sent twice");
    assert_eq!(s.sim.notebooks().len(), 5);
    s.assert_no_changes();
    s.wd.ok(&["destroy", "-auto-approve"]);
}

#[test]
fn a_rate_limited_account_is_paced_not_hammered() {
    // The issue's case: 40 notebooks at -parallelism=20 under 8 requests a second.
    let Some(s) = Scenario::new(&["--create-seconds", "3", "--rate-limit", "8", "--rate-burst", "8"]) else { return };
    s.config(&counted("40"));
    let started = Instant::now();
    let out = s.wd.run(&["apply", "-auto-approve", "-parallelism=20", "-no-color"]);
    eprintln!(
        "40 notebooks under 8 requests/s: {:?}, {} requests, {} throttled",
        started.elapsed(),
        s.sim.calls().len(),
        answered(&s, 429)
    );
    assert!(out.success, "{}", out.all());
    no_crash(&out);
    let all = s.sim.calls().len();
    let throttled = answered(&s, 429);
    assert!(throttled > 0, "the limit was met");
    assert!(throttled * 10 <= all, "at most 10% throttled: {throttled} of {all}");
    let state = std::fs::read_to_string(s.wd.path().join("terraform.tfstate")).unwrap();
    assert!(!state.contains("\"tainted\""), "no notebook tainted");
    assert_eq!(s.sim.notebooks().len(), 40);
    assert_eq!(s.sim.calls().iter().filter(|c| c.op == "create" && c.response == 200).count(), 40);
    s.assert_no_changes();
}

#[test]
fn a_known_rate_limit_configured_is_never_met() {
    let Some(s) = Scenario::new(&["--create-seconds", "0.5", "--rate-limit", "4", "--rate-burst", "2"]) else { return };
    s.provider_settings("max_retries = 3\n  max_requests_per_second = 4");
    s.config(&counted("4"));
    let out = s.wd.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.success, "{}", out.all());
    assert_eq!(answered(&s, 429), 0, "{} requests, none throttled", s.sim.calls().len());
    assert_eq!(s.sim.notebooks().len(), 4);
}

#[test]
fn a_failed_start_ends_its_wait_at_once_and_a_timeout_names_what_the_looks_found() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.config(&notebook("fails", "running = false"));
    s.apply();
    let id = s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string();
    // A start that ends START_FAILED: the wait ends at the look that sees it, long
    // before its timeout.
    rule(&s, serde_json::json!({"op": "start", "kind": "transition_stuck", "times": 1}));
    s.config(&notebook("fails", "running = true\n  timeouts {\n    update = \"10m\"\n  }"));
    let sim = &s.sim;
    let started = Instant::now();
    let out = std::thread::scope(|scope| {
        scope.spawn(move || {
            while started.elapsed() < Duration::from_secs(60) {
                if sim.calls().iter().any(|c| c.op == "start") {
                    std::thread::sleep(Duration::from_millis(500));
                    sim.control(
                        "PATCH",
                        &format!("/_sim/notebooks/{id}"),
                        Some(serde_json::json!({"status": "START_FAILED", "fail_reason": "no capacity"})),
                    );
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        s.wd.run(&["apply", "-auto-approve", "-no-color"])
    });
    assert!(!out.success);
    assert!(out.flat().contains("START_FAILED") && out.flat().contains("no capacity"), "{}", out.all());
    assert!(started.elapsed() < Duration::from_secs(30), "failed at once, not after 10m");

    // A wait that runs past its timeout while the API is down says where the
    // notebook was last seen and what the last looks met.
    s.sim.control(
        "PATCH",
        &format!("/_sim/notebooks/{}", s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap()),
        Some(serde_json::json!({"status": "STOPPED"})),
    );
    rule(&s, serde_json::json!({"op": "start", "kind": "transition_stuck", "times": 1}));
    s.config(&notebook("fails", "running = true\n  timeouts {\n    update = \"5s\"\n  }"));
    let sim = &s.sim;
    let out = std::thread::scope(|scope| {
        scope.spawn(move || {
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(60) {
                if sim.calls().iter().filter(|c| c.op == "start").count() == 2 {
                    std::thread::sleep(Duration::from_millis(800));
                    sim.control("POST", "/_sim/outage", Some(serde_json::json!({"seconds": 60})));
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        s.wd.run(&["apply", "-auto-approve", "-no-color"])
    });
    assert!(!out.success);
    let text = out.flat();
    assert!(
        text.contains("timed out after")
            && text.contains("it is still STARTING")
            && text.contains("the last looks failed: the API has been unavailable for")
            && text.contains("(503)"),
        "{}",
        out.all()
    );
    s.sim.control("POST", "/_sim/outage", Some(serde_json::json!({"seconds": 0})));
}

/// A CONNECT proxy on loopback (what `HTTPS_PROXY` names): tunnels each connection
/// to where it asks, counting the tunnels opened.
async fn connect_proxy() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let tunnels = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = tunnels.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match client.read(&mut byte).await {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let text = String::from_utf8_lossy(&head).to_string();
                let Some(target) = text.strip_prefix("CONNECT ").and_then(|r| r.split_whitespace().next()) else {
                    let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n").await;
                    return;
                };
                let Ok(mut upstream) = tokio::net::TcpStream::connect(target).await else { return };
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (url, tunnels)
}

#[test]
fn a_private_ca_through_cacert_file_and_an_https_proxy() {
    use modelarts_sim::{SimConfig, SimHandle};
    let Some(mut wd) = crate::common::Workdir::new() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    // An HTTPS endpoint whose certificate no system trusts: a private cloud's CA.
    let sim = rt.block_on(SimHandle::start(SimConfig { tls: true, ..Default::default() })).unwrap();
    let ca = wd.path().join("private-ca.pem");
    std::fs::write(&ca, sim.cert_pem.clone().unwrap()).unwrap();
    let (proxy, tunnels) = rt.block_on(connect_proxy());
    let config = |cacert: &str| {
        format!(
            "{}\nprovider \"modelarts\" {{\n  region      = \"sim-region-1\"\n  project_id  = \"sim-project\"\n  access_key  = \"SIMACCESSKEY\"\n  secret_key  = \"sim-secret-key\"\n  endpoint    = \"{}\"\n  max_retries = 0\n{cacert}\n}}\ndata \"modelarts_notebook_flavors\" \"all\" {{}}\noutput \"n\" {{ value = length(data.modelarts_notebook_flavors.all.flavors) }}\n",
            crate::common::REQUIRED_PROVIDERS,
            sim.url
        )
    };
    // Without the CA: refused, once.
    wd.write("main.tf", &config(""));
    let out = wd.fails(&["plan", "-no-color"]);
    assert!(out.flat().contains("certificate") && out.flat().contains("not retried"), "{}", out.all());
    // With cacert_file, and every request through HTTPS_PROXY.
    wd.write("main.tf", &config(&format!("  cacert_file = \"{}\"", ca.display())));
    wd.set_env("HTTPS_PROXY", &proxy);
    let out = wd.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.flat().contains("n = 4"), "{}", out.all());
    let through = tunnels.load(std::sync::atomic::Ordering::SeqCst);
    assert!(through > 0, "the requests went through the proxy");
    assert!(!sim.calls().is_empty());
    // NO_PROXY names the endpoint's host: straight there.
    wd.set_env("NO_PROXY", "127.0.0.1");
    wd.ok(&["apply", "-auto-approve", "-no-color"]);
    assert_eq!(tunnels.load(std::sync::atomic::Ordering::SeqCst), through, "no tunnel with NO_PROXY");
}

#[test]
fn a_client_certificate_for_an_endpoint_that_asks_for_one() {
    use modelarts_sim::{SimConfig, SimHandle};
    let Some(wd) = crate::common::Workdir::new() else { return };
    // The client's certificate and key, as a private cloud's PKI would issue them.
    let client = rcgen::generate_simple_self_signed(vec!["terraform-runner".to_string()]).unwrap();
    let (cert, key) = (wd.path().join("client.pem"), wd.path().join("client-key.pem"));
    std::fs::write(&cert, client.cert.pem()).unwrap();
    std::fs::write(&key, client.signing_key.serialize_pem()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(SimHandle::start(SimConfig {
            tls: true,
            client_cert_pem: Some(client.cert.pem()),
            ..Default::default()
        }))
        .unwrap();
    let ca = wd.path().join("ca.pem");
    std::fs::write(&ca, sim.cert_pem.clone().unwrap()).unwrap();
    let config = |extra: &str| {
        format!(
            "{}\nprovider \"modelarts\" {{\n  region      = \"sim-region-1\"\n  project_id  = \"sim-project\"\n  access_key  = \"SIMACCESSKEY\"\n  secret_key  = \"sim-secret-key\"\n  endpoint    = \"{}\"\n  cacert_file = \"{}\"\n  max_retries = 0\n{extra}\n}}\ndata \"modelarts_notebook_flavors\" \"all\" {{}}\noutput \"n\" {{ value = length(data.modelarts_notebook_flavors.all.flavors) }}\n",
            crate::common::REQUIRED_PROVIDERS,
            sim.url,
            ca.display()
        )
    };
    // Without the certificate the handshake is refused: nothing reaches the API.
    wd.write("main.tf", &config(""));
    let out = wd.fails(&["plan", "-no-color"]);
    assert!(out.flat().contains("Failed to list flavors"), "{}", out.all());
    assert!(sim.calls().is_empty());
    // cert without key: a plan-time error at the missing one.
    wd.write("main.tf", &config(&format!("  cert = \"{}\"", cert.display())));
    let out = wd.fails(&["plan", "-no-color"]);
    assert!(out.flat().contains("Missing provider setting key"), "{}", out.all());
    // With both: accepted.
    wd.write("main.tf", &config(&format!("  cert = \"{}\"\n  key  = \"{}\"", cert.display(), key.display())));
    let out = wd.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.flat().contains("n = 4"), "{}", out.all());
    assert!(!sim.calls().is_empty());
}
