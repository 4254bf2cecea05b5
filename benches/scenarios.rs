//! Scenario benchmarks with the real terraform CLI, the release provider and
//! `modelarts-sim`: convergence after a flavor change, API politeness, scale
//! (100 and 500 notebooks against as many `terraform_data`), startup, memory, and
//! resilience (an apply through an API outage, and under a rate limit).
//! Every figure is reported next to a baseline measured in the same run, as
//! medians over several runs with min–max, in a Markdown table printed and
//! written to `target/bench/report.md`.
//!
//! `cargo bench` runs it (after the criterion micro-benchmarks, whose results it
//! includes). `BENCH_SMOKE=1 cargo bench --bench scenarios` is the short mode CI runs;
//! `BENCH_RUNS`, `BENCH_SIZES` (e.g. `100,500`) and `BENCH_ONLY` (`convergence`,
//! `scale`, `resilience`) narrow a full run. `BENCH_BASELINE_PROVIDER=path` adds another
//! provider binary's CPU per plan (say, the last release's) to the scale rows, measured
//! in the same run on the same state. A full run measures the provider as released
//! (built with `-p`, see [`released_provider`]; `BENCH_PROVIDER=path` names another);
//! the smoke run, this build's.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "scenarios/cpu.rs"]
mod cpu;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::scenario::{notebook_with, Scenario, CPU_IMAGE};
use common::Workdir;

/// Several measurements of one figure.
#[derive(Default)]
struct Samples(Vec<f64>);

impl Samples {
    fn sorted(&self) -> Vec<f64> {
        let mut v = self.0.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        v
    }
    fn median(&self) -> f64 {
        let v = self.sorted();
        if v.is_empty() {
            return f64::NAN;
        }
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }
    fn range(&self, unit: &str, digits: usize) -> String {
        let v = self.sorted();
        match (v.first(), v.last()) {
            (Some(a), Some(b)) => format!("{a:.digits$}–{b:.digits$} {unit}"),
            _ => "–".into(),
        }
    }
}

struct Report {
    lines: Vec<String>,
    goals: Vec<String>,
}

impl Report {
    fn section(&mut self, title: &str) {
        self.lines.push(format!("\n### {title}\n\n| figure | median | min–max | baseline (same run) | ratio / note |\n|---|---|---|---|---|"));
    }
    fn row(&mut self, cells: [String; 5]) {
        self.lines.push(format!("| {} |", cells.join(" | ")));
    }
    fn goal(&mut self, what: &str, met: bool, detail: String) {
        self.goals.push(format!("- {} {what}: {detail}", if met { "✅ met" } else { "❌ not met" }));
    }
}

fn timed(wd: &Workdir, args: &[&str]) -> f64 {
    let t = Instant::now();
    wd.ok(args);
    t.elapsed().as_secs_f64()
}

fn show_gets(s: &Scenario, from: usize) -> usize {
    s.sim.calls()[from..].iter().filter(|c| c.op == "show").count()
}

