//! `policylens-ingest`: reads `policy.ingest` (through the INGEST stream), normalises each
//! document onto DOCS and dead-letters bad input. Configuration from flags or environment.

use anyhow::Context as _;
use clap::Parser as _;
use policylens_ingest::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    policylens_runtime::init_tracing();
    let shutdown = policylens_runtime::shutdown_on_signal();
    policylens_ingest::run(config, shutdown)
        .await
        .context("failed to run the ingest service")
}
