//! `ephemeral "modelarts_notebook_access"`: how to reach a notebook — its web UI's
//! URL, the UI's access token and the SSH address — read for one Terraform run and
//! never written to a state or plan file (Terraform 1.10+).
//!
//! The values are the notebook's `url`, `token` and SSH endpoint `uri` as the show
//! API reports them (`GET /v1/{project_id}/notebooks/{id}`; the fields are in
//! `docs/development/modelarts-api.md`, "Access token"; the SDK's `NotebookResp` has them).
//! The token is why this is ephemeral: the resource keeps only the URL, and the
//! client's [`Secret`](crate::client::types::Secret) keeps the token out of logs.

use async_trait::async_trait;

use crate::client::ids::NotebookId;
use crate::client::types::{Notebook, Status};
use crate::framework::ephemeral::{EphemeralResource, OpenRequest, OpenResponse};
use crate::framework::model::{decode, IntoValue};
use crate::framework::{Attribute, Block, CallContext, Schema};
use crate::protocol::{Diagnostics, Value};

use super::configured::client;
use super::diagnose::{api_error, notebook_not_found};
use super::notebook::changes::{Field, NOTEBOOK_BLAME};

/// `modelarts_notebook_access`.
#[derive(Debug)]
pub(crate) struct NotebookAccess;

pub(crate) fn schema() -> Schema {
    Schema::new(
        0,
        Block::new("How to reach a notebook: its web UI's URL and access token, and its SSH address. Ephemeral (Terraform 1.10+): the values are read for one run and never written to the state or a plan file, so the token can be handed to a provider block, a provisioner or another ephemeral value without being stored.")
            .attr(Attribute::string(AccessModel::NOTEBOOK_ID).required().describe("The notebook's ID."))
            .attr(Attribute::string(AccessModel::REGION).optional().describe("The notebook's region; the provider's when omitted."))
            .attr(Attribute::string(AccessModel::URL).computed().describe("URL of the notebook's web UI (JupyterLab)."))
            .attr(Attribute::string(AccessModel::TOKEN).computed().sensitive().describe("The web UI's access token. Null when the API reports none."))
            .attr(Attribute::string(AccessModel::SSH_URI).computed().describe("Address of the notebook's SSH endpoint as the API reports it (the SDK: the instance's private IP address); null when the notebook has no key pair."))
            .attr(Attribute::string(AccessModel::STATUS).computed().describe("The notebook's status when it was read. The URL and the SSH address answer only while it is `RUNNING`.")),
    )
}

/// The ephemeral value: the model names the attributes (`AccessModel::URL`, ...).
#[derive(Debug, Default, PartialEq, tfplugin::Model)]
struct AccessModel {
    notebook_id: String,
    region: Option<String>,
    url: Option<String>,
    token: Option<String>,
    ssh_uri: Option<String>,
    status: Option<String>,
}

impl AccessModel {
    /// This configuration with what the API reports about notebook `n`.
    fn with(self, n: &Notebook) -> AccessModel {
        let nonempty = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
        AccessModel {
            url: nonempty(n.url.as_deref()),
            token: nonempty(n.token.as_ref().map(|t| t.0.as_str())),
            ssh_uri: nonempty(n.ssh_endpoint().and_then(|e| e.uri.as_deref())),
            status: Some(n.status.to_string()),
            ..self
        }
    }
}

/// Warnings about values that will not work as they are.
fn caveats(n: &Notebook, m: &AccessModel, diags: &mut Diagnostics) {
    if n.status != Status::Running {
        diags.warning(
            "The notebook is not running",
            format!(
                "Notebook {:?} is {}: its web UI and SSH address answer only while it is RUNNING. Start it with `running = true` on the modelarts_notebook resource, or with the modelarts_notebook_power action.",
                n.name, n.status
            ),
        );
    }
    if m.token.is_none() {
        diags.warning("No access token", format!("The API reported no web UI token for notebook {:?}.", n.name));
    }
}

async fn open(ctx: &CallContext, config: &Value) -> Result<(Value, Diagnostics), Diagnostics> {
    let model: AccessModel = decode(config).map_err(|e| e.to_diagnostics("Invalid configuration"))?;
    let (api, region) = client(ctx, model.region.as_deref()).await?;
    let n = match api.get_notebook(&NotebookId::from(&model.notebook_id)).await {
        Ok(n) => n,
        Err(e) if e.is_not_found() => {
            return Err(notebook_not_found(AccessModel::NOTEBOOK_ID, &model.notebook_id, &region))
        }
        Err(e) => return Err(api_error("Cannot read the notebook", &e, &[] as &[Field], NOTEBOOK_BLAME)),
    };
    let opened = model.with(&n);
    let mut diags = Diagnostics::default();
    caveats(&n, &opened, &mut diags);
    tracing::debug!(notebook = %n.id, status = %n.status, "opened the notebook's access values");
    Ok((opened.into_value(), diags))
}

#[async_trait]
impl EphemeralResource for NotebookAccess {
    fn type_name(&self) -> &'static str {
        "modelarts_notebook_access"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn open(&self, ctx: &CallContext, req: &OpenRequest<'_>, resp: &mut OpenResponse) {
        match open(ctx, req.config).await {
            Ok((value, diags)) => {
                resp.result = Some(value);
                resp.diagnostics.extend(diags);
            }
            Err(d) => resp.diagnostics.extend(d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notebook(json: &str) -> Notebook {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_schema_and_the_model_agree() {
        use tfplugin::framework::TfType;
        assert_eq!(schema().ty(), AccessModel::tf_type());
        assert_eq!(crate::framework::model::agree(&schema().ty(), &AccessModel::tf_type()), Ok(()));
    }

    #[test]
    fn the_values_come_from_the_show_answer() {
        let n = notebook(
            r#"{"id":"n1","name":"dev","status":"RUNNING","url":"https://ui/lab","token":"s3cret",
                "endpoints":[{"service":"SSH","key_pair_names":["k"],"uri":"10.0.0.1:22"}]}"#,
        );
        let m = AccessModel { notebook_id: "n1".into(), ..Default::default() }.with(&n);
        assert_eq!(m.url.as_deref(), Some("https://ui/lab"));
        assert_eq!(m.token.as_deref(), Some("s3cret"));
        assert_eq!(m.ssh_uri.as_deref(), Some("10.0.0.1:22"));
        assert_eq!(m.status.as_deref(), Some("RUNNING"));
        let mut d = Diagnostics::default();
        caveats(&n, &m, &mut d);
        assert!(d.is_empty(), "{d:?}");
        let back: AccessModel = decode(&m.into_value()).unwrap();
        assert_eq!(back.token.as_deref(), Some("s3cret"));
    }

    #[test]
    fn a_stopped_notebook_or_a_missing_token_is_a_warning() {
        let n = notebook(r#"{"id":"n1","name":"dev","status":"STOPPED","token":""}"#);
        let m = AccessModel { notebook_id: "n1".into(), ..Default::default() }.with(&n);
        assert_eq!((m.token.as_deref(), m.ssh_uri.as_deref()), (None, None));
        let mut d = Diagnostics::default();
        caveats(&n, &m, &mut d);
        assert!(!d.has_errors());
        let text = format!("{d:?}");
        assert!(text.contains("not running") && text.contains("No access token"), "{text}");
    }
}
