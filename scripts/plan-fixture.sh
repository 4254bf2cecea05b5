# Shared by callgrind-plan.sh and cpu-plan.sh: a simulator, and a working directory
# whose `terraform plan` covers N notebooks through the provider wrapper in
# OUT/plugins (each script writes its own wrapper there).

# Starts `sim` with `args`, stops it when the shell exits, and sets `sim_url`.
start_simulator() {
  local sim=$1 out=$2
  mkdir -p "$out"
  shift 2
  "$sim" --listen 127.0.0.1:0 "$@" > "$out/sim.out" 2> "$out/sim.err" &
  sim_pid=$!
  trap 'kill $sim_pid 2> /dev/null || true' EXIT
  sim_url=
  for _ in $(seq 50); do
    sim_url=$(grep -ho 'http://[0-9.:]*' "$out/sim.out" "$out/sim.err" 2> /dev/null | head -n 1 || true)
    [ -n "$sim_url" ] && return 0
    sleep 0.2
  done
  echo "the simulator did not say where it listens" >&2
  return 1
}

# OUT/cli.tfrc (the provider from OUT/plugins) and OUT/wd/main.tf: `notebooks`
# notebooks named `prefix-N` against the simulator at `url`.
write_plan_workdir() {
  local out=$1 url=$2 notebooks=$3 prefix=$4
  mkdir -p "$out/plugins" "$out/wd"
  cat > "$out/cli.tfrc" << CLI
provider_installation {
  dev_overrides {
    "registry.terraform.io/modelarts/modelarts" = "$out/plugins"
  }
  direct {}
}
CLI
  cat > "$out/wd/main.tf" << CONFIG
terraform {
  required_providers {
    modelarts = { source = "modelarts/modelarts" }
  }
}
provider "modelarts" {
  region     = "sim-region-1"
  project_id = "sim-project"
  access_key = "SIMACCESSKEY"
  secret_key = "sim-secret-key"
  endpoint   = "$url"
}
resource "modelarts_notebook" "n" {
  count     = $notebooks
  name      = "$prefix-\${count.index}"
  flavor_id = "modelarts.vm.cpu.2u"
  image_id  = "e1a07296-22a8-4f05-8bc8-e936c8e54090"
  volume {
    type = "EVS"
  }
}
CONFIG
}

# Enters OUT/wd with OUT/cli.tfrc as Terraform's configuration and creates the
# notebooks, so the plans that follow find nothing to change.
apply_notebooks() {
  local out=$1
  cd "$out/wd"
  export TF_CLI_CONFIG_FILE="$out/cli.tfrc"
  terraform apply -auto-approve -parallelism=20 -no-color > "$out/apply.log" 2>&1
}
