#!/usr/bin/env bash
# Builds a release in the layout the Terraform registry expects, in dist/:
#   terraform-provider-modelarts_VERSION_OS_ARCH.zip    each platform's binary (_vVERSION[.exe])
#   terraform-provider-modelarts_VERSION_manifest.json  protocol 6.0
#   terraform-provider-modelarts_VERSION_SHA256SUMS     every zip and the manifest
#   terraform-provider-modelarts_VERSION_SHA256SUMS.sig detached GPG signature (binary)
#
#   scripts/release.sh [--mirror DIR]   build this machine's platform, package, sum, sign
#   scripts/release.sh --zip-only       only add this platform's zip to dist/ (a CI build job)
#   scripts/release.sh --assemble [--mirror DIR]
#                                       only sum, sign and mirror the zips already in dist/
#
# Environment:
#   PROVIDER_BINARY=/path   package this binary instead of building one
#   RELEASE_PLATFORM=os_arch  the platform of PROVIDER_BINARY (default: this machine's)
#   RELEASE_GPG_KEY_ID=ID   sign SHA256SUMS with this key (gpg); unset: not signed, said so
#   DIST_DIR=dir            instead of dist/
#
# On x86_64 Linux the binary is built against glibc 2.17 with cargo-zigbuild when it is
# installed (`pip install ziglang cargo-zigbuild`), so it starts on every maintained
# distribution; without it, it needs this machine's glibc or newer (said so).
#
# --mirror DIR writes, from the same zips, a provider network mirror
# (DIR/network/registry.terraform.io/modelarts/modelarts/{index.json,VERSION.json,*.zip},
# served over HTTPS as `network_mirror { url = "https://host/" }`) and a filesystem
# mirror in the packed layout (DIR/filesystem/registry.terraform.io/modelarts/modelarts/*.zip,
# used as `filesystem_mirror { path = "DIR/filesystem" }`). Versions already in DIR stay.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh
name=terraform-provider-modelarts
source_address=registry.terraform.io/modelarts/modelarts
version=$(provider_version)

mode=all
mirror=""
while [ $# -gt 0 ]; do
  case "$1" in
    --zip-only) mode=zip ;;
    --assemble) mode=assemble ;;
    --mirror)
      [ $# -ge 2 ] || { echo "release.sh: --mirror needs a directory" >&2; exit 2; }
      mirror=$2
      shift
      ;;
    -h | --help)
      sed -n '2,27p' "$0"
      exit 0
      ;;
    *) echo "release.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

dist=${DIST_DIR:-dist}
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)

# Platform: Windows runners may have `python` only.
python=$(command -v python3 || command -v python || true)
[ -n "$python" ] || { echo "release.sh: needs Python 3 (python3 or python)" >&2; exit 1; }

sha256() {
  if command -v sha256sum > /dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

# This machine's release binary: glibc 2.17 through zig on x86_64 Linux when possible.
build_binary() {
  if [ -n "${PROVIDER_BINARY:-}" ]; then
    echo "$PROVIDER_BINARY"
    return
  fi
  if [ "$(terraform_platform)" = linux_amd64 ] && cargo zigbuild --help > /dev/null 2>&1; then
    # `-p`: the provider alone, so its dependencies get its features only, not also the
    # simulator's (a workspace member; its multi-threaded runtime and files).
    cargo zigbuild --release --target x86_64-unknown-linux-gnu.2.17 -p terraform-provider-modelarts --bin "$name" >&2
    echo "target/x86_64-unknown-linux-gnu/release/$name"
  else
    echo "release.sh: cargo-zigbuild not found: the binary needs this machine's glibc or newer" >&2
    provider_binary
  fi
}

package_zip() {
  local binary platform exe="" stage zip_file
  binary=$(build_binary)
  platform=${RELEASE_PLATFORM:-$(terraform_platform)}
  case "$platform" in windows_*) exe=.exe ;; esac
  stage=$(mktemp -d)
  install -m 0755 "$binary" "$stage/${name}_v$version$exe"
  zip_file="${name}_${version}_${platform}.zip"
  rm -f "$dist/$zip_file"
  # The registry's layout: the binary alone at the zip's root, executable.
  "$python" - "$stage/${name}_v$version$exe" "$dist/$zip_file" << 'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo(os.path.basename(src), date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o755 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(src, "rb") as f:
        z.writestr(info, f.read())
PY
  rm -rf "$stage"
  echo "packaged $zip_file" >&2
}

assemble() {
  local sums="${name}_${version}_SHA256SUMS" manifest="${name}_${version}_manifest.json"
  cp terraform-registry-manifest.json "$dist/$manifest"
  (
    cd "$dist"
    shopt -s nullglob
    zips=("${name}_${version}"_*.zip)
    [ ${#zips[@]} -gt 0 ] || { echo "release.sh: no zips of $version in $dist" >&2; exit 1; }
    sha256 "${zips[@]}" "$manifest" > "$sums"
  )
  rm -f "$dist/$sums.sig"
  if [ -n "${RELEASE_GPG_KEY_ID:-}" ]; then
    gpg --batch --yes --local-user "$RELEASE_GPG_KEY_ID" --detach-sign --output "$dist/$sums.sig" "$dist/$sums"
    echo "signed $sums with key $RELEASE_GPG_KEY_ID"
  else
    echo "NOT SIGNED: RELEASE_GPG_KEY_ID is not set (the registry needs $sums.sig)"
  fi
}

write_mirrors() {
  local network="$mirror/network/$source_address" filesystem="$mirror/filesystem/$source_address"
  mkdir -p "$network" "$filesystem"
  cp "$dist/${name}_${version}"_*.zip "$network/"
  cp "$dist/${name}_${version}"_*.zip "$filesystem/"
  # The network mirror protocol's index.json and VERSION.json, with each zip's
  # zh: hash (the SHA-256 of the zip file).
  "$python" - "$network" "$version" "$name" << 'PY'
import glob, hashlib, json, os, sys
network, version, name = sys.argv[1:4]
prefix = f"{name}_{version}_"
archives = {}
for path in sorted(glob.glob(os.path.join(network, prefix + "*.zip"))):
    platform = os.path.basename(path)[len(prefix):-len(".zip")]
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    archives[platform] = {"url": os.path.basename(path), "hashes": [f"zh:{digest}"]}
with open(os.path.join(network, f"{version}.json"), "w") as f:
    json.dump({"archives": archives}, f, indent=2)
index_path = os.path.join(network, "index.json")
try:
    with open(index_path) as f:
        index = json.load(f)
except (OSError, ValueError):
    index = {}
index.setdefault("versions", {})[version] = {}
with open(index_path, "w") as f:
    json.dump(index, f, indent=2, sort_keys=True)
PY
  echo "mirrors of $version in $mirror/network and $mirror/filesystem"
}

case "$mode" in
  zip) package_zip ;;
  assemble) assemble ;;
  all)
    package_zip
    assemble
    ;;
esac
if [ -n "$mirror" ] && [ "$mode" != zip ]; then
  mkdir -p "$mirror"
  mirror=$(cd "$mirror" && pwd)
  write_mirrors
fi
echo "release $version in $dist/:"
ls -1 "$dist"
