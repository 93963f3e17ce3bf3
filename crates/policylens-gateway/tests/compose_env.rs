//! The `gateway` service of docker-compose.yml runs this binary and sets only variables it reads.

#[test]
fn compose_service_environment_is_read_by_the_binary() {
    policylens_testkit::compose::assert_service_env_is_read(
        "gateway",
        env!("CARGO_BIN_EXE_policylens-gateway"),
    );
}
