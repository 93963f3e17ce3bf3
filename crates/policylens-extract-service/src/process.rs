//! One DOCS message: decode the document, extract its facts off the async runtime, publish the
//! fact bundle onto FACTS, then ack; dead letters for undecodable documents and for documents
//! whose extraction keeps failing.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use anyhow::Context as _;
use async_nats::jetstream::{self, AckKind};
use bytes::Bytes;
use policylens_extract::{Date, EXTRACTOR_VERSION, Input};
use policylens_proto::dlq::{DeadLetter, Reason};
use policylens_proto::{Document, FactBundle, subjects};
use policylens_runtime::consume;
use prost::Message as _;
use tracing::{Instrument as _, info, info_span, warn};

/// The dead-letter stage of this service.
pub(crate) const STAGE: &str = "extract";
/// Bytes of a payload kept in a dead letter.
const EXCERPT_BYTES: usize = 256;
/// Room left for headers when checking a bundle against the stream's message size limit.
const HEADER_ALLOWANCE: usize = 512;

/// What every document task shares.
pub(crate) struct Context {
    pub js: jetstream::Context,
    pub engine: crate::Engine,
    pub max_attempts: i64,
    pub max_msg_bytes: usize,
    /// How often to tell JetStream a long extraction is still in progress.
    pub progress_every: Duration,
}

/// Why a document could not be handled this time.
enum Failure {
    /// Retry later (NATS trouble): nak with a growing delay, forever.
    Transient(anyhow::Error),
    /// Extraction itself failed: retry until the attempts run out, then dead-letter.
    Extraction(String),
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::Transient(error)
    }
}

/// Handles one message and acks or naks it; never fails (failures are redeliveries).
pub(crate) async fn handle(context: &Context, message: jetstream::Message) {
    let (seq, delivered) = message
        .info()
        .map(|info| (info.stream_sequence, info.delivered))
        .unwrap_or((0, 1));
    let span = info_span!(
        "extract_document",
        seq,
        delivered,
        doc_id = tracing::field::Empty
    );
    async {
        let settled = match process(context, &message, seq).await {
            Ok(()) => Ok(()),
            Err(Failure::Extraction(detail)) if delivered >= context.max_attempts => {
                warn!(%detail, attempts = delivered, "extraction keeps failing; dead-lettering the document");
                dead_letter(context, &message.payload, seq, Reason::ProcessingFailed, detail).await
            }
            Err(Failure::Extraction(detail)) => Err(anyhow::anyhow!(detail)),
            Err(Failure::Transient(error)) => Err(error),
        };
        let settled = settled.map_err(|e| e.context("failed to extract a document"));
        consume::settle(&message, settled, delivered).await;
    }
    .instrument(span)
    .await;
}

async fn process(context: &Context, message: &jetstream::Message, seq: u64) -> Result<(), Failure> {
    let document = match decode(&message.payload) {
        Ok(document) => document,
        Err(detail) => {
            warn!(%detail, "undecodable document");
            dead_letter(
                context,
                &message.payload,
                seq,
                Reason::UndecodableMessage,
                detail,
            )
            .await?;
            return Ok(());
        }
    };
    tracing::Span::current().record("doc_id", document.doc_id.as_str());

    let started = std::time::Instant::now();
    let (document, facts) = extract(context, message, document).await?;
    let bundle = FactBundle {
        facts: crate::convert::facts(&document.doc_id, &facts),
        document: Some(document),
        extractor_version: EXTRACTOR_VERSION.to_string(),
    };
    let document = bundle.document.as_ref().expect("set above");
    let msg_id = bundle_msg_id(document);
    let doc_id = document.doc_id.clone();
    let fact_count = bundle.facts.len();
    let encoded = bundle.encode_to_vec();
    if encoded.len() + msg_id.len() + HEADER_ALLOWANCE > context.max_msg_bytes {
        let detail = format!(
            "the fact bundle ({} bytes, {fact_count} facts) exceeds the stream's message limit of {} bytes",
            encoded.len(),
            context.max_msg_bytes
        );
        warn!(%detail, "fact bundle too large");
        dead_letter(
            context,
            &message.payload,
            seq,
            Reason::ProcessingFailed,
            detail,
        )
        .await?;
        return Ok(());
    }
    let mut headers = async_nats::HeaderMap::new();
    headers.insert(subjects::HEADER_MSG_ID, msg_id.as_str());
    let ack = context
        .js
        .publish_with_headers(subjects::FACTS, headers, Bytes::from(encoded))
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .context("failed to publish a fact bundle onto FACTS")?
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .context("FACTS did not acknowledge the fact bundle")?;
    info!(
        %doc_id,
        facts = fact_count,
        duplicate = ack.duplicate,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "fact bundle published"
    );
    Ok(())
}

