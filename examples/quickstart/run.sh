#!/usr/bin/env bash
# The provider's main job in one command, on a machine with Rust and terraform only:
# build, install into a temporary local mirror, start modelarts-sim, create a
# notebook with auto-stop, change its flavor (the plan warns of the restart; apply
# stops, updates, starts), stop it with running = false, destroy it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/modelarts-quickstart.XXXXXX")
sim_pid=""
tail_pid=""

cleanup() {
  status=$?
  [ -n "$tail_pid" ] && kill "$tail_pid" 2> /dev/null || true
  if [ -n "$sim_pid" ]; then
    kill "$sim_pid" 2> /dev/null || true
    wait "$sim_pid" 2> /dev/null || true
  fi
  rm -rf "$work"
  if [ "$status" -ne 0 ]; then
    echo "quickstart FAILED (exit $status)" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# PROVIDER_BINARY and SIM_BINARY: use these builds instead (CI passes its release build).
if [ -n "${PROVIDER_BINARY:-}" ] && [ -n "${SIM_BINARY:-}" ]; then
  step "Using the given builds ($PROVIDER_BINARY, $SIM_BINARY)"
  provider_binary=$PROVIDER_BINARY
  sim_binary=$SIM_BINARY
else
  step "Building the provider and the simulator (release)"
  (cd "$root" && cargo build --release --bin terraform-provider-modelarts --bin modelarts-sim)
  provider_binary="$root/target/release/terraform-provider-modelarts"
  sim_binary="$root/target/release/modelarts-sim"
fi

step "Installing the provider into a temporary local mirror"
PLUGIN_DIR="$work/plugins" PROVIDER_BINARY="$provider_binary" "$root/scripts/install.sh"
cat > "$work/cli.tfrc" << EOT
provider_installation {
  filesystem_mirror {
    path    = "$work/plugins"
    include = ["registry.terraform.io/modelarts/modelarts"]
  }
}
EOT
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
unset TF_LOG TF_LOG_PATH TF_REATTACH_PROVIDERS

step "Starting modelarts-sim (each transition takes 3 seconds)"
"$sim_binary" --listen 127.0.0.1:0 \
  --create-seconds 3 --start-seconds 3 --stop-seconds 3 --delete-seconds 2 \
  --log "$work/calls.jsonl" > "$work/sim.out" 2> "$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/sim.out" ] && break
  sleep 0.05
done
url=$(head -n 1 "$work/sim.out")
[ -n "$url" ] || { echo "modelarts-sim did not start" >&2; cat "$work/sim.err" >&2; exit 1; }
echo "simulator at $url"
export HW_REGION_NAME=local HW_PROJECT_ID=sim-project HW_ACCESS_KEY=SIMACCESSKEY HW_SECRET_KEY=sim-secret-key HW_MODELARTS_ENDPOINT="$url"

mkdir -p "$work/config"
cp "$here/main.tf" "$work/config/main.tf"
cd "$work/config"

# Show the provider's progress lines (waits, steps) while terraform applies.
export TF_LOG_PROVIDER=INFO TF_LOG_PATH="$work/terraform.log"
touch "$work/terraform.log"
tail --pid=$$ -n 0 -F "$work/terraform.log" 2> /dev/null \
  | grep --line-buffered 'provider\.terraform-provider-modelarts[^:]*: ' \
  | sed -u -e 's/^.*provider\.terraform-provider-modelarts[^:]*: /  [provider] /' -e 's/ @module=modelarts//' -e 's/ timestamp=[^ ]*//' &
tail_pid=$!

tf() {
  echo "\$ terraform $*"
  terraform "$@" -no-color
}

step "terraform init (from the local mirror, no dev_overrides)"
tf init
step "Creating a notebook with auto-stop"
tf apply -auto-approve
step "Changing the flavor: the plan warns of the restart; apply stops, updates, starts"
tf apply -auto-approve -var flavor=modelarts.vm.cpu.8u
step "running = false: a stop, nothing else"
tf apply -auto-approve -var flavor=modelarts.vm.cpu.8u -var running=false
step "Destroying it"
tf destroy -auto-approve -var flavor=modelarts.vm.cpu.8u -var running=false

step "What the simulated API received"
grep -v '"method":"GET"' "$work/calls.jsonl" | sed -e 's/.*"method":"\([A-Z]*\)".*"op":"\([a-z_]*\)".*"response":\([0-9]*\).*/  \1 \2 -> \3/'
if [ -n "$(terraform state list 2> /dev/null)" ]; then
  echo "resources are left in the state" >&2
  exit 1
fi
step "Quickstart finished"
