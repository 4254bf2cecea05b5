//! The `modelarts-sim` binary: URL on the first line, call log file, control API,
//! catalogue override, clean shutdown.

use crate::common::sim::SimProcess;
use modelarts_provider::client::types::{CreateNotebook, VolumeReq};
use modelarts_provider::client::{Client, ClientConfig};

fn client(url: &str, project: &str) -> Client {
    Client::new(ClientConfig::new(url, project, "AK1", "SK1")).unwrap()
}

#[tokio::test]
async fn serves_logs_and_shuts_down_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = dir.path().join("catalogue.json");
    std::fs::write(
        &catalogue,
        r#"{"flavors":[{"id":"tiny.cpu","name":"tiny.cpu","category":"CPU"}],
            "images":[{"id":"img-1","name":"only-image","resource_categories":["CPU"],"type":"BUILD_IN"}]}"#,
    )
    .unwrap();
    let mut sim = SimProcess::start(&[
        "--access-key",
        "AK1",
        "--secret-key",
        "SK1",
        "--project-id",
        "proj1",
        "--create-seconds",
        "0",
        "--catalogue",
        catalogue.to_str().unwrap(),
    ]);
    let api = client(&sim.url, "proj1");
    let flavors = api.list_flavors(None, None).await.unwrap();
    assert_eq!(flavors.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["tiny.cpu"]);
    let n = api
        .create_notebook(&CreateNotebook {
            name: "from-binary".into(),
            flavor: "tiny.cpu".into(),
            image_id: "img-1".into(),
            volume: VolumeReq { category: "EVS".into(), ownership: "MANAGED".into(), ..Default::default() },
            ..Default::default()
        })
        .await
        .unwrap();
    // Another project's path is refused even with good credentials.
    assert!(client(&sim.url, "other").get_notebook(&n.id).await.is_err());

    let calls = sim.calls();
    let summary: Vec<(String, String, u16)> =
        calls.iter().map(|c| (c.method.clone(), c.op.clone(), c.response)).collect();
    assert_eq!(summary[0], ("GET".to_string(), "flavors".to_string(), 200));
    assert_eq!(summary[1], ("POST".to_string(), "create".to_string(), 200));
    assert_eq!(calls[1].body["name"], "from-binary");
    assert_eq!(summary[2].2, 403);

    // The control API changes a notebook behind the client's back.
    sim.control("PATCH", &format!("/_sim/notebooks/{}", n.id), Some(serde_json::json!({"status": "STOPPED"})));
    assert_eq!(api.get_notebook(&n.id).await.unwrap().status.as_str(), "STOPPED");

    let status = sim.terminate();
    assert!(status.success(), "{status}");
}

#[test]
fn the_provider_binary_refuses_odd_launches_without_a_panic() {
    use modelarts_provider::protocol::handshake::MAGIC_COOKIE_VALUE;
    for (env, expected) in [
        (vec![], "this is a Terraform plugin"),
        (vec![("TF_PLUGIN_MAGIC_COOKIE", "wrong")], "this is a Terraform plugin"),
        (
            vec![("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE), ("PLUGIN_PROTOCOL_VERSIONS", "5,\u{e9}")],
            "speaks only version 6",
        ),
        (vec![("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE), ("PLUGIN_MIN_PORT", "99999")], "not a port number"),
        (
            vec![
                ("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE),
                ("PLUGIN_CLIENT_CERT", "-----BEGIN CERTIFICATE-----\n\u{e9}\n-----END CERTIFICATE-----"),
            ],
            "PLUGIN_CLIENT_CERT",
        ),
    ] {
        let mut cmd = std::process::Command::new(crate::common::PROVIDER_BIN);
        for k in [
            "TF_PLUGIN_MAGIC_COOKIE",
            "PLUGIN_PROTOCOL_VERSIONS",
            "PLUGIN_MIN_PORT",
            "PLUGIN_MAX_PORT",
            "PLUGIN_CLIENT_CERT",
        ] {
            cmd.env_remove(k);
        }
        let out = cmd.envs(env.iter().copied()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{env:?}");
        assert!(stderr.contains(expected), "{env:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{env:?}: {stderr}");
    }
    let out = std::process::Command::new(crate::common::PROVIDER_BIN).arg("--no-such-flag").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
