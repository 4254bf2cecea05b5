//! The API client against `modelarts-sim` started in-process.

use std::time::{Duration, Instant};

use crate::common::scenario::cpu_notebook_request;

use modelarts_provider::client::codes::ErrorCode;
use modelarts_provider::client::notebooks::{ImageFilter, NotebookFilter};
use modelarts_provider::client::types::{LeaseReq, Status, UpdateNotebook};
use modelarts_provider::client::{ApiError, Backoff, Client, ClientConfig};
use modelarts_provider::enums::StringEnum;
use modelarts_sim::faults::Rule;
use modelarts_sim::store::Timings;
use modelarts_sim::{SimConfig, SimHandle, DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY};
use tokio_util::sync::CancellationToken;

fn timings(secs: f64) -> Timings {
    let d = Duration::from_secs_f64(secs);
    Timings { create: d, start: d, stop: d, delete: d, resize: d, mount: d, image: d }
}

async fn sim(config: SimConfig) -> SimHandle {
    SimHandle::start(config).await.expect("simulator starts")
}

fn client_for(url: &str) -> Client {
    let mut c = ClientConfig::new(url, DEFAULT_PROJECT_ID, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    c.backoff = Backoff { base: Duration::from_millis(20), cap: Duration::from_millis(200) };
    Client::new(c).unwrap()
}

fn ops(sim: &SimHandle) -> Vec<String> {
    sim.calls().iter().map(|c| format!("{} {}", c.op, c.response)).collect()
}

#[tokio::test]
async fn signed_calls_work_and_a_tampered_one_is_refused() {
    let sim = sim(SimConfig { timings: timings(0.0), ..Default::default() }).await;
    let api = client_for(&sim.url);
    let created = api.create_notebook(&cpu_notebook_request("nb-1")).await.unwrap();
    assert_eq!(created.status, Status::Creating);
    let shown = api.get_notebook(&created.id).await.unwrap();
    assert_eq!(shown.name, "nb-1");
    assert_eq!(shown.volume.unwrap().capacity, Some(10));

    // The wrong secret key: 401 with an APIGW code, and no retry.
    let mut bad = ClientConfig::new(&sim.url, DEFAULT_PROJECT_ID, DEFAULT_ACCESS_KEY, "not-the-secret");
    bad.max_retries = 3;
    let err = Client::new(bad).unwrap().get_notebook(&created.id).await.unwrap_err();
    match &err {
        ApiError::Unauthorized(r) if r.status == 401 => {
            assert!(r.code.as_deref().is_some_and(|c| c.starts_with("APIGW.")), "{err}")
        }
        other => panic!("expected a 401 refusal of the credentials, got {other:?}"),
    }
    assert!(
        err.to_string().starts_with(&format!("the API refused the access key SIMA…EY for endpoint {}", sim.url)),
        "{err}"
    );
    assert!(!err.to_string().contains("not-the-secret"));

    // A body changed after signing no longer matches its signature.
    let date = modelarts_provider::timefmt::sdk_date(modelarts_provider::timefmt::now_millis()).unwrap();
    let host = sim.url.trim_start_matches("http://").to_string();
    let path = format!("/v1/{DEFAULT_PROJECT_ID}/notebooks");
    let headers = vec![
        ("Host".to_string(), host.clone()),
        ("X-Sdk-Date".to_string(), date.clone()),
        ("Content-Type".to_string(), "application/json".to_string()),
    ];
    let signed_body = serde_json::to_vec(&cpu_notebook_request("good")).unwrap();
    let auth = modelarts_provider::client::signer::authorization(
        DEFAULT_ACCESS_KEY,
        DEFAULT_SECRET_KEY,
        &modelarts_provider::client::signer::SignInput {
            method: "POST",
            path: &path,
            query: &[],
            headers: &headers,
            payload_hash: None,
            body: &signed_body,
            sdk_date: &date,
        },
    );
    let http = reqwest::Client::new();
    let send = |body: Vec<u8>| {
        http.post(format!("{}{path}", sim.url))
            .header("X-Sdk-Date", &date)
            .header("Content-Type", "application/json")
            .header("Authorization", &auth)
            .body(body)
            .send()
    };
    assert_eq!(send(serde_json::to_vec(&cpu_notebook_request("evil")).unwrap()).await.unwrap().status(), 401);
    assert_eq!(send(signed_body).await.unwrap().status(), 200);
    sim.stop().await;
}

#[tokio::test]
async fn requests_signed_by_the_official_sdk_are_accepted() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../../crates/modelarts-api/tests/sdk/official_sdk_vectors.json")).unwrap();
    let credentials = |sk: &str| modelarts_sim::auth::Credentials {
        access_key: vectors["access_key"].as_str().unwrap().into(),
        secret_key: sk.into(),
        security_token: None,
        expires_at_ms: None,
    };
    for (secret, expected) in [(vectors["secret_key"].as_str().unwrap(), 200), ("a-wrong-secret-key", 401)] {
        // The vectors carry a fixed X-Sdk-Date: allow any clock skew for this replay.
        let sim = sim(SimConfig {
            credentials: credentials(secret),
            project_id: vectors["project_id"].as_str().unwrap().into(),
            max_clock_skew_secs: i64::MAX / 2000,
            ..Default::default()
        })
        .await;
        let http = reqwest::Client::new();
        for req in vectors["requests"].as_array().unwrap() {
            let query: Vec<String> = req["query"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    format!(
                        "{}={}",
                        modelarts_provider::client::signer::percent_encode(p[0].as_str().unwrap()),
                        modelarts_provider::client::signer::percent_encode(p[1].as_str().unwrap())
                    )
                })
                .collect();
            let url = format!("{}{}?{}", sim.url, req["path"].as_str().unwrap(), query.join("&"));
            let mut r = http.request(req["method"].as_str().unwrap().parse().unwrap(), url);
            for (k, v) in req["headers"].as_object().unwrap() {
                r = r.header(k.as_str(), v.as_str().unwrap());
            }
            if let Some(b) = req["body"].as_str() {
                r = r.body(b.to_string());
            }
            let resp = r.send().await.unwrap();
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap();
            assert_eq!(status, expected, "{} {} with secret {secret}: {text}", req["method"], req["path"]);
        }
        sim.stop().await;
    }
}

