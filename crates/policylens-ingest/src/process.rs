//! One INGEST message: headers and payload to a normalised document on DOCS, or a dead letter;
//! ack after the durable side effect, nak with a growing delay on transient failures.

use anyhow::Context as _;
use async_nats::jetstream::{self, kv};
use bytes::Bytes;
use policylens_normalize::{Limits, Normalized, Rejection, normalize};
use policylens_proto::dlq::{DeadLetter, Reason};
use policylens_proto::{Document, subjects};
use policylens_runtime::consume;
use prost::Message as _;
use tracing::{Instrument as _, debug, info, info_span, warn};

/// The dead-letter stage of this service.
pub(crate) const STAGE: &str = "ingest";
/// Bytes of a payload kept in a dead letter.
const EXCERPT_BYTES: usize = 256;
/// Room left for headers when checking a document against the stream's message size limit.
const HEADER_ALLOWANCE: usize = 512;

/// What every message task shares.
pub(crate) struct Context {
    pub js: jetstream::Context,
    pub seen: kv::Store,
    pub limits: Limits,
    pub max_msg_bytes: usize,
}

/// How a message was settled.
#[derive(Debug)]
enum Outcome {
    Published { doc_id: String, duplicate: bool },
    AlreadySeen { doc_id: String },
    DeadLettered { reason: Reason },
}

/// Handles one message and acks or naks it; never fails (failures are redeliveries).
pub(crate) async fn handle(context: &Context, message: jetstream::Message) {
    let (seq, delivered) = message
        .info()
        .map(|info| (info.stream_sequence, info.delivered))
        .unwrap_or((0, 1));
    let span = info_span!(
        "ingest_message",
        seq,
        delivered,
        doc_id = tracing::field::Empty
    );
    async {
        match process(context, &message, seq).await {
            Ok(outcome) => {
                match &outcome {
                    Outcome::Published { doc_id, duplicate } => {
                        info!(%doc_id, duplicate, "document published")
                    }
                    Outcome::AlreadySeen { doc_id } => {
                        info!(%doc_id, "document already ingested; skipped")
                    }
                    Outcome::DeadLettered { reason } => {
                        debug!(%reason, "message dead-lettered")
                    }
                }
                consume::settle(&message, Ok(()), delivered).await;
            }
            Err(e) => {
                consume::settle(
                    &message,
                    Err(e.context("failed to ingest a message")),
                    delivered,
                )
                .await;
            }
        }
    }
    .instrument(span)
    .await;
}

async fn process(
    context: &Context,
    message: &jetstream::Message,
    seq: u64,
) -> anyhow::Result<Outcome> {
    let payload = message.payload.clone();
    let meta = match crate::headers::meta_from_headers(message.headers.as_ref()) {
        Ok(meta) => meta,
        Err(detail) => {
            let rejection = Rejection {
                reason: Reason::InvalidEnvelope,
                detail,
            };
            return dead_letter(context, &payload, seq, rejection).await;
        }
    };
    let limits = context.limits;
    let raw = payload.clone();
    let normalized = tokio::task::spawn_blocking(move || normalize(&raw, &meta, &limits)).await;
    let doc = match normalized {
        Ok(Ok(doc)) => doc,
        Ok(Err(rejection)) => return dead_letter(context, &payload, seq, rejection).await,
        Err(e) => {
            // A panic is a bug and deterministic: retrying cannot help.
            let rejection = Rejection {
                reason: Reason::ProcessingFailed,
                detail: format!("normalisation failed: {e}"),
            };
            return dead_letter(context, &payload, seq, rejection).await;
        }
    };
    tracing::Span::current().record("doc_id", doc.doc_id.as_str());

    let key = seen_key(&doc.doc_id);
    let seen = context
        .seen
        .get(key.clone())
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .context("failed to read the seen-document bucket")?;
    if seen.is_some_and(|hash| hash == doc.content_hash.as_bytes()) {
        return Ok(Outcome::AlreadySeen { doc_id: doc.doc_id });
    }

    let msg_id = docs_msg_id(&doc);
    let encoded = document(&doc, seq).encode_to_vec();
    if encoded.len() + msg_id.len() + HEADER_ALLOWANCE > context.max_msg_bytes {
        let rejection = Rejection {
            reason: Reason::TooLarge,
            detail: format!(
                "the normalised document ({} bytes) exceeds the stream's message limit of {} bytes",
                encoded.len(),
                context.max_msg_bytes
            ),
        };
        return dead_letter(context, &payload, seq, rejection).await;
    }
    let mut headers = async_nats::HeaderMap::new();
    headers.insert(subjects::HEADER_MSG_ID, msg_id.as_str());
    let ack = context
        .js
        .publish_with_headers(subjects::DOCS, headers, Bytes::from(encoded))
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .context("failed to publish a document onto DOCS")?
        .await
        .map_err(|e| {
            let text = e.to_string();
            if is_stream_full(&text) {
                anyhow::anyhow!("the DOCS stream is full and refused the document: {text}")
            } else {
                anyhow::anyhow!("DOCS did not acknowledge the document: {text}")
            }
        })?;
    if let Err(e) = context
        .seen
        .put(key, Bytes::from(doc.content_hash.clone().into_bytes()))
        .await
    {
        // DOCS holds the document: a later duplicate is only re-extracted, never lost.
        warn!(error = %e, "failed to record the document in the seen-document bucket");
    }
    Ok(Outcome::Published {
        doc_id: doc.doc_id,
        duplicate: ack.duplicate,
    })
}

