//! The pull loop both stream workers (ingest, extract) run: pull from a durable consumer, handle
//! up to N messages at once, keep pulling through transient errors (re-opening the message stream
//! if it ends), and on shutdown stop pulling and let messages in flight finish, bounded.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use async_nats::jetstream::{Message, consumer::PullConsumer};
use futures::StreamExt as _;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

/// Pulls from `consumer` and runs `handle` on up to `concurrency` messages at once until
/// `shutdown`; then waits up to `grace` for messages in flight (the rest are redelivered after
/// their ack wait). `handle` owns acking. `what` names the consumer in logs.
pub async fn consume<F, Fut>(
    consumer: &PullConsumer,
    what: &str,
    concurrency: usize,
    grace: Duration,
    shutdown: &CancellationToken,
    handle: F,
) -> anyhow::Result<()>
where
    F: Fn(Message) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(concurrency));
    let mut tasks = JoinSet::new();
    let mut backoff = Duration::from_millis(100);
    'open: while !shutdown.is_cancelled() {
        let opened = consumer
            .stream()
            .max_messages_per_batch(concurrency)
            .heartbeat(Duration::from_secs(5))
            .expires(Duration::from_secs(30))
            .messages()
            .await;
        let mut messages = match opened {
            Ok(messages) => messages,
            Err(e) => {
                warn!(consumer = what, error = %e, "failed to start pulling; retrying");
                if sleep_or_shutdown(&mut backoff, shutdown).await {
                    break 'open;
                }
                continue 'open;
            }
        };
        loop {
            let permit = tokio::select! {
                () = shutdown.cancelled() => break 'open,
                permit = permits.clone().acquire_owned() => permit.context("the task limiter closed")?,
            };
            let next = tokio::select! {
                () = shutdown.cancelled() => break 'open,
                next = messages.next() => next,
            };
            match next {
                Some(Ok(message)) => {
                    backoff = Duration::from_millis(100);
                    let task = handle(message);
                    tasks.spawn(async move {
                        task.await;
                        drop(permit);
                    });
                }
                Some(Err(e)) => {
                    warn!(consumer = what, error = %e, "pulling failed; retrying");
                    if sleep_or_shutdown(&mut backoff, shutdown).await {
                        break 'open;
                    }
                }
                None => {
                    warn!(consumer = what, "the message stream ended; re-opening it");
                    if sleep_or_shutdown(&mut backoff, shutdown).await {
                        break 'open;
                    }
                    continue 'open;
                }
            }
            reap(&mut tasks, what);
        }
    }
    info!(
        consumer = what,
        in_flight = tasks.len(),
        "shutting down: finishing messages in flight"
    );
    let finish = async {
        while let Some(done) = tasks.join_next().await {
            if let Err(e) = done {
                warn!(consumer = what, error = %e, "a message task failed");
            }
        }
    };
    if tokio::time::timeout(grace, finish).await.is_err() {
        warn!(
            consumer = what,
            "messages still in flight after {grace:?}; they will be redelivered"
        );
    }
    Ok(())
}

fn reap(tasks: &mut JoinSet<()>, what: &str) {
    while let Some(done) = tasks.try_join_next() {
        if let Err(e) = done {
            warn!(consumer = what, error = %e, "a message task failed");
        }
    }
}

/// Sleeps for `backoff` (doubling it, up to 5 s); true when shutdown came first.
async fn sleep_or_shutdown(backoff: &mut Duration, shutdown: &CancellationToken) -> bool {
    let wait = *backoff;
    *backoff = (*backoff * 2).min(Duration::from_secs(5));
    tokio::select! {
        () = shutdown.cancelled() => true,
        () = tokio::time::sleep(wait) => false,
    }
}

/// Creates (or updates) the durable pull consumer `name` on `stream`, explicit ack, filtered to
/// `subject`; idempotent, so every replica and every restart may call it.
pub async fn durable_consumer(
    js: &async_nats::jetstream::Context,
    stream: &str,
    name: &str,
    subject: &str,
    description: &str,
    ack_wait: Duration,
) -> anyhow::Result<PullConsumer> {
    js.create_consumer_on_stream(
        async_nats::jetstream::consumer::pull::Config {
            durable_name: Some(name.to_string()),
            description: Some(description.to_string()),
            ack_policy: async_nats::jetstream::consumer::AckPolicy::Explicit,
            ack_wait,
            filter_subject: subject.to_string(),
            ..Default::default()
        },
        stream,
    )
    .await
    .map_err(|e| anyhow::anyhow!(e))
    .with_context(|| format!("failed to create or update the {name} consumer on {stream}"))
}

/// Acks `message` when its handling succeeded (the durable side effect is done); otherwise naks
/// it with a delay growing with its delivery count, so JetStream redelivers it later.
pub async fn settle(message: &Message, handled: anyhow::Result<()>, delivered: i64) {
    match handled {
        Ok(()) => {
            if let Err(e) = message.ack().await {
                warn!(error = %e, "failed to ack a message; it will be redelivered");
            }
        }
        Err(e) => {
            let delay = retry_delay(delivered);
            warn!(error = format!("{e:#}"), retry_in = ?delay, "failed to handle a message; will retry");
            let nak = async_nats::jetstream::AckKind::Nak(Some(delay));
            if let Err(e) = message.ack_with(nak).await {
                warn!(error = %e, "failed to nak a message; it will be redelivered");
            }
        }
    }
}

/// 1 s, 2 s, 4 s, ... up to a minute.
pub fn retry_delay(delivered: i64) -> Duration {
    let exponent = u32::try_from(delivered.clamp(1, 7) - 1).unwrap_or(0);
    Duration::from_secs(2u64.pow(exponent)).min(Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_grow_to_a_minute() {
        let delays: Vec<u64> = (0..10).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(delays, [1, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }
}
