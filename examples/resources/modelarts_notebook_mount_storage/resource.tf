resource "modelarts_notebook" "dev" {
  name      = "dev"
  flavor_id = "modelarts.vm.cpu.2u"
  image_id  = "e1a07296-22a8-4f05-8bc8-e936c8e54090"
  running   = true # storage can be mounted only into a running notebook

  volume {
    type = "EVS"
  }
}

resource "modelarts_notebook_mount_storage" "datasets" {
  notebook_id           = modelarts_notebook.dev.id
  storage_path          = "obs://my-bucket/datasets/"
  local_mount_directory = "/data/datasets/"
}
