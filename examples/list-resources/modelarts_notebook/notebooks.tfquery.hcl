# terraform query -generate-config-out=adopted.tf
list "modelarts_notebook" "team" {
  provider = modelarts
  config {
    name = "team"
  }
}
