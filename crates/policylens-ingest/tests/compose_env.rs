//! The `ingest` service of docker-compose.yml runs this binary, sets only variables it reads, and
//! boots with them.

#[test]
fn compose_service_environment_is_read_by_the_binary() {
    policylens_testkit::compose::assert_service_env_is_read(
        "ingest",
        env!("CARGO_BIN_EXE_policylens-ingest"),
    );
}

/// Started exactly as compose starts it (values included, only the NATS URL differs), the
/// service runs and creates its consumer: a value it rejects would end it here.
#[tokio::test]
async fn compose_service_boots_with_its_environment() {
    policylens_testkit::compose::assert_boots_consuming(
        "ingest",
        env!("CARGO_BIN_EXE_policylens-ingest"),
        policylens_proto::subjects::INGEST_STREAM,
        policylens_proto::subjects::INGEST_CONSUMER,
    )
    .await;
}