#[tokio::test]
async fn retries_503s_and_honours_retry_after() {
    let sim = sim(SimConfig {
        rules: vec![
            Rule::parse("any:reply:503*3").unwrap(),
            Rule {
                op: Some(modelarts_sim::faults::Op::List),
                fault: modelarts_sim::faults::Fault::Reply {
                    status: 429,
                    code: "APIGW.0308".into(),
                    message: "throttled".into(),
                    retry_after: Some(1.0),
                    after_work: false,
                },
                times: Some(1),
            },
        ],
        ..Default::default()
    })
    .await;
    let api = client_for(&sim.url);
    let n = api.create_notebook(&cpu_notebook_request("flaky")).await.unwrap();
    assert_eq!(ops(&sim), vec!["create 503", "create 503", "create 503", "create 200"]);
    let started = Instant::now();
    let all = api.list_notebooks(&NotebookFilter::default()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950), "waited the Retry-After: {:?}", started.elapsed());
    assert_eq!(all[0].id, n.id);

    // Retries are bounded by max_retries.
    let mut cfg = ClientConfig::new(&sim.url, DEFAULT_PROJECT_ID, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    cfg.max_retries = 2;
    cfg.backoff = Backoff { base: Duration::from_millis(10), cap: Duration::from_millis(10) };
    sim.add_fault(Rule::parse("show:reply:503*5").unwrap());
    let err = Client::new(cfg).unwrap().get_notebook(&n.id).await.unwrap_err();
    assert!(matches!(err, ApiError::Api { status: 503, .. }), "{err}");
    sim.stop().await;
}

