//! The ephemeral `modelarts_notebook_access` through the machine's Terraform and
//! Terraform 1.15 (ephemeral resources need 1.10+): its values reach a provisioner, and the
//! web UI's token reaches no state, plan file, output or log.

use std::path::Path;

use crate::common::scenario::{notebook, Scenario, QUICK_TRANSITIONS};
use crate::common::sim::SimProcess;

/// The example, with its script replaced by one that writes what it was given.
fn example_writing_to_files() -> String {
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/ephemeral-resources/modelarts_notebook_access/ephemeral-resource.tf"),
    )
    .unwrap();
    let script = "./seed-workspace.sh";
    assert!(example.contains(script), "{example}");
    example.replace(script, r#"printf '%s' \"$NOTEBOOK_TOKEN\" > token.txt && printf '%s' \"$NOTEBOOK_URL\" > url.txt"#)
}

#[test]
fn a_provisioner_gets_the_token_and_no_file_keeps_it() {
    if let Some(s) = Scenario::new(QUICK_TRANSITIONS) {
        provisioner_gets_the_values_and_no_file_keeps_the_token(s);
    }
}

#[test]
fn a_provisioner_gets_the_token_and_no_file_keeps_it_on_terraform_1_15() {
    if let Some(s) = Scenario::on_terraform_1_15(QUICK_TRANSITIONS) {
        provisioner_gets_the_values_and_no_file_keeps_the_token(s);
    }
}

