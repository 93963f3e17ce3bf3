//! Waiting on JetStream state in tests: a stream holding N messages (and reading them back), a
//! durable consumer having settled everything published so far.

use std::time::Duration;

use async_nats::jetstream::message::StreamMessage;
use async_nats::jetstream::{self, stream::Stream};

use crate::wait_for;

/// Every message the stream holds, in sequence order.
pub async fn read_all(stream: &Stream) -> Vec<StreamMessage> {
    let info = stream.get_info().await.expect("stream info");
    let mut messages = Vec::new();
    for seq in info.state.first_sequence..=info.state.last_sequence {
        if let Ok(message) = stream.get_raw_message(seq).await {
            messages.push(message);
        }
    }
    messages
}

/// The number of messages stream `name` holds now.
pub async fn message_count(js: &jetstream::Context, name: &str) -> u64 {
    let stream = js.get_stream(name).await.expect("stream exists");
    stream.get_info().await.expect("stream info").state.messages
}

/// Waits until stream `name` holds at least `count` messages, then returns all of them.
pub async fn wait_for_messages(
    js: &jetstream::Context,
    name: &str,
    count: u64,
    timeout: Duration,
) -> Vec<StreamMessage> {
    let stream = js.get_stream(name).await.expect("stream exists");
    wait_for(&format!("{count} messages on {name}"), timeout, || {
        let stream = stream.clone();
        async move {
            let info = stream.get_info().await.ok()?;
            (info.state.messages >= count).then_some(())
        }
    })
    .await;
    read_all(&stream).await
}

/// Waits until durable consumer `consumer` of stream `name` has acknowledged every message up to
/// sequence `published` and has nothing pending or in flight.
pub async fn wait_until_settled(
    js: &jetstream::Context,
    name: &str,
    consumer: &str,
    published: u64,
    timeout: Duration,
) {
    let stream = js.get_stream(name).await.expect("stream exists");
    wait_for(
        &format!("{consumer} to settle every message on {name}"),
        timeout,
        || {
            let stream = stream.clone();
            async move {
                let info = stream.consumer_info(consumer).await.ok()?;
                (info.ack_floor.stream_sequence >= published
                    && info.num_ack_pending == 0
                    && info.num_pending == 0)
                    .then_some(())
            }
        },
    )
    .await;
}
