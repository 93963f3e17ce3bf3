//! Every NATS subject, stream, consumer and header name the services meet on.

/// Core subject publishers write documents to; captured by the [`INGEST_STREAM`].
pub const INGEST: &str = "policy.ingest";
/// Stream capturing [`INGEST`].
pub const INGEST_STREAM: &str = "INGEST";
/// Durable pull consumer of the ingest service on [`INGEST_STREAM`].
pub const INGEST_CONSUMER: &str = "ingest";

/// Normalised documents (`policylens.v1.Document`, protobuf).
pub const DOCS: &str = "policy.docs";
pub const DOCS_STREAM: &str = "DOCS";
/// Durable pull consumer shared by every extract replica on [`DOCS_STREAM`].
pub const EXTRACT_CONSUMER: &str = "extract";

/// Fact bundles (`policylens.v1.FactBundle`, protobuf): the replayable changelog.
pub const FACTS: &str = "policy.facts";
pub const FACTS_STREAM: &str = "FACTS";

/// Dead letters: `policy.dlq.<stage>`, JSON [`crate::dlq::DeadLetter`].
pub const DLQ_PREFIX: &str = "policy.dlq";
pub const DLQ_WILDCARD: &str = "policy.dlq.>";
pub const DLQ_STREAM: &str = "DLQ";

/// The DLQ subject of one stage (`ingest`, `extract`, `aggregate`).
pub fn dlq_subject(stage: &str) -> String {
    format!("{DLQ_PREFIX}.{stage}")
}

/// Queries the aggregate answers (request/reply, queue group [`QUERY_QUEUE_GROUP`]):
/// `policy.query.<Method>` with the prost-encoded gRPC request; the reply is the prost-encoded
/// gRPC response, or an error (see [`crate::query`]).
pub const QUERY_PREFIX: &str = "policy.query";
pub const QUERY_WILDCARD: &str = "policy.query.*";
pub const QUERY_QUEUE_GROUP: &str = "aggregate";

/// The query subject of one method, e.g. `policy.query.ListFacts`.
pub fn query_subject(method: &str) -> String {
    format!("{QUERY_PREFIX}.{method}")
}

/// Core subject the aggregate publishes an `AppliedEvent` on after each committed bundle.
pub const EVENTS_APPLIED: &str = "policy.events.applied";

/// Header carrying the JetStream de-duplication id.
pub const HEADER_MSG_ID: &str = "Nats-Msg-Id";
/// Optional document metadata headers on [`INGEST`] (override nothing in a JSON envelope).
pub const HEADER_DOC_ID: &str = "PolicyLens-Id";
pub const HEADER_TITLE: &str = "PolicyLens-Title";
pub const HEADER_URL: &str = "PolicyLens-Url";
pub const HEADER_SOURCE: &str = "PolicyLens-Source";
pub const HEADER_PUBLISHED_AT: &str = "PolicyLens-Published-At";
pub const HEADER_LANGUAGE: &str = "PolicyLens-Language";
/// `text`, `html` or `json`: skips format detection.
pub const HEADER_FORMAT: &str = "PolicyLens-Format";
/// Error code on a query reply (see [`crate::query::ErrorCode`]).
pub const HEADER_ERROR: &str = "PolicyLens-Error";
