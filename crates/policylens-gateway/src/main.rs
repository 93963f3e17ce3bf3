//! `policylens-gateway`: parse the configuration, initialise tracing, serve until SIGINT/SIGTERM.

use clap::Parser;
use policylens_gateway::Config;

#[derive(Debug, Parser)]
#[command(
    name = "policylens-gateway",
    version,
    about = "PolicyLens gRPC gateway: the public API, health and reflection"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    policylens_runtime::init_tracing();
    let shutdown = policylens_runtime::shutdown_on_signal();
    let listener = policylens_gateway::bind(&cli.config).await?;
    policylens_gateway::run(cli.config, listener, shutdown).await
}
