//! `modelarts-sim` as a child process, with its call log and control API.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use modelarts_provider::client::types::Notebook;
use modelarts_sim::calllog::Call;

use super::SIM_BIN;

pub struct SimProcess {
    child: Child,
    pub url: String,
    pub log_path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SimProcess {
    /// Starts the simulator on a free port with `args` and a call log. With
    /// `MODELARTS_SIM_LOG_DIR` set, the log is kept there (`.ci/run` checks every
    /// request in them against the official SDK's models).
    pub fn start(args: &[&str]) -> SimProcess {
        let dir = tempfile::tempdir().unwrap();
        let log_path = match std::env::var_os("MODELARTS_SIM_LOG_DIR") {
            Some(keep) => {
                std::fs::create_dir_all(&keep).unwrap();
                let (_, path) = tempfile::Builder::new()
                    .prefix("calls-")
                    .suffix(".jsonl")
                    .tempfile_in(&keep)
                    .unwrap()
                    .keep()
                    .unwrap();
                path
            }
            None => dir.path().join("calls.jsonl"),
        };
        let mut child = Command::new(&*SIM_BIN)
            .args(["--listen", "127.0.0.1:0", "--log"])
            .arg(&log_path)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start modelarts-sim");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().to_string();
        assert!(url.starts_with("http"), "simulator printed {url:?}");
        SimProcess { child, url, log_path, _dir: dir }
    }

    /// Every API call so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        std::fs::read_to_string(&self.log_path)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("call log line"))
            .collect()
    }

    /// The operations since call number `from`, as `op` strings, skipping reads
    /// (show, list, flavors...) unless `with_reads`.
    pub fn ops_since(&self, from: usize, with_reads: bool) -> Vec<String> {
        const READS: &[&str] = &[
            "show",
            "list",
            "flavors",
            "switchable_flavors",
            "lease_show",
            "images",
            "image_show",
            "storage_list",
            "storage_show",
        ];
        self.calls()[from..]
            .iter()
            .filter(|c| with_reads || !READS.contains(&c.op.as_str()))
            .map(|c| c.op.clone())
            .collect()
    }

    /// A control API call (`/_sim/...`): method, path and JSON body; the JSON answer.
    pub fn control(&self, method: &str, path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
        let addr = self.url.trim_start_matches("http://");
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        write!(s, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        let (head, payload) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
        assert!(head.starts_with("HTTP/1.1 200"), "control {method} {path}: {resp}");
        serde_json::from_str(payload).unwrap_or(serde_json::Value::Null)
    }

    pub fn notebooks(&self) -> Vec<Notebook> {
        serde_json::from_value(self.control("GET", "/_sim/notebooks", None)).unwrap()
    }

    pub fn notebook(&self, id: &str) -> Notebook {
        self.notebooks().into_iter().find(|n| n.id == id).unwrap_or_else(|| panic!("no notebook {id} in the simulator"))
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        for _ in 0..100 {
            if let Ok(Some(s)) = self.child.try_wait() {
                return s;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("modelarts-sim did not exit on SIGTERM");
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
