# A GPU notebook whose flavor and image are chosen through the data sources.
# The provider reads its settings from the environment (HW_REGION_NAME, HW_PROJECT_ID,
# HW_ACCESS_KEY, HW_SECRET_KEY and, for the simulator, HW_MODELARTS_ENDPOINT).

terraform {
  required_providers {
    modelarts = {
      source = "modelarts/modelarts"
    }
  }
}

provider "modelarts" {}

variable "name" {
  type    = string
  default = "gpu-dev"
}

variable "running" {
  type    = bool
  default = true
}

data "modelarts_notebook_flavors" "gpu" {
  category = "GPU"
}

data "modelarts_notebook_images" "gpu" {
  category = "GPU"
  type     = "BUILD_IN"
}

locals {
  # The first GPU flavor that is not sold out, and the GPU images by name.
  flavor = [for f in data.modelarts_notebook_flavors.gpu.flavors : f if !f.sold_out][0]
  image  = [for i in data.modelarts_notebook_images.gpu.images : i if length(regexall("pytorch", i.name)) > 0][0]
}

resource "modelarts_notebook" "gpu" {
  name      = var.name
  flavor_id = local.flavor.id
  image_id  = local.image.id
  running   = var.running

  volume {
    type = "EVS"
    size = 50
  }

  auto_stop {
    type     = "IDLE"
    duration = "2h"
  }
}

output "flavor" {
  value = local.flavor.id
}

output "image" {
  value = "${local.image.name}:${local.image.tag}"
}

output "url" {
  value = modelarts_notebook.gpu.url
}