fn convergence(r: &mut Report, runs: usize) {
    let Some(s) = Scenario::new(&["--create-seconds", "0.5", "--stop-seconds", "2", "--start-seconds", "2"]) else {
        return;
    };
    let body = |name: &str, flavor: &str| notebook_with("nb", name, flavor, CPU_IMAGE, 10, "");
    s.config(&body("conv-0", "modelarts.vm.cpu.2u"));
    s.wd.ok(&["apply", "-auto-approve"]);
    let (mut rename, mut flavor, mut rename_gets, mut flavor_gets) =
        (Samples(vec![]), Samples(vec![]), Samples(vec![]), Samples(vec![]));
    let flavors = ["modelarts.vm.cpu.8u", "modelarts.vm.cpu.2u"];
    for i in 0..runs {
        let current = flavors[(i + 1) % 2];
        s.config(&body(&format!("conv-{}", i + 1), current));
        let m = s.mark();
        rename.0.push(timed(&s.wd, &["apply", "-auto-approve"]));
        rename_gets.0.push(show_gets(&s, m) as f64);
        s.config(&body(&format!("conv-{}", i + 1), flavors[i % 2]));
        let m = s.mark();
        flavor.0.push(timed(&s.wd, &["apply", "-auto-approve"]));
        flavor_gets.0.push(show_gets(&s, m) as f64);
        let ops = s.sim.ops_since(m, false);
        assert_eq!(ops, ["stop", "update", "start"], "a flavor change is stop, update, start");
    }
    let overhead = Samples(flavor.0.iter().zip(&rename.0).map(|(f, r)| f - r - 4.0).collect());
    let wait_gets = Samples(flavor_gets.0.iter().zip(&rename_gets.0).map(|(f, r)| f - r).collect());
    r.section(&format!(
        "Convergence: flavor change of a running notebook (simulator stop = 2 s, start = 2 s; {runs} runs)"
    ));
    r.row([
        "`terraform apply`, flavor change".into(),
        format!("{:.2} s", flavor.median()),
        flavor.range("s", 2),
        format!("rename (live update) apply {:.2} s", rename.median()),
        format!("{:.2}× the rename", flavor.median() / rename.median()),
    ]);
    r.row(["transitions' own time".into(), "4.00 s".into(), "–".into(), "–".into(), "stop 2 s + start 2 s".into()]);
    r.row([
        "**overhead** = flavor − rename − 4 s".into(),
        format!("**{:.2} s**", overhead.median()),
        overhead.range("s", 2),
        "goal ≤ 0.5 s".into(),
        format!("{:.0}% of the transitions' time", overhead.median() / 4.0 * 100.0),
    ]);
    r.row([
        "GETs made by the two waits".into(),
        format!("{:.0}", wait_gets.median()),
        wait_gets.range("", 0),
        format!("all GETs of the apply {:.0} (rename apply {:.0})", flavor_gets.median(), rename_gets.median()),
        "goal ≤ 20".into(),
    ]);
    // The official Go provider: a 10 s delay before its first look, then looks at most 10 s apart.
    r.row([
        "official Go provider's scheme on the same transitions".into(),
        "20.00 s of waiting".into(),
        "–".into(),
        "4 s of transitions".into(),
        "16 s overhead (≈ 2 GETs): its first look at each transition is after 10 s".into(),
    ]);
    r.goal("convergence overhead ≤ 0.5 s", overhead.median() <= 0.5, format!("{:.2} s", overhead.median()));
    r.goal("≤ 20 GETs for the flavor change's waits", wait_gets.median() <= 20.0, format!("{:.0}", wait_gets.median()));
}

/// `count` notebooks, for the resilience scenarios.
fn many(count: usize) -> String {
    format!(
        "resource \"modelarts_notebook\" \"n\" {{\n  count     = {count}\n  name      = \"many-${{count.index}}\"\n  flavor_id = \"modelarts.vm.cpu.2u\"\n  image_id  = \"{CPU_IMAGE}\"\n  volume {{\n    type = \"EVS\"\n  }}\n}}\n"
    )
}

