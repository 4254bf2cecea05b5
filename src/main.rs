//! `terraform-provider-modelarts`: the plugin binary Terraform launches.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use modelarts_provider::framework::{ProviderService, TypedProvider};
use modelarts_provider::protocol::handshake::LaunchEnv;
use modelarts_provider::protocol::logging;
use modelarts_provider::protocol::server::{serve, Launch};
use modelarts_provider::provider::{ModelArtsProvider, PROVIDER_ADDRESS};

/// A plan's work is mostly small allocations that live for one call: every value
/// Terraform sends is decoded into a tree and dropped when the answer is sent.
/// glibc's `malloc` and `free` were a quarter of the instructions of the planning
/// launch with 100 notebooks (callgrind); mimalloc's take a fraction of that.
/// Built without its transparent-huge-page advice (`no_thp`): with it, the idle
/// plugin's RSS doubled (9.7 → 19.4 MB) and a 500-notebook plan's peak went from
/// 14.6 to 30.9 MB; without it they are 10.3 and 15.3 MB. mimalloc 2 rather than
/// 3: each launch starts with fewer page faults (417 against 431 for a small launch)
/// and a plan of 100 unchanged notebooks took 34.6 against 36.0 ms of CPU
/// (`scripts/cpu-plan.sh`, 12 plans each, alternating).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Terraform provider for Huawei Cloud ModelArts notebooks. Terraform starts this
/// binary itself; run it by hand only with --debug.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Start standalone and print the TF_REATTACH_PROVIDERS line that attaches Terraform to it.
    #[arg(long)]
    debug: bool,
}

const NOT_A_COMMAND: &str = "terraform-provider-modelarts: this is a Terraform plugin; use it through terraform \
(declare source = \"modelarts/modelarts\" in required_providers and run terraform init / plan / apply). \
To attach a debugger, run it with --debug.";

fn main() -> ExitCode {
    // Terraform starts the plugin with no arguments; clap's parser (building the
    // command with its help and version texts) is for a person running it by hand, and
    // cost 3% of each launch's CPU (perf, a small launch) for nothing.
    let debug = std::env::args_os().len() > 1 && Args::parse().debug;
    let env = LaunchEnv::from_process();
    if !debug && !env.launched_by_terraform() {
        eprintln!("{NOT_A_COMMAND}");
        return ExitCode::from(1);
    }
    // The client crate logs under its own name (modelarts_api::...): TF_LOG shows it too.
    logging::init("modelarts", &["modelarts_provider", "terraform_provider_modelarts", "modelarts_api"]);
    // A panic is caught and reported as a diagnostic by the RPC guard; its message
    // goes to the provider's log, not as loose text on stderr.
    std::panic::set_hook(Box::new(|info| tracing::error!(panic = %info, "provider panic")));
    // One thread: the provider waits on Terraform and the API far more than it
    // computes, and a plan's work handed between worker threads cost more than it
    // gained. Measured over the three launches of a 100-notebook plan (perf stat,
    // task-clock): 63 ms with the multi-threaded runtime, 50 ms with this one (a
    // third of the context switches), the plan's wall time unchanged.
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-modelarts: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let service = Arc::new(ProviderService::new(Arc::new(TypedProvider(ModelArtsProvider))));
    let launch =
        if debug { Launch::Debug { provider_address: PROVIDER_ADDRESS.to_string() } } else { Launch::Terraform(env) };
    let code = runtime.block_on(serve(service, launch));
    exit_without_teardown(code)
}

/// Ends the process once Terraform has stopped the provider, without dropping the
/// runtime or running exit handlers: the kernel takes the memory back either way, and
/// the teardown was work for nothing at the end of every launch (mimalloc's exit
/// handler alone returned its pages with `madvise`, a TLB shootdown on each core:
/// 3% of a small launch; dropping the runtime and its tasks 1% of the planning
/// launch, perf). The log writer's queue is drained first.
fn exit_without_teardown(code: ExitCode) -> ExitCode {
    // Lines still queued after a second are given up: Terraform waits for the exit.
    let _ = logging::flush(std::time::Duration::from_secs(1));
    #[cfg(unix)]
    {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let status = if code == ExitCode::SUCCESS { 0 } else { 1 };
        // SAFETY: `_exit` ends the process at once; nothing of this process runs after
        // it, so no state it skips tearing down can be observed. Stdout is flushed
        // above, stderr is unbuffered, and the log lines were written by `flush`.
        unsafe { libc::_exit(status) }
    }
    #[cfg(not(unix))]
    code
}
