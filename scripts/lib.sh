# Shared by install.sh and release.sh: the crate's version, the platform in
# Terraform's OS_ARCH spelling, and the provider binary (built unless given).

provider_version() {
  sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1
}

terraform_platform() {
  local os arch
  os=$(uname -s | tr '[:upper:]' '[:lower:]')
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
  esac
  echo "${os}_${arch}"
}

# PROVIDER_BINARY, or a fresh release build.
provider_binary() {
  if [ -n "${PROVIDER_BINARY:-}" ]; then
    echo "$PROVIDER_BINARY"
  else
    # `-p`: the provider's dependencies with its features only (see release.sh).
    cargo build --release -p terraform-provider-modelarts --bin terraform-provider-modelarts >&2
    echo target/release/terraform-provider-modelarts
  fi
}
