//! Logs as hclog JSON lines on stderr, the format Terraform parses from a plugin's
//! stderr: `@level`, `@message`, `@timestamp`, `@module`, then the event's fields.
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG`, as for Go providers.
//! Lines are written by a dedicated thread, so logging never blocks the runtime; the
//! thread starts with the first line (at the default level most launches log none).

use std::io::Write;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value as J};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// The level Terraform asked for, from the value of `TF_LOG_PROVIDER` / `TF_LOG`.
/// Unset means warnings and errors only; an unrecognised value means trace, as in Terraform.
pub fn level_from_env(provider: Option<&str>, global: Option<&str>) -> Option<Level> {
    let raw = provider.filter(|s| !s.is_empty()).or(global.filter(|s| !s.is_empty()));
    match raw.map(|s| s.to_ascii_uppercase()) {
        None => Some(Level::WARN),
        Some(s) => match s.as_str() {
            "OFF" => None,
            "ERROR" => Some(Level::ERROR),
            "WARN" => Some(Level::WARN),
            "INFO" => Some(Level::INFO),
            "DEBUG" => Some(Level::DEBUG),
            _ => Some(Level::TRACE),
        },
    }
}

/// The framework's own events: logged at the requested level, like the provider's.
const OWN_TARGET: &str = "tfplugin";

/// Installs the hclog JSON subscriber as the global one at the level Terraform asked
/// for: events of `module` (`provider.NAME` in Terraform's log), at that level for the
/// framework and the crates whose tracing targets begin with one of `own_targets`
/// (the provider's own), at `WARN` at most for the libraries underneath.
pub fn init(module: &'static str, own_targets: &'static [&'static str]) {
    let level =
        level_from_env(std::env::var("TF_LOG_PROVIDER").ok().as_deref(), std::env::var("TF_LOG").ok().as_deref());
    let Some(level) = level else { return };
    let subscriber =
        HclogSubscriber { module, own_targets, max_level: level, writer: OnceLock::new(), sink: Sink::Stderr };
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// A tracing subscriber that writes events as hclog JSON lines, which Terraform shows
/// under `TF_LOG`. Spans carry nothing into the log (Terraform's lines have no span
/// context), so it keeps no span registry: tracing-subscriber's would allocate its
/// span slab in every launch for spans nobody reads.
#[derive(Debug)]
pub struct HclogSubscriber {
    module: &'static str,
    own_targets: &'static [&'static str],
    max_level: Level,
    /// The writer thread's queue, made with the first line; `None` if the thread
    /// could not be started (lines are then dropped, as on a full queue).
    writer: OnceLock<Option<SyncSender<ToWriter>>>,
    sink: Sink,
}

/// Where the writer thread puts lines.
#[derive(Clone, Debug)]
enum Sink {
    Stderr,
    /// Tests: lines kept, each after a pause, so a writer that lags is certain.
    #[cfg(test)]
    Slow(std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>),
}

impl Sink {
    fn write(&self, line: &[u8]) {
        match self {
            // Lock per line: other writers (a fatal error's eprintln) must get through.
            Sink::Stderr => {
                let _ = std::io::stderr().lock().write_all(line);
            }
            #[cfg(test)]
            Sink::Slow(lines) => {
                std::thread::sleep(Duration::from_millis(2));
                lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(line.to_vec());
            }
        }
    }
}

/// What the writer thread is handed: a line to write, or a caller waiting until every
/// line before it is written.
#[derive(Debug)]
enum ToWriter {
    Line(Vec<u8>),
    Flushed(SyncSender<()>),
}

/// Waits, at most `limit`, until every line logged so far is on stderr; false if they
/// were not all written in that time. A process that ends without running destructors
/// (the plugin binary's quick exit) calls it first, or the writer thread's last lines
/// would be lost with it.
pub fn flush(limit: Duration) -> bool {
    let queue = tracing::dispatcher::get_default(|dispatch| {
        dispatch.downcast_ref::<HclogSubscriber>().and_then(|s| s.writer.get().cloned().flatten())
    });
    // No hclog subscriber, or nothing logged yet: nothing is waiting to be written.
    let Some(queue) = queue else { return true };
    let (done, written) = sync_channel(1);
    queue.send(ToWriter::Flushed(done)).is_ok() && written.recv_timeout(limit).is_ok()
}

impl HclogSubscriber {
    /// Our own events at the requested level; the libraries underneath (h2, hyper,
    /// rustls, tonic) only when they warn, or their frame-by-frame traces drown ours.
    fn level_for(&self, target: &str) -> Level {
        if target.starts_with(OWN_TARGET) || self.own_targets.iter().any(|t| target.starts_with(t)) {
            self.max_level
        } else {
            self.max_level.min(Level::WARN)
        }
    }

    /// Starts the thread that writes lines to stderr, once.
    fn writer(&self) -> Option<&SyncSender<ToWriter>> {
        self.writer
            .get_or_init(|| {
                let (tx, rx) = sync_channel::<ToWriter>(4096);
                let sink = self.sink.clone();
                std::thread::Builder::new()
                    .name("log-writer".into())
                    .spawn(move || {
                        for message in rx {
                            match message {
                                ToWriter::Line(line) => sink.write(&line),
                                ToWriter::Flushed(done) => {
                                    let _ = done.send(());
                                }
                            }
                        }
                    })
                    .ok()
                    .map(|_| tx)
            })
            .as_ref()
    }
}

/// Renders one event as an hclog JSON line.
pub fn render(module: &str, level: &Level, fields: Map<String, J>, now: SystemTime) -> Vec<u8> {
    let mut obj = Map::with_capacity(fields.len() + 4);
    obj.insert("@level".into(), J::from(level.as_str().to_ascii_lowercase()));
    let mut fields = fields;
    obj.insert("@message".into(), fields.remove("message").unwrap_or(J::from("")));
    obj.insert("@module".into(), J::from(module));
    obj.insert("@timestamp".into(), J::from(log_timestamp(now)));
    obj.extend(fields);
    let mut line = serde_json::to_vec(&J::Object(obj)).unwrap_or_default();
    line.push(b'\n');
    line
}

impl Subscriber for HclogSubscriber {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= self.level_for(metadata.target())
    }

    /// The most verbose level any target is logged at. Without a hint tracing takes
    /// every level to be wanted, so each `trace!` of h2 and hyper reached in a launch
    /// registers its callsite and asks [`Self::enabled`] before it is silenced; with
    /// it, an event above the level costs one comparison.
    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::from_level(self.max_level))
    }

    /// Every span gets the same ID: nothing is kept per span.
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        if *meta.level() > self.level_for(meta.target()) {
            return;
        }
        let mut visitor = JsonFields(Map::new());
        event.record(&mut visitor);
        let line = render(self.module, meta.level(), visitor.0, SystemTime::now());
        // A full queue drops the line rather than stall a request.
        if let Some(tx) = self.writer() {
            let _ = tx.try_send(ToWriter::Line(line));
        }
    }
}

struct JsonFields(Map<String, J>);

impl Visit for JsonFields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_string(), J::from(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), J::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_string(), J::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_string(), J::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().to_string(), J::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_string(), J::from(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_terraform_env() {
        assert_eq!(level_from_env(None, None), Some(Level::WARN));
        assert_eq!(level_from_env(None, Some("debug")), Some(Level::DEBUG));
        assert_eq!(level_from_env(Some("info"), Some("trace")), Some(Level::INFO));
        assert_eq!(level_from_env(None, Some("JSON")), Some(Level::TRACE));
        assert_eq!(level_from_env(Some("off"), None), None);
    }

    #[test]
    fn flushing_waits_for_the_lines_logged_before() {
        // Lines kept by a sink that takes 2 ms for each.
        let slow = |lines: &std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>| HclogSubscriber {
            module: "provider.test",
            own_targets: &["own"],
            max_level: Level::INFO,
            writer: OnceLock::new(),
            sink: Sink::Slow(lines.clone()),
        };
        let written = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        tracing::subscriber::with_default(slow(&written), || {
            assert!(flush(Duration::from_secs(5)), "nothing logged: nothing to wait for");
            for n in 0..50 {
                tracing::warn!(n, "a line before the flush");
            }
            // The writer takes 2 ms a line: only a flush that waits sees all 50.
            assert!(flush(Duration::from_secs(5)), "the writer confirmed every line before the marker");
            let lines = written.lock().unwrap();
            assert_eq!(lines.len(), 50);
            let last: J = serde_json::from_slice(&lines[49]).unwrap();
            assert_eq!(last["n"], 49);
        });
        // A writer too slow for the limit: the flush gives up and says so.
        let lagging = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        tracing::subscriber::with_default(slow(&lagging), || {
            for n in 0..50 {
                tracing::warn!(n, "a line before the flush");
            }
            assert!(!flush(Duration::from_millis(10)), "50 lines at 2 ms cannot be written in 10 ms");
        });
    }

    #[test]
    fn hints_the_most_verbose_level_it_logs() {
        let subscriber = HclogSubscriber {
            module: "provider.test",
            own_targets: &["own"],
            max_level: Level::DEBUG,
            writer: OnceLock::new(),
            sink: Sink::Stderr,
        };
        assert_eq!(subscriber.max_level_hint(), Some(LevelFilter::DEBUG));
        // Nothing the subscriber logs is more verbose than the hint, or it would be lost.
        for target in ["own::notebook", "tfplugin::server", "h2::codec"] {
            assert!(LevelFilter::from_level(subscriber.level_for(target)) <= LevelFilter::DEBUG, "{target}");
        }
        let quiet = HclogSubscriber { max_level: Level::WARN, ..subscriber };
        assert_eq!(quiet.max_level_hint(), Some(LevelFilter::WARN));
    }

    #[test]
    fn renders_hclog_fields() {
        let mut f = Map::new();
        f.insert("message".into(), J::from("waiting"));
        f.insert("status".into(), J::from("STOPPING"));
        let line = render("provider.modelarts", &Level::INFO, f, SystemTime::UNIX_EPOCH);
        let v: J = serde_json::from_slice(&line).unwrap();
        assert_eq!(v["@level"], "info");
        assert_eq!(v["@message"], "waiting");
        assert_eq!(v["@module"], "provider.modelarts");
        assert_eq!(v["@timestamp"], "1970-01-01T00:00:00.000000Z");
        assert_eq!(v["status"], "STOPPING");
        assert_eq!(line.last(), Some(&b'\n'));
    }
}

/// RFC 3339 with microseconds, as hclog writes `@timestamp`.
fn log_timestamp(t: std::time::SystemTime) -> String {
    const LOG_MICROS: &[time::format_description::BorrowedFormatItem<'_>] =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    let d = t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::try_from(d.as_nanos()).unwrap_or(0))
        .ok()
        .and_then(|t| t.format(LOG_MICROS).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00.000000Z".to_string())
}

#[cfg(test)]
mod timestamp_tests {
    #[test]
    fn the_epoch_as_hclog_writes_it() {
        assert_eq!(super::log_timestamp(std::time::UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
    }
}
