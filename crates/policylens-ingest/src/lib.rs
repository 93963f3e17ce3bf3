//! The ingest service: a durable pull consumer on the INGEST stream (which captures core-NATS
//! publishes onto `policy.ingest`), normalising each payload into a `policylens.v1.Document` on
//! DOCS and dead-lettering bad input onto `policy.dlq.ingest`.
//!
//! Guarantees: a message is acked only after its document is stored in DOCS (or its dead letter
//! in DLQ); transient failures are naked with a growing delay, so nothing is lost; a bad message
//! never blocks the ones behind it. The same content is one document: DOCS de-duplicates by
//! `Nats-Msg-Id` inside the stream's window, and the [`SEEN_BUCKET`] key-value bucket keeps
//! duplicates published later out of DOCS.

mod config;
mod headers;
mod process;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use async_nats::jetstream::{self, kv};
use policylens_normalize::Limits;
use policylens_proto::subjects;
use policylens_runtime::streams;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

pub use config::Config;

/// Key-value bucket of documents already published onto DOCS: key = hash of the doc id, value =
/// the content hash of the body published.
pub const SEEN_BUCKET: &str = "INGEST_SEEN";

/// How long to wait for in-flight messages at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// Runs the ingest service until `shutdown` is cancelled, then stops pulling, finishes the
/// messages in flight and drains the connection.
pub async fn run(config: Config, shutdown: CancellationToken) -> anyhow::Result<()> {
    config
        .validate()
        .map_err(anyhow::Error::msg)
        .context("invalid configuration")?;
    let client = policylens_runtime::connect(&config.nats, "policylens-ingest").await?;
    let js = jetstream::new(client.clone());
    streams::ensure_streams(&js, &config.streams).await?;
    let seen = js
        .create_or_update_key_value(kv::Config {
            bucket: SEEN_BUCKET.to_string(),
            description: "documents ingest has published onto DOCS".to_string(),
            history: 1,
            max_age: config.seen_ttl,
            storage: jetstream::stream::StorageType::File,
            num_replicas: config.streams.replicas,
            ..Default::default()
        })
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .context("failed to create or update the seen-document bucket")?;
    let consumer = policylens_runtime::consume::durable_consumer(
        &js,
        subjects::INGEST_STREAM,
        subjects::INGEST_CONSUMER,
        subjects::INGEST,
        "the ingest service",
        config.ack_wait,
    )
    .await?;

    let context = Arc::new(process::Context {
        js,
        seen,
        limits: Limits {
            max_bytes: config.max_doc_bytes,
        },
        max_msg_bytes: usize::try_from(config.streams.max_msg_bytes).unwrap_or(usize::MAX),
    });
    info!(
        nats_url = %config.nats.nats_url,
        max_doc_bytes = config.max_doc_bytes,
        concurrency = config.concurrency,
        "ingest is consuming {}",
        subjects::INGEST
    );
    let result = policylens_runtime::consume::consume(
        &consumer,
        "ingest",
        config.concurrency,
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
    info!("ingest stopped");
    result
}
