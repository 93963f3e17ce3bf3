//! Checks of `docker-compose.yml` against the binaries: every variable a service's environment
//! sets must be one the binary reads (named in its `--help` as `[env: NAME=`), so a typo in the
//! compose file cannot silently fall back to a default; and every service binary boots with its
//! compose environment, values included ([`ComposeProcess`]).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Variables read by the logging set-up rather than by clap (documented in the README).
const LOGGING_VARS: &[&str] = &["RUST_LOG", "LOG_FORMAT"];

/// The compose file at the workspace root, with YAML merge keys (`<<: *anchor`) applied.
pub fn compose_file() -> serde_yaml::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docker-compose.yml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("failed to read {}: {e}", path.display()));
    let mut value: serde_yaml::Value = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
    value.apply_merge().expect("merge keys apply");
    if let Some(services) = value.get_mut("services").and_then(|s| s.as_mapping_mut()) {
        for (_, service) in services.iter_mut() {
            service.apply_merge().expect("merge keys apply");
        }
    }
    value
}

/// One service of the compose file: its command, environment and healthcheck.
#[derive(Debug)]
pub struct Service {
    pub command: Vec<String>,
    /// Variable names, in file order.
    pub env: Vec<String>,
    /// Variables with their values as the container sees them (`${VAR:-default}` → default).
    pub env_values: Vec<(String, String)>,
    pub healthcheck: Vec<String>,
}

/// The named service, panicking with a clear message when it is missing.
pub fn service(name: &str) -> Service {
    let compose = compose_file();
    let service = compose
        .get("services")
        .and_then(|s| s.get(name))
        .unwrap_or_else(|| panic!("docker-compose.yml has no service {name:?}"));
    let strings = |v: Option<&serde_yaml::Value>| -> Vec<String> {
        v.and_then(|v| v.as_sequence())
            .map(|seq| {
                seq.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let env_values: Vec<(String, String)> = match service.get("environment") {
        Some(serde_yaml::Value::Mapping(map)) => map
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), scalar(v))))
            .collect(),
        Some(serde_yaml::Value::Sequence(seq)) => seq
            .iter()
            .filter_map(|s| {
                let (k, v) = s.as_str()?.split_once('=').unwrap_or((s.as_str()?, ""));
                Some((k.to_string(), v.to_string()))
            })
            .collect(),
        _ => Vec::new(),
    };
    let env_values = env_values
        .into_iter()
        .map(|(k, v)| {
            let v = interpolate(&v).unwrap_or_else(|| {
                panic!("{name}: {k}={v:?} uses interpolation this check does not know")
            });
            (k, v)
        })
        .collect::<Vec<_>>();
    Service {
        command: strings(service.get("command")),
        env: env_values.iter().map(|(k, _)| k.clone()).collect(),
        env_values,
        healthcheck: strings(service.get("healthcheck").and_then(|h| h.get("test"))),
    }
}

/// A YAML scalar as the string Compose passes to the container.
fn scalar(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Null => String::new(),
        other => panic!("compose environment value {other:?} is not a scalar"),
    }
}

/// Compose interpolation as used in the file: plain text, or `${VAR:-default}` alone (taken as
/// its default, as on a machine that does not set `VAR`). `None` for anything else.
fn interpolate(value: &str) -> Option<String> {
    if !value.contains('$') {
        return Some(value.to_string());
    }
    let inner = value.strip_prefix("${")?.strip_suffix('}')?;
    let (_, default) = inner.split_once(":-")?;
    (!default.contains('$')).then(|| default.to_string())
}

/// A service binary started with its compose environment, values included, so a value the
/// binary rejects (not only an unknown name) fails a test. Killed on drop.
#[derive(Debug)]
pub struct ComposeProcess {
    name: String,
    child: Child,
    stderr: tempfile::NamedTempFile,
}

impl ComposeProcess {
    /// Starts `binary` as compose service `name` would run it: its command line and exactly its
    /// environment, except for `overrides` (what must differ in a test: the NATS URL, a data
    /// folder, a listen address).
    pub fn start(name: &str, binary: &str, overrides: &[(&str, &str)]) -> ComposeProcess {
        let service = service(name);
        let stderr = tempfile::NamedTempFile::new().expect("temporary file for stderr");
        let mut command = Command::new(binary);
        command
            .args(service.command.iter().skip(1))
            .env_clear()
            .stdout(Stdio::null())
            .stderr(stderr.reopen().expect("reopen stderr file"));
        for (k, v) in &service.env_values {
            command.env(k, v);
        }
        for (k, v) in overrides {
            assert!(
                service.env.iter().any(|e| e == k),
                "override {k} is not set by compose service {name}"
            );
            command.env(k, v);
        }
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("failed to start {binary}: {e}"));
        ComposeProcess {
            name: name.to_string(),
            child,
            stderr,
        }
    }

    /// Panics with the service's stderr when it has exited.
    pub fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().expect("child status") {
            let log = std::fs::read_to_string(self.stderr.path()).unwrap_or_default();
            panic!(
                "compose service {} exited ({status}) with its compose environment:\n{log}",
                self.name
            );
        }
    }

    /// Polls `condition` until it holds, failing at once when the service exits and after
    /// `timeout` otherwise.
    pub async fn wait_until<F, Fut>(&mut self, what: &str, timeout: Duration, mut condition: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            self.assert_running();
            if condition().await {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "compose service {} still running but not {what} after {timeout:?}",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for ComposeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts compose service `name` (running `binary`) with its compose environment against a fresh
/// nats-server, and waits until it consumes `stream` through its durable `consumer`.
pub async fn assert_boots_consuming(name: &str, binary: &str, stream: &str, consumer: &str) {
    let nats = crate::NatsServer::start();
    let mut service = ComposeProcess::start(name, binary, &[("NATS_URL", nats.url())]);
    let client = async_nats::connect(nats.url())
        .await
        .expect("connect to the test nats-server");
    let js = async_nats::jetstream::new(client);
    service
        .wait_until("consuming", Duration::from_secs(30), || async {
            match js.get_stream(stream).await {
                Ok(s) => s.consumer_info(consumer).await.is_ok(),
                Err(_) => false,
            }
        })
        .await;
    service.assert_running();
}

/// Asserts that the compose service `name` runs `binary` and sets only variables it reads.
pub fn assert_service_env_is_read(name: &str, binary: &str) {
    let service = service(name);
    let program = PathBuf::from(binary);
    let program_name = program
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    assert_eq!(
        service.command.first().map(String::as_str),
        Some(program_name),
        "compose service {name} runs {:?}, not {program_name}",
        service.command
    );
    let output = Command::new(&program)
        .arg("--help")
        .output()
        .unwrap_or_else(|e| panic!("failed to run {binary} --help: {e}"));
    assert!(output.status.success(), "{binary} --help failed");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        !service.env.is_empty(),
        "compose service {name} sets no environment"
    );
    for var in &service.env {
        if LOGGING_VARS.contains(&var.as_str()) {
            continue;
        }
        assert!(
            help.contains(&format!("[env: {var}=")),
            "compose service {name} sets {var}, which {program_name} does not read:\n{help}"
        );
    }
}
