//! The service shell: reads FACTS from the checkpoint with an ordered consumer, folds batches,
//! dead-letters undecodable messages, publishes `AppliedEvent`s, and answers
//! `policy.query.<Method>` requests in the `aggregate` queue group.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Context as _;
use async_nats::jetstream::{self, consumer};
use futures::{FutureExt as _, StreamExt as _};
use policylens_proto::dlq::{DeadLetter, Reason};
use policylens_proto::subjects;
use prost::Message as _;
use tokio_util::sync::CancellationToken;
use tracing::{debug, error, info, warn};

use crate::Config;
use crate::fold::{self, Folder, Outcome};
use crate::query;
use crate::state::State;
use crate::store::Store;

const STAGE: &str = "aggregate";
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the fold checks whether the NATS connection was re-established.
const RECONNECT_CHECK: Duration = Duration::from_secs(1);
/// Longest pull request of the FACTS consumer.
const PULL_EXPIRY: Duration = Duration::from_secs(5);
/// Pause before re-opening FACTS after a consumer error.
const RETRY_DELAY: Duration = Duration::from_millis(500);

/// Runs the aggregate until `shutdown` is cancelled.
pub async fn run(config: Config, shutdown: CancellationToken) -> anyhow::Result<()> {
    let client = policylens_runtime::connect(
        &config.nats,
        &format!("policylens-aggregate-{}", config.replica_id),
    )
    .await?;
    let js = jetstream::new(client.clone());
    policylens_runtime::streams::ensure_streams(&js, &config.limits).await?;

    let dir = config.data_dir.clone();
    let folder = tokio::task::spawn_blocking(move || Folder::open(&dir))
        .await
        .context("failed to join the state rebuild")?
        .with_context(|| format!("failed to open the state in {}", config.data_dir.display()))?;
    {
        let state = folder.read()?;
        info!(
            replica = %config.replica_id,
            data_dir = %config.data_dir.display(),
            checkpoint = folder.checkpoint(),
            documents = state.docs.len(),
            series = state.series.len(),
            entities = state.entities.len(),
            "state rebuilt"
        );
    }
    let state = folder.shared_state();
    let store = folder.store();
    let folder = Arc::new(Mutex::new(folder));

    let subscriber = client
        .queue_subscribe(
            subjects::QUERY_WILDCARD,
            subjects::QUERY_QUEUE_GROUP.to_string(),
        )
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .context("failed to subscribe to queries")?;
    let stop = shutdown.child_token();
    let queries = tokio::spawn(serve_queries(
        client.clone(),
        subscriber,
        state,
        store,
        stop.clone(),
    ));

    let result = fold_facts(&client, &js, folder, &config, &stop).await;
    stop.cancel();
    if let Err(e) = &result {
        error!(error = %format!("{e:#}"), "fold stopped");
    }
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, queries).await;
    if tokio::time::timeout(DRAIN_TIMEOUT, client.drain())
        .await
        .is_err()
    {
        warn!("nats drain timed out");
    }
    info!(replica = %config.replica_id, "aggregate stopped");
    result
}

async fn fold_facts(
    client: &async_nats::Client,
    js: &jetstream::Context,
    folder: Arc<Mutex<Folder>>,
    config: &Config,
    stop: &CancellationToken,
) -> anyhow::Result<()> {
    let stream = js
        .get_stream(subjects::FACTS_STREAM)
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .context("failed to look up the FACTS stream")?;
    let last = stream.cached_info().state.last_sequence;
    let checkpoint = lock(&folder)?.checkpoint();
    if checkpoint > last {
        warn!(
            checkpoint,
            last_facts_seq = last,
            "the checkpoint is past the end of FACTS (was the stream recreated?); \
             remove DATA_DIR to rebuild from the current stream"
        );
    }
    while !stop.is_cancelled() {
        let checkpoint = lock(&folder)?.checkpoint();
        let messages = match open_facts(&stream, checkpoint + 1).await {
            Ok(messages) => messages,
            Err(e) => {
                // NATS may be restarting: retry until it is back or we are stopped
                warn!(error = %format!("{e:#}"), "cannot read FACTS; retrying");
                tokio::select! {
                    _ = stop.cancelled() => return Ok(()),
                    _ = tokio::time::sleep(RETRY_DELAY) => {}
                }
                continue;
            }
        };
        let mut messages = messages;
        info!(from = checkpoint + 1, "reading FACTS");
        // a reconnect (e.g. a restarted server) may have lost the ephemeral consumer: reopen
        // FACTS at once rather than wait for the consumer to notice
        let statistics = client.statistics();
        let connects = statistics.connects.load(Ordering::Relaxed);
        let mut tick = tokio::time::interval(RECONNECT_CHECK);
        loop {
            let first = tokio::select! {
                _ = stop.cancelled() => return Ok(()),
                next = messages.next() => next,
                _ = tick.tick() => {
                    if statistics.connects.load(Ordering::Relaxed) != connects {
                        info!("reconnected to NATS; reopening FACTS");
                        break;
                    }
                    continue;
                }
            };
            let first = match first {
                Some(Ok(message)) => message,
                Some(Err(e)) => {
                    warn!(error = %e, "FACTS consumer failed; recreating it");
                    break;
                }
                None => {
                    warn!("FACTS consumer ended; recreating it");
                    break;
                }
            };
            let mut batch = vec![first];
            while batch.len() < config.max_batch {
                match messages.next().now_or_never() {
                    Some(Some(Ok(message))) => batch.push(message),
                    _ => break,
                }
            }
            process_batch(client, js, &folder, batch).await?;
        }
        tokio::select! {
            _ = stop.cancelled() => return Ok(()),
            _ = tokio::time::sleep(RETRY_DELAY) => {}
        }
    }
    Ok(())
}

