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
