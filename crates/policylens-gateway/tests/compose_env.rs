//! The `gateway` service of docker-compose.yml runs this binary, sets only variables it reads,
//! and boots with them.

use std::time::Duration;

use policylens_testkit::NatsServer;
use policylens_testkit::compose::ComposeProcess;

#[test]
fn compose_service_environment_is_read_by_the_binary() {
    policylens_testkit::compose::assert_service_env_is_read(
        "gateway",
        env!("CARGO_BIN_EXE_policylens-gateway"),
    );
}

/// Started exactly as compose starts it (values included; only the NATS URL and the listen
/// address differ), the service runs and accepts connections: a value it rejects would end it.
#[tokio::test]
async fn compose_service_boots_with_its_environment() {
    let nats = NatsServer::start();
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut service = ComposeProcess::start(
        "gateway",
        env!("CARGO_BIN_EXE_policylens-gateway"),
        &[("NATS_URL", nats.url()), ("GRPC_ADDR", &addr.to_string())],
    );
    service
        .wait_until("listening", Duration::from_secs(30), || async {
            tokio::net::TcpStream::connect(addr).await.is_ok()
        })
        .await;
    service.assert_running();
}