/// An ordered consumer on FACTS from `start`.
async fn open_facts(
    stream: &jetstream::stream::Stream,
    start: u64,
) -> anyhow::Result<consumer::pull::Ordered> {
    let consumer = stream
        .create_consumer(consumer::pull::OrderedConfig {
            deliver_policy: consumer::DeliverPolicy::ByStartSequence {
                start_sequence: start,
            },
            // short pulls: a consumer lost with a restarted server is noticed within seconds
            max_expires: PULL_EXPIRY,
            ..Default::default()
        })
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .context("failed to create the FACTS consumer")?;
    consumer
        .messages()
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .context("failed to read FACTS")
}

fn lock(folder: &Mutex<Folder>) -> anyhow::Result<std::sync::MutexGuard<'_, Folder>> {
    folder
        .lock()
        .map_err(|_| anyhow::anyhow!("the fold lock is poisoned"))
}

async fn process_batch(
    client: &async_nats::Client,
    js: &jetstream::Context,
    folder: &Arc<Mutex<Folder>>,
    batch: Vec<jetstream::Message>,
) -> anyhow::Result<()> {
    let checkpoint = lock(folder)?.checkpoint();
    let mut high = checkpoint;
    let mut decoded = Vec::with_capacity(batch.len());
    for message in batch {
        let seq = match message.info() {
            Ok(info) => info.stream_sequence,
            Err(e) => {
                warn!(error = %e, "FACTS message without metadata");
                continue;
            }
        };
        if seq <= high {
            continue;
        }
        high = seq;
        match fold::decode(seq, &message.payload) {
            Ok(d) => decoded.push(d),
            Err(detail) => dead_letter(js, seq, &message.payload, detail).await,
        }
    }
    if high == checkpoint {
        return Ok(());
    }
    let count = decoded.len();
    let folder = folder.clone();
    let outcomes = tokio::task::spawn_blocking(move || {
        let mut folder = folder
            .lock()
            .map_err(|_| anyhow::anyhow!("the fold lock is poisoned"))?;
        folder
            .apply_batch(decoded, high)
            .context("failed to apply a batch of fact bundles")
    })
    .await
    .context("failed to join the fold")??;
    debug!(bundles = count, checkpoint = high, "batch committed");
    for outcome in outcomes {
        match outcome {
            Outcome::Applied(event) => {
                let doc_id = event.document.as_ref().map_or("", |d| d.doc_id.as_str());
                debug!(
                    doc_id,
                    facts_seq = event.facts_seq,
                    series = event.series_ids.len(),
                    "bundle applied"
                );
                if let Err(e) = client
                    .publish(subjects::EVENTS_APPLIED, event.encode_to_vec().into())
                    .await
                {
                    warn!(error = %e, "failed to publish an applied event");
                }
            }
            Outcome::Unchanged { doc_id } => debug!(doc_id, "bundle already applied"),
            Outcome::Stale {
                doc_id,
                applied_version,
            } => info!(doc_id, applied_version, "older extractor version ignored"),
        }
    }
    Ok(())
}

/// Dead-letters an undecodable FACTS message. A failed publish is logged, never retried forever:
/// it must not wedge the fold.
async fn dead_letter(js: &jetstream::Context, seq: u64, payload: &[u8], detail: String) {
    warn!(facts_seq = seq, detail, "undecodable FACTS message");
    let letter = DeadLetter {
        stage: STAGE.to_string(),
        reason: Reason::UndecodableMessage,
        detail,
        source_stream: subjects::FACTS_STREAM.to_string(),
        source_seq: seq,
        content_hash: policylens_runtime::content_hash(payload),
        size_bytes: payload.len() as u64,
        excerpt: policylens_runtime::excerpt(payload, 256),
    };
    if let Err(e) = policylens_runtime::publish_dead_letter(js, &letter).await {
        error!(facts_seq = seq, error = %format!("{e:#}"), "failed to dead-letter a FACTS message");
    }
}

async fn serve_queries(
    client: async_nats::Client,
    mut subscriber: async_nats::Subscriber,
    state: Arc<RwLock<State>>,
    store: Arc<Store>,
    stop: CancellationToken,
) {
    loop {
        let message = tokio::select! {
            _ = stop.cancelled() => break,
            next = subscriber.next() => next,
        };
        let Some(message) = message else {
            break;
        };
        let Some(reply) = message.reply.clone() else {
            continue;
        };
        let method = message
            .subject
            .as_str()
            .strip_prefix(subjects::QUERY_PREFIX)
            .and_then(|m| m.strip_prefix('.'))
            .unwrap_or_default()
            .to_string();
        let (client, state, store) = (client.clone(), state.clone(), store.clone());
        tokio::spawn(async move {
            let payload = message.payload;
            let method_name = method.clone();
            let answer = tokio::task::spawn_blocking(move || {
                let state = state.read().map_err(|_| {
                    query::QueryError::Internal("the state lock is poisoned".into())
                })?;
                query::handle(&method_name, &payload, &state, &store)
            })
            .await
            .unwrap_or_else(|e| Err(query::QueryError::Internal(format!("query panicked: {e}"))));
            let sent = match answer {
                Ok(body) => client.publish(reply, body.into()).await,
                Err(e) => {
                    debug!(method, code = e.code().as_str(), error = %e, "query failed");
                    let mut headers = async_nats::HeaderMap::new();
                    headers.insert(subjects::HEADER_ERROR, e.code().as_str());
                    client
                        .publish_with_headers(reply, headers, e.to_string().into())
                        .await
                }
            };
            if let Err(e) = sent {
                warn!(method, error = %e, "failed to reply to a query");
            }
        });
    }
    let _ = subscriber.unsubscribe().await;
}
