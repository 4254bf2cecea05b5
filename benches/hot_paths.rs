//! Micro-benchmarks of the provider's hot paths, each next to a baseline:
//! - signing a request, against hashing the same bytes;
//! - a notebook state's msgpack decode + encode (every RPC), against the JSON codec;
//! - the GetProviderSchema answer built from the schemas, against cloning the one
//!   the provider builds once at start (what it really does per call).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use modelarts_provider::client::signer::{authorization, sha256_hex, SignInput};
use modelarts_provider::protocol::{json, msgpack, Value};
use modelarts_provider::provider::data_sources::{flavors, images, notebook as notebook_ds};
use modelarts_provider::provider::{config, notebook::schema};

fn notebook_state() -> Value {
    Value::object([
        ("id", "0b4bd3ad-6a1b-4d12-8a0c-5c1a2b3c4d5e".into()),
        ("name", "bench-notebook".into()),
        ("description", "a notebook for benchmarks".into()),
        ("flavor_id", "modelarts.vm.cpu.2u".into()),
        ("image_id", "e1a07296-22a8-4f05-8bc8-e936c8e54090".into()),
        ("running", Value::Bool(true)),
        ("status", "RUNNING".into()),
        ("url", "https://authoring-modelarts.example/0b4bd3ad/lab".into()),
        ("image_name", "notebook2.0-mul-kernel-cpu-cp36".into()),
        (
            "image_swr_path",
            "swr.cn-north-4.myhuaweicloud.com/atelier/notebook2.0-mul-kernel-cpu-cp36:3.3.2-release_v1".into(),
        ),
        ("image_type", "BUILD_IN".into()),
        ("workspace_id", "0".into()),
        ("created_at", "2026-11-21T23:52:18Z".into()),
        ("updated_at", "2026-11-22T00:01:02Z".into()),
        (
            "volume",
            Value::List(vec![Value::object([
                ("type", "EVS".into()),
                ("ownership", "MANAGED".into()),
                ("size", Value::int(50)),
                ("mount_path", "/home/ma-user/work/".into()),
            ])]),
        ),
        ("auto_stop", Value::List(vec![Value::object([("type", "TIMING".into()), ("duration", "4h".into())])])),
    ])
}

fn signing(c: &mut Criterion) {
    let headers: Vec<(String, String)> = vec![
        ("Host".into(), "modelarts.cn-north-4.myhuaweicloud.com".into()),
        ("X-Sdk-Date".into(), "20261121T235218Z".into()),
        ("Content-Type".into(), "application/json".into()),
        ("X-Project-Id".into(), "0123456789abcdef0123456789abcdef".into()),
    ];
    let body = br#"{"name":"bench","flavor":"modelarts.vm.cpu.2u","image_id":"e1a07296-22a8-4f05-8bc8-e936c8e54090","volume":{"category":"EVS","ownership":"MANAGED","capacity":50}}"#;
    let query = vec![("limit".to_string(), "50".to_string()), ("offset".to_string(), "0".to_string())];
    let input = SignInput {
        method: "POST",
        path: "/v1/0123456789abcdef0123456789abcdef/notebooks",
        query: &query,
        headers: &headers,
        payload_hash: None,
        body,
        sdk_date: "20261121T235218Z",
    };
    c.bench_function("sign_request", |b| b.iter(|| authorization(black_box("AK"), black_box("SK"), black_box(&input))));
    c.bench_function("sign_request/baseline_sha256_of_body", |b| b.iter(|| sha256_hex(black_box(body))));
}

fn codec(c: &mut Criterion) {
    let ty = schema::schema().ty();
    let state = notebook_state();
    let packed = msgpack::encode(&state, &ty).unwrap();
    let as_json = serde_json::to_vec(&json::to_json(&state)).unwrap();
    c.bench_function("msgpack_decode_encode_notebook_state", |b| {
        b.iter(|| {
            let v = msgpack::decode(black_box(&packed), &ty).unwrap();
            msgpack::encode(&v, &ty).unwrap()
        })
    });
    c.bench_function("msgpack_decode_encode_notebook_state/baseline_json", |b| {
        b.iter(|| {
            let j: serde_json::Value = serde_json::from_slice(black_box(&as_json)).unwrap();
            let v = json::from_json(&j, &ty).unwrap();
            serde_json::to_vec(&json::to_json(&v)).unwrap()
        })
    });
}

fn schema_response(c: &mut Criterion) {
    let build = || {
        (
            config::schema().to_proto(),
            schema::schema().to_proto(),
            notebook_ds::schema().to_proto(),
            flavors::schema().to_proto(),
            images::schema().to_proto(),
        )
    };
    let cached = build();
    c.bench_function("schema_response_cached", |b| b.iter(|| black_box(&cached).clone()));
    c.bench_function("schema_response_cached/baseline_built_per_call", |b| b.iter(build));
}

/// An API client for a configured provider: built for every region and for IAM in
/// each plugin launch. The baseline builds an HTTP client the way every client
/// used to (loading the system's root certificates each time).
fn client_construction(c: &mut Criterion) {
    use modelarts_provider::client::{Client, ClientConfig};
    let config = || ClientConfig::new("http://127.0.0.1:9", "project", "AK", "SK");
    c.bench_function("client_new_http_endpoint", |b| b.iter(|| Client::new(black_box(config())).map(|_| ())));
    c.bench_function("client_new_http_endpoint/baseline_http_client_with_system_roots", |b| {
        b.iter(|| reqwest::Client::builder().build().map(|_| ()))
    });
}

criterion_group!(benches, signing, codec, schema_response, client_construction);
criterion_main!(benches);
