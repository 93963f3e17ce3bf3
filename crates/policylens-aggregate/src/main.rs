//! `policylens-aggregate`: parses configuration, initialises tracing and runs the aggregate until
//! SIGINT/SIGTERM.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use policylens_runtime::NatsArgs;
use policylens_runtime::streams::StreamLimits;

/// Folds the FACTS stream into queryable facts, series and attention, and answers queries.
#[derive(Debug, Parser)]
#[command(name = "policylens-aggregate", version, about)]
struct Args {
    #[command(flatten)]
    nats: NatsArgs,
    /// Directory of this replica's state (redb).
    #[arg(long, env = "DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// Name of this replica (logs, NATS connection name).
    #[arg(long, env = "AGGREGATE_REPLICA_ID", default_value = "0")]
    replica_id: String,
    /// Most FACTS messages committed in one transaction.
    #[arg(long, env = "AGGREGATE_MAX_BATCH", default_value_t = 512)]
    max_batch: usize,
    #[command(flatten)]
    limits: StreamLimits,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    policylens_runtime::init_tracing();
    let shutdown = policylens_runtime::shutdown_on_signal();
    let config = policylens_aggregate::Config {
        nats: args.nats,
        data_dir: args.data_dir,
        limits: args.limits,
        replica_id: args.replica_id,
        max_batch: args.max_batch.max(1),
    };
    policylens_aggregate::run(config, shutdown)
        .await
        .context("failed to run the aggregate")
}
