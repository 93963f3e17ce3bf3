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
    let nats = policylens_testkit::NatsServer::start();
    let mut service = policylens_testkit::compose::ComposeProcess::start(
        "extract",
        env!("CARGO_BIN_EXE_policylens-extract"),
        &[("NATS_URL", nats.url())],
    );
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    service
        .wait_until("consuming", std::time::Duration::from_secs(30), || async {
            match js.get_stream(policylens_proto::subjects::DOCS_STREAM).await {
                Ok(stream) => stream
                    .consumer_info(policylens_proto::subjects::EXTRACT_CONSUMER)
                    .await
                    .is_ok(),
                Err(_) => false,
            }
        })
        .await;
    service.assert_running();
}
