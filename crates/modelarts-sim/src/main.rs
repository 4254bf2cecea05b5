//! `modelarts-sim`: a local ModelArts notebook API for tests, demos and offline runs.
//!
//! Prints its base URL as the first line on stdout, then serves until SIGINT/SIGTERM.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use modelarts_sim::auth::Credentials;
use modelarts_sim::catalogue::Catalogue;
use modelarts_sim::faults::{Fault, Rule};
use modelarts_sim::gateway::{Outage, RateLimit};
use modelarts_sim::store::Timings;
use modelarts_sim::{SimConfig, SimHandle, DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_REGION, DEFAULT_SECRET_KEY};

/// A local ModelArts notebook API: signed requests, real-time status transitions,
/// the API's rules, fault injection and a call log. `modelarts-sim catalogue` lists
/// the flavors and images it offers.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on (port 0 picks a free port; the URL is printed first).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    #[arg(long, env = "MODELARTS_SIM_ACCESS_KEY", default_value = DEFAULT_ACCESS_KEY)]
    access_key: String,
    #[arg(long, env = "MODELARTS_SIM_SECRET_KEY", default_value = DEFAULT_SECRET_KEY, hide_default_value = true)]
    secret_key: String,
    #[arg(long, env = "MODELARTS_SIM_PROJECT_ID", default_value = DEFAULT_PROJECT_ID)]
    project_id: String,
    /// The region of --project-id, as IAM's project list names it.
    #[arg(long, default_value = DEFAULT_REGION)]
    region: String,
    /// Another region and its project, REGION=PROJECT_ID, repeatable: each project has
    /// notebooks of its own, and IAM's GET /v3/projects lists them all.
    #[arg(long = "project", value_parser = region_project)]
    projects: Vec<(String, String)>,
    /// Require this X-Security-Token (as with temporary credentials).
    #[arg(long, env = "MODELARTS_SIM_SECURITY_TOKEN", hide_env_values = true)]
    security_token: Option<String>,
    /// Seconds from CREATING to RUNNING.
    #[arg(long, default_value = "1", value_parser = seconds)]
    create_seconds: Duration,
    /// Seconds from STARTING to RUNNING.
    #[arg(long, default_value = "1", value_parser = seconds)]
    start_seconds: Duration,
    /// Seconds from STOPPING to STOPPED.
    #[arg(long, default_value = "1", value_parser = seconds)]
    stop_seconds: Duration,
    /// Seconds an EVS volume stays RESIZING after it grows.
    #[arg(long, default_value = "1", value_parser = seconds)]
    resize_seconds: Duration,
    /// Seconds from DELETING to gone.
    #[arg(long, default_value = "1", value_parser = seconds)]
    delete_seconds: Duration,
    /// Seconds a storage mount stays MOUNTING (and an unmount UNMOUNTING).
    #[arg(long, default_value = "1", value_parser = seconds)]
    mount_seconds: Duration,
    /// Seconds saving an image takes (the image CREATING, the notebook SNAPSHOTTING).
    #[arg(long, default_value = "1", value_parser = seconds)]
    image_seconds: Duration,
    /// JSON file with {"flavors": [...], "images": [...]} replacing the built-in catalogue.
    #[arg(long)]
    catalogue: Option<PathBuf>,
    /// Append one JSON line per request to this file.
    #[arg(long)]
    log: Option<PathBuf>,
    /// Answer this fraction of requests (0 to 1) with 503.
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    error_rate: f64,
    /// An outage: from request number N (1 is the first), every request is answered
    /// 503 for --outage-seconds.
    #[arg(long)]
    outage_after: Option<u64>,
    /// How long an outage lasts.
    #[arg(long, default_value = "40", value_parser = seconds)]
    outage_seconds: Duration,
    /// A per-account rate limit, in requests a second: beyond it the gateway answers
    /// 429 APIGW.0308 with a Retry-After.
    #[arg(long, value_parser = positive_rate)]
    rate_limit: Option<f64>,
    /// How many requests the rate limit lets through at once after a quiet moment
    /// (a token bucket's size); the rate itself when not set.
    #[arg(long, value_parser = positive_rate)]
    rate_burst: Option<f64>,
    /// How long the temporary keys the instance metadata service hands out
    /// (`GET /openstack/latest/securitykey`) live.
    #[arg(long, default_value = "900", value_parser = seconds)]
    temporary_key_seconds: Duration,
    /// Refuse the permanent keys (--access-key) on the ModelArts API, so only
    /// temporary keys work (IAM still takes them).
    #[arg(long)]
    refuse_permanent_keys: bool,
    /// An agency IAM lets be assumed (assume_role), repeatable; without any, every
    /// agency name is accepted.
    #[arg(long = "agency")]
    agencies: Vec<String>,
    /// The identity provider whose OIDC ID tokens IAM exchanges (with --oidc-id-token).
    #[arg(long)]
    oidc_idp: Option<String>,
    /// The ID token IAM accepts from --oidc-idp.
    #[arg(long)]
    oidc_id_token: Option<String>,
    /// An IAM user who may sign in by password (`POST /v3/auth/tokens`), as
    /// NAME_OR_ID:PASSWORD, repeatable; the tokens live --temporary-key-seconds.
    #[arg(long = "user", value_parser = user_and_password)]
    users: Vec<(String, String)>,
    /// Answer the first N requests with 429 and a Retry-After.
    #[arg(long, default_value_t = 0)]
    throttle_burst: u32,
    /// Retry-After seconds sent with throttled answers.
    #[arg(long, default_value = "1", value_parser = seconds)]
    retry_after: Duration,
    /// Delay every answer by this many milliseconds (at most an hour).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    latency_ms: u64,
    /// A fault rule OP:KIND[:ARG][*TIMES], repeatable. OP: create, show, list, update, delete,
    /// start, stop, flavors, switchable_flavors, lease_show, lease_renew, images, image_show,
    /// storage_list, storage_mount, storage_show, storage_unmount, save_image,
    /// tags_create, tags_delete, or any.
    /// KIND: drop_answer, garbage:{not_json|truncated|wrong_types|html|empty}, reply:STATUS,
    /// oversized[:BYTES] (default 17 MiB), endless_body, transition_error[:REASON],
    /// transition_stuck; and, added to whatever the answer is: retry_after:VALUE (sent
    /// as it is, e.g. 1e20), bad_headers (header values that are not UTF-8).
    #[arg(long = "fault", value_parser = Rule::parse)]
    faults: Vec<Rule>,
    /// Serve HTTPS with a fresh self-signed certificate (printed on stderr).
    #[arg(long)]
    tls: bool,
    /// With --tls, accept only clients presenting this certificate (a PEM file):
    /// mutual TLS.
    #[arg(long, requires = "tls")]
    client_cert: Option<PathBuf>,
    /// How far X-Sdk-Date may be from this clock, in seconds (at most a year).
    #[arg(long, default_value_t = 900, value_parser = clap::value_parser!(i64).range(0..=MAX_SECONDS as i64))]
    max_clock_skew_seconds: i64,
}

