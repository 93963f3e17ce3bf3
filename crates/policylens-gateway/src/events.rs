//! The applied-event hub: one subscription to `policy.events.applied` per gateway, deduplicated
//! by `facts_seq` (every aggregate replica publishes the same event) and fanned out to the
//! watches over a broadcast channel.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use futures::StreamExt as _;
use policylens_proto::subjects;
use policylens_proto::v1::AppliedEvent;
use prost::Message as _;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// How many recent `facts_seq` values are remembered to drop replicas' copies.
const REMEMBERED_SEQS: usize = 65_536;
/// Events buffered per watch before a slow watch is told it fell behind.
const WATCH_BUFFER: usize = 4_096;

/// Hands out receivers of unique applied events.
#[derive(Debug, Clone)]
pub struct EventHub {
    sender: broadcast::Sender<Arc<AppliedEvent>>,
}

impl EventHub {
    /// Subscribes to the applied events and forwards unique ones until `shutdown`; the
    /// subscription is registered with the server when this returns.
    pub async fn start(
        nats: &async_nats::Client,
        shutdown: CancellationToken,
    ) -> anyhow::Result<(EventHub, tokio::task::JoinHandle<()>)> {
        let mut subscriber = nats
            .subscribe(subjects::EVENTS_APPLIED)
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        nats.flush().await.map_err(|e| anyhow::anyhow!(e))?;
        let (sender, _) = broadcast::channel(WATCH_BUFFER);
        let hub = EventHub {
            sender: sender.clone(),
        };
        let task = tokio::spawn(async move {
            let mut seen = SeenSeqs::new(REMEMBERED_SEQS);
            loop {
                let message = tokio::select! {
                    _ = shutdown.cancelled() => break,
                    message = subscriber.next() => message,
                };
                let Some(message) = message else { break };
                let event = match AppliedEvent::decode(message.payload.as_ref()) {
                    Ok(event) => event,
                    Err(e) => {
                        tracing::warn!(error = %e, "undecodable applied event");
                        continue;
                    }
                };
                if !seen.insert(event.facts_seq) {
                    tracing::trace!(facts_seq = event.facts_seq, "duplicate applied event");
                    continue;
                }
                // no receivers is fine: nobody is watching
                let _ = sender.send(Arc::new(event));
            }
            let _ = subscriber.unsubscribe().await;
            tracing::debug!("applied-event hub stopped");
        });
        Ok((hub, task))
    }

    /// A receiver of every unique event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<AppliedEvent>> {
        self.sender.subscribe()
    }
}

/// The most recent `capacity` sequence numbers seen.
#[derive(Debug)]
struct SeenSeqs {
    set: HashSet<u64>,
    order: VecDeque<u64>,
    capacity: usize,
}

impl SeenSeqs {
    fn new(capacity: usize) -> Self {
        Self {
            set: HashSet::with_capacity(capacity),
            order: VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    /// Records `seq`; false when it was seen recently.
    fn insert(&mut self, seq: u64) -> bool {
        if !self.set.insert(seq) {
            return false;
        }
        self.order.push_back(seq);
        if self.order.len() > self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.set.remove(&oldest);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_recent_sequences_only() {
        let mut seen = SeenSeqs::new(2);
        assert!(seen.insert(1));
        assert!(!seen.insert(1));
        assert!(seen.insert(2));
        assert!(seen.insert(3));
        assert!(!seen.insert(3));
        assert!(!seen.insert(2));
        // 1 was forgotten
        assert!(seen.insert(1));
    }
}
