resource "modelarts_notebook" "dev" {
  name        = "dev"
  description = "shared development notebook"
  flavor_id   = "modelarts.vm.cpu.2u"
  image_id    = "e1a07296-22a8-4f05-8bc8-e936c8e54090"
  running     = true

  volume {
    type = "EVS"
    size = 20
  }

  auto_stop {
    duration = "4h"
  }
}
