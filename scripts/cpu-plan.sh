#!/usr/bin/env bash
# The provider's CPU per `terraform plan` of N unchanged notebooks (default 100), for
# one or more provider binaries on the same state, plans alternating between them so a
# machine that slows down or speeds up meets every binary alike. Each launch runs under
# `perf stat` (task-clock: the time the process was on a CPU, every thread, to the
# microsecond) and its page faults are counted; a plan launches the provider three
# times (schemas, validation, planning).
#
#   scripts/cpu-plan.sh OUT_DIR BINARY [BINARY...]
#   RUNS=10 NOTEBOOKS=500 SIM_BINARY=... scripts/cpu-plan.sh OUT_DIR old new
#
# Needs perf and terraform on PATH; SIM_BINARY defaults to target/release/modelarts-sim.
# `cargo bench --bench scenarios` reports the same figure from the kernel's accounting
# (`BENCH_BASELINE_PROVIDER`); this script is the quicker loop while working on it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/plan-fixture.sh

[ $# -ge 2 ] || { echo "usage: $0 OUT_DIR BINARY [BINARY...]" >&2; exit 2; }
out=$(realpath -m "$1")
shift
binaries=()
for b in "$@"; do binaries+=("$(realpath "$b")"); done
notebooks=${NOTEBOOKS:-100}
runs=${RUNS:-5}
sim=$(realpath "${SIM_BINARY:-target/release/modelarts-sim}")
command -v perf > /dev/null || { echo "perf is not on PATH" >&2; exit 1; }
command -v terraform > /dev/null || { echo "terraform is not on PATH" >&2; exit 1; }

rm -rf "$out"
start_simulator "$sim" "$out" --create-seconds 0
write_plan_workdir "$out" "$sim_url" "$notebooks" cpu

# Terraform runs this wrapper; MEASURE_DIR and MEASURE_BINARY choose what it measures.
cat > "$out/plugins/terraform-provider-modelarts" << WRAPPER
#!/usr/bin/env bash
if [ -n "\${MEASURE_DIR:-}" ]; then
  exec perf stat -x, -e task-clock,page-faults -o "\$MEASURE_DIR/launch.\$\$" "\$MEASURE_BINARY" "\$@"
fi
exec "${binaries[0]}" "\$@"
WRAPPER
chmod +x "$out/plugins/terraform-provider-modelarts"

apply_notebooks "$out"
for _ in $(seq "$runs"); do
  for i in "${!binaries[@]}"; do
    mkdir -p "$out/launches.$i"
    MEASURE_DIR="$out/launches.$i" MEASURE_BINARY="${binaries[$i]}" terraform plan -no-color > "$out/plan.log" 2>&1
    grep -q "No changes" "$out/plan.log" || { echo "the plan was not empty: see $out/plan.log" >&2; exit 1; }
  done
done

python3 - "$out" "$runs" "${binaries[@]}" << 'REPORT'
import os, statistics, sys

out, runs, binaries = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print(f"provider CPU per plan (perf task-clock), {runs} plans each:")
for i, binary in enumerate(binaries):
    launches = []
    folder = os.path.join(out, f"launches.{i}")
    for name in os.listdir(folder):
        fields = {}
        for line in open(os.path.join(folder, name)):
            cells = line.strip().split(",")
            if len(cells) > 2 and cells[0].replace(".", "", 1).isdigit():
                fields[cells[2]] = float(cells[0])
        launches.append((fields.get("task-clock", 0.0), fields.get("page-faults", 0.0)))
    launches.sort()
    # Two small launches (schemas, validation) and one planning launch per plan.
    small, planning = launches[: len(launches) * 2 // 3], launches[len(launches) * 2 // 3 :]
    per_plan = sum(ms for ms, _ in launches) / runs
    print(
        f"  {binary}: {per_plan:.1f} ms per plan; small launch median {statistics.median(ms for ms, _ in small):.2f} ms "
        f"({statistics.median(pf for _, pf in small):.0f} page faults), planning launch median "
        f"{statistics.median(ms for ms, _ in planning):.1f} ms ({statistics.median(pf for _, pf in planning):.0f})"
    )
REPORT