#[tokio::test]
async fn a_lost_answer_to_a_post_is_ambiguous_and_a_get_is_retried() {
    let sim = sim(SimConfig {
        rules: vec![Rule::parse("create:drop_answer*1").unwrap(), Rule::parse("show:drop_answer*1").unwrap()],
        ..Default::default()
    })
    .await;
    let api = client_for(&sim.url);
    let err = api.create_notebook(&cpu_notebook_request("lost")).await.unwrap_err();
    assert!(err.is_ambiguous(), "{err}");
    assert!(err.to_string().contains("may have taken effect"), "{err}");
    // It was created once, and not again.
    let all = api.list_notebooks(&NotebookFilter { name: Some("lost".into()), ..Default::default() }).await.unwrap();
    assert_eq!(all.len(), 1);
    let creates = sim.calls().iter().filter(|c| c.op == "create").count();
    assert_eq!(creates, 1);
    // A GET whose answer is lost is simply asked again.
    let shown = api.get_notebook(&all[0].id).await.unwrap();
    assert_eq!(shown.name, "lost");
    sim.stop().await;
}

#[tokio::test]
async fn connect_failures_are_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut cfg = ClientConfig::new(&format!("http://{addr}"), "p", "ak", "sk");
    cfg.max_retries = 2;
    cfg.backoff = Backoff { base: Duration::from_millis(5), cap: Duration::from_millis(5) };
    let err = Client::new(cfg).unwrap().create_notebook(&cpu_notebook_request("x")).await.unwrap_err();
    assert!(matches!(err, ApiError::Transport { .. }), "a refused connect is never ambiguous: {err}");
    assert!(!err.to_string().contains("ak"), "{err}");
}

#[tokio::test]
async fn wait_notices_a_one_second_transition_fast() {
    let sim = sim(SimConfig { timings: timings(1.0), ..Default::default() }).await;
    let api = client_for(&sim.url);
    let n = api.create_notebook(&cpu_notebook_request("w")).await.unwrap();
    let started = Instant::now();
    let ready = api.wait_for_status(&n.id, &[Status::Running], Duration::from_secs(10)).await.unwrap();
    let took = started.elapsed();
    assert_eq!(ready.status, Status::Running);
    assert!(took < Duration::from_millis(1500), "took {took:?}");
    let gets = sim.calls().iter().filter(|c| c.op == "show").count();
    assert!(gets <= 6, "{gets} GETs for a 1 s transition");
    sim.stop().await;
}

#[tokio::test]
async fn wait_fails_at_once_on_error_with_the_fail_reason() {
    let sim = sim(SimConfig {
        timings: timings(0.3),
        rules: vec![Rule::parse("start:transition_error:insufficient GPU capacity").unwrap()],
        ..Default::default()
    })
    .await;
    let api = client_for(&sim.url);
    let n = api.create_notebook(&cpu_notebook_request("e")).await.unwrap();
    api.wait_for_status(&n.id, &[Status::Running], Duration::from_secs(10)).await.unwrap();
    api.stop_notebook(&n.id).await.unwrap();
    api.wait_for_status(&n.id, &[Status::Stopped], Duration::from_secs(10)).await.unwrap();
    api.start_notebook(&n.id, None).await.unwrap();
    let started = Instant::now();
    let err = api.wait_for_status(&n.id, &[Status::Running], Duration::from_secs(30)).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(&err, ApiError::Failed { status, .. } if status == Status::Error.as_str()), "{err}");
    assert!(err.to_string().contains("insufficient GPU capacity"), "{err}");
    sim.stop().await;
}

#[tokio::test]
async fn wait_times_out_naming_the_status_and_time() {
    let sim =
        sim(SimConfig { rules: vec![Rule::parse("create:transition_stuck").unwrap()], ..Default::default() }).await;
    let api = client_for(&sim.url);
    let n = api.create_notebook(&cpu_notebook_request("stuck")).await.unwrap();
    let started = Instant::now();
    let err = api.wait_for_status(&n.id, &[Status::Running], Duration::from_millis(800)).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(1500));
    let text = err.to_string();
    assert!(text.contains("timed out after") && text.contains("CREATING") && text.contains("RUNNING"), "{text}");
    sim.stop().await;
}

