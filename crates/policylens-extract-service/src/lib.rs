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
use async_nats::jetstream::{self, consumer};
use futures::StreamExt as _;
use policylens_extract::{Extractor, Fact, Input, Taxonomy};
use policylens_proto::subjects;
use policylens_runtime::streams;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
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
    let consumer: consumer::PullConsumer = js
        .create_consumer_on_stream(
            consumer::pull::Config {
                durable_name: Some(subjects::EXTRACT_CONSUMER.to_string()),
                description: Some("the extract service, shared by every replica".to_string()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: config.ack_wait,
                filter_subject: subjects::DOCS.to_string(),
                ..Default::default()
            },
            subjects::DOCS_STREAM,
        )
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .context("failed to create or update the extract consumer")?;

    let context = Arc::new(process::Context {
        js,
        engine,
        max_attempts: config.max_attempts,
        max_msg_bytes: usize::try_from(config.streams.max_msg_bytes).unwrap_or(usize::MAX),
        progress_every: config.ack_wait / 3,
    });
    info!(
        nats_url = %config.nats.nats_url,
        workers = config.workers,
        extractor_version = policylens_extract::EXTRACTOR_VERSION,
        "extract is consuming {}",
        subjects::DOCS
    );
    let result = consume(&consumer, context, config.workers, &shutdown).await;
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

/// Pulls documents and extracts up to `workers` of them at once until shutdown.
async fn consume(
    consumer: &consumer::PullConsumer,
    context: Arc<process::Context>,
    workers: usize,
    shutdown: &CancellationToken,
) -> anyhow::Result<()> {
    let mut messages = consumer
        .stream()
        .max_messages_per_batch(workers)
        .heartbeat(Duration::from_secs(5))
        .expires(Duration::from_secs(30))
        .messages()
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .context("failed to start pulling from the extract consumer")?;
    let permits = Arc::new(Semaphore::new(workers));
    let mut tasks = JoinSet::new();
    loop {
        let permit = tokio::select! {
            () = shutdown.cancelled() => break,
            permit = permits.clone().acquire_owned() => permit.context("the worker limiter closed")?,
        };
        let next = tokio::select! {
            () = shutdown.cancelled() => break,
            next = messages.next() => next,
        };
        match next {
            Some(Ok(message)) => {
                let context = context.clone();
                tasks.spawn(async move {
                    process::handle(&context, message).await;
                    drop(permit);
                });
            }
            Some(Err(e)) => {
                warn!(error = %e, "pulling from the extract consumer failed; retrying");
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
            None => {
                warn!("the extract consumer's message stream ended");
                break;
            }
        }
        while let Some(done) = tasks.try_join_next() {
            if let Err(e) = done {
                warn!(error = %e, "a document task failed");
            }
        }
    }
    // Stop pulling; documents buffered but not started are redelivered after ack_wait.
    drop(messages);
    info!(
        in_flight = tasks.len(),
        "shutting down: finishing documents in flight"
    );
    let finish = async {
        while let Some(done) = tasks.join_next().await {
            if let Err(e) = done {
                warn!(error = %e, "a document task failed");
            }
        }
    };
    if tokio::time::timeout(SHUTDOWN_GRACE, finish).await.is_err() {
        warn!("documents still in flight after {SHUTDOWN_GRACE:?}; they will be redelivered");
    }
    Ok(())
}
