//! Document normalisation, pure and deterministic: decode a payload published onto
//! `policy.ingest` (raw text, raw HTML or a JSON envelope, plus header metadata), validate it,
//! turn HTML into text, repair hard wraps, strip boilerplate, and derive the content id.
//! (Owner: ingest helper — placeholder implementation.)

use policylens_proto::dlq::Reason;
use serde::{Deserialize, Serialize};

/// How a payload was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Html,
    Json,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Json => "json",
        }
    }
}

/// The JSON envelope publishers may send: exactly one of `body` or `html`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

/// Metadata given outside the payload (NATS headers); an envelope's own fields win.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    pub id: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub source: Option<String>,
    pub published_at: Option<String>,
    pub language: Option<String>,
    /// Skip format detection.
    pub format: Option<Format>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest payload accepted, in bytes.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 1024 * 1024,
        }
    }
}

/// A normalised document.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    pub doc_id: String,
    pub title: String,
    pub url: String,
    pub source: String,
    pub published_at: String,
    pub language: String,
    pub body: String,
    pub content_hash: String,
    pub format: Format,
}

/// Why a payload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}: {detail}")]
pub struct Rejection {
    pub reason: Reason,
    pub detail: String,
}

/// Normalises one payload.
pub fn normalize(payload: &[u8], meta: &Meta, limits: &Limits) -> Result<Normalized, Rejection> {
    if payload.len() > limits.max_bytes {
        return Err(Rejection {
            reason: Reason::TooLarge,
            detail: format!(
                "{} bytes exceeds the limit of {}",
                payload.len(),
                limits.max_bytes
            ),
        });
    }
    let text = std::str::from_utf8(payload).map_err(|e| Rejection {
        reason: Reason::InvalidUtf8,
        detail: e.to_string(),
    })?;
    let mut meta = meta.clone();
    let mut body = text.trim().to_string();
    if meta.format == Some(Format::Json) {
        let env: Envelope = serde_json::from_str(text).map_err(|e| Rejection {
            reason: Reason::MalformedJson,
            detail: e.to_string(),
        })?;
        body = env.body.or(env.html).unwrap_or_default().trim().to_string();
        meta.id = env.id.or(meta.id);
        meta.published_at = env.published_at.or(meta.published_at);
        meta.title = env.title.or(meta.title);
    }
    if body.is_empty() {
        return Err(Rejection {
            reason: Reason::Empty,
            detail: "the document is empty".into(),
        });
    }
    let content_hash = blake3::hash(body.as_bytes()).to_hex().to_string();
    Ok(Normalized {
        doc_id: meta
            .id
            .clone()
            .unwrap_or_else(|| format!("doc-{}", &content_hash[..32])),
        title: meta.title.clone().unwrap_or_default(),
        url: meta.url.clone().unwrap_or_default(),
        source: meta.source.clone().unwrap_or_default(),
        published_at: meta.published_at.clone().unwrap_or_default(),
        language: meta.language.clone().unwrap_or_default(),
        body,
        content_hash,
        format: Format::Text,
    })
}
