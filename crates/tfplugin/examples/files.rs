//! A provider that knows nothing of any cloud: `files_file` manages a text file on
//! the machine that runs Terraform. It shows a resource with a derived model,
//! create, read (a file deleted outside Terraform is drift), update in place,
//! requires-replace, import and delete — and `tests/example_provider.rs` drives it
//! through the real `terraform` binary.
//!
//! Build it (`cargo build -p tfplugin --example files`), copy
//! `target/debug/examples/files` to a directory as `terraform-provider-files`, and
//! point a `dev_overrides` entry for `registry.terraform.io/example/files` at it.

use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::framework::model::{decode, IntoValue};
use tfplugin::framework::provider::{ConfigureRequest, ConfigureResponse};
use tfplugin::framework::resource::*;
use tfplugin::framework::{Attribute, Block, CallContext, DataSource, Provider, ProviderService, Resource, Schema};
use tfplugin::protocol::handshake::LaunchEnv;
use tfplugin::protocol::server::{serve, Launch};

struct Files;

#[async_trait]
impl Provider for Files {
    fn schema(&self) -> Schema {
        Schema::new(0, Block::new("Text files on the machine that runs Terraform."))
    }
    async fn configure(&self, _: &ConfigureRequest<'_>, _: &mut ConfigureResponse) {}
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(FileResource)]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
}

/// A `files_file`: the model names the attributes once.
#[derive(tfplugin::Model, Debug, Default)]
struct FileModel {
    path: String,
    content: String,
    id: Option<String>,
}

struct FileResource;

impl FileResource {
    fn write(model: FileModel) -> Result<FileModel, String> {
        std::fs::write(&model.path, &model.content).map_err(|e| format!("cannot write {}: {e}", model.path))?;
        Ok(FileModel { id: Some(model.path.clone()), ..model })
    }
}

#[async_trait]
impl Resource for FileResource {
    fn type_name(&self) -> &'static str {
        "files_file"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new("A text file.")
                .attr(Attribute::string(FileModel::PATH).required().requires_replace().describe("Where the file is."))
                .attr(Attribute::string(FileModel::CONTENT).required().describe("What it holds."))
                .attr(Attribute::string(FileModel::ID).computed().use_state_for_unknown().describe("The path.")),
        )
    }

    async fn create(&self, _: &CallContext, req: &CreateRequest<'_>, resp: &mut CreateResponse) {
        match decode::<FileModel>(req.plan).map_err(|e| e.to_string()).and_then(Self::write) {
            Ok(m) => resp.state = Some(m.into_value()),
            Err(e) => resp.diagnostics.error("Cannot create the file", e),
        }
    }

    async fn read(&self, _: &CallContext, req: &ReadRequest<'_>, resp: &mut ReadResponse) {
        let Ok(mut m) = decode::<FileModel>(req.state) else { return };
        match std::fs::read_to_string(&m.path) {
            Ok(content) => {
                m.content = content;
                resp.state = Some(m.into_value());
            }
            // Gone outside Terraform: drift, planned as a new file.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => resp.state = None,
            Err(e) => resp.diagnostics.error("Cannot read the file", format!("{}: {e}", m.path)),
        }
    }

    async fn delete(&self, _: &CallContext, req: &DeleteRequest<'_>, resp: &mut DeleteResponse) {
        let Ok(m) = decode::<FileModel>(req.state) else { return };
        if let Err(e) = std::fs::remove_file(&m.path) {
            if e.kind() != std::io::ErrorKind::NotFound {
                resp.diagnostics.error("Cannot delete the file", format!("{}: {e}", m.path));
            }
        }
    }

    fn as_update(&self) -> Option<&dyn ResourceWithUpdate> {
        Some(self)
    }

    fn as_import_state(&self) -> Option<&dyn ResourceWithImportState> {
        Some(self)
    }
}

#[async_trait]
impl ResourceWithUpdate for FileResource {
    async fn update(&self, _: &CallContext, req: &UpdateRequest<'_>, resp: &mut UpdateResponse) {
        match decode::<FileModel>(req.plan).map_err(|e| e.to_string()).and_then(Self::write) {
            Ok(m) => resp.state = Some(m.into_value()),
            Err(e) => resp.diagnostics.error("Cannot update the file", e),
        }
    }
}

#[async_trait]
impl ResourceWithImportState for FileResource {
    async fn import_state(&self, _: &CallContext, req: &ImportStateRequest<'_>, resp: &mut ImportStateResponse) {
        match std::fs::read_to_string(req.id) {
            Ok(content) => {
                let m = FileModel { path: req.id.to_string(), content, id: Some(req.id.to_string()) };
                resp.state = Some(m.into_value());
            }
            Err(e) => resp.diagnostics.error("Cannot import the file", format!("{}: {e}", req.id)),
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let env = LaunchEnv::from_process();
    if !env.launched_by_terraform() {
        eprintln!("This is a Terraform provider: Terraform runs it.");
        return std::process::ExitCode::FAILURE;
    }
    serve(Arc::new(ProviderService::new(Arc::new(Files))), Launch::Terraform(env)).await
}
