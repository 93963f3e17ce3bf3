//! Every healthcheck in docker-compose.yml is a valid `policylens health` invocation: run against
//! an address where nothing listens, it reports the service unhealthy (exit 1, "unhealthy: …")
//! rather than failing to parse (exit 2).

use std::process::Command;

#[test]
fn compose_healthchecks_are_valid_probes() {
    let binary = env!("CARGO_BIN_EXE_policylens");
    // a port nothing listens on
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for name in ["ingest", "extract", "aggregate", "gateway"] {
        let service = policylens_testkit::compose::service(name);
        let test = &service.healthcheck;
        assert_eq!(
            test.first().map(String::as_str),
            Some("CMD"),
            "{name}: exec-form healthcheck"
        );
        assert_eq!(
            test.get(1).map(String::as_str),
            Some("policylens"),
            "{name}: probes with policylens"
        );
        let output = Command::new(binary)
            .args(&test[2..])
            .args(["--timeout", "2s"])
            .env("NATS_URL", format!("nats://127.0.0.1:{closed}"))
            .env("POLICYLENS_GATEWAY", format!("http://127.0.0.1:{closed}"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{name}: {:?} -> {stderr}",
            &test[2..]
        );
        assert!(stderr.contains("unhealthy"), "{name}: {stderr}");
    }
}
