//! The extract service: every replica pulls from one durable consumer on DOCS (so replicas split
//! the work), runs the pure extraction engine on a bounded set of blocking threads, and publishes
//! one `FactBundle` per document onto FACTS with `Nats-Msg-Id` `<doc_id>:<version>:<content>`,
//! acking the document only after FACTS stored the bundle.
//!
//! Undecodable documents go to the DLQ at once; a document whose extraction panics is retried
//! and dead-lettered (`processing_failed`) after `EXTRACT_MAX_ATTEMPTS`; failures to publish are
//! retried with a growing delay and never drop the document.

pub mod convert;

mod config;
mod process;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use async_nats::jetstream;
use policylens_extract::{Extractor, Fact, Input, Taxonomy};
use policylens_proto::subjects;
use policylens_runtime::streams;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

pub use config::Config;

/// How long to wait for in-flight documents at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// What the service runs on each document: the extraction engine, or any function of the same
/// shape (tests use one that fails, to exercise the dead-letter path).
pub type Engine = Arc<dyn Fn(Input<'_>) -> Vec<Fact> + Send + Sync>;

/// Runs the extract service with the engine configured (built-in taxonomy, or
/// `POLICYLENS_TAXONOMY_DIR`) until `shutdown` is cancelled, then stops pulling, finishes the
/// documents in flight and drains the connection.
pub async fn run(config: Config, shutdown: CancellationToken) -> anyhow::Result<()> {
    config
        .validate()
        .map_err(anyhow::Error::msg)
        .context("invalid configuration")?;
    let extractor = load_extractor(&config)?;
    let engine: Engine = Arc::new(move |input| extractor.extract(input));
    run_with_engine(config, engine, shutdown).await
}

/// [`run`] with a given engine.
pub async fn run_with_engine(
    config: Config,
    engine: Engine,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    config
        .validate()
        .map_err(anyhow::Error::msg)
        .context("invalid configuration")?;
    let client = policylens_runtime::connect(&config.nats, "policylens-extract").await?;
    let js = jetstream::new(client.clone());
    streams::ensure_streams(&js, &config.streams).await?;
    let consumer = policylens_runtime::consume::durable_consumer(
        &js,
        subjects::DOCS_STREAM,
        subjects::EXTRACT_CONSUMER,
        subjects::DOCS,
        "the extract service, shared by every replica",
        config.ack_wait,
    )
    .await?;

    let context = Arc::new(process::Context {
        js,
        engine,
        max_attempts: config.max_attempts,
        max_msg_bytes: usize::try_from(config.streams.max_msg_bytes).unwrap_or(usize::MAX),
        progress_every: config.ack_wait / 3,
    });
    info!(
        nats_url = %config.nats.nats_url,
        workers = config.worker_count(),
        extractor_version = policylens_extract::EXTRACTOR_VERSION,
        "extract is consuming {}",
        subjects::DOCS
    );
    let result = policylens_runtime::consume::consume(
        &consumer,
        "extract",
        config.worker_count(),
        SHUTDOWN_GRACE,
        &shutdown,
        |message| {
            let context = context.clone();
            async move {
                process::handle(&context, message).await;
            }
        },
    )
    .await;
    if let Err(e) = client.drain().await {
        warn!(error = %e, "failed to drain the NATS connection");
    }
    info!("extract stopped");
    result
}

fn load_extractor(config: &Config) -> anyhow::Result<Extractor> {
    let taxonomy = match &config.taxonomy_dir {
        Some(dir) => Taxonomy::with_dir(dir)
            .with_context(|| format!("failed to load the taxonomy from {}", dir.display()))?,
        None => Taxonomy::builtin(),
    };
    Ok(Extractor::new(taxonomy))
}
