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
use tfplugin::framework::model::IntoValue;
use tfplugin::framework::provider::ConfigureRequest;
use tfplugin::framework::resource::{Capabilities, ImportStateRequest, ImportStateResponse, ResourceWithImportState};
use tfplugin::framework::{
    Attribute, Block, CallContext, Ctx, Failure, ModelProvider, ModelResource, ProviderService, Schema, Served,
    TypedProvider,
};
use tfplugin::protocol::handshake::LaunchEnv;
use tfplugin::protocol::server::{serve, Launch};
use tfplugin::protocol::Diagnostics;

struct Files;

/// The provider configures nothing: its data is `()`, and every typed resource it
/// serves takes `()` (one written for other data would not compile here).
#[async_trait]
impl ModelProvider for Files {
    type Data = ();

    fn schema(&self) -> Schema {
        Schema::new(0, Block::new("Text files on the machine that runs Terraform."))
    }

    async fn configure(&self, _: &ConfigureRequest<'_>, _: &mut Diagnostics) -> Option<()> {
        Some(())
    }

    fn serve(&self, served: &mut Served<()>) {
        served.resource(FileResource);
    }
}

/// A `files_file`: the model names the attributes once.
#[derive(tfplugin::Model, Clone, Debug, Default)]
struct FileModel {
    path: String,
    content: String,
    id: Option<String>,
}

struct FileResource;

impl FileResource {
    fn write(model: FileModel, doing: &str) -> Result<FileModel, Failure<FileModel>> {
        match std::fs::write(&model.path, &model.content) {
            Ok(()) => Ok(FileModel { id: Some(model.path.clone()), ..model }),
            Err(e) => Err(Failure::error(format!("Cannot {doing} the file"), format!("{}: {e}", model.path))),
        }
    }
}

/// Written against its model: each operation takes a `FileModel` and returns a
/// `Result`; `Typed(FileResource)` serves it to Terraform.
#[async_trait]
impl ModelResource for FileResource {
    type Model = FileModel;
    /// The provider configures nothing.
    type Data = ();
    const UPDATES_IN_PLACE: bool = true;

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

    async fn create(&self, _: &Ctx<'_, ()>, plan: FileModel) -> Result<FileModel, Failure<FileModel>> {
        Self::write(plan, "create")
    }

    async fn read(&self, _: &Ctx<'_, ()>, mut state: FileModel) -> Result<Option<FileModel>, Failure<FileModel>> {
        match std::fs::read_to_string(&state.path) {
            Ok(content) => {
                state.content = content;
                Ok(Some(state))
            }
            // Gone outside Terraform: drift, planned as a new file.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Failure::error("Cannot read the file", format!("{}: {e}", state.path))),
        }
    }

    async fn update(&self, _: &Ctx<'_, ()>, _: FileModel, plan: FileModel) -> Result<FileModel, Failure<FileModel>> {
        Self::write(plan, "update")
    }

    async fn delete(&self, _: &Ctx<'_, ()>, state: FileModel) -> Result<(), Diagnostics> {
        match std::fs::remove_file(&state.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Diagnostics::with_error("Cannot delete the file", format!("{}: {e}", state.path)))
            }
            _ => Ok(()),
        }
    }

    fn capabilities(&self) -> Capabilities<'_> {
        Capabilities { import_state: Some(self), ..Capabilities::default() }
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
    serve(Arc::new(ProviderService::new(Arc::new(TypedProvider(Files)))), Launch::Terraform(env)).await
}
