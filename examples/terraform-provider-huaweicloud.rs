//! A stand-in for the official Huawei Cloud provider, for the migration tests only.
//!
//! It declares just the `huaweicloud_modelarts_notebook` schema (version 0), as the
//! official provider writes its state, accepts any provider configuration and makes
//! no API call: reads return the state as stored; anything else is an error.
//! Build it with `cargo build --example terraform-provider-huaweicloud`.

use std::process::ExitCode;
use std::sync::Arc;

use async_trait::async_trait;
use modelarts_provider::framework::{
    Attribute, Block, CallContext, DataSource, NestedBlock, Outcome, Provider, ProviderData, ProviderService, Resource,
    Schema,
};
use modelarts_provider::protocol::handshake::LaunchEnv;
use modelarts_provider::protocol::server::{serve, Launch};
use modelarts_provider::protocol::{Diagnostics, Type, Value};

struct StandIn;

#[async_trait]
impl Provider for StandIn {
    fn schema(&self) -> Schema {
        let mut block = Block::new("Stand-in for registry.terraform.io/huaweicloud/huaweicloud.");
        for name in
            ["region", "project_id", "access_key", "secret_key", "security_token", "cloud", "auth_url", "domain_name"]
        {
            block = block.attr(Attribute::string(name).optional().describe("Accepted and ignored."));
        }
        Schema::new(0, block)
    }

    async fn configure(&self, _config: &Value, _diags: &mut Diagnostics) -> Option<ProviderData> {
        Some(Arc::new(()))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(OfficialNotebook)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
}

struct OfficialNotebook;

fn refused() -> Diagnostics {
    let mut d = Diagnostics::new();
    d.error("Stand-in provider", "This stand-in for the official Huawei Cloud provider makes no API calls; move the resource to modelarts_notebook.");
    d
}

#[async_trait]
impl Resource for OfficialNotebook {
    fn type_name(&self) -> &'static str {
        "huaweicloud_modelarts_notebook"
    }

    fn schema(&self) -> Schema {
        let s = |n| Attribute::string(n).optional().describe("As in the official provider.");
        let c = |n| Attribute::string(n).computed().describe("As in the official provider.");
        let volume = Block::new("Storage.")
            .attr(Attribute::string("type").required().describe("Storage type."))
            .attr(Attribute::string("ownership").optional_computed().describe("Ownership."))
            .attr(Attribute::number("size").optional_computed().describe("Size in GB."))
            .attr(Attribute::string("uri").optional().describe("URI."))
            .attr(Attribute::string("mount_path").computed().describe("Mount path."));
        let storage = Type::object([
            ("id", Type::String),
            ("type", Type::String),
            ("mount_path", Type::String),
            ("path", Type::String),
            ("status", Type::String),
        ]);
        let block = Block::new("The official provider's notebook, as its state records it.")
            .attr(c("id"))
            .attr(Attribute::string("region").optional_computed().describe("Region."))
            .attr(Attribute::string("name").required().describe("Name."))
            .attr(Attribute::string("flavor_id").required().describe("Flavor."))
            .attr(Attribute::string("image_id").required().describe("Image."))
            .attr(s("description"))
            .attr(s("key_pair"))
            .attr(Attribute::list_of("allowed_access_ips", Type::String).optional().describe("SSH whitelist."))
            .attr(s("pool_id"))
            .attr(Attribute::string("workspace_id").optional_computed().describe("Workspace."))
            .attr(Attribute::bool("auto_stop_enabled").computed().describe("Auto-stop."))
            .attr(c("status"))
            .attr(c("image_name"))
            .attr(c("image_swr_path"))
            .attr(c("image_type"))
            .attr(c("created_at"))
            .attr(c("updated_at"))
            .attr(c("pool_name"))
            .attr(c("url"))
            .attr(c("ssh_uri"))
            .attr(Attribute::list_of("mount_storages", storage).computed().describe("Mounted storages."))
            .block(NestedBlock::list("volume", 1, 1, volume));
        Schema::new(0, block)
    }

    async fn create(&self, _: &CallContext, _: &Value, _: &Value) -> Outcome {
        Outcome::failed(None, refused())
    }

    async fn read(&self, _: &CallContext, current: &Value, _: &[u8]) -> Outcome {
        Outcome::ok(current.clone())
    }

    async fn update(&self, _: &CallContext, prior: &Value, _: &Value, _: &Value) -> Outcome {
        Outcome::failed(Some(prior.clone()), refused())
    }

    async fn delete(&self, _: &CallContext, _: &Value) -> Diagnostics {
        refused()
    }

    async fn import(&self, _: &CallContext, _: &str) -> Outcome {
        Outcome::failed(None, refused())
    }
}

fn main() -> ExitCode {
    let env = LaunchEnv::from_process();
    if !env.launched_by_terraform() {
        eprintln!("terraform-provider-huaweicloud (stand-in): this is a Terraform plugin for tests; use it through terraform.");
        return ExitCode::from(1);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(Arc::new(ProviderService::new(Arc::new(StandIn))), Launch::Terraform(env)))
}
