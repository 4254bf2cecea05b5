//! The provider's CPU time, exactly: Terraform starts it through a shell that, when
//! the provider exits, records the CPU its child used (`times`: the kernel's
//! per-process accounting, to the millisecond). `/proc`'s clock ticks (10 ms, read
//! while the process lives) cannot tell apart two launches of a few ticks each, and a
//! plan launches the provider three times.

use std::path::{Path, PathBuf};

/// A plugin directory whose `terraform-provider-modelarts` runs `binary` and records
/// each launch's CPU seconds.
pub struct CpuMeter {
    dir: tempfile::TempDir,
}

impl CpuMeter {
    pub fn new(binary: &Path) -> CpuMeter {
        let dir = tempfile::Builder::new().prefix("cpu-meter-").tempdir().expect("tempdir");
        let records = dir.path().join("records");
        std::fs::create_dir(&records).unwrap();
        // Not `exec`: the shell waits, then writes the child's user and system time.
        let wrapper = format!(
            "#!/usr/bin/env bash\n\"{}\" \"$@\"\nstatus=$?\ntimes > \"{}/launch.$$\"\nexit $status\n",
            binary.display(),
            records.display()
        );
        let path = dir.path().join("terraform-provider-modelarts");
        std::fs::write(&path, wrapper).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        CpuMeter { dir }
    }

    /// The directory to name in `dev_overrides`.
    pub fn plugin_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// The user and system CPU seconds of the launches recorded since the last call.
    pub fn take(&self) -> Launches {
        let mut total = Launches::default();
        for entry in std::fs::read_dir(self.dir.path().join("records")).unwrap().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            // `times` prints the shell's own times, then its children's: user, system.
            let children: Vec<f64> =
                text.lines().nth(1).unwrap_or_default().split_whitespace().filter_map(seconds).collect();
            if let [user, system] = children[..] {
                total.user += user;
                total.system += system;
                total.count += 1;
            }
            let _ = std::fs::remove_file(entry.path());
        }
        total
    }
}

/// CPU seconds of some launches.
#[derive(Default)]
pub struct Launches {
    pub user: f64,
    pub system: f64,
    pub count: usize,
}

impl Launches {
    pub fn total(&self) -> f64 {
        self.user + self.system
    }
}

/// `0m0.031s` as seconds (`0m0,031s` where the locale writes decimal commas).
fn seconds(field: &str) -> Option<f64> {
    let (minutes, rest) = field.split_once('m')?;
    let secs = rest.strip_suffix('s')?.replace(',', ".");
    Some(minutes.parse::<f64>().ok()? * 60.0 + secs.parse::<f64>().ok()?)
}
