resource "modelarts_notebook" "dev" {
  name      = "dev"
  flavor_id = "modelarts.vm.cpu.2u"
  image_id  = "e1a07296-22a8-4f05-8bc8-e936c8e54090"
  running   = true # an image is saved only from a running notebook

  volume {
    type = "EVS"
  }
}

resource "modelarts_notebook_image_store" "env" {
  notebook_id = modelarts_notebook.dev.id
  name        = "team-env"
  namespace   = "team-images"
  tag         = "v1"
}
