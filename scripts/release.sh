#!/usr/bin/env bash
# Builds a release in the layout the public Terraform registry expects, in dist/:
#   terraform-provider-modelarts_VERSION_OS_ARCH.zip   (the binary, named _vVERSION)
#   terraform-provider-modelarts_VERSION_manifest.json (protocol 6.0)
#   terraform-provider-modelarts_VERSION_SHA256SUMS
# Signing SHA256SUMS (GPG) is left to the publisher.
#
#   scripts/release.sh                        build and package
#   PROVIDER_BINARY=/path scripts/release.sh  package an already built binary
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh
version=$(provider_version)
platform=$(terraform_platform)
binary=$(provider_binary)

name=terraform-provider-modelarts
dist=${DIST_DIR:-dist}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
install -m 0755 "$binary" "$stage/${name}_v$version"
zip_file="${name}_${version}_${platform}.zip"
rm -f "$dist/$zip_file"
if command -v zip > /dev/null; then
  (cd "$stage" && zip -q -X "$dist/$zip_file" "${name}_v$version")
elif command -v python3 > /dev/null; then
  python3 - "$stage/${name}_v$version" "$dist/$zip_file" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo(os.path.basename(src))
    info.external_attr = 0o755 << 16
    with open(src, "rb") as f:
        z.writestr(info, f.read(), zipfile.ZIP_DEFLATED)
PY
else
  echo "release.sh: needs zip or python3 to build the archive" >&2
  exit 1
fi
cp terraform-registry-manifest.json "$dist/${name}_${version}_manifest.json"
(cd "$dist" && sha256sum "$zip_file" "${name}_${version}_manifest.json" > "${name}_${version}_SHA256SUMS")
echo "release $version in $dist/:"
ls -1 "$dist"
