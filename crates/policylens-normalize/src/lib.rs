//! Document normalisation, pure and deterministic: decode a payload published onto
//! `policy.ingest` (raw text, raw HTML or a JSON envelope, plus header metadata), validate it,
//! turn HTML into text, repair hard wraps, strip boilerplate, and derive the content id.
//!
//! The same payload and metadata always give the same [`Normalized`] document, and two payloads
//! whose normalised bodies are equal get the same `doc_id` (unless an id is given explicitly).
//!
//! Metadata precedence: the envelope's fields, then the NATS headers ([`Meta`]), then what the
//! content itself declares (an HTML `<title>` or first `<h1>`, a page's publication date, a text's
//! headline line).
//!
//! Unknown envelope fields are ignored, so corpora carrying extra fields (Reuters `date`,
//! `places`, `topics`) ingest as they are.

mod boilerplate;
mod envelope;
mod html;
mod input;
mod repair;

use policylens_proto::dlq::Reason;
use serde::{Deserialize, Serialize};

pub use envelope::MAX_ID_CHARS;

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

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" | "txt" | "text/plain" => Ok(Format::Text),
            "html" | "htm" | "text/html" => Ok(Format::Html),
            "json" | "application/json" => Ok(Format::Json),
            other => Err(format!(
                "unknown format {other:?} (expected text, html or json)"
            )),
        }
    }
}

/// The JSON envelope publishers may send: exactly one of `body` or `html`. Unknown fields are
/// ignored.
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

impl Rejection {
    pub(crate) fn new(reason: Reason, detail: impl Into<String>) -> Self {
        Self {
            reason,
            detail: detail.into(),
        }
    }
}

/// Normalises one payload: checks it (size, UTF-8, binary, empty), detects or takes its format,
/// unpacks a JSON envelope, turns HTML into text, repairs the text, and derives title and ids.
pub fn normalize(payload: &[u8], meta: &Meta, limits: &Limits) -> Result<Normalized, Rejection> {
    let text = input::check(payload, limits)?;
    let format = meta.format.unwrap_or_else(|| input::detect_format(text));

    let mut meta = meta.clone();
    let (content, is_html) = match format {
        Format::Text => (text.to_string(), false),
        Format::Html => (text.to_string(), true),
        Format::Json => {
            let envelope = envelope::parse(text)?;
            let (content, is_html) = envelope::content(&envelope)?;
            envelope::merge_into(&mut meta, envelope);
            (content, is_html)
        }
    };
    if let Some(id) = &meta.id {
        envelope::validate_id(id)?;
    }
    input::check_content(&content)?;

    let (body, html_title) = if is_html {
        let page = html::to_text(&content);
        if meta.published_at.is_none() {
            meta.published_at = page.published_at;
        }
        (repair::repair_html_text(&page.text), page.title)
    } else {
        (repair::repair_text(&content), None)
    };
    if body.trim().is_empty() {
        return Err(Rejection::new(
            Reason::Empty,
            "the document has no text after normalisation",
        ));
    }

    let title = meta
        .title
        .clone()
        .or(html_title)
        .or_else(|| (!is_html).then(|| headline(&body)).flatten())
        .unwrap_or_default();
    let content_hash = blake3::hash(body.as_bytes()).to_hex().to_string();
    let doc_id = meta
        .id
        .clone()
        .unwrap_or_else(|| format!("doc-{}", &content_hash[..32]));
    Ok(Normalized {
        doc_id,
        title,
        url: meta.url.unwrap_or_default(),
        source: meta.source.unwrap_or_default(),
        published_at: meta.published_at.unwrap_or_default(),
        language: meta.language.unwrap_or_default(),
        body,
        content_hash,
        format,
    })
}

/// The longest first line taken as a headline.
const MAX_HEADLINE_CHARS: usize = 160;

