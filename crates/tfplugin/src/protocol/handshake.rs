//! The go-plugin handshake: how Terraform launches a plugin and learns where it listens.
//!
//! Terraform starts the plugin with a magic cookie, the protocol versions it speaks,
//! a port range and (for AutoMTLS) its client certificate in the environment. The
//! plugin answers with one line on stdout:
//! `CORE-VERSION|APP-VERSION|NETWORK|ADDRESS|PROTOCOL|SERVER-CERT`.

use std::net::SocketAddr;
use std::path::PathBuf;

use base64::Engine;

/// Environment variable and value Terraform sets to show it launched the plugin.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// The value Terraform puts in `TF_PLUGIN_MAGIC_COOKIE` when it launches a plugin.
pub const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// go-plugin's own handshake version.
pub const CORE_PROTOCOL_VERSION: u32 = 1;
/// The Terraform plugin protocol this provider speaks.
pub const PLUGIN_PROTOCOL_VERSION: u32 = 6;

/// A launch environment this plugin cannot serve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LaunchError {
    /// Terraform offered none of the protocol versions this provider speaks.
    NoCommonVersion {
        /// What Terraform offered (`PLUGIN_PROTOCOL_VERSIONS`).
        offered: String,
    },
    /// `PLUGIN_MIN_PORT` or `PLUGIN_MAX_PORT` is not a port number.
    BadPort {
        /// The variable's name.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// The port range is empty.
    InvertedPortRange {
        /// `PLUGIN_MIN_PORT`.
        min: u16,
        /// `PLUGIN_MAX_PORT`, below `min`.
        max: u16,
    },
}

impl std::fmt::Display for LaunchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LaunchError::NoCommonVersion { offered } => write!(
                f,
                "Terraform offered plugin protocol versions {offered}, but this provider speaks only version {PLUGIN_PROTOCOL_VERSION}; use Terraform 1.0 or later"
            ),
            LaunchError::BadPort { name, value } => write!(f, "{name}={value:?} is not a port number"),
            LaunchError::InvertedPortRange { min, max } => {
                write!(f, "PLUGIN_MIN_PORT {min} is above PLUGIN_MAX_PORT {max}")
            }
        }
    }
}

impl std::error::Error for LaunchError {}

/// What Terraform put in the plugin's environment.
#[derive(Clone, Debug, Default)]
pub struct LaunchEnv {
    /// `TF_PLUGIN_MAGIC_COOKIE`: set when Terraform launched the plugin.
    pub magic_cookie: Option<String>,
    /// `PLUGIN_PROTOCOL_VERSIONS`: the versions Terraform speaks, comma-separated.
    pub protocol_versions: Option<String>,
    /// `PLUGIN_MIN_PORT`: the lowest port the plugin may listen on.
    pub min_port: Option<String>,
    /// `PLUGIN_MAX_PORT`: the highest port the plugin may listen on.
    pub max_port: Option<String>,
    /// `PLUGIN_CLIENT_CERT`: Terraform's certificate (PEM) for AutoMTLS.
    pub client_cert: Option<String>,
    /// `PLUGIN_UNIX_SOCKET_DIR`: where go-plugin makes its Unix socket (else the
    /// temporary directory).
    pub unix_socket_dir: Option<String>,
    /// `PLUGIN_UNIX_SOCKET_GROUP`: the group go-plugin gives its Unix socket, when the
    /// plugin and Terraform run as different users.
    pub unix_socket_group: Option<String>,
}

impl LaunchEnv {
    /// The handshake variables of this process's environment.
    pub fn from_process() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        LaunchEnv {
            magic_cookie: var(MAGIC_COOKIE_KEY),
            protocol_versions: var("PLUGIN_PROTOCOL_VERSIONS"),
            min_port: var("PLUGIN_MIN_PORT"),
            max_port: var("PLUGIN_MAX_PORT"),
            client_cert: var("PLUGIN_CLIENT_CERT"),
            unix_socket_dir: var("PLUGIN_UNIX_SOCKET_DIR"),
            unix_socket_group: var("PLUGIN_UNIX_SOCKET_GROUP"),
        }
    }

    /// Whether Terraform launched this process (the magic cookie is right).
    pub fn launched_by_terraform(&self) -> bool {
        self.magic_cookie.as_deref() == Some(MAGIC_COOKIE_VALUE)
    }

    /// Picks protocol 6 from the versions Terraform offers; with no list, go-plugin's
    /// rule applies and the plugin's own version is used.
    pub fn negotiate_version(&self) -> Result<u32, LaunchError> {
        let Some(list) = &self.protocol_versions else {
            return Ok(PLUGIN_PROTOCOL_VERSION);
        };
        let offered: Vec<&str> = list.split(',').map(str::trim).collect();
        if offered.iter().any(|v| v.parse::<u32>() == Ok(PLUGIN_PROTOCOL_VERSION)) {
            Ok(PLUGIN_PROTOCOL_VERSION)
        } else {
            Err(LaunchError::NoCommonVersion { offered: list.clone() })
        }
    }

    /// The inclusive port range to listen in; `None` lets the OS choose.
    pub fn port_range(&self) -> Result<Option<(u16, u16)>, LaunchError> {
        let parse = |name: &'static str, v: &Option<String>| -> Result<Option<u16>, LaunchError> {
            v.as_deref()
                .map(|s| s.trim().parse::<u16>().map_err(|_| LaunchError::BadPort { name, value: s.to_string() }))
                .transpose()
        };
        match (parse("PLUGIN_MIN_PORT", &self.min_port)?, parse("PLUGIN_MAX_PORT", &self.max_port)?) {
            (None, None) => Ok(None),
            (min, max) => {
                let (min, max) = (min.unwrap_or(1024), max.unwrap_or(u16::MAX));
                if min > max {
                    return Err(LaunchError::InvertedPortRange { min, max });
                }
                Ok(Some((min, max)))
            }
        }
    }
}

