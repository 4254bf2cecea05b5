//! A stand-in for the official Huawei Cloud provider, for the migration tests only.
//!
//! It declares just the `huaweicloud_modelarts_notebook`,
//! `huaweicloud_modelarts_notebook_mount_storage` and
//! `huaweicloud_modelarts_notebook_image_store` schemas (version 0), as the
//! official provider writes their states, accepts any provider configuration and
//! makes no API call: reads return the state as stored; anything else is an error.
//! Build it with `cargo build --example terraform-provider-huaweicloud`.

use std::process::ExitCode;
use std::sync::Arc;

use async_trait::async_trait;
use modelarts_provider::framework::provider::{ConfigureRequest, ConfigureResponse};
use modelarts_provider::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ReadRequest, ReadResponse, ResourceWithUpdate,
    UpdateRequest, UpdateResponse,
};
use modelarts_provider::framework::{
    Attribute, Block, CallContext, DataSource, NestedBlock, Provider, ProviderService, Resource, Schema,
};
use modelarts_provider::protocol::handshake::LaunchEnv;
use modelarts_provider::protocol::server::{serve, Launch};
use modelarts_provider::protocol::{Diagnostics, Type};

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

    async fn configure(&self, _: &ConfigureRequest<'_>, resp: &mut ConfigureResponse) {
        resp.data = Some(Arc::new(()));
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(Official { type_name: "huaweicloud_modelarts_notebook", schema: notebook_schema }),
            Arc::new(Official { type_name: "huaweicloud_modelarts_notebook_mount_storage", schema: mount_schema }),
            Arc::new(Official { type_name: "huaweicloud_modelarts_notebook_image_store", schema: image_store_schema }),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
}

/// One of the official provider's resource types, as its state records it.
struct Official {
    type_name: &'static str,
    schema: fn() -> Schema,
}

fn refused() -> Diagnostics {
    Diagnostics::with_error("Stand-in provider", "This stand-in for the official Huawei Cloud provider makes no API calls; move the resource to this provider's type.")
}

fn notebook_schema() -> Schema {
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

fn mount_schema() -> Schema {
    let s = |n| Attribute::string(n).required().describe("As in the official provider.");
    let c = |n| Attribute::string(n).computed().describe("As in the official provider.");
    let block = Block::new("The official provider's storage mount, as its state records it.")
        .attr(c("id"))
        .attr(Attribute::string("region").optional_computed().describe("Region."))
        .attr(s("notebook_id"))
        .attr(s("storage_path"))
        .attr(s("local_mount_directory"))
        .attr(c("type"))
        .attr(c("mount_id"))
        .attr(c("status"));
    Schema::new(0, block)
}

fn image_store_schema() -> Schema {
    let s = |n| Attribute::string(n).required().describe("As in the official provider.");
    let o = |n| Attribute::string(n).optional().describe("As in the official provider.");
    let c = |n| Attribute::string(n).computed().describe("As in the official provider.");
    let mut block = Block::new("The official provider's saved image, as its state records it.")
        .attr(c("id"))
        .attr(Attribute::string("region").optional_computed().describe("Region."))
        .attr(Attribute::string("workspace_id").optional_computed().describe("As in the official provider."))
        .attr(Attribute::list_of("resource_categories", Type::String).computed().describe("Categories."));
    for name in ["notebook_id", "name", "namespace"] {
        block = block.attr(s(name));
    }
    for name in ["tag", "description", "enable_force_new"] {
        block = block.attr(o(name));
    }
    for name in ["swr_path", "arch", "origin", "service_type", "visibility", "status", "type", "created_at"] {
        block = block.attr(c(name));
    }
    Schema::new(0, block)
}

#[async_trait]
impl Resource for Official {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> Schema {
        (self.schema)()
    }

    async fn create(&self, _: &CallContext, _: &CreateRequest<'_>, resp: &mut CreateResponse) {
        resp.diagnostics = refused();
    }

    /// Reads return the state as stored (the response comes prefilled with it).
    async fn read(&self, _: &CallContext, _: &ReadRequest<'_>, _: &mut ReadResponse) {}

    async fn delete(&self, _: &CallContext, _: &DeleteRequest<'_>, resp: &mut DeleteResponse) {
        resp.diagnostics = refused();
    }

    fn as_update(&self) -> Option<&dyn ResourceWithUpdate> {
        Some(self)
    }
}

#[async_trait]
impl ResourceWithUpdate for Official {
    async fn update(&self, _: &CallContext, req: &UpdateRequest<'_>, resp: &mut UpdateResponse) {
        resp.state = Some(req.state.clone());
        resp.diagnostics = refused();
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