/// The longest transition or pause a flag may ask for: a year.
const MAX_SECONDS: u64 = 365 * 24 * 3600;

/// Seconds as a flag gives them (`0.3`, `2`), from 0 to a year.
fn seconds(text: &str) -> Result<Duration, String> {
    let s: f64 = text.trim().parse().map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !s.is_finite() || !(0.0..=MAX_SECONDS as f64).contains(&s) {
        return Err(format!("{text:?} must be from 0 to {MAX_SECONDS} seconds"));
    }
    Duration::try_from_secs_f64(s).map_err(|e| format!("{text:?}: {e}"))
}

/// `NAME_OR_ID:PASSWORD` (the password may hold colons).
fn user_and_password(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((user, password)) if !user.is_empty() && !password.is_empty() => {
            Ok((user.to_string(), password.to_string()))
        }
        _ => Err("a user is NAME_OR_ID:PASSWORD, both non-empty".to_string()),
    }
}

#[derive(clap::Subcommand)]
enum Command {
    /// List the flavors and images the simulator offers (the built-in ones, or those
    /// of --catalogue), then exit.
    Catalogue,
}

/// The flavors and images, as a newcomer needs them for a configuration.
fn print_catalogue(c: &Catalogue) {
    println!("Flavors (flavor_id):");
    for f in &c.flavors {
        let memory_gb = f.memory.unwrap_or(0) / 1024;
        let sold_out = if f.sold_out == Some(true) { "  (sold out)" } else { "" };
        println!(
            "  {:<28} {:<7} {:<8} {:>3} vCPUs {:>4} GB{sold_out}",
            f.id,
            f.category.as_deref().unwrap_or("-"),
            f.arch.as_deref().unwrap_or("-"),
            f.vcpus.unwrap_or(0),
            memory_gb
        );
    }
    println!("\nImages (image_id, name, runs on):");
    for i in &c.images {
        println!("  {}  {:<42} {} {}", i.id, i.name, i.resource_categories.join("/"), i.arch.as_deref().unwrap_or("-"));
    }
}