/// Whether a publish error says the stream refused the message because it is full.
fn is_stream_full(error: &str) -> bool {
    let error = error.to_ascii_lowercase();
    error.contains("maximum bytes")
        || error.contains("maximum messages")
        || error.contains("resource limits")
}

/// The DOCS de-duplication id: the doc id and its content, so a changed document under an
/// explicit id is a new message while the same content is stored once.
fn docs_msg_id(doc: &Normalized) -> String {
    format!("{}:{}", doc.doc_id, &doc.content_hash[..32])
}

/// A KV-legal key for a doc id (ids may hold any printable character).
fn seen_key(doc_id: &str) -> String {
    format!(
        "doc.{}",
        &policylens_runtime::content_hash(doc_id.as_bytes())[..40]
    )
}

fn document(doc: &Normalized, seq: u64) -> Document {
    Document {
        doc_id: doc.doc_id.clone(),
        title: doc.title.clone(),
        url: doc.url.clone(),
        source: doc.source.clone(),
        published_at: doc.published_at.clone(),
        language: doc.language.clone(),
        body: doc.body.clone(),
        content_hash: doc.content_hash.clone(),
        ingested_at_ms: policylens_runtime::now_ms(),
        ingest_seq: seq,
        format: doc.format.as_str().to_string(),
    }
}

async fn dead_letter(
    context: &Context,
    payload: &[u8],
    seq: u64,
    rejection: Rejection,
) -> anyhow::Result<Outcome> {
    warn!(reason = %rejection.reason, detail = %rejection.detail, "refused a message");
    let letter = DeadLetter {
        stage: STAGE.to_string(),
        reason: rejection.reason,
        detail: rejection.detail,
        source_stream: subjects::INGEST_STREAM.to_string(),
        source_seq: seq,
        content_hash: policylens_runtime::content_hash(payload),
        size_bytes: payload.len() as u64,
        excerpt: policylens_runtime::excerpt(payload, EXCERPT_BYTES),
    };
    policylens_runtime::publish_dead_letter(&context.js, &letter).await?;
    Ok(Outcome::DeadLettered {
        reason: letter.reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_keys_are_kv_legal() {
        for id in ["doc-abc", "a b:c/d é", "x"] {
            let key = seen_key(id);
            assert!(
                key.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '/')),
                "{key}"
            );
        }
        assert_eq!(seen_key("a"), seen_key("a"));
        assert_ne!(seen_key("a"), seen_key("b"));
    }

    #[test]
    fn recognises_stream_full_errors() {
        assert!(is_stream_full("publish failed: maximum bytes exceeded"));
        assert!(is_stream_full("Maximum Messages exceeded"));
        assert!(!is_stream_full("timed out"));
    }
}
