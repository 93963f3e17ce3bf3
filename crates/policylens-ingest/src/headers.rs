//! Document metadata from `PolicyLens-*` NATS headers.

use async_nats::HeaderMap;
use policylens_normalize::{Format, Meta};
use policylens_proto::subjects;

/// The metadata the headers carry; blank values count as absent. An unknown
/// `PolicyLens-Format` is an error (the publisher asked for something we cannot do).
pub(crate) fn meta_from_headers(headers: Option<&HeaderMap>) -> Result<Meta, String> {
    let Some(headers) = headers else {
        return Ok(Meta::default());
    };
    let get = |name: &str| {
        headers
            .get(name)
            .map(|v| v.as_str().trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let format = match get(subjects::HEADER_FORMAT) {
        Some(value) => Some(
            value
                .parse::<Format>()
                .map_err(|e| format!("header {}: {e}", subjects::HEADER_FORMAT))?,
        ),
        None => None,
    };
    Ok(Meta {
        id: get(subjects::HEADER_DOC_ID),
        title: get(subjects::HEADER_TITLE),
        url: get(subjects::HEADER_URL),
        source: get(subjects::HEADER_SOURCE),
        published_at: get(subjects::HEADER_PUBLISHED_AT),
        language: get(subjects::HEADER_LANGUAGE),
        format,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_headers_is_no_metadata() {
        assert_eq!(meta_from_headers(None).unwrap(), Meta::default());
    }

    #[test]
    fn reads_every_header() {
        let mut headers = HeaderMap::new();
        headers.insert(subjects::HEADER_DOC_ID, "doc-1");
        headers.insert(subjects::HEADER_TITLE, " A title ");
        headers.insert(subjects::HEADER_URL, "https://example.org/a");
        headers.insert(subjects::HEADER_SOURCE, "example");
        headers.insert(subjects::HEADER_PUBLISHED_AT, "2024-03-05");
        headers.insert(subjects::HEADER_LANGUAGE, "");
        headers.insert(subjects::HEADER_FORMAT, "HTML");
        let meta = meta_from_headers(Some(&headers)).unwrap();
        assert_eq!(meta.id.as_deref(), Some("doc-1"));
        assert_eq!(meta.title.as_deref(), Some("A title"));
        assert_eq!(meta.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(meta.source.as_deref(), Some("example"));
        assert_eq!(meta.published_at.as_deref(), Some("2024-03-05"));
        assert_eq!(meta.language, None);
        assert_eq!(meta.format, Some(Format::Html));
    }

    #[test]
    fn unknown_format_is_an_error() {
        let mut headers = HeaderMap::new();
        headers.insert(subjects::HEADER_FORMAT, "pdf");
        assert!(meta_from_headers(Some(&headers)).is_err());
    }
}
