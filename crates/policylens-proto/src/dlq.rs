//! The dead-letter record: why a message could not be processed and where it came from.

use serde::{Deserialize, Serialize};

/// Machine-readable reasons a message lands in the DLQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The payload is not valid UTF-8.
    InvalidUtf8,
    /// The payload (or its body after normalisation) is empty.
    Empty,
    /// The payload looks like binary data (NUL or many control bytes).
    Binary,
    /// The payload exceeds the configured document size limit.
    TooLarge,
    /// The payload starts like JSON but does not parse as an envelope.
    MalformedJson,
    /// The envelope parses but is not acceptable (no body, wrong field types, both body and html).
    InvalidEnvelope,
    /// A message on an internal stream does not decode.
    UndecodableMessage,
    /// Processing failed repeatedly (the maximum number of deliveries was reached).
    ProcessingFailed,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::InvalidUtf8 => "invalid_utf8",
            Reason::Empty => "empty",
            Reason::Binary => "binary",
            Reason::TooLarge => "too_large",
            Reason::MalformedJson => "malformed_json",
            Reason::InvalidEnvelope => "invalid_envelope",
            Reason::UndecodableMessage => "undecodable_message",
            Reason::ProcessingFailed => "processing_failed",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dead letter, published as JSON on `policy.dlq.<stage>` with `Nats-Msg-Id`
/// `<stage>:<source_stream>:<source_seq>` so it is stored once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// `ingest`, `extract` or `aggregate`.
    pub stage: String,
    pub reason: Reason,
    /// Human-readable detail ("invalid UTF-8 at byte 17").
    pub detail: String,
    pub source_stream: String,
    pub source_seq: u64,
    /// blake3 hex of the raw payload.
    pub content_hash: String,
    pub size_bytes: u64,
    /// Up to 256 bytes of the payload, lossily decoded, for a human to recognise it.
    pub excerpt: String,
}

impl DeadLetter {
    /// The JetStream de-duplication id of this dead letter.
    pub fn msg_id(&self) -> String {
        format!("{}:{}:{}", self.stage, self.source_stream, self.source_seq)
    }
}