/// Where the plugin listens, as the handshake line names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListenAddr {
    /// A TCP address (`tcp`): on Windows, in debug mode, and where no Unix socket can
    /// serve.
    Tcp(SocketAddr),
    /// A Unix socket's path (`unix`): what go-plugin listens on elsewhere.
    Unix(PathBuf),
}

impl ListenAddr {
    /// The handshake's network name.
    pub fn network(&self) -> &'static str {
        match self {
            ListenAddr::Tcp(_) => "tcp",
            ListenAddr::Unix(_) => "unix",
        }
    }
}

impl std::fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListenAddr::Tcp(a) => a.fmt(f),
            ListenAddr::Unix(p) => p.display().fmt(f),
        }
    }
}

/// The line Terraform reads from the plugin's stdout. The certificate is raw
/// (unpadded) standard base64 of its DER form, as go-plugin expects.
pub fn handshake_line(addr: &ListenAddr, server_cert_der: Option<&[u8]>) -> String {
    let cert =
        server_cert_der.map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der)).unwrap_or_default();
    let network = addr.network();
    format!("{CORE_PROTOCOL_VERSION}|{PLUGIN_PROTOCOL_VERSION}|{network}|{addr}|grpc|{cert}")
}

/// The line a user exports to attach Terraform to a provider started with `--debug`.
pub fn reattach_line(provider_address: &str, addr: SocketAddr) -> String {
    let config = serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": PLUGIN_PROTOCOL_VERSION,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": { "Network": "tcp", "String": addr.to_string() },
        }
    });
    format!("TF_REATTACH_PROVIDERS='{config}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(versions: Option<&str>) -> LaunchEnv {
        LaunchEnv { protocol_versions: versions.map(String::from), ..Default::default() }
    }

    #[test]
    fn negotiates_version_six() {
        assert_eq!(env(Some("5,6")).negotiate_version(), Ok(6));
        assert_eq!(env(Some("6")).negotiate_version(), Ok(6));
        assert_eq!(env(None).negotiate_version(), Ok(6));
        let e = env(Some("4,5")).negotiate_version().unwrap_err();
        assert!(e.to_string().contains("4,5"), "{e}");
    }

    #[test]
    fn handshake_line_format() {
        let addr = ListenAddr::Tcp("127.0.0.1:12345".parse().unwrap());
        assert_eq!(handshake_line(&addr, None), "1|6|tcp|127.0.0.1:12345|grpc|");
        // 0xfb 0xff encodes to "+/8" in standard base64, without padding.
        assert_eq!(handshake_line(&addr, Some(&[0xfb, 0xff])), "1|6|tcp|127.0.0.1:12345|grpc|+/8");
        let socket = ListenAddr::Unix("/tmp/plugin4096".into());
        assert_eq!(handshake_line(&socket, Some(&[0xfb, 0xff])), "1|6|unix|/tmp/plugin4096|grpc|+/8");
    }

    #[test]
    fn port_range_parsing() {
        let mut e = LaunchEnv::default();
        assert_eq!(e.port_range(), Ok(None));
        e.min_port = Some("10000".into());
        e.max_port = Some("25000".into());
        assert_eq!(e.port_range(), Ok(Some((10000, 25000))));
        e.max_port = Some("9".into());
        assert!(e.port_range().is_err());
        e.max_port = Some("x".into());
        assert!(e.port_range().is_err());
    }

    #[test]
    fn cookie_must_match() {
        let mut e = LaunchEnv::default();
        assert!(!e.launched_by_terraform());
        e.magic_cookie = Some("nope".into());
        assert!(!e.launched_by_terraform());
        e.magic_cookie = Some(MAGIC_COOKIE_VALUE.into());
        assert!(e.launched_by_terraform());
    }

    #[test]
    fn reattach_line_is_json_terraform_can_read() {
        let line = reattach_line("registry.terraform.io/modelarts/modelarts", "127.0.0.1:4000".parse().unwrap());
        let json = line.trim_start_matches("TF_REATTACH_PROVIDERS='").trim_end_matches('\'');
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        let p = &v["registry.terraform.io/modelarts/modelarts"];
        assert_eq!(p["ProtocolVersion"], 6);
        assert_eq!(p["Addr"]["String"], "127.0.0.1:4000");
    }
}
