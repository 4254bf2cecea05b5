# The quickstart's configuration: one notebook with auto-stop, on the local simulator.
# The provider reads its settings from the HW_* environment variables run.sh exports.

terraform {
  required_providers {
    modelarts = {
      source = "modelarts/modelarts"
    }
  }
}

provider "modelarts" {}

variable "flavor" {
  type    = string
  default = "modelarts.vm.cpu.2u"
}

variable "running" {
  type    = bool
  default = true
}

resource "modelarts_notebook" "quickstart" {
  name      = "quickstart"
  flavor_id = var.flavor
  image_id  = "e1a07296-22a8-4f05-8bc8-e936c8e54090"
  running   = var.running

  volume {
    type = "EVS"
    size = 20
  }

  auto_stop {
    duration = "4h"
  }
}

output "status" {
  value = modelarts_notebook.quickstart.status
}
