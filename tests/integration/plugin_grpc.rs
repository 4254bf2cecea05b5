//! The plugin started as Terraform starts it, driven over gRPC with a client
//! generated from the same `proto/`.

use std::time::Duration;

use crate::common::plugin::{client_identity, launch};
use modelarts_provider::proto::tfplugin6 as pb;
use modelarts_provider::protocol::{msgpack, AttributePath, Value};
use modelarts_provider::provider::config;

fn provider_config(pairs: &[(&str, Value)]) -> pb::DynamicValue {
    let schema = config::schema();
    let mut v = Value::object(schema.block.attributes.iter().map(|a| (a.name, Value::Null)));
    for (k, x) in pairs {
        v.set_attr(k, x.clone());
    }
    pb::DynamicValue { msgpack: msgpack::encode(&v, &schema.ty()).unwrap(), json: vec![] }
}

fn paths(diags: &[pb::Diagnostic]) -> Vec<String> {
    use pb::attribute_path::step::Selector;
    diags
        .iter()
        .filter_map(|d| d.attribute.as_ref())
        .map(|p| {
            p.steps
                .iter()
                .map(|s| match &s.selector {
                    Some(Selector::AttributeName(n)) => n.clone(),
                    other => format!("{other:?}"),
                })
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect()
}

#[test]
fn running_by_hand_prints_a_human_message_and_fails() {
    let out =
        std::process::Command::new(crate::common::PROVIDER_BIN).env_remove("TF_PLUGIN_MAGIC_COOKIE").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("this is a Terraform plugin; use it through terraform"), "{err}");
    assert!(out.stdout.is_empty(), "nothing on stdout, which Terraform would read as a handshake");
}

#[test]
fn refuses_protocol_versions_it_does_not_speak() {
    let err = launch(None, "4,5", &[]).err().expect("must not hand-shake");
    assert!(err.contains("speaks only version 6"), "{err}");
}

#[tokio::test]
async fn automtls_handshake_and_provider_rpcs() {
    let id = client_identity();
    // As go-plugin does off Windows: a Unix socket in PLUGIN_UNIX_SOCKET_DIR.
    let sockets = tempfile::tempdir().unwrap();
    let dir = sockets.path().to_str().unwrap();
    let mut plugin = launch(Some(&id), "5,6", &[("PLUGIN_UNIX_SOCKET_DIR", dir)]).unwrap();
    assert!(!plugin.server_cert_der.is_empty(), "AutoMTLS announces the server certificate");
    let socket = std::path::PathBuf::from(&plugin.addr);
    if cfg!(unix) {
        assert_eq!(plugin.network, "unix");
        assert_eq!(socket.parent(), Some(sockets.path()), "the socket is made where go-plugin makes it");
    } else {
        assert_eq!(plugin.network, "tcp");
    }
    let mut client = plugin.provider(&id).await;

    let schema = client.get_provider_schema(pb::get_provider_schema::Request {}).await.unwrap().into_inner();
    // One thread serves a launch: no blocking-pool threads for the handshake line, no
    // log writer while nothing is logged (each costs every launch its start and stack).
    #[cfg(target_os = "linux")]
    {
        let threads = std::fs::read_dir(format!("/proc/{}/task", plugin.child.id())).unwrap().count();
        assert_eq!(threads, 1, "threads serving a schema request");
    }
    let block = schema.provider.unwrap().block.unwrap();
    let mut names: Vec<(&str, bool)> = block.attributes.iter().map(|a| (a.name.as_str(), a.sensitive)).collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            ("access_key", false),
            ("auth_url", false),
            ("cacert_file", false),
            ("cert", false),
            ("cloud", false),
            ("default_tags", false),
            ("domain_id", false),
            ("domain_name", false),
            ("endpoint", false),
            ("endpoints", false),
            ("enterprise_project_id", false),
            ("ignore_tags", false),
            ("insecure", false),
            ("key", false),
            ("max_requests_per_second", false),
            ("max_retries", false),
            ("password", true),
            ("profile", false),
            ("project_id", false),
            ("project_name", false),
            ("region", false),
            ("request_timeout", false),
            ("secret_key", true),
            ("security_token", true),
            ("shared_config_file", false),
            ("signing_algorithm", false),
            ("token", true),
            ("user_id", false),
            ("user_name", false),
        ]
    );
    assert!(block.attributes.iter().all(|a| a.optional && !a.description.is_empty()));
    let capabilities = schema.server_capabilities.unwrap();
    assert!(capabilities.move_resource_state && capabilities.generate_resource_config);
    let access = schema.ephemeral_resource_schemas["modelarts_notebook_access"].block.clone().unwrap();
    let token = access.attributes.iter().find(|a| a.name == "token").unwrap();
    assert!(token.sensitive && token.computed, "the ephemeral token is sensitive");

    // Generated configuration leaves out what the provider sets and the defaults.
    let state = serde_json::json!({
        "id": "n1", "name": "dev", "flavor_id": "f", "image_id": "i", "status": "RUNNING",
        "allow_stopping_for_update": true, "running": true,
        "volume": [{"type": "EVS", "size": 10, "ownership": "MANAGED", "mount_path": "/home/ma-user/work/"}]
    });
    let g = client
        .generate_resource_config(pb::generate_resource_config::Request {
            type_name: "modelarts_notebook".into(),
            state: Some(pb::DynamicValue { msgpack: vec![], json: state.to_string().into_bytes() }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(g.diagnostics.is_empty(), "{:?}", g.diagnostics);
    let ty = modelarts_provider::provider::notebook::schema::schema().ty();
    let config = modelarts_provider::protocol::msgpack::decode(&g.config.unwrap().msgpack, &ty).unwrap();
    assert_eq!(config.attr("name").as_str(), Some("dev"));
    assert_eq!(config.attr("running").as_bool(), Some(true), "running has no default");
    for computed_or_default in ["id", "status", "allow_stopping_for_update"] {
        assert!(config.attr(computed_or_default).is_null(), "{computed_or_default}: {config:?}");
    }
    assert!(config.attr("volume").elements()[0].attr("mount_path").is_null(), "{config:?}");

    let meta = client.get_metadata(pb::get_metadata::Request {}).await.unwrap().into_inner();
    assert!(meta.diagnostics.is_empty());

    // Plan-time validation: a bad endpoint and negative retries point at their attributes.
    let bad = provider_config(&[("endpoint", "ftp://example".into()), ("max_retries", Value::int(-1))]);
    let v = client
        .validate_provider_config(pb::validate_provider_config::Request { config: Some(bad) })
        .await
        .unwrap()
        .into_inner();
    let mut p = paths(&v.diagnostics);
    p.sort();
    assert_eq!(p, vec!["endpoint", "max_retries"]);

    // Configure without credentials: each missing setting names its env var.
    let cfg = provider_config(&[("region", "cn-north-4".into())]);
    let c = client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.4".into(),
            config: Some(cfg),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    // (project_id is optional: without it the project is looked up through IAM; with
    // no keys anywhere, the instance metadata service is asked, and here it is not
    // there: one error names every source tried.)
    let text: Vec<String> = c.diagnostics.iter().map(|d| format!("{} {}", d.summary, d.detail)).collect();
    assert_eq!(text.len(), 1, "{text:?}");
    assert!(text[0].starts_with("No usable credentials"), "{text:?}");
    assert!(
        text[0].contains("HW_ACCESS_KEY or OS_ACCESS_KEY") && text[0].contains("instance metadata service"),
        "{text:?}"
    );

    // Unsupported calls answer with error diagnostics, not gRPC errors.
    let r = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "modelarts_nope".into(),
            config: None,
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics[0].severity, pb::diagnostic::Severity::Error as i32);
    let e = client
        .open_ephemeral_resource(pb::open_ephemeral_resource::Request {
            type_name: "x".into(),
            config: None,
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!e.diagnostics.is_empty());
    let f = client
        .call_function(pb::call_function::Request { name: "f".into(), arguments: vec![] })
        .await
        .unwrap()
        .into_inner();
    assert!(f.error.is_some());
    // Garbage msgpack is a diagnostic, not a crash.
    let g = client
        .validate_provider_config(pb::validate_provider_config::Request {
            config: Some(pb::DynamicValue { msgpack: vec![0xc1, 0xff], json: vec![] }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(g.diagnostics[0].summary.contains("decode"), "{:?}", g.diagnostics);

    let s = client.stop_provider(pb::stop_provider::Request {}).await.unwrap().into_inner();
    assert!(s.error.is_empty());

    let status = plugin.shutdown(&id).await;
    assert!(status.success(), "clean exit after Shutdown: {status}");
    assert!(!socket.exists(), "the socket file is removed when the plugin exits");
}

/// Where the socket would need another group (which needs the group database), the
/// plugin listens on TCP within Terraform's port range instead: Terraform dials either.
#[tokio::test]
async fn tcp_within_the_port_range_where_a_socket_cannot_serve() {
    let id = client_identity();
    let plugin = launch(Some(&id), "6", &[("PLUGIN_UNIX_SOCKET_GROUP", "terraform")]).unwrap();
    assert_eq!(plugin.network, "tcp");
    let port: u16 = plugin.addr.rsplit(':').next().unwrap().parse().unwrap();
    assert!((10000..=25000).contains(&port), "listens within the port range: {}", plugin.addr);
    assert!(plugin.addr.starts_with("127.0.0.1:"));
    let mut client = plugin.provider(&id).await;
    let m = client.get_metadata(pb::get_metadata::Request {}).await.unwrap().into_inner();
    assert!(m.resources.iter().any(|r| r.type_name == "modelarts_notebook"), "{:?}", m.resources);
}

#[tokio::test]
async fn refuses_clients_without_the_announced_certificate() {
    let id = client_identity();
    let stranger = client_identity();
    let plugin = launch(Some(&id), "6", &[]).unwrap();

    for who in [Some(&stranger), None] {
        let refused = match plugin.channel(who).await {
            Err(_) => true,
            Ok(ch) => pb::provider_client::ProviderClient::new(ch)
                .get_provider_schema(pb::get_provider_schema::Request {})
                .await
                .is_err(),
        };
        assert!(refused, "a client presenting {:?} must be refused", who.map(|_| "another certificate"));
    }
    // The announced client still gets through.
    let mut ok = plugin.provider(&id).await;
    tokio::time::timeout(Duration::from_secs(5), ok.get_metadata(pb::get_metadata::Request {})).await.unwrap().unwrap();
}

/// The plugin ends with `_exit`, without running destructors; what it logged up to
/// the end still reaches stderr, where Terraform reads the plugin's log.
#[tokio::test]
async fn the_log_is_written_out_before_the_plugin_exits() {
    let id = client_identity();
    let mut plugin = launch(Some(&id), "6", &[("TF_LOG", "debug")]).unwrap();
    let mut client = plugin.provider(&id).await;
    client.get_metadata(pb::get_metadata::Request {}).await.unwrap();
    let status = plugin.shutdown(&id).await;
    assert!(status.success(), "clean exit after Shutdown: {status}");
    let mut log = String::new();
    std::io::Read::read_to_string(plugin.child.stderr.as_mut().unwrap(), &mut log).unwrap();
    let last = log.lines().last().unwrap_or_default();
    assert!(last.contains("plugin server stopped"), "the server's last line is in the log: {last:?}");
}

#[test]
fn attribute_paths_travel_as_steps() {
    let p = AttributePath::attr("volume").then_index(0).then_attr("size").to_proto();
    assert_eq!(p.steps.len(), 3);
}

/// Hostile requests to every RPC that takes values: garbage msgpack, JSON state of
/// the wrong shape, odd private data, unknown versions. Each is answered with
/// error diagnostics (or handled), never a crash, and the plugin keeps serving.
#[tokio::test]
async fn hostile_requests_are_diagnostics_never_crashes() {
    let id = client_identity();
    let plugin = launch(Some(&id), "6", &[]).unwrap();
    let mut client = plugin.provider(&id).await;
    let garbage = || Some(pb::DynamicValue { msgpack: vec![0x81, 0xa2, b'i', b'd', 0xc1], json: vec![] });
    let odd_json = || Some(pb::DynamicValue { msgpack: vec![], json: br#"{"id": {"x": [1, 2]}}"#.to_vec() });
    let nb = "modelarts_notebook".to_string();
    let mut all = Vec::new();

    let plan = client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: nb.clone(),
            prior_state: garbage(),
            proposed_new_state: odd_json(),
            config: garbage(),
            prior_private: b"\xff\xfe not json".to_vec(),
            provider_meta: None,
            client_capabilities: None,
            prior_identity: Some(pb::ResourceIdentityData { identity_data: garbage() }),
        })
        .await
        .unwrap()
        .into_inner();
    all.push(("PlanResourceChange", plan.diagnostics));
    let apply = client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: nb.clone(),
            prior_state: None,
            planned_state: garbage(),
            config: garbage(),
            planned_private: vec![0xff],
            provider_meta: None,
            planned_identity: Some(pb::ResourceIdentityData { identity_data: odd_json() }),
        })
        .await
        .unwrap()
        .into_inner();
    all.push(("ApplyResourceChange", apply.diagnostics));
    let read = client
        .read_resource(pb::read_resource::Request {
            type_name: nb.clone(),
            current_state: odd_json(),
            private: b"{\"moved_from_region\": 5}".to_vec(),
            provider_meta: None,
            client_capabilities: None,
            current_identity: Some(pb::ResourceIdentityData { identity_data: garbage() }),
        })
        .await
        .unwrap()
        .into_inner();
    all.push(("ReadResource", read.diagnostics));
    for (version, json) in [(0, br#"{"volume": "20 GB"}"#.to_vec()), (7, b"{}".to_vec()), (0, b"[1, 2".to_vec())] {
        let up = client
            .upgrade_resource_state(pb::upgrade_resource_state::Request {
                type_name: nb.clone(),
                version,
                raw_state: Some(pb::RawState { json, flatmap: Default::default() }),
            })
            .await
            .unwrap()
            .into_inner();
        all.push(("UpgradeResourceState", up.diagnostics));
    }
    let moved = client
        .move_resource_state(pb::move_resource_state::Request {
            source_provider_address: "registry.terraform.io/huaweicloud/huaweicloud".into(),
            source_type_name: "huaweicloud_modelarts_notebook".into(),
            source_schema_version: 0,
            source_state: Some(pb::RawState {
                json: r#"{"id": "x", "volume": [{"size": 1e400}], "created_at": "2026-11-21 23:52:18+0é0 UTC"}"#
                    .as_bytes()
                    .to_vec(),
                flatmap: Default::default(),
            }),
            target_type_name: nb.clone(),
            source_private: vec![0xff],
            source_identity: Some(pb::RawState { json: b"[".to_vec(), flatmap: Default::default() }),
            source_identity_schema_version: 9,
        })
        .await
        .unwrap()
        .into_inner();
    all.push(("MoveResourceState", moved.diagnostics));
    for (version, json) in [(0, br#"{"id": {"x": 1}}"#.to_vec()), (3, b"{}".to_vec()), (0, b"\xff".to_vec())] {
        let up = client
            .upgrade_resource_identity(pb::upgrade_resource_identity::Request {
                type_name: nb.clone(),
                version,
                raw_identity: Some(pb::RawState { json, flatmap: Default::default() }),
            })
            .await
            .unwrap()
            .into_inner();
        all.push(("UpgradeResourceIdentity", up.diagnostics));
    }
    let import = client
        .import_resource_state(pb::import_resource_state::Request {
            type_name: nb.clone(),
            id: String::new(),
            client_capabilities: None,
            identity: Some(pb::ResourceIdentityData { identity_data: odd_json() }),
        })
        .await
        .unwrap()
        .into_inner();
    all.push(("ImportResourceState", import.diagnostics));
    let mut listing = client
        .list_resource(pb::list_resource::Request {
            type_name: nb.clone(),
            config: garbage(),
            include_resource_object: true,
            limit: -1,
        })
        .await
        .unwrap()
        .into_inner();
    let first = listing.message().await.unwrap().expect("one event with the error");
    all.push(("ListResource", first.diagnostic));
    for (rpc, diags) in all {
        assert!(!diags.is_empty(), "{rpc} answered without a diagnostic");
        assert!(diags.iter().any(|d| d.severity == pb::diagnostic::Severity::Error as i32), "{rpc}: {diags:?}");
        for d in &diags {
            assert!(!d.summary.contains("failed handling"), "{rpc} crashed: {d:?}");
        }
    }
    // Still serving.
    client.get_metadata(pb::get_metadata::Request {}).await.unwrap();
}
