//! `policylens-extract`: extracts facts from the documents on DOCS and publishes one fact bundle
//! per document onto FACTS. Run as many replicas as needed: they share one durable consumer.

use anyhow::Context as _;
use clap::Parser as _;
use policylens_extract_service::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    policylens_runtime::init_tracing();
    let shutdown = policylens_runtime::shutdown_on_signal();
    policylens_extract_service::run(config, shutdown)
        .await
        .context("failed to run the extract service")
}