/// Applies `count` notebooks on a simulator with `sim_args`; with `outage`, the
/// API answers 503 for that long once the creates are in. The apply's time and
/// the requests it made.
fn apply_through(sim_args: &[&str], count: usize, parallelism: usize, outage: Option<Duration>) -> (f64, usize, usize) {
    let Some(s) = Scenario::new(sim_args) else { return (f64::NAN, 0, 0) };
    s.config(&many(count));
    let sim = &s.sim;
    let parallel = format!("-parallelism={parallelism}");
    let elapsed = std::thread::scope(|scope| {
        if let Some(lasting) = outage {
            scope.spawn(move || {
                let started = Instant::now();
                while started.elapsed() < Duration::from_secs(120) {
                    if sim.calls().iter().filter(|c| c.op == "create").count() >= count {
                        sim.control(
                            "POST",
                            "/_sim/outage",
                            Some(serde_json::json!({"seconds": lasting.as_secs_f64()})),
                        );
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
        }
        timed(&s.wd, &["apply", "-auto-approve", &parallel])
    });
    let calls = s.sim.calls();
    let state = std::fs::read_to_string(s.wd.path().join("terraform.tfstate")).unwrap_or_default();
    assert!(!state.contains("\"tainted\""), "no notebook tainted");
    (elapsed, calls.len(), calls.iter().filter(|c| c.response == 429).count())
}

/// Outages and rate limits: an apply of 5 notebooks through an outage, and many
/// notebooks under a per-account rate limit, each next to the same apply without.
fn resilience(r: &mut Report, outage: Duration, notebooks: usize) {
    let create = ["--create-seconds", "2"];
    let (base_t, base_n, _) = apply_through(&create, 5, 10, None);
    let (t, n, _) = apply_through(&create, 5, 10, Some(outage));
    r.section("Resilience: outages and rate limits (one run each; simulator create = 2 s)");
    r.row([
        format!("5 notebooks through a {} s outage (every request 503)", outage.as_secs()),
        format!("{t:.1} s, {n} requests"),
        "–".into(),
        format!("no outage: {base_t:.1} s, {base_n} requests"),
        format!("{:.1} s more than the outage's own length; none tainted", t - base_t - outage.as_secs_f64()),
    ]);
    let limited = ["--create-seconds", "2", "--rate-limit", "8", "--rate-burst", "8"];
    let (free_t, free_n, _) = apply_through(&create, notebooks, 20, None);
    let (t, n, throttled) = apply_through(&limited, notebooks, 20, None);
    let ideal = n as f64 / 8.0;
    r.row([
        format!("{notebooks} notebooks at -parallelism=20 under 8 requests/s"),
        format!("{t:.1} s, {n} requests, {throttled} throttled ({:.1}%)", throttled as f64 / n as f64 * 100.0),
        "–".into(),
        format!("no limit: {free_t:.1} s, {free_n} requests; ideal requests / 8 = {ideal:.1} s"),
        format!("{:.2}× the ideal", t / ideal),
    ]);
    r.goal("≤ 10% of requests throttled under the rate limit", throttled * 10 <= n, format!("{throttled} of {n}"));
}

/// Watches the provider processes terraform starts: their peak RSS (KiB) and the
/// CPU time they used (clock ticks, summed over processes).
struct ProcWatch {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    ticks: Arc<std::sync::Mutex<std::collections::HashMap<String, u64>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// utime + stime of a process, in clock ticks.
fn proc_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn proc_kib(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl ProcWatch {
    fn start(binary: PathBuf) -> ProcWatch {
        let (stop, peak) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
        let ticks = Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
        let (s, p, t) = (stop.clone(), peak.clone(), ticks.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                if let Ok(dir) = std::fs::read_dir("/proc") {
                    for e in dir.flatten() {
                        let pid = e.file_name().to_string_lossy().to_string();
                        if !pid.bytes().all(|b| b.is_ascii_digit()) {
                            continue;
                        }
                        if std::fs::read_link(format!("/proc/{pid}/exe")).ok().as_deref() == Some(binary.as_path()) {
                            if let Some(kib) = proc_kib(&pid, "VmHWM:") {
                                p.fetch_max(kib, Ordering::Relaxed);
                            }
                            if let (Some(ticks), Ok(mut map)) = (proc_ticks(&pid), t.lock()) {
                                map.insert(pid.clone(), ticks);
                            }
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        ProcWatch { stop, peak, ticks, thread: Some(thread) }
    }

    /// Peak RSS in MB, and CPU seconds (as last sampled; a process's final few
    /// milliseconds may be missed).
    fn finish(mut self) -> (f64, f64) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let ticks: u64 = self.ticks.lock().map(|m| m.values().sum()).unwrap_or(0);
        (self.peak.load(Ordering::Relaxed) as f64 / 1024.0, ticks as f64 / 100.0)
    }
}

/// Total CPU seconds of this process's finished children (utime + stime, fields
/// 16 and 17 of /proc/self/stat: cutime and cstime).
fn children_cpu_total() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let Some(close) = stat.rfind(')') else { return 0.0 };
    let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(13) + ticks(14)) / 100.0
}

fn scale(r: &mut Report, sizes: &[usize], runs: usize) {
    let provider = std::fs::canonicalize(common::provider_bin()).unwrap();
    r.section(&format!(
        "Scale: `terraform plan` (with refresh) over N notebooks against N `terraform_data` ({runs} runs each)"
    ));
    for &n in sizes {
        let Some(s) = Scenario::new(&["--create-seconds", "0"]) else { return };
        s.config(&format!(
            "resource \"modelarts_notebook\" \"n\" {{\n  count     = {n}\n  name      = \"scale-${{count.index}}\"\n  flavor_id = \"modelarts.vm.cpu.2u\"\n  image_id  = \"{CPU_IMAGE}\"\n  volume {{\n    type = \"EVS\"\n  }}\n}}\n"
        ));
        let watch = ProcWatch::start(provider.clone());
        let apply = timed(&s.wd, &["apply", "-auto-approve"]);
        let (peak_apply, _) = watch.finish();
        let watch = ProcWatch::start(provider.clone());
        let mut plans = Samples(vec![]);
        let mut plan_cpu = Samples(vec![]);
        for _ in 0..runs {
            let (started, cpu_before) = (Instant::now(), children_cpu_total());
            let out = s.wd.command(&["plan", "-no-color"]).output().unwrap();
            assert!(out.status.success());
            plans.0.push(started.elapsed().as_secs_f64());
            plan_cpu.0.push(children_cpu_total() - cpu_before);
        }
        let (peak_plans, provider_cpu) = watch.finish();
        let peak_mb = peak_apply.max(peak_plans);
        assert_eq!(s.sim.notebooks().len(), n);

        let Some(base) = Workdir::new() else { return };
        base.write(
            "main.tf",
            &format!("resource \"terraform_data\" \"d\" {{\n  count = {n}\n  input = \"item-${{count.index}}\"\n}}\n"),
        );
        let base_apply = timed(&base, &["apply", "-auto-approve"]);
        let mut base_plans = Samples(vec![]);
        let mut base_cpu = Samples(vec![]);
        for _ in 0..runs {
            let before = children_cpu_total();
            base_plans.0.push(timed(&base, &["plan"]));
            base_cpu.0.push(children_cpu_total() - before);
        }
        let ratio = plans.median() / base_plans.median();
        r.row([
            format!("`terraform plan`, {n} notebooks"),
            format!("{:.3} s", plans.median()),
            plans.range("s", 3),
            format!("{n} `terraform_data`: {:.3} s ({})", base_plans.median(), base_plans.range("s", 3)),
            format!("**{ratio:.2}×** (goal ≤ 2×, stretch 1.5×)"),
        ]);
        r.row([
            format!("`terraform apply` creating {n} notebooks (parallelism 10)"),
            format!("{apply:.2} s"),
            "1 run".into(),
            format!("{n} `terraform_data`: {base_apply:.2} s"),
            format!("{:.1} ms per notebook; each create waits for RUNNING", apply * 1000.0 / n as f64),
        ]);
        r.row([
            format!("CPU per plan, {n} notebooks"),
            format!("provider {:.3} s", provider_cpu / runs as f64),
            "–".into(),
            format!(
                "whole plan (terraform + provider) {:.3} s; {n} `terraform_data` {:.3} s",
                plan_cpu.median(),
                base_cpu.median()
            ),
            format!(
                "the provider's share: {:.0}%; terraform's own {:.1}× its `terraform_data` CPU",
                provider_cpu / runs as f64 / plan_cpu.median() * 100.0,
                (plan_cpu.median() - provider_cpu / runs as f64) / base_cpu.median()
            ),
        ]);
        provider_cpu_exactly(r, &s, n, runs, &provider);
        r.row([
            format!("provider peak RSS, {n} notebooks"),
            format!("{peak_mb:.1} MB"),
            "over the apply and the plans".into(),
            "–".into(),
            "goal ≤ 50 MB at 500".into(),
        ]);
        r.goal(&format!("plan ratio ≤ 2× at {n}"), ratio <= 2.0, format!("{ratio:.2}×"));
        if n >= 500 {
            r.goal("peak RSS ≤ 50 MB at 500", peak_mb <= 50.0, format!("{peak_mb:.1} MB"));
        }
    }
}

/// The provider's CPU per plan from the kernel's accounting of each launch
/// ([`cpu::CpuMeter`]), and `BENCH_BASELINE_PROVIDER`'s on the same state.
fn provider_cpu_exactly(r: &mut Report, s: &Scenario, n: usize, runs: usize, provider: &Path) {
    let address = "registry.terraform.io/modelarts/modelarts";
    let baseline = std::env::var("BENCH_BASELINE_PROVIDER").ok().filter(|b| !b.is_empty());
    let binaries: Vec<PathBuf> =
        std::iter::once(provider.to_path_buf()).chain(baseline.iter().map(PathBuf::from)).collect();
    let meters: Vec<cpu::CpuMeter> = binaries.iter().map(|b| cpu::CpuMeter::new(b)).collect();
    let mut samples: Vec<[Samples; 3]> = binaries.iter().map(|_| Default::default()).collect();
    // The binaries take turns, plan by plan: a machine that speeds up or slows down
    // during the runs meets each alike (measured one after the other, the same two
    // binaries read 0.51x in one run and 0.68x in the next).
    for _ in 0..runs {
        for (meter, [provider_cpu, whole, system]) in meters.iter().zip(samples.iter_mut()) {
            s.wd.dev_overrides(&[(address, &meter.plugin_dir())]);
            let before = children_cpu_total();
            let out = s.wd.command(&["plan", "-no-color"]).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            whole.0.push(children_cpu_total() - before);
            // Three launches a plan (schemas, validation, planning); one the shell could
            // not record (killed) would show as a smaller figure.
            let launches = meter.take();
            provider_cpu.0.push(launches.total());
            system.0.push(launches.system);
        }
    }
    let measured: Vec<(PathBuf, Samples, Samples, Samples)> = binaries
        .into_iter()
        .zip(samples)
        .map(|(binary, [provider_cpu, whole, system])| (binary, provider_cpu, whole, system))
        .collect();
    s.wd.dev_overrides(&[(address, provider.parent().unwrap())]);
    let (_, cpu, whole, system) = &measured[0];
    let share = cpu.median() / whole.median() * 100.0;
    let (base_column, ratio) = match measured.get(1) {
        Some((binary, base, base_whole, base_system)) => (
            format!(
                "{}: {:.1} ms ({}; system {:.1} ms), {:.0}% of its plan",
                binary.display(),
                base.median() * 1000.0,
                Samples(base.0.iter().map(|x| x * 1000.0).collect()).range("ms", 1),
                base_system.median() * 1000.0,
                base.median() / base_whole.median() * 100.0
            ),
            format!("**{:.2}×** the baseline's; ", cpu.median() / base.median()),
        ),
        None => ("– (BENCH_BASELINE_PROVIDER not set)".into(), String::new()),
    };
    r.row([
        format!("provider CPU per plan, {n} notebooks (its three launches, kernel accounting)"),
        format!("{:.1} ms (system {:.1} ms)", cpu.median() * 1000.0, system.median() * 1000.0),
        Samples(cpu.0.iter().map(|x| x * 1000.0).collect()).range("ms", 1),
        base_column,
        format!("{ratio}the provider's share of the plan's CPU: {share:.1}%"),
    ]);
}

fn startup(r: &mut Report, runs: usize) {
    let id = common::plugin::client_identity();
    let (mut handshake, mut idle) = (Samples(vec![]), Samples(vec![]));
    for _ in 0..runs {
        let t = Instant::now();
        let mut child = Command::new(common::provider_bin())
            .env("TF_PLUGIN_MAGIC_COOKIE", modelarts_provider::protocol::handshake::MAGIC_COOKIE_VALUE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env("PLUGIN_CLIENT_CERT", &id.cert_pem)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        handshake.0.push(t.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(50));
        if let Some(kib) = proc_kib(&child.id().to_string(), "VmRSS:") {
            idle.0.push(kib as f64 / 1024.0);
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    let mut spawn = Samples(vec![]);
    for _ in 0..runs {
        let t = Instant::now();
        let _ = Command::new("true").status();
        spawn.0.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let size_mb = std::fs::metadata(common::provider_bin()).map(|m| m.len() as f64 / 1_048_576.0).unwrap_or(f64::NAN);
    r.section(&format!("Startup ({runs} runs)"));
    r.row([
        "exec → handshake line (AutoMTLS, fresh certificate)".into(),
        format!("{:.1} ms", handshake.median()),
        handshake.range("ms", 1),
        format!("exec of `true`: {:.1} ms", spawn.median()),
        format!("goal ≤ 20 ms; {:.1}× a bare exec", handshake.median() / spawn.median()),
    ]);
    r.row([
        "RSS at idle".into(),
        format!("{:.1} MB", idle.median()),
        idle.range("MB", 1),
        "–".into(),
        "after the handshake".into(),
    ]);
    r.row([
        "binary size (release, stripped)".into(),
        format!("{size_mb:.1} MB"),
        "–".into(),
        "–".into(),
        common::provider_bin().display().to_string().replace(env!("CARGO_MANIFEST_DIR"), "."),
    ]);
    r.goal("handshake ≤ 20 ms", handshake.median() <= 20.0, format!("{:.1} ms", handshake.median()));
}

/// The criterion micro-benchmarks' medians, if `cargo bench` ran them.
fn hot_paths(r: &mut Report) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/criterion");
    let mut found: Vec<(String, f64)> = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.ends_with("new/benchmark.json") {
                let bench: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_default()).unwrap_or_default();
                let est: serde_json::Value = serde_json::from_str(
                    &std::fs::read_to_string(p.with_file_name("estimates.json")).unwrap_or_default(),
                )
                .unwrap_or_default();
                if let (Some(id), Some(ns)) = (bench["full_id"].as_str(), est["median"]["point_estimate"].as_f64()) {
                    found.push((id.to_string(), ns));
                }
            }
        }
    }
    r.section("Hot paths (criterion, medians)");
    if found.is_empty() {
        r.row([
            "(not measured)".into(),
            "–".into(),
            "–".into(),
            "–".into(),
            "run `cargo bench` for the micro-benchmarks".into(),
        ]);
        return;
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    for (id, ns) in found.iter().filter(|(id, _)| !id.contains("/baseline")) {
        let base = found.iter().find(|(b, _)| b.starts_with(&format!("{id}/baseline")));
        let (base_text, ratio) = match base {
            Some((b, bns)) => (
                format!("{}: {}", b.trim_start_matches(&format!("{id}/")).replace('_', " "), human_ns(*bns)),
                format!("{:.2}×", ns / bns),
            ),
            None => ("–".into(), "–".into()),
        };
        r.row([format!("`{id}`"), human_ns(*ns), "criterion CI".into(), base_text, ratio]);
    }
}

fn human_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// The provider binary as released, which the full run measures: `BENCH_PROVIDER`, or
/// this tree's built as `scripts/release.sh` builds it — its package alone (`-p`), so
/// with its own dependencies' features. The binary `cargo bench` builds beside the
/// benchmarks gets the simulator's and the dev-dependencies' too (tokio's
/// multi-threaded scheduler and file system, hyper's HTTP/1 server): another binary,
/// and a slower one (38.6 against 37.3 ms of CPU per plan of 100 notebooks,
/// `scripts/cpu-plan.sh`, 12 plans each, alternating).
fn released_provider() -> PathBuf {
    if let Some(bin) = std::env::var_os("BENCH_PROVIDER").filter(|b| !b.is_empty()) {
        return PathBuf::from(bin);
    }
    // A target directory of its own, so the two builds do not replace each other.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("released");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let package = "terraform-provider-modelarts";
    eprintln!("building the provider as released (cargo build --release -p {package}) into {}", target.display());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", package, "--bin", package, "--target-dir"])
        .arg(&target)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success(), "the release build of the provider failed");
    target.join("release").join(format!("{package}{}", std::env::consts::EXE_SUFFIX))
}

fn main() {
    // `cargo bench` passes --bench; a filter or --list may come too.
    if std::env::args().any(|a| a == "--list") {
        println!("scenarios: bench");
        return;
    }
    let smoke = std::env::var("BENCH_SMOKE").is_ok_and(|v| v == "1");
    if common::terraform().is_none() {
        return;
    }
    let tf_version = Command::new("terraform")
        .arg("version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or_default().to_string())
        .unwrap_or_default();
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mut r = Report { lines: Vec::new(), goals: Vec::new() };
    let started = Instant::now();
    if smoke {
        convergence(&mut r, 1);
        scale(&mut r, &[20], 1);
        startup(&mut r, 5);
        resilience(&mut r, Duration::from_secs(5), 10);
    } else {
        assert!(common::use_provider_bin(released_provider()), "the harness chose a provider before the bench");
        let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
        let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
            .ok()
            .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
            .unwrap_or_else(|| vec![100, 500]);
        if std::env::var("BENCH_ONLY").map_or(true, |o| o.contains("convergence")) {
            convergence(&mut r, runs);
        }
        if std::env::var("BENCH_ONLY").map_or(true, |o| o.contains("scale")) {
            scale(&mut r, &sizes, runs);
        }
        startup(&mut r, 50);
        if std::env::var("BENCH_ONLY").map_or(true, |o| o.contains("resilience")) {
            resilience(&mut r, Duration::from_secs(40), 40);
        }
    }
    hot_paths(&mut r);
    let mode =
        if smoke { " — smoke mode (BENCH_SMOKE=1: one run each, small sizes; not representative)" } else { "" };
    let report = format!(
        "## Benchmark report{mode}\n\nMade by `cargo bench` on {cpus} CPUs with {tf_version}, release build, in {:.0} s. Every figure sits next to a baseline measured in the same run.\n{}\n\n### Goals\n\n{}\n",
        started.elapsed().as_secs_f64(),
        r.lines.join("\n"),
        r.goals.join("\n")
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("report.md"), &report).unwrap();
    println!("{report}");
}