#[tokio::test]
async fn cancellation_ends_a_wait_within_100ms() {
    let sim =
        sim(SimConfig { rules: vec![Rule::parse("create:transition_stuck").unwrap()], ..Default::default() }).await;
    let cancel = CancellationToken::new();
    let api = client_for(&sim.url).with_cancel(cancel.clone());
    let n = api.create_notebook(&cpu_notebook_request("c")).await.unwrap();
    let waiter = tokio::spawn({
        let api = api.clone();
        async move { api.wait_for_status(&n.id, &[Status::Running], Duration::from_secs(60)).await }
    });
    tokio::time::sleep(Duration::from_millis(600)).await;
    let t = Instant::now();
    cancel.cancel();
    let result = waiter.await.unwrap();
    assert!(t.elapsed() < Duration::from_millis(100), "{:?}", t.elapsed());
    let err = result.unwrap_err();
    assert!(matches!(&err, ApiError::Cancelled { status: Some(s), .. } if s == Status::Creating.as_str()), "{err}");
    sim.stop().await;
}

#[tokio::test]
async fn pagination_is_followed_to_the_end() {
    let sim = sim(SimConfig { timings: timings(0.0), ..Default::default() }).await;
    let api = client_for(&sim.url);
    for i in 0..120 {
        api.create_notebook(&cpu_notebook_request(&format!("page-{i}"))).await.unwrap();
    }
    sim.clear_calls();
    let all = api.list_notebooks(&NotebookFilter::default()).await.unwrap();
    assert_eq!(all.len(), 120);
    let mut ids: Vec<&str> = all.iter().map(|n| n.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 120, "no duplicates across pages");
    let queries: Vec<String> = sim.calls().iter().map(|c| c.query.clone()).collect();
    assert_eq!(queries, vec!["limit=50&offset=0", "limit=50&offset=50", "limit=50&offset=100"]);
    sim.stop().await;
}

