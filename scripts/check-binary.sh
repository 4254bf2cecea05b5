#!/usr/bin/env bash
# Checks that a built provider binary starts and serves Terraform: terraform launches
# it (the go-plugin handshake, then gRPC) through dev_overrides and reads its schema.
# The release workflow runs it on each platform's binary on a runner of that platform.
#
#   scripts/check-binary.sh PATH/TO/terraform-provider-modelarts[.exe]
set -euo pipefail
binary=${1:?usage: check-binary.sh BINARY}
exe=""
case "$binary" in *.exe) exe=.exe ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugin" "$work/config"
cp "$binary" "$work/plugin/terraform-provider-modelarts$exe"
chmod +x "$work/plugin/terraform-provider-modelarts$exe"
plugin_dir=$work/plugin
# Platform: Terraform on Windows wants the directory in its own spelling.
if command -v cygpath > /dev/null; then plugin_dir=$(cygpath -m "$plugin_dir"); fi
cat > "$work/cli.tfrc" << EOT
provider_installation {
  dev_overrides {
    "registry.terraform.io/modelarts/modelarts" = "$plugin_dir"
  }
  direct {}
}
EOT
cat > "$work/config/main.tf" << 'EOT'
terraform {
  required_providers {
    modelarts = { source = "modelarts/modelarts" }
  }
}
EOT
schema=$(cd "$work/config" && TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 terraform providers schema -json)
case "$schema" in
  *'"modelarts_notebook"'*) echo "ok: $binary serves the schema (modelarts_notebook)" ;;
  *) echo "check-binary.sh: $binary did not serve the expected schema:" >&2; echo "$schema" | head -c 2000 >&2; exit 1 ;;
esac
