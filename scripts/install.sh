#!/usr/bin/env bash
# Builds the provider (release) and installs it into Terraform's implied local
# mirror, ~/.terraform.d/plugins/registry.terraform.io/modelarts/modelarts/VERSION/OS_ARCH/,
# so configurations that require source "modelarts/modelarts" run a plain
# `terraform init`, with no dev_overrides.
#
#   scripts/install.sh                      build and install
#   PLUGIN_DIR=/path scripts/install.sh     install into another plugin directory
#   PROVIDER_BINARY=/path scripts/install.sh   install an already built binary
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh
version=$(provider_version)
platform=$(terraform_platform)
binary=$(provider_binary)

plugin_dir=${PLUGIN_DIR:-$HOME/.terraform.d/plugins}
dest="$plugin_dir/registry.terraform.io/modelarts/modelarts/$version/$platform"
mkdir -p "$dest"
install -m 0755 "$binary" "$dest/terraform-provider-modelarts_v$version"
echo "installed terraform-provider-modelarts $version into $dest"
