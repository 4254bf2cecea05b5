# `terraform test` for the GPU example. Run it against modelarts-sim: start the
# simulator and export HW_MODELARTS_ENDPOINT and its credentials (see the README).

run "creates_a_running_gpu_notebook" {
  assert {
    condition     = data.modelarts_notebook_flavors.gpu.flavors[0].category == "GPU"
    error_message = "The flavors data source did not filter on GPU."
  }
  assert {
    condition     = modelarts_notebook.gpu.flavor_id == output.flavor
    error_message = "The notebook does not use the chosen flavor."
  }
  assert {
    condition     = modelarts_notebook.gpu.running && modelarts_notebook.gpu.status == "RUNNING"
    error_message = "The notebook is not running."
  }
  assert {
    condition     = modelarts_notebook.gpu.volume[0].size == 50
    error_message = "The notebook's storage is not 50 GB."
  }
}

run "stops_it" {
  variables {
    running = false
  }
  assert {
    condition     = modelarts_notebook.gpu.status == "STOPPED" && !modelarts_notebook.gpu.running
    error_message = "The notebook did not stop."
  }
}

run "renames_it_while_stopped" {
  variables {
    running = false
    name    = "gpu-renamed"
  }
  assert {
    condition     = modelarts_notebook.gpu.name == "gpu-renamed" && modelarts_notebook.gpu.status == "STOPPED"
    error_message = "Renaming changed more than the name."
  }
}