fn provisioner_gets_the_values_and_no_file_keeps_the_token(mut s: Scenario) {
    let config = format!(
        "{}\n{}\n{}",
        notebook("ui-user", "key_pair = \"kp-1\"").replace("\"nb\"", "\"dev\""),
        example_writing_to_files(),
        r#"
ephemeral "modelarts_notebook_access" "again" {
  notebook_id = modelarts_notebook.dev.id
}
# A local holding ephemeral values is ephemeral too.
locals {
  ssh_login = "ma-user@${ephemeral.modelarts_notebook_access.again.ssh_uri}"
}
resource "terraform_data" "ssh" {
  triggers_replace = [modelarts_notebook.dev.id]
  provisioner "local-exec" {
    command     = "printf '%s' \"$SSH\" > ssh.txt"
    environment = { SSH = local.ssh_login }
  }
}
"#
    );
    s.config(&config);
    let log = s.wd.path().join("trace.log");
    s.wd.set_env("TF_LOG_PROVIDER", "trace");
    s.wd.set_env("TF_LOG_PATH", log.to_str().unwrap());
    let apply = s.wd.ok(&["apply", "-auto-approve"]);
    println!("{}", apply.all());

    let nb = s.sim.notebooks().into_iter().next().expect("the notebook was made");
    let token = nb.token.clone().expect("the API reports a web UI token").0;
    assert!(!token.is_empty());
    let read = |f: &str| std::fs::read_to_string(s.wd.path().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    assert_eq!(read("token.txt"), token, "the provisioner got the token");
    assert_eq!(Some(read("url.txt")), nb.url, "the provisioner got the URL");
    let ssh_uri = nb.endpoints.iter().find_map(|e| e.uri.clone()).expect("the notebook has an SSH endpoint");
    assert_eq!(read("ssh.txt"), format!("ma-user@{ssh_uri}"), "the provisioner got the SSH address through a local");

    // The next plan opens the ephemeral resource again and changes nothing.
    let mark = s.mark();
    let plan = s.wd.ok(&["plan", "-detailed-exitcode", "-out=saved.tfplan"]);
    assert!(plan.flat().contains("No changes."), "{}", plan.all());
    assert_eq!(s.sim.ops_since(mark, false), Vec::<String>::new(), "opening writes nothing");
    let saved_plan = s.wd.ok(&["show", "-json", "saved.tfplan"]).stdout;
    let state = read("terraform.tfstate");
    let trace = read("trace.log");
    assert!(trace.contains("opened the notebook's access values"), "the provider's logs are in the trace");
    for (place, text) in [
        ("apply output", apply.all()),
        ("plan output", plan.all()),
        ("saved plan", saved_plan),
        ("state", state),
        ("provider log", trace),
    ] {
        assert!(!text.contains(&token), "the web UI token appears in the {place}");
    }
}

#[test]
fn a_missing_notebook_is_an_error_at_notebook_id_and_a_stopped_one_a_warning() {
    let Some(s) = Scenario::new(QUICK_TRANSITIONS) else { return };
    s.config(
        r#"
ephemeral "modelarts_notebook_access" "x" {
  notebook_id = "00000000-0000-0000-0000-000000000000"
}
"#,
    );
    let out = s.wd.fails(&["plan"]);
    let flat = out.flat();
    assert!(flat.contains("Notebook not found") && flat.contains("notebook_id"), "{}", out.all());
    assert!(!flat.contains("panic"), "{}", out.all());

    s.config(&format!(
        "{}\n{}",
        notebook("sleeper", "running = false"),
        r#"
ephemeral "modelarts_notebook_access" "x" {
  notebook_id = modelarts_notebook.nb.id
}
"#
    ));
    s.wd.ok(&["apply", "-auto-approve"]);
    let out = s.wd.ok(&["plan"]);
    let flat = out.flat();
    assert!(flat.contains("The notebook is not running") && flat.contains("STOPPED"), "{}", out.all());
    let mark = s.mark();
    s.wd.ok(&["plan"]);
    assert_eq!(s.sim.ops_since(mark, false), Vec::<String>::new(), "opening writes nothing");
}

/// Terraform hands ephemeral values to provider blocks (1.10+). A second `modelarts`
/// provider, pointed at a simulator that requires an `X-Security-Token`, is given the
/// notebook's web UI token as its `security_token`: its data source reads only if the
/// value arrived, and no file Terraform writes keeps it. (Using a notebook's token as
/// an IAM token makes sense only here; what matters is that the value travels.)
#[test]
fn an_ephemeral_token_configures_another_provider_and_stays_out_of_files() {
    if let Some(s) = Scenario::new(QUICK_TRANSITIONS) {
        ephemeral_token_in_a_provider_block(s);
    }
}

#[test]
fn an_ephemeral_token_configures_another_provider_on_terraform_1_15() {
    if let Some(s) = Scenario::on_terraform_1_15(QUICK_TRANSITIONS) {
        ephemeral_token_in_a_provider_block(s);
    }
}

fn ephemeral_token_in_a_provider_block(s: Scenario) {
    let id = s.made_behind_terraforms_back(&["token-source"]).remove(0);
    let token = s.sim.notebook(&id).token.expect("a running notebook has a web UI token").0;
    let guarded = SimProcess::start(&["--security-token", &token]);
    s.config(&format!(
        r#"
ephemeral "modelarts_notebook_access" "src" {{
  notebook_id = "{id}"
}}
provider "modelarts" {{
  alias          = "guarded"
  region         = "sim-region-1"
  project_id     = "sim-project"
  access_key     = "SIMACCESSKEY"
  secret_key     = "sim-secret-key"
  endpoint       = "{url}"
  security_token = ephemeral.modelarts_notebook_access.src.token
}}
data "modelarts_notebook_flavors" "all" {{
  provider = modelarts.guarded
}}
output "flavor_count" {{
  value = length(data.modelarts_notebook_flavors.all.flavors)
}}
"#,
        url = guarded.url
    ));
    let apply = s.wd.ok(&["apply", "-auto-approve"]);
    let count: usize = s.wd.ok(&["output", "-raw", "flavor_count"]).stdout.trim().parse().unwrap();
    assert!(count > 0, "the guarded simulator answered: {}", apply.all());
    let guarded_calls = guarded.calls();
    assert!(!guarded_calls.is_empty() && guarded_calls.iter().all(|c| c.response == 200), "{guarded_calls:?}");

    let plan = s.wd.ok(&["plan", "-out=saved.tfplan"]);
    let saved_plan = s.wd.ok(&["show", "-json", "saved.tfplan"]).stdout;
    let state = std::fs::read_to_string(s.wd.path().join("terraform.tfstate")).unwrap();
    for (place, text) in
        [("apply output", apply.all()), ("plan output", plan.all()), ("saved plan", saved_plan), ("state", state)]
    {
        assert!(!text.contains(&token), "the token appears in the {place}");
    }

    // Without the token the guarded simulator refuses: the check above is not vacuous.
    s.config(&format!(
        "provider \"modelarts\" {{\n  alias = \"guarded\"\n  region = \"sim-region-1\"\n  project_id = \"sim-project\"\n  access_key = \"SIMACCESSKEY\"\n  secret_key = \"sim-secret-key\"\n  endpoint = \"{}\"\n  max_retries = 0\n}}\ndata \"modelarts_notebook_flavors\" \"all\" {{\n  provider = modelarts.guarded\n}}\n",
        guarded.url
    ));
    let refused = s.wd.fails(&["plan"]);
    assert!(refused.flat().contains("APIGW.0307"), "{}", refused.all());
}