/// `REGION=PROJECT_ID`.
fn region_project(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((r, p)) if !r.is_empty() && !p.is_empty() => Ok((r.to_string(), p.to_string())),
        _ => Err(format!("{text:?} is not REGION=PROJECT_ID")),
    }
}

/// A fraction from 0 to 1.
fn fraction(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(format!("{text:?} is not a fraction from 0 to 1")),
    }
}

fn positive_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 && r <= 1e6 => Ok(r),
        _ => Err(format!("{text:?} is not a rate: a positive number of requests a second")),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let catalogue = match &args.catalogue {
        Some(p) => match Catalogue::load(p) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("modelarts-sim: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => Catalogue::default(),
    };
    if let Some(Command::Catalogue) = args.command {
        print_catalogue(&catalogue);
        return ExitCode::SUCCESS;
    }
    let mut rules = args.faults.clone();
    if args.throttle_burst > 0 {
        rules.insert(
            0,
            Rule {
                op: None,
                fault: Fault::Reply {
                    status: 429,
                    code: "APIGW.0308".into(),
                    message: "The throttling threshold has been reached (simulated)".into(),
                    retry_after: Some(args.retry_after.as_secs_f64()),
                    after_work: false,
                },
                times: Some(args.throttle_burst),
            },
        );
    }
    let config = SimConfig {
        listen: args.listen,
        credentials: Credentials {
            access_key: args.access_key,
            secret_key: args.secret_key,
            security_token: args.security_token,
            expires_at_ms: None,
        },
        temporary_key_lifetime: args.temporary_key_seconds,
        refuse_permanent_keys: args.refuse_permanent_keys,
        agencies: args.agencies,
        oidc: args.oidc_idp.clone().zip(args.oidc_id_token.clone()),
        users: args.users,
        project_id: args.project_id,
        region: args.region,
        other_projects: args.projects,
        timings: Timings {
            create: args.create_seconds,
            start: args.start_seconds,
            stop: args.stop_seconds,
            delete: args.delete_seconds,
            resize: args.resize_seconds,
            mount: args.mount_seconds,
            image: args.image_seconds,
        },
        catalogue,
        max_clock_skew_secs: args.max_clock_skew_seconds,
        rules,
        error_rate: args.error_rate,
        outage: args.outage_after.map(|after| Outage { after, lasting: args.outage_seconds }),
        rate_limit: args
            .rate_limit
            .map(|per_second| RateLimit { per_second, burst: args.rate_burst.unwrap_or(per_second) }),
        latency: Duration::from_millis(args.latency_ms),
        log_path: args.log,
        tls: args.tls,
        client_cert_pem: match &args.client_cert {
            Some(path) => match std::fs::read_to_string(path) {
                Ok(pem) => Some(pem),
                Err(e) => {
                    eprintln!("modelarts-sim: --client-cert {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            },
            None => None,
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("modelarts-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let sim = match SimHandle::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("modelarts-sim: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("{}", sim.url);
        if let Some(pem) = &sim.cert_pem {
            eprintln!("modelarts-sim: serving HTTPS with this self-signed certificate:\n{pem}");
        }
        eprintln!(
            "modelarts-sim: serving the ModelArts notebook API at {} (project {})",
            sim.url,
            sim.config().project_id
        );
        wait_for_signal().await;
        eprintln!("modelarts-sim: shutting down");
        sim.stop().await;
        ExitCode::SUCCESS
    })
}

/// Ctrl-C, or (Unix) SIGTERM, as a container runtime sends.
// Platform: SIGTERM exists on Unix only; on Windows Ctrl-C (and Ctrl-Break) stop it.
#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
        (Ok(mut int), Ok(mut term)) => {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
