//! The JSON envelope: parsing (syntax errors vs. wrong shapes), the body/html rule, merging its
//! metadata over header metadata, and document id validation.

use policylens_proto::dlq::Reason;
use serde_json::error::Category;

use crate::{Envelope, Meta, Rejection};

/// The longest document id accepted, in chars.
pub const MAX_ID_CHARS: usize = 256;

/// Parses an envelope: a syntax error is `malformed_json` (with serde's line and column), a
/// well-formed document of the wrong shape (not an object, a field of the wrong type) is
/// `invalid_envelope`. Unknown fields are ignored.
pub(crate) fn parse(text: &str) -> Result<Envelope, Rejection> {
    // serde would read a JSON array as a struct's fields in order: refuse anything but an object.
    if !text.trim_start().starts_with('{') {
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => Rejection::new(
                Reason::InvalidEnvelope,
                "the envelope must be a JSON object",
            ),
            Err(e) => Rejection::new(Reason::MalformedJson, e.to_string()),
        });
    }
    serde_json::from_str::<Envelope>(text).map_err(|e| match e.classify() {
        Category::Data => Rejection::new(Reason::InvalidEnvelope, e.to_string()),
        Category::Syntax | Category::Eof | Category::Io => {
            Rejection::new(Reason::MalformedJson, e.to_string())
        }
    })
}

/// The envelope's content and whether it is HTML: exactly one of `body` and `html`.
pub(crate) fn content(envelope: &Envelope) -> Result<(String, bool), Rejection> {
    match (&envelope.body, &envelope.html) {
        (Some(body), None) => Ok((body.clone(), false)),
        (None, Some(html)) => Ok((html.clone(), true)),
        (Some(_), Some(_)) => Err(Rejection::new(
            Reason::InvalidEnvelope,
            "the envelope has both `body` and `html`; give exactly one",
        )),
        (None, None) => Err(Rejection::new(
            Reason::InvalidEnvelope,
            "the envelope has neither `body` nor `html`",
        )),
    }
}

/// Moves the envelope's metadata into `meta`; the envelope's fields win, empty strings count as
/// absent.
pub(crate) fn merge_into(meta: &mut Meta, envelope: Envelope) {
    let pick = |from_envelope: Option<String>, from_meta: &mut Option<String>| {
        if let Some(value) = from_envelope.filter(|v| !v.trim().is_empty()) {
            *from_meta = Some(value.trim().to_string());
        }
    };
    // An explicit id is validated as given, so an empty one is refused rather than ignored.
    if let Some(id) = envelope.id {
        meta.id = Some(id);
    }
    pick(envelope.title, &mut meta.title);
    pick(envelope.url, &mut meta.url);
    pick(envelope.source, &mut meta.source);
    pick(envelope.published_at, &mut meta.published_at);
    pick(envelope.language, &mut meta.language);
}

/// A document id must be non-empty, at most [`MAX_ID_CHARS`] chars, without control characters
/// or surrounding whitespace.
pub(crate) fn validate_id(id: &str) -> Result<(), Rejection> {
    let problem = if id.trim().is_empty() {
        Some("the document id is empty".to_string())
    } else if id.chars().count() > MAX_ID_CHARS {
        Some(format!(
            "the document id is longer than {MAX_ID_CHARS} chars"
        ))
    } else if id.chars().any(char::is_control) {
        Some("the document id contains control characters".to_string())
    } else if id.trim() != id {
        Some("the document id has leading or trailing whitespace".to_string())
    } else {
        None
    };
    match problem {
        Some(detail) => Err(Rejection::new(Reason::InvalidEnvelope, detail)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_errors() {
        assert_eq!(parse("{").unwrap_err().reason, Reason::MalformedJson);
        assert_eq!(
            parse("{\"a\" 1}").unwrap_err().reason,
            Reason::MalformedJson
        );
        assert_eq!(parse("[]").unwrap_err().reason, Reason::InvalidEnvelope);
        assert_eq!(parse("\"s\"").unwrap_err().reason, Reason::InvalidEnvelope);
        assert_eq!(
            parse("{\"url\": false}").unwrap_err().reason,
            Reason::InvalidEnvelope
        );
        assert_eq!(parse("[1, 2").unwrap_err().reason, Reason::MalformedJson);
        assert!(parse("{\"extra\": {\"nested\": [1, 2]}, \"body\": \"b\"}").is_ok());
    }

    #[test]
    fn merges_envelope_over_meta() {
        let mut meta = Meta {
            title: Some("header".into()),
            url: Some("http://header".into()),
            ..Meta::default()
        };
        merge_into(
            &mut meta,
            Envelope {
                title: Some(" envelope ".into()),
                url: Some("".into()),
                ..Envelope::default()
            },
        );
        assert_eq!(meta.title.as_deref(), Some("envelope"));
        assert_eq!(meta.url.as_deref(), Some("http://header"));
    }

    #[test]
    fn validates_ids() {
        assert!(validate_id("reuters-1").is_ok());
        assert!(validate_id("a b/c:d").is_ok());
        assert!(validate_id("").is_err());
        assert!(validate_id(" padded").is_err());
        assert!(validate_id("tab\there").is_err());
        assert!(validate_id(&"x".repeat(MAX_ID_CHARS)).is_ok());
        assert!(validate_id(&"x".repeat(MAX_ID_CHARS + 1)).is_err());
    }
}
