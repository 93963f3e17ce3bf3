//! Opaque, stable page tokens: the last returned item's sort key, tagged with the list (and
//! order) it belongs to, hex-encoded. A token names a position, not an offset, so pages neither
//! skip nor repeat items when documents are added between requests.

use crate::query::QueryError;

const SEPARATOR: char = '\u{1f}';

/// Encodes a sort key for the list `tag`.
pub fn encode(tag: &str, fields: &[&str]) -> String {
    let mut text = String::from(tag);
    for field in fields {
        text.push(SEPARATOR);
        text.push_str(field);
    }
    let mut hex = String::with_capacity(text.len() * 2);
    for byte in text.bytes() {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// Decodes a token of the list `tag` with `count` fields; empty means the first page.
pub fn decode(token: &str, tag: &str, count: usize) -> Result<Option<Vec<String>>, QueryError> {
    if token.is_empty() {
        return Ok(None);
    }
    let invalid = || QueryError::InvalidArgument(format!("invalid page_token {token:?}"));
    if !token.len().is_multiple_of(2) || token.len() > 8192 {
        return Err(invalid());
    }
    let bytes = (0..token.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(token.get(i..i + 2).ok_or_else(invalid)?, 16).map_err(|_| invalid())
        })
        .collect::<Result<Vec<u8>, _>>()?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.split(SEPARATOR);
    if parts.next() != Some(tag) {
        return Err(invalid());
    }
    let fields: Vec<String> = parts.map(str::to_string).collect();
    if fields.len() != count {
        return Err(invalid());
    }
    Ok(Some(fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let token = encode("facts.1", &["", "doc-1", "3"]);
        assert_eq!(
            decode(&token, "facts.1", 3).unwrap(),
            Some(vec!["".to_string(), "doc-1".to_string(), "3".to_string()])
        );
        assert!(decode("", "facts.1", 3).unwrap().is_none());
        assert!(decode(&token, "facts.2", 3).is_err());
        assert!(decode(&token, "facts.1", 2).is_err());
        assert!(decode("zz", "facts.1", 3).is_err());
        assert!(decode("abc", "facts.1", 3).is_err());
        assert!(decode("not a token!", "facts.1", 3).is_err());
    }
}
