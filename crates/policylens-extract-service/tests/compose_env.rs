//! The `extract` service of docker-compose.yml runs this binary, sets only variables it reads,
//! and boots with them.

#[test]
fn compose_service_environment_is_read_by_the_binary() {
    policylens_testkit::compose::assert_service_env_is_read(
        "extract",
        env!("CARGO_BIN_EXE_policylens-extract"),
    );
}

/// Started exactly as compose starts it (values included, only the NATS URL differs), the
/// service runs and creates its consumer: a value it rejects would end it here.
#[tokio::test]
async fn compose_service_boots_with_its_environment() {
    policylens_testkit::compose::assert_boots_consuming(
        "extract",
        env!("CARGO_BIN_EXE_policylens-extract"),
        policylens_proto::subjects::DOCS_STREAM,
        policylens_proto::subjects::EXTRACT_CONSUMER,
    )
    .await;
}
