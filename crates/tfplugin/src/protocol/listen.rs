//! Where the plugin listens and what it accepts: a Unix socket where go-plugin uses
//! one (every platform but Windows), TCP on 127.0.0.1 otherwise.
// Platform: `cfg(unix)` for the socket; Windows listens on TCP, as go-plugin does.
//!
//! A Unix socket is go-plugin's own choice off Windows, and the cheaper one: a
//! message between Terraform and the plugin skips the TCP/IP stack (segments,
//! acknowledgements, loopback delivery), which the sender pays for on every answer.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;

use super::handshake::{LaunchEnv, LaunchError, ListenAddr};

/// A byte stream the gRPC server reads and writes: TCP, a Unix socket, or TLS over
/// either.
pub(crate) trait PluginIo: AsyncRead + AsyncWrite + Send + Unpin + 'static {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> PluginIo for T {}

/// One accepted connection: plain (`--debug`) or TLS (AutoMTLS, when Terraform
/// launched the plugin), over TCP or a Unix socket.
pub struct PluginConn(Box<dyn PluginIo>);

impl PluginConn {
    pub(crate) fn new(io: impl PluginIo) -> Self {
        PluginConn(Box::new(io))
    }
}

impl std::fmt::Debug for PluginConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PluginConn")
    }
}

impl AsyncRead for PluginConn {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl AsyncWrite for PluginConn {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

/// Why no listener could be made.
#[derive(Debug)]
pub(crate) enum BindError {
    Launch(LaunchError),
    Io(io::Error),
    NoFreePort { min: u16, max: u16 },
}

/// A listening socket. A Unix socket's file is removed when the listener is dropped.
pub(crate) enum PluginListener {
    Tcp(TcpListener),
    #[cfg(unix)]
    Unix(tokio::net::UnixListener, SocketFile),
}

impl PluginListener {
    /// Listens where Terraform expects this plugin: as go-plugin does, on a new Unix
    /// socket in `PLUGIN_UNIX_SOCKET_DIR` or the temporary directory, except on
    /// Windows, where it is TCP in the `PLUGIN_MIN_PORT`..`PLUGIN_MAX_PORT` range.
    /// Where a socket cannot serve — its group must be changed
    /// (`PLUGIN_UNIX_SOCKET_GROUP`, which needs the group database), or it cannot be
    /// made (a directory that is missing or too long a path) — TCP on 127.0.0.1 does:
    /// Terraform accepts either on every platform.
    /// A malformed port range is refused on every platform, as before any socket is
    /// made: it is a broken launch environment even where no port is needed.
    pub(crate) async fn for_terraform(env: &LaunchEnv) -> Result<Self, BindError> {
        let range = env.port_range().map_err(BindError::Launch)?;
        #[cfg(unix)]
        if env.unix_socket_group.is_none() {
            let dir = env.unix_socket_dir.as_ref().map_or_else(std::env::temp_dir, std::path::PathBuf::from);
            match bind_unix(&dir) {
                Ok((listener, file)) => return Ok(PluginListener::Unix(listener, file)),
                Err(e) => {
                    tracing::debug!(dir = %dir.display(), error = %e, "no Unix socket; listening on TCP instead")
                }
            }
        }
        bind_tcp_in_range(range).await.map(PluginListener::Tcp)
    }

    /// Plain TCP on a port the OS chooses (`--debug`), and that port's address.
    pub(crate) async fn tcp_any_port() -> io::Result<(Self, SocketAddr)> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        Ok((PluginListener::Tcp(listener), addr))
    }

    /// The address the handshake line announces.
    pub(crate) fn local_addr(&self) -> io::Result<ListenAddr> {
        match self {
            PluginListener::Tcp(l) => l.local_addr().map(ListenAddr::Tcp),
            #[cfg(unix)]
            PluginListener::Unix(_, file) => Ok(ListenAddr::Unix(file.0.clone())),
        }
    }

