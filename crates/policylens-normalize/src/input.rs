//! Checks on the raw payload (size, UTF-8, binary, empty) and format detection.

use policylens_proto::dlq::Reason;

use crate::{Format, Limits, Rejection};

/// How many leading chars the control-character share is measured over.
const BINARY_SAMPLE_CHARS: usize = 8192;
/// A sample with more than this share (percent) of control characters is binary.
const BINARY_CONTROL_PERCENT: usize = 10;
/// How many leading bytes format detection looks at.
const DETECT_SAMPLE_BYTES: usize = 4096;

/// Checks a raw payload and returns it as text: over the size limit, NUL bytes, invalid UTF-8,
/// a high share of control characters and empty (whitespace only) payloads are refused, in that
/// order.
pub(crate) fn check<'a>(payload: &'a [u8], limits: &Limits) -> Result<&'a str, Rejection> {
    if payload.len() > limits.max_bytes {
        return Err(Rejection::new(
            Reason::TooLarge,
            format!(
                "{} bytes exceeds the limit of {} bytes",
                payload.len(),
                limits.max_bytes
            ),
        ));
    }
    if let Some(pos) = payload.iter().position(|&b| b == 0) {
        return Err(Rejection::new(
            Reason::Binary,
            format!("NUL byte at byte {pos}"),
        ));
    }
    let text = std::str::from_utf8(payload).map_err(|e| {
        Rejection::new(
            Reason::InvalidUtf8,
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Rejection::new(
            Reason::Empty,
            "the payload is empty or whitespace only",
        ));
    }
    check_content(text)?;
    Ok(text)
}

/// Refuses text that looks binary: a NUL, or many control characters among the first chars.
pub(crate) fn check_content(text: &str) -> Result<(), Rejection> {
    if let Some(pos) = text.find('\0') {
        return Err(Rejection::new(
            Reason::Binary,
            format!("NUL character at byte {pos}"),
        ));
    }
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(BINARY_SAMPLE_CHARS) {
        total += 1;
        if is_binary_control(c) {
            control += 1;
        }
    }
    if control > 0 && control * 100 > total * BINARY_CONTROL_PERCENT {
        return Err(Rejection::new(
            Reason::Binary,
            format!("{control} of the first {total} characters are control characters"),
        ));
    }
    Ok(())
}

/// Control characters that do not occur in text (tab, newlines and form feed do).
fn is_binary_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')
}

/// Detects the format of a payload: JSON when it starts with `{`, HTML when it looks like
/// markup, else text.
pub(crate) fn detect_format(text: &str) -> Format {
    let start = text.trim_start();
    if start.starts_with('{') {
        return Format::Json;
    }
    let mut end = start.len().min(DETECT_SAMPLE_BYTES);
    while !start.is_char_boundary(end) {
        end -= 1;
    }
    let sample = start[..end].to_ascii_lowercase();
    if looks_like_markup(&sample) {
        Format::Html
    } else {
        Format::Text
    }
}

/// Tags that make a document HTML wherever they appear.
const DOCUMENT_TAGS: &[&str] = &["<html", "<!doctype html", "<body", "<head>", "<head "];
/// Tags that make a document HTML when it starts with one, or has several.
const BLOCK_TAGS: &[&str] = &[
    "<p>", "<p ", "</p>", "<div", "<br", "<article", "<section", "<h1", "<h2", "<h3", "<ul>",
    "<li>", "<table", "<span", "<a href",
];

fn looks_like_markup(sample: &str) -> bool {
    if DOCUMENT_TAGS.iter().any(|tag| sample.contains(tag)) {
        return true;
    }
    if sample.starts_with('<') && BLOCK_TAGS.iter().any(|tag| sample.starts_with(tag)) {
        return true;
    }
    let tags: usize = BLOCK_TAGS
        .iter()
        .map(|tag| sample.matches(tag).count())
        .sum();
    tags >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        for (text, format) in [
            ("  {\"body\": \"x\"}", Format::Json),
            ("<!DOCTYPE html><p>x</p>", Format::Html),
            ("<html><body>x</body></html>", Format::Html),
            ("\n<div>x</div>", Format::Html),
            ("<p>one</p>", Format::Html),
            (
                "Text with <br> and <p>two</p> and <p>three</p>",
                Format::Html,
            ),
            ("Plain text.", Format::Text),
            ("Math: a <b and c> d", Format::Text),
            ("x < 3 and y > 2 in a <p> tag", Format::Text),
            ("Ünïcödé text", Format::Text),
        ] {
            assert_eq!(detect_format(text), format, "{text:?}");
        }
    }

    #[test]
    fn detection_sample_respects_char_boundaries() {
        let text = "é".repeat(DETECT_SAMPLE_BYTES);
        assert_eq!(detect_format(&text), Format::Text);
    }

    #[test]
    fn control_characters_are_measured() {
        assert!(check_content("tab\tnew\nline\r\n feed\u{c}").is_ok());
        assert!(check_content("one \u{1b} escape in a longer line of text").is_ok());
        assert_eq!(
            check_content("\u{1}\u{2}\u{3}abc").unwrap_err().reason,
            Reason::Binary
        );
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        let text = check("\u{feff}hello".as_bytes(), &Limits::default()).unwrap();
        assert_eq!(text, "hello");
        assert_eq!(
            check("\u{feff}".as_bytes(), &Limits::default())
                .unwrap_err()
                .reason,
            Reason::Empty
        );
    }
}