/// The first line of a text when it stands alone (followed by a blank line) and is short enough
/// to be a headline. A file-name slug (`China_Accelerates_Innovation`) reads with spaces.
fn headline(body: &str) -> Option<String> {
    let mut lines = body.lines();
    let first = lines.next()?.trim();
    let followed_by_blank = lines.next().is_some_and(|l| l.trim().is_empty());
    if !followed_by_blank || first.is_empty() || first.chars().count() > MAX_HEADLINE_CHARS {
        return None;
    }
    if !first.contains(' ') && first.contains('_') {
        return Some(first.replace('_', " "));
    }
    Some(first.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(payload: &str) -> Normalized {
        normalize(payload.as_bytes(), &Meta::default(), &Limits::default())
            .unwrap_or_else(|e| panic!("rejected {payload:?}: {e}"))
    }

    fn rejected(payload: &[u8]) -> Rejection {
        match normalize(payload, &Meta::default(), &Limits::default()) {
            Ok(doc) => panic!("accepted {payload:?} as {doc:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn plain_text_is_accepted_with_a_content_id() {
        let doc = ok("Headline here\n\nThe body of the story.\n");
        assert_eq!(doc.format, Format::Text);
        assert_eq!(doc.title, "Headline here");
        assert_eq!(doc.body, "Headline here\n\nThe body of the story.");
        assert_eq!(doc.content_hash.len(), 64);
        assert_eq!(doc.doc_id, format!("doc-{}", &doc.content_hash[..32]));
        assert_eq!(
            doc.content_hash,
            blake3::hash(doc.body.as_bytes()).to_hex().to_string()
        );
    }

    #[test]
    fn same_content_gives_the_same_id() {
        let a = ok("Title\n\nSome text.\r\n");
        let b = ok("  Title\n\nSome text.  \n\n\n");
        assert_eq!(a.doc_id, b.doc_id);
        let c = ok("Title\n\nOther text.");
        assert_ne!(a.doc_id, c.doc_id);
    }

    #[test]
    fn envelope_id_and_header_id_are_used() {
        let doc = ok(r#"{"id": "reuters-1", "body": "Text."}"#);
        assert_eq!(doc.doc_id, "reuters-1");
        let meta = Meta {
            id: Some("from-header".into()),
            ..Meta::default()
        };
        let doc = normalize(b"Text.", &meta, &Limits::default()).unwrap();
        assert_eq!(doc.doc_id, "from-header");
    }

    #[test]
    fn envelope_fields_win_over_headers() {
        let meta = Meta {
            id: Some("header-id".into()),
            title: Some("Header title".into()),
            source: Some("header-source".into()),
            ..Meta::default()
        };
        let payload = br#"{"id": "env-id", "title": "Envelope title", "body": "Text."}"#;
        let doc = normalize(payload, &meta, &Limits::default()).unwrap();
        assert_eq!(doc.doc_id, "env-id");
        assert_eq!(doc.title, "Envelope title");
        assert_eq!(doc.source, "header-source");
        assert_eq!(doc.format, Format::Json);
    }

    #[test]
    fn invalid_ids_are_refused() {
        for id in [
            String::new(),
            "   ".to_string(),
            "a\u{7}b".to_string(),
            "x".repeat(257),
        ] {
            let payload = serde_json::json!({"id": id, "body": "Text."}).to_string();
            assert_eq!(
                rejected(payload.as_bytes()).reason,
                Reason::InvalidEnvelope,
                "{id:?}"
            );
        }
        let meta = Meta {
            id: Some("bad\nid".into()),
            ..Meta::default()
        };
        let err = normalize(b"Text.", &meta, &Limits::default()).unwrap_err();
        assert_eq!(err.reason, Reason::InvalidEnvelope);
        // 256 chars is fine
        let payload = serde_json::json!({"id": "é".repeat(256), "body": "Text."}).to_string();
        assert_eq!(ok(&payload).doc_id, "é".repeat(256));
    }

    #[test]
    fn invalid_utf8_reports_the_byte_position() {
        let err = rejected(b"caf\xc3\x28 au lait");
        assert_eq!(err.reason, Reason::InvalidUtf8);
        assert!(err.detail.contains("byte 3"), "{}", err.detail);
    }

    #[test]
    fn empty_and_whitespace_only_are_refused() {
        assert_eq!(rejected(b"").reason, Reason::Empty);
        assert_eq!(rejected(b" \n\t\r\n ").reason, Reason::Empty);
        assert_eq!(
            rejected("\u{a0}\u{200b}\n".as_bytes()).reason,
            Reason::Empty
        );
        assert_eq!(rejected(br#"{"body": "  "}"#).reason, Reason::Empty);
        assert_eq!(
            rejected(b"<html><script>var x = 1;</script></html>").reason,
            Reason::Empty
        );
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(rejected(b"PK\x03\x04\x00\x00text").reason, Reason::Binary);
        assert_eq!(
            rejected(b"abc\x01\x02\x03\x04\x05def").reason,
            Reason::Binary
        );
        assert_eq!(
            rejected(br#"{"body": "nul \u0000 inside"}"#).reason,
            Reason::Binary
        );
    }

    #[test]
    fn too_large_is_refused_before_anything_else() {
        let limits = Limits { max_bytes: 10 };
        let err = normalize(b"\xff\xff 0123456789", &Meta::default(), &limits).unwrap_err();
        assert_eq!(err.reason, Reason::TooLarge);
        assert!(err.detail.contains("limit of 10"), "{}", err.detail);
        assert!(normalize(b"0123456789", &Meta::default(), &limits).is_ok());
    }

    #[test]
    fn malformed_json_reports_line_and_column() {
        let err = rejected(b"{\"body\": \"x\",\n \"title\": }");
        assert_eq!(err.reason, Reason::MalformedJson);
        assert!(err.detail.contains("line 2 column"), "{}", err.detail);
        assert_eq!(rejected(b"{\"body\": \"x\"").reason, Reason::MalformedJson);
        assert_eq!(
            rejected(b"{\"body\": \"x\"} trailing").reason,
            Reason::MalformedJson
        );
    }

    #[test]
    fn envelope_rules() {
        assert_eq!(
            rejected(br#"{"title": "no body"}"#).reason,
            Reason::InvalidEnvelope
        );
        assert_eq!(
            rejected(br#"{"body": "a", "html": "<p>b</p>"}"#).reason,
            Reason::InvalidEnvelope
        );
        let err = rejected(br#"{"body": "a", "title": 5}"#);
        assert_eq!(err.reason, Reason::InvalidEnvelope);
        assert!(err.detail.contains("title") || err.detail.contains("string"));
        assert_eq!(
            rejected(br#"{"body": ["a"]}"#).reason,
            Reason::InvalidEnvelope
        );
        let forced = Meta {
            format: Some(Format::Json),
            ..Meta::default()
        };
        let err = normalize(b"[1, 2]", &forced, &Limits::default()).unwrap_err();
        assert_eq!(err.reason, Reason::InvalidEnvelope);
    }

    #[test]
    fn unknown_envelope_fields_are_ignored() {
        let doc = ok(
            r#"{"id": "reuters-1", "title": "BAHIA COCOA REVIEW", "date": "26-FEB-1987 15:01:01.79",
                "places": ["brazil"], "topics": ["cocoa"], "published_at": "1987-02-26T15:01:01Z",
                "body": "SALVADOR, Feb 26 - Showers continued."}"#,
        );
        assert_eq!(doc.doc_id, "reuters-1");
        assert_eq!(doc.title, "BAHIA COCOA REVIEW");
        assert_eq!(doc.published_at, "1987-02-26T15:01:01Z");
        assert_eq!(doc.body, "SALVADOR, Feb 26 - Showers continued.");
    }

    #[test]
    fn null_envelope_fields_are_absent() {
        let doc = ok(r#"{"title": null, "body": "Text.", "html": null}"#);
        assert_eq!(doc.body, "Text.");
        assert_eq!(doc.title, "");
    }

    #[test]
    fn envelope_html_is_converted() {
        let doc = ok(
            r#"{"html": "<html><head><title>T</title></head><body><p>One.</p><p>Two.</p></body></html>"}"#,
        );
        assert_eq!(doc.body, "One.\n\nTwo.");
        assert_eq!(doc.title, "T");
        assert_eq!(doc.format, Format::Json);
    }

    #[test]
    fn html_is_detected_and_converted() {
        let doc = ok("<!DOCTYPE html><html><head><title>Page &amp; title</title>\
             <style>p{}</style></head><body><nav>Home | About</nav>\
             <h1>Big news</h1><p>First&nbsp;paragraph.</p><ul><li>one</li><li>two</li></ul>\
             <footer>(c) site</footer></body></html>");
        assert_eq!(doc.format, Format::Html);
        assert_eq!(doc.title, "Page & title");
        assert_eq!(doc.body, "Big news\n\nFirst paragraph.\n\none\n\ntwo");
    }

    #[test]
    fn html_publication_date_is_used_unless_given() {
        let page = r#"<html><head><meta property="article:published_time" content="2024-03-05">
                      </head><body><p>Text.</p></body></html>"#;
        assert_eq!(ok(page).published_at, "2024-03-05");
        let meta = Meta {
            published_at: Some("2024-01-01".into()),
            ..Meta::default()
        };
        let doc = normalize(page.as_bytes(), &meta, &Limits::default()).unwrap();
        assert_eq!(doc.published_at, "2024-01-01");
    }

    #[test]
    fn blog_page_chrome_is_removed() {
        let page = r##"<!DOCTYPE html><html><head><title>Chip plan &#8211; Policy Blog</title>
            <script>var wp = {};</script></head><body>
            <header><a href="/">Policy Blog</a><nav><ul><li>Home</li><li>About</li></ul></nav></header>
            <p>Skip to content</p>
            <article><h1 class="entry-title">Chip plan</h1>
            <p>The ministry said output of integrated circuits rose 20 percent in 2023.</p>
            <p>It expects the share of domestic chips to exceed 70 percent by 2025.</p>
            <div class="sharedaddy"><h3>Share this:</h3><ul><li><a>Twitter</a></li></ul></div>
            </article>
            <div id="comments"><h2>2 thoughts on &ldquo;Chip plan&rdquo;</h2>
            <ol><li>Great post! Reply</li></ol>
            <div id="respond"><h3 id="reply-title">Leave a Reply</h3>
            <form><p>Your email address will not be published. Required fields are marked *</p>
            <textarea></textarea><input type="submit" value="Post Comment"></form></div></div>
            <a href="#top">Back To Top</a>
            <footer>Copyright © 2024 Policy Blog. All rights reserved.</footer>
            <div class="cookie">We use cookies to give you the best experience.</div>
            </body></html>"##;
        let doc = ok(page);
        assert_eq!(doc.title, "Chip plan – Policy Blog");
        assert_eq!(
            doc.body,
            "Chip plan\n\nThe ministry said output of integrated circuits rose 20 percent in \
             2023.\n\nIt expects the share of domestic chips to exceed 70 percent by 2025."
        );
    }

    #[test]
    fn html_title_falls_back_to_h1() {
        let doc = ok("<div><h1>The headline</h1><p>Text.</p></div>");
        assert_eq!(doc.title, "The headline");
    }

    #[test]
    fn format_can_be_forced() {
        let meta = Meta {
            format: Some(Format::Text),
            ..Meta::default()
        };
        let doc = normalize(b"<p>literal</p>", &meta, &Limits::default()).unwrap();
        assert_eq!(doc.body, "<p>literal</p>");
        assert_eq!(doc.format, Format::Text);
        let meta = Meta {
            format: Some(Format::Html),
            ..Meta::default()
        };
        let doc = normalize(b"a &lt; b", &meta, &Limits::default()).unwrap();
        assert_eq!(doc.body, "a < b");
    }

    #[test]
    fn text_starting_with_a_brace_is_json() {
        assert_eq!(rejected(b"  {not json").reason, Reason::MalformedJson);
    }

    #[test]
    fn headline_rules() {
        assert_eq!(ok("Short line\nno blank after").title, "");
        assert_eq!(
            ok("China_Accelerates_Innovation\n\nChina Accelerates Innovation\n\nText.").title,
            "China Accelerates Innovation"
        );
        let long = format!("{}\n\nText.", "word ".repeat(60));
        assert_eq!(ok(&long).title, "");
    }

    #[test]
    fn reuters_story_is_repaired() {
        let body = "SALVADOR, Feb 26 - Showers continued throughout the week in\n\
                    the Bahia cocoa zone, alleviating the drought since early\n\
                    January and improving prospects for the coming temporao.\n    \
                    The dry period means the temporao will be late this year and\n\
                    arrivals &amp; sales are down.\n Reuter\n\u{3}";
        let payload = serde_json::json!({"id": "reuters-1", "body": body}).to_string();
        let doc = ok(&payload);
        assert_eq!(
            doc.body,
            "SALVADOR, Feb 26 - Showers continued throughout the week in the Bahia cocoa zone, \
             alleviating the drought since early January and improving prospects for the coming \
             temporao.\n\nThe dry period means the temporao will be late this year and arrivals \
             & sales are down."
        );
    }

    #[test]
    fn is_deterministic() {
        let payload = "<p>Leave it</p><p>Some &quot;quoted&quot; text.</p>";
        assert_eq!(ok(payload), ok(payload));
    }
}
