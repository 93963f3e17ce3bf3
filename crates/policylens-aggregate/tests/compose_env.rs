//! The `aggregate` service of docker-compose.yml runs this binary, sets only variables it reads,
//! and boots with them.

use std::time::Duration;

use policylens_proto::ListSeriesRequest;
use policylens_proto::query::method;
use policylens_proto::subjects;
use policylens_testkit::NatsServer;
use policylens_testkit::compose::ComposeProcess;
use prost::Message as _;

#[test]
fn compose_service_environment_is_read_by_the_binary() {
    policylens_testkit::compose::assert_service_env_is_read(
        "aggregate",
        env!("CARGO_BIN_EXE_policylens-aggregate"),
    );
}

/// Started exactly as compose starts it (values included; only the NATS URL and the state
/// folder differ), the service runs and answers queries: a value it rejects would end it here.
#[tokio::test]
async fn compose_service_boots_with_its_environment() {
    let nats = NatsServer::start();
    let state = tempfile::tempdir().unwrap();
    let data_dir = state.path().join("state");
    let mut service = ComposeProcess::start(
        "aggregate",
        env!("CARGO_BIN_EXE_policylens-aggregate"),
        &[
            ("NATS_URL", nats.url()),
            ("DATA_DIR", data_dir.to_str().unwrap()),
        ],
    );
    let client = async_nats::connect(nats.url()).await.unwrap();
    let probe = ListSeriesRequest {
        page_size: 1,
        ..Default::default()
    }
    .encode_to_vec();
    let subject = subjects::query_subject(method::LIST_SERIES);
    service
        .wait_until("answering queries", Duration::from_secs(30), || async {
            client
                .request(subject.clone(), probe.clone().into())
                .await
                .is_ok()
        })
        .await;
    service.assert_running();
}
