#!/usr/bin/env bash
# Counts the instructions of the provider's planning launch of `terraform plan`
# with N unchanged notebooks (default 100), under valgrind's callgrind: the figure
# the README reports for the plan's CPU. Instruction counts are stable on a noisy
# machine, where the benchmarks' clock ticks are too coarse for a few percent.
#
#   scripts/callgrind-plan.sh [OUT_DIR]            build this tree and count
#   PROVIDER_BINARY=... SIM_BINARY=... scripts/callgrind-plan.sh OUT_DIR
#                                                   count given binaries (compare two
#                                                   commits with the same simulator)
#
# Needs valgrind and terraform on PATH. Terraform starts the provider three times
# per plan (schemas, validation, planning); the largest count is the planning
# launch. OUT_DIR keeps the callgrind files for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/plan-fixture.sh

out=$(realpath -m "${1:-target/callgrind-plan}")
notebooks=${NOTEBOOKS:-100}
command -v valgrind > /dev/null || { echo "valgrind is not on PATH" >&2; exit 1; }
command -v terraform > /dev/null || { echo "terraform is not on PATH" >&2; exit 1; }

if [ -z "${PROVIDER_BINARY:-}" ] || [ -z "${SIM_BINARY:-}" ]; then
  # Release code with line tables, so callgrind_annotate can name the source.
  # Each binary on its own (`-p`), with its own dependencies' features, as released.
  for package in terraform-provider-modelarts modelarts-sim; do
    CARGO_PROFILE_RELEASE_DEBUG=true CARGO_PROFILE_RELEASE_STRIP=false CARGO_TARGET_DIR=target/profiling \
      cargo build --release -p "$package" --bin "$package" >&2
  done
fi
provider=$(realpath "${PROVIDER_BINARY:-target/profiling/release/terraform-provider-modelarts}")
sim=$(realpath "${SIM_BINARY:-target/profiling/release/modelarts-sim}")

rm -rf "$out"
mkdir -p "$out/cg"
start_simulator "$sim" "$out" --create-seconds 0.05 --start-seconds 0.05 --stop-seconds 0.05
write_plan_workdir "$out" "$sim_url" "$notebooks" callgrind

# Terraform runs this wrapper; only the plan's launches run under callgrind.
cat > "$out/plugins/terraform-provider-modelarts" << WRAPPER
#!/usr/bin/env bash
if [ -n "\${CALLGRIND_PLAN:-}" ]; then
  exec valgrind -q --tool=callgrind --callgrind-out-file="$out/cg/callgrind.%p" "$provider" "\$@"
fi
exec "$provider" "\$@"
WRAPPER
chmod +x "$out/plugins/terraform-provider-modelarts"

apply_notebooks "$out"
CALLGRIND_PLAN=1 terraform plan -no-color > "$out/plan.log" 2>&1
grep -q "No changes" "$out/plan.log" || { echo "the plan was not empty: see $out/plan.log" >&2; exit 1; }

for f in "$out"/cg/callgrind.*; do
  total=$(callgrind_annotate "$f" 2> /dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
  echo "$total $f"
done | sort -n | tail -n 1 | {
  read -r total file
  echo "planning launch, $notebooks unchanged notebooks: $total instructions ($file)"
}
