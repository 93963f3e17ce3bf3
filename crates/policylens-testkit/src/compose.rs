//! Checks of `docker-compose.yml` against the binaries: every variable a service's environment
//! sets must be one the binary reads (named in its `--help` as `[env: NAME=`), so a typo in the
//! compose file cannot silently fall back to a default.

use std::path::PathBuf;
use std::process::Command;

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

/// One service of the compose file: its command and environment variable names.
#[derive(Debug)]
pub struct Service {
    pub command: Vec<String>,
    pub env: Vec<String>,
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
    let env = match service.get("environment") {
        Some(serde_yaml::Value::Mapping(map)) => map
            .keys()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect(),
        Some(serde_yaml::Value::Sequence(seq)) => seq
            .iter()
            .filter_map(|s| s.as_str()?.split('=').next().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    Service {
        command: strings(service.get("command")),
        env,
        healthcheck: strings(service.get("healthcheck").and_then(|h| h.get("test"))),
    }
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
