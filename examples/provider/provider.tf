terraform {
  required_providers {
    modelarts = {
      source = "modelarts/modelarts"
    }
  }
}

# Every setting may come from the environment instead (HW_REGION_NAME, HW_PROJECT_ID,
# HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN, HW_MODELARTS_ENDPOINT).
provider "modelarts" {
  region     = "cn-north-4"
  project_id = var.project_id
  access_key = var.access_key
  secret_key = var.secret_key
}

variable "project_id" {
  type = string
}

variable "access_key" {
  type = string
}

variable "secret_key" {
  type      = string
  sensitive = true
}
