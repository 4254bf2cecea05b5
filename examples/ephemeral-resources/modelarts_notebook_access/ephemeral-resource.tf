# The web UI's URL and token, read at each run and never stored.
ephemeral "modelarts_notebook_access" "dev" {
  notebook_id = modelarts_notebook.dev.id
}

# Hand them to a script that loads the team's notebooks into the workspace.
resource "terraform_data" "workspace_seed" {
  triggers_replace = [modelarts_notebook.dev.id]

  provisioner "local-exec" {
    command = "./seed-workspace.sh"
    environment = {
      NOTEBOOK_URL   = ephemeral.modelarts_notebook_access.dev.url
      NOTEBOOK_TOKEN = ephemeral.modelarts_notebook_access.dev.token
    }
  }
}
