//! SubmitDocument: the request becomes the same JSON envelope a NATS publisher would send, is
//! validated and given its id locally by the normaliser (so a client mistake is answered, not
//! dead-lettered), then JetStream-published onto `policy.ingest` so a full stream's refusal
//! reaches the caller.

use async_nats::jetstream;
use async_nats::jetstream::context::PublishErrorKind;
use policylens_normalize::{Envelope, Format, Limits, Meta};
use policylens_proto::subjects;
use policylens_proto::v1::{SubmitDocumentRequest, submit_document_request::Content};

use crate::error::ApiError;

/// A document accepted by the INGEST stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub doc_id: String,
    pub ingest_seq: u64,
    /// The stream already held this exact payload (same `Nats-Msg-Id` within its window).
    pub duplicate: bool,
}

/// The JSON envelope of a request, or why the request is not a document.
pub fn envelope(request: SubmitDocumentRequest) -> Result<Envelope, ApiError> {
    let non_empty = |s: String| {
        let trimmed = s.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_string())
    };
    let (body, html) = match request.content {
        Some(Content::Body(body)) => (Some(body), None),
        Some(Content::Html(html)) => (None, Some(html)),
        None => return Err(ApiError::invalid("one of body or html is required")),
    };
    Ok(Envelope {
        id: non_empty(request.id),
        title: non_empty(request.title),
        url: non_empty(request.url),
        source: non_empty(request.source),
        published_at: non_empty(request.published_at),
        language: non_empty(request.language),
        body,
        html,
    })
}

/// Validates and publishes one document.
pub async fn submit(
    js: &jetstream::Context,
    request: SubmitDocumentRequest,
    max_doc_bytes: usize,
) -> Result<Submitted, ApiError> {
    let envelope = envelope(request)?;
    let payload = serde_json::to_vec(&envelope)
        .map_err(|e| ApiError::invalid(format!("the document does not encode as JSON: {e}")))?;
    let meta = Meta {
        format: Some(Format::Json),
        ..Meta::default()
    };
    let limits = Limits {
        max_bytes: max_doc_bytes,
    };
    let normalized = policylens_normalize::normalize(&payload, &meta, &limits)
        .map_err(|rejection| ApiError::invalid(rejection.to_string()))?;

    let mut headers = async_nats::HeaderMap::new();
    headers.insert(subjects::HEADER_FORMAT, Format::Json.as_str());
    headers.insert(
        subjects::HEADER_MSG_ID,
        policylens_runtime::content_hash(&payload).as_str(),
    );
    let ack = js
        .publish_with_headers(subjects::INGEST, headers, payload.into())
        .await
        .map_err(publish_error)?
        .await
        .map_err(publish_error)?;
    Ok(Submitted {
        doc_id: normalized.doc_id,
        ingest_seq: ack.sequence,
        duplicate: ack.duplicate,
    })
}

/// Classifies a JetStream publish failure.
pub fn publish_error(error: jetstream::context::PublishError) -> ApiError {
    match error.kind() {
        PublishErrorKind::StreamNotFound => ApiError::NoIngestStream,
        PublishErrorKind::MaxPayloadExceeded => ApiError::TooLarge(error.to_string()),
        PublishErrorKind::Other => {
            let api = std::error::Error::source(&error)
                .and_then(|source| source.downcast_ref::<jetstream::Error>());
            match api {
                Some(api) => refusal(api),
                None => ApiError::Unavailable(error.to_string()),
            }
        }
        _ => ApiError::Unavailable(error.to_string()),
    }
}

/// Classifies the stream's refusal of a message.
fn refusal(error: &jetstream::Error) -> ApiError {
    use jetstream::ErrorCode as E;
    match error.error_code() {
        E::STREAM_MESSAGE_EXCEEDS_MAXIMUM | E::STREAM_HEADER_EXCEEDS_MAXIMUM => {
            ApiError::TooLarge(error.to_string())
        }
        E::STREAM_STORE_FAILED
        | E::STORAGE_RESOURCES_EXCEEDED
        | E::MEMORY_RESOURCES_EXCEEDED
        | E::ACCOUNT_RESOURCES_EXCEEDED
        | E::INSUFFICIENT_RESOURCES => ApiError::StreamFull(error.to_string()),
        _ => ApiError::Unavailable(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_without_content_is_invalid() {
        let error = envelope(SubmitDocumentRequest::default()).unwrap_err();
        assert_eq!(error.code(), tonic::Code::InvalidArgument);
    }

    #[test]
    fn empty_metadata_is_left_out() {
        let envelope = envelope(SubmitDocumentRequest {
            title: "  ".into(),
            url: "https://example.org/a".into(),
            content: Some(Content::Html("<p>hi</p>".into())),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(envelope.title, None);
        assert_eq!(envelope.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(envelope.html.as_deref(), Some("<p>hi</p>"));
        assert_eq!(envelope.body, None);
    }
}