/// Decodes a DOCS payload; a document without an id or hash is as unusable as garbage.
fn decode(payload: &[u8]) -> Result<Document, String> {
    let document =
        Document::decode(payload).map_err(|e| format!("not a policylens.v1.Document: {e}"))?;
    if document.doc_id.is_empty() {
        return Err("the document has no doc_id".to_string());
    }
    Ok(document)
}

/// The FACTS de-duplication id: one bundle per document content and extractor version.
fn bundle_msg_id(document: &Document) -> String {
    let content = document
        .content_hash
        .get(..32)
        .unwrap_or(&document.content_hash);
    format!("{}:{EXTRACTOR_VERSION}:{content}", document.doc_id)
}

/// Runs the engine on a blocking thread, catching panics, and tells JetStream the document is
/// still in progress while a long extraction runs.
async fn extract(
    context: &Context,
    message: &jetstream::Message,
    document: Document,
) -> Result<(Document, Vec<policylens_extract::Fact>), Failure> {
    let engine = context.engine.clone();
    let mut task = tokio::task::spawn_blocking(move || {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            engine(Input {
                text: &document.body,
                date: Date::parse(&document.published_at),
            })
        }));
        (document, result)
    });
    let mut progress =
        tokio::time::interval(context.progress_every.max(Duration::from_millis(500)));
    progress.tick().await;
    let joined = loop {
        tokio::select! {
            joined = &mut task => break joined,
            _ = progress.tick() => {
                if let Err(e) = message.ack_with(AckKind::Progress).await {
                    warn!(error = %e, "failed to extend the ack deadline");
                }
            }
        }
    };
    match joined {
        Ok((document, Ok(facts))) => Ok((document, facts)),
        Ok((_, Err(panic))) => Err(Failure::Extraction(format!(
            "extraction panicked: {}",
            panic_message(panic.as_ref())
        ))),
        Err(e) => Err(Failure::Extraction(format!("extraction task failed: {e}"))),
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    }
}

async fn dead_letter(
    context: &Context,
    payload: &[u8],
    seq: u64,
    reason: Reason,
    detail: String,
) -> anyhow::Result<()> {
    let letter = DeadLetter {
        stage: STAGE.to_string(),
        reason,
        detail,
        source_stream: subjects::DOCS_STREAM.to_string(),
        source_seq: seq,
        content_hash: policylens_runtime::content_hash(payload),
        size_bytes: payload.len() as u64,
        excerpt: policylens_runtime::excerpt(payload, EXCERPT_BYTES),
    };
    policylens_runtime::publish_dead_letter(&context.js, &letter).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_documents_and_refuses_garbage() {
        let document = Document {
            doc_id: "doc-1".into(),
            body: "Text.".into(),
            content_hash: "ab".repeat(32),
            ..Document::default()
        };
        assert_eq!(decode(&document.encode_to_vec()).unwrap(), document);
        assert!(decode(b"\xff\xff\xff garbage").is_err());
        assert!(decode(&Document::default().encode_to_vec()).is_err());
    }

    #[test]
    fn bundle_ids_name_document_version_and_content() {
        let document = Document {
            doc_id: "doc-1".into(),
            content_hash: "0123456789abcdef".repeat(4),
            ..Document::default()
        };
        assert_eq!(
            bundle_msg_id(&document),
            format!("doc-1:{EXTRACTOR_VERSION}:0123456789abcdef0123456789abcdef")
        );
        let short = Document {
            doc_id: "d".into(),
            content_hash: "abc".into(),
            ..Document::default()
        };
        assert_eq!(bundle_msg_id(&short), format!("d:{EXTRACTOR_VERSION}:abc"));
    }

    #[test]
    fn panic_messages() {
        let panic = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
        assert_eq!(panic_message(panic.as_ref()), "boom 1");
        let panic = std::panic::catch_unwind(|| panic!("static")).unwrap_err();
        assert_eq!(panic_message(panic.as_ref()), "static");
    }
}
