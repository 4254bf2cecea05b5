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

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac

binary=${PROVIDER_BINARY:-}
if [ -z "$binary" ]; then
  cargo build --release --bin terraform-provider-modelarts
  binary=target/release/terraform-provider-modelarts
fi

plugin_dir=${PLUGIN_DIR:-$HOME/.terraform.d/plugins}
dest="$plugin_dir/registry.terraform.io/modelarts/modelarts/$version/${os}_${arch}"
mkdir -p "$dest"
install -m 0755 "$binary" "$dest/terraform-provider-modelarts_v$version"
echo "installed terraform-provider-modelarts $version into $dest"
