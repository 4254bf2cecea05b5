# terraform apply -invoke=action.modelarts_notebook_power.tonight
action "modelarts_notebook_power" "tonight" {
  config {
    notebook_id  = modelarts_notebook.dev.id
    power_action = "stop"
  }
}