#[tokio::test]
async fn the_rest_of_the_api() {
    let sim = sim(SimConfig { timings: timings(0.1), ..Default::default() }).await;
    let api = client_for(&sim.url);
    let n = api.create_notebook(&cpu_notebook_request("full")).await.unwrap();
    let created_at = n.lease.as_ref().and_then(|l| l.create_at).unwrap();
    // No duration at create: the API's default auto-stop, 1 h TIMING, on.
    let lease = n.lease.clone().unwrap();
    assert_eq!(
        (lease.duration, lease.enable, lease.kind.as_ref().map(|w| w.as_str())),
        (Some(3_600_000), Some(true), Some("TIMING"))
    );
    api.wait_for_status(&n.id, &[Status::Running], Duration::from_secs(5)).await.unwrap();

    // Not found, spelled 404 ModelArts.6404 (show) and 400 ModelArts.6309 (actions).
    assert!(api.get_notebook(&"missing".into()).await.unwrap_err().is_not_found());
    assert!(api.start_notebook(&"missing".into(), None).await.unwrap_err().is_not_found());
    // Already running / already stopped have their own codes.
    assert_eq!(api.start_notebook(&n.id, None).await.unwrap_err().known_code(), Some(ErrorCode::AlreadyRunning));

    // A PUT of the flavor on a running notebook is refused; the name is fine.
    let err = api
        .update_notebook(&n.id, &UpdateNotebook { flavor: Some("modelarts.vm.cpu.8u".into()), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(err.known_code(), Some(ErrorCode::ParameterError));
    assert!(err.to_string().contains("only when the instance is STOPPED"), "{err}");
    let renamed = api
        .update_notebook(&n.id, &UpdateNotebook { name: Some("renamed".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(renamed.name, "renamed");

    // Storage grows while running; the volume is RESIZING meanwhile, and a stop waits.
    let grown =
        api.update_notebook(&n.id, &UpdateNotebook { storage_new_size: Some(20), ..Default::default() }).await.unwrap();
    assert_eq!(grown.volume.as_ref().unwrap().status.as_ref().map(|w| w.as_str()), Some("RESIZING"));
    assert_eq!(api.stop_notebook(&n.id).await.unwrap_err().known_code(), Some(ErrorCode::Busy));
    let settled = api.wait_volume_settled(&n.id, Duration::from_secs(5)).await.unwrap();
    assert_eq!(settled.volume.unwrap().capacity, Some(20));

    // Lease renewal on a running notebook: the duration counts from creation.
    api.renew_lease(&n.id, &LeaseReq { duration: 7_200_000, kind: "IDLE".into() }).await.unwrap();
    let lease = api.get_lease(&n.id).await.unwrap();
    assert_eq!(lease.create_at, Some(created_at), "the lease counts from the instance's creation");
    let elapsed = lease.update_at.unwrap() - created_at;
    assert_eq!((lease.duration, lease.kind.as_ref().map(|w| w.as_str())), (Some(elapsed + 7_200_000), Some("IDLE")));
    assert!(api.renew_lease(&n.id, &LeaseReq { duration: 60_000, kind: "IDLE".into() }).await.is_err());

    // Switchable flavors follow the category rule.
    let switchable: Vec<String> =
        api.switchable_flavors(&n.id).await.unwrap().into_iter().map(|f| f.id.into_string()).collect();
    assert_eq!(switchable, vec!["modelarts.vm.cpu.8u"]);

    // Stop, change the flavor while stopped; storage cannot grow while stopped.
    api.stop_notebook(&n.id).await.unwrap();
    api.wait_for_status(&n.id, &[Status::Stopped], Duration::from_secs(5)).await.unwrap();
    assert_eq!(api.stop_notebook(&n.id).await.unwrap_err().known_code(), Some(ErrorCode::AlreadyStopped));
    let updated = api
        .update_notebook(&n.id, &UpdateNotebook { flavor: Some("modelarts.vm.cpu.8u".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(updated.flavor, "modelarts.vm.cpu.8u");
    let stopped_growth = api
        .update_notebook(&n.id, &UpdateNotebook { storage_new_size: Some(30), ..Default::default() })
        .await
        .unwrap_err();
    assert!(stopped_growth.to_string().contains("only when the instance is RUNNING"), "{stopped_growth}");
    // Start with auto-stop off (-1), then with 4 h.
    api.start_notebook(&n.id, None).await.unwrap();
    let started = api.wait_for_status(&n.id, &[Status::Running], Duration::from_secs(5)).await.unwrap();
    assert_eq!(started.lease.unwrap().enable, Some(false));
    let shrink = api
        .update_notebook(&n.id, &UpdateNotebook { storage_new_size: Some(10), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(shrink.known_code(), Some(ErrorCode::ParameterError));
    api.stop_notebook(&n.id).await.unwrap();
    api.wait_for_status(&n.id, &[Status::Stopped], Duration::from_secs(5)).await.unwrap();
    api.start_notebook(&n.id, Some(&LeaseReq { duration: 14_400_000, kind: "TIMING".into() })).await.unwrap();
    let started = api.wait_for_status(&n.id, &[Status::Running], Duration::from_secs(5)).await.unwrap();
    let lease = started.lease.unwrap();
    assert_eq!(lease.duration, Some(lease.update_at.unwrap() - created_at + 14_400_000));
    let start_calls: Vec<String> = sim
        .calls()
        .into_iter()
        .filter(|c| c.op == "start" && c.notebook.as_deref() == Some(n.id.as_str()))
        .map(|c| c.query)
        .collect();
    assert_eq!(start_calls, ["duration=-1", "duration=-1", "duration=14400000&type=TIMING"]);

    // Catalogue calls with filters; image names match fuzzily unless asked otherwise.
    let gpu = api.list_flavors(Some("GPU"), None).await.unwrap();
    assert!(gpu.iter().all(|f| f.category.as_deref() == Some("GPU")) && gpu.len() == 2);
    let fuzzy = api.list_images(&ImageFilter { name: Some("mindspore".into()), ..Default::default() }).await.unwrap();
    assert_eq!(fuzzy.len(), 2);
    let exact = api
        .list_images(&ImageFilter {
            name: Some("mindspore".into()),
            name_fuzzy_match: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(exact.is_empty());

    api.delete_notebook(&n.id).await.unwrap();
    api.wait_gone(&n.id, Duration::from_secs(5)).await.unwrap();
    sim.stop().await;
}

#[tokio::test]
async fn an_image_is_saved_from_a_running_notebook_which_runs_again_after() {
    use modelarts_provider::client::images::SaveImageRequest;
    let sim = sim(SimConfig { timings: timings(0.3), ..Default::default() }).await;
    let api = client_for(&sim.url);
    let n = api.create_notebook(&cpu_notebook_request("source")).await.unwrap();
    let request = SaveImageRequest { name: "env".into(), namespace: "team".into(), ..Default::default() };
    // Not while it is being created: only from a running notebook (SDK `CreateImage`).
    let refused = api.save_image(&n.id, &request).await.unwrap_err();
    assert!(refused.to_string().contains(ErrorCode::ParameterError.as_str()), "{refused}");
    api.wait_for_status(&n.id, &[Status::Running], Duration::from_secs(5)).await.unwrap();

    let image = api.save_image(&n.id, &request).await.unwrap();
    assert_eq!(image.status.as_ref().map(|w| w.as_str()), Some("CREATING"));
    assert_eq!(api.get_notebook(&n.id).await.unwrap().status, Status::Snapshotting, "unusable while saving");
    let saved = api.wait_image_saved(&image.id, Duration::from_secs(5)).await.unwrap();
    assert_eq!(saved.status.as_ref().map(|w| w.as_str()), Some("ACTIVE"));
    assert_eq!(saved.resource_categories, ["CPU"], "as the image it was saved from");
    assert_eq!(api.get_notebook(&n.id).await.unwrap().status, Status::Running, "running again");
    // Listed among the project's images, as a DEDICATED one.
    let listed = api.list_images(&ImageFilter { kind: Some("DEDICATED".into()), ..Default::default() }).await.unwrap();
    assert_eq!(listed.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), [image.id.as_str()]);
    // A missing image is HTTP 400 with ModelArts.6404, which the client reads as not found.
    match api.get_image(&"no-such-image".into()).await.unwrap_err() {
        ApiError::NotFound { status: 400, code, .. } => {
            assert_eq!(code.as_deref(), Some(ErrorCode::NotFoundAlt.as_str()))
        }
        other => panic!("expected not found, got {other:?}"),
    }
}

/// A server that answers every request with `302 Location: {to}`; the number of
/// requests it received.
async fn redirecting_server(to: String) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let counter = counter.clone();
            let to = to.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                if conn.read(&mut buf).await.unwrap_or(0) > 0 {
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let answer = format!(
                        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                    let _ = conn.write_all(answer.as_bytes()).await;
                }
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn a_redirect_is_never_followed_and_names_where_it_pointed() {
    // The "other host" is a second server: it must never see the signed request
    // (nor its X-Security-Token).
    let (other, other_seen) = redirecting_server("http://nowhere.invalid/".into()).await;
    let (endpoint, seen) = redirecting_server(format!("{other}/v1/p/notebooks/x")).await;
    let mut c = ClientConfig::new(&endpoint, DEFAULT_PROJECT_ID, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    c.security_token = Some("the-security-token".into());
    let err = Client::new(c).unwrap().get_notebook(&"x".into()).await.unwrap_err();
    assert!(matches!(err, ApiError::Redirected { status: 302, .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("HTTP 302, a redirect to http://127.0.0.1") && text.contains("not followed"), "{text}");
    assert!(!text.contains("the-security-token"));
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1, "asked once, not retried");
    assert_eq!(other_seen.load(std::sync::atomic::Ordering::SeqCst), 0, "the other host never saw the request");
}