    /// The next connection, and who made it (for logs).
    pub(crate) async fn accept(&self) -> io::Result<(Box<dyn PluginIo>, String)> {
        match self {
            PluginListener::Tcp(l) => {
                let (stream, peer) = accept_tcp(l).await?;
                Ok((Box::new(stream), peer.to_string()))
            }
            #[cfg(unix)]
            PluginListener::Unix(l, file) => {
                let (stream, _) = l.accept().await?;
                Ok((Box::new(stream), file.0.display().to_string()))
            }
        }
    }
}

/// The next TCP connection, with TCP_NODELAY: each RPC round would otherwise wait
/// on delayed ACKs.
async fn accept_tcp(l: &TcpListener) -> io::Result<(tokio::net::TcpStream, SocketAddr)> {
    let (stream, peer) = l.accept().await?;
    if let Err(e) = stream.set_nodelay(true) {
        tracing::warn!(error = %e, "could not set TCP_NODELAY");
    }
    Ok((stream, peer))
}

/// A Unix socket's path, removed when dropped (go-plugin removes its socket when its
/// listener closes).
#[cfg(unix)]
pub(crate) struct SocketFile(std::path::PathBuf);

#[cfg(unix)]
impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A new socket named like go-plugin's (`plugin` and digits) in `dir`.
#[cfg(unix)]
fn bind_unix(dir: &std::path::Path) -> io::Result<(tokio::net::UnixListener, SocketFile)> {
    use std::hash::{BuildHasher, Hasher};
    // RandomState is seeded from the OS: names differ between plugins started together.
    let seed = std::collections::hash_map::RandomState::new();
    let mut last = io::Error::from(io::ErrorKind::AddrInUse);
    for attempt in 0..8u64 {
        let mut h = seed.build_hasher();
        h.write_u64(attempt);
        let path = dir.join(format!("plugin{}", h.finish() % 10_000_000_000));
        match tokio::net::UnixListener::bind(&path) {
            Ok(l) => return Ok((l, SocketFile(path))),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Binds 127.0.0.1 on a free port in `range`, starting at a random point so that
/// plugins started together do not race for the same ports.
async fn bind_tcp_in_range(range: Option<(u16, u16)>) -> Result<TcpListener, BindError> {
    let Some((min, max)) = range else {
        return TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.map_err(BindError::Io);
    };
    let span = u32::from(max - min) + 1;
    let start = (std::process::id().wrapping_mul(2_654_435_761)) % span;
    for i in 0..span {
        let port = min + ((start + i) % span) as u16;
        if let Ok(l) = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
            return Ok(l);
        }
    }
    Err(BindError::NoFreePort { min, max })
}

#[cfg(test)]
mod tcp_tests {
    use super::*;

    /// Without TCP_NODELAY, every RPC round can wait ~40 ms on delayed ACKs.
    #[tokio::test]
    async fn accepted_tcp_sockets_have_nodelay() {
        let (listener, addr) = PluginListener::tcp_any_port().await.unwrap();
        let PluginListener::Tcp(l) = &listener else { panic!("TCP expected") };
        let _client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (s, _) = accept_tcp(l).await.unwrap();
        assert!(s.nodelay().unwrap());
    }

    #[tokio::test]
    async fn binds_within_the_port_range() {
        let l = bind_tcp_in_range(Some((20000, 20100))).await.ok().unwrap();
        let port = l.local_addr().unwrap().port();
        assert!((20000..=20100).contains(&port));
        // A range whose only port is taken is an error, not a hang.
        assert!(matches!(bind_tcp_in_range(Some((port, port))).await, Err(BindError::NoFreePort { .. })));
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn env_in(dir: &std::path::Path) -> LaunchEnv {
        LaunchEnv { unix_socket_dir: Some(dir.display().to_string()), ..Default::default() }
    }

    #[tokio::test]
    async fn a_unix_socket_in_the_directory_given_serves_and_is_removed_with_its_listener() {
        let dir = tempfile::tempdir().unwrap();
        let listener = PluginListener::for_terraform(&env_in(dir.path())).await.ok().unwrap();
        let ListenAddr::Unix(path) = listener.local_addr().unwrap() else { panic!("not a Unix socket") };
        assert_eq!(path.parent(), Some(dir.path()));
        assert!(path.file_name().unwrap().to_str().unwrap().starts_with("plugin"), "{}", path.display());

        let client = tokio::spawn({
            let path = path.clone();
            async move {
                let mut s = tokio::net::UnixStream::connect(&path).await.unwrap();
                s.write_all(b"ping").await.unwrap();
            }
        });
        let (mut conn, _) = listener.accept().await.unwrap();
        let mut got = [0u8; 4];
        conn.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"ping");
        client.await.unwrap();

        assert!(path.exists());
        drop(listener);
        assert!(!path.exists(), "the socket file outlived its listener");
    }

    #[tokio::test]
    async fn tcp_in_the_port_range_where_the_socket_needs_a_group_or_cannot_be_made() {
        let dir = tempfile::tempdir().unwrap();
        let range = |mut env: LaunchEnv| {
            env.min_port = Some("20000".into());
            env.max_port = Some("21000".into());
            env
        };
        let grouped = range(LaunchEnv { unix_socket_group: Some("terraform".into()), ..env_in(dir.path()) });
        let missing = range(env_in(&dir.path().join("gone")));
        for env in [grouped, missing] {
            let listener = PluginListener::for_terraform(&env).await.ok().unwrap();
            match listener.local_addr().unwrap() {
                ListenAddr::Tcp(a) => {
                    assert!(a.ip().is_loopback());
                    assert!((20000..=21000).contains(&a.port()), "{a}");
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no socket was left behind");
    }
}
