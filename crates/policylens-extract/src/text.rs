//! Text primitives shared by the recognisers: sentence boundaries that survive abbreviations,
//! initials, decimals and hard-wrapped wire copy, and the byte → char offset mapping used for
//! provenance.

mod fold;

use std::ops::Range;
use std::sync::OnceLock;

pub use fold::{fold_whitespace, fold_whitespace_cow};

/// Words that end with a period without ending a sentence (compared case-sensitively, without
/// the period). A `match` rather than a list: the compiler dispatches on the length and
/// compares the short constants as integers, where a list compares one by one.
fn is_abbreviation(word: &str) -> bool {
    matches!(
        word,
        "Mr" | "Mrs"
            | "Ms"
            | "Dr"
            | "Prof"
            | "St"
            | "Sr"
            | "Jr"
            | "Gen"
            | "Gov"
            | "Sen"
            | "Rep"
            | "Rev"
            | "Lt"
            | "Col"
            | "Capt"
            | "Sgt"
            | "Maj"
            | "Cmdr"
            | "Adm"
            | "Hon"
            | "Pres"
            | "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Sept"
            | "Oct"
            | "Nov"
            | "Dec"
            | "No"
            | "Nos"
            | "Co"
            | "Corp"
            | "Inc"
            | "Ltd"
            | "Bros"
            | "vs"
            | "etc"
            | "approx"
            | "est"
            | "Fig"
            | "Vol"
            | "pp"
            | "U.S"
            | "U.K"
            | "U.N"
            | "E.U"
            | "e.g"
            | "i.e"
            | "a.m"
            | "p.m"
            | "Mt"
            | "Ft"
            | "Ave"
            | "Blvd"
            | "Dept"
            | "Univ"
            | "Assn"
            | "Govt"
    )
}

/// Month names, and their abbreviations as wire copy writes them ("Sept", not "May").
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(crate) const MONTH_ABBREVIATIONS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
];

/// ASCII letters and digits, as a table: the tokenizers test it for every byte of every word.
pub(crate) const ASCII_ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// A document prepared for recognisers: its text, sentence ranges and char offsets.
#[derive(Debug)]
pub struct Doc<'a> {
    pub text: &'a str,
    sentences: Vec<Range<usize>>,
    /// The multi-byte chars, in order: empty when the text is ASCII (then char index = byte
    /// index).
    wide: Vec<Wide>,
    /// Per sentence: its text with white space folded, computed on first use; `None` when the
    /// sentence has nothing to fold (most do: no copy is kept then).
    folded: Vec<OnceLock<Option<String>>>,
}

/// A multi-byte char: its first byte, its length in bytes, and the extra bytes (beyond one per
/// char) of the multi-byte chars before it.
#[derive(Debug, Clone, Copy)]
struct Wide {
    start: u32,
    len: u32,
    extra_before: u32,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str) -> Self {
        let sentences = split_sentences(text);
        let folded = (0..sentences.len()).map(|_| OnceLock::new()).collect();
        Self {
            text,
            sentences,
            wide: wide_chars(text),
            folded,
        }
    }

    /// Byte ranges of the sentences, in order, trimmed of surrounding white space.
    pub fn sentences(&self) -> &[Range<usize>] {
        &self.sentences
    }

    /// The sentence text of a sentence range, with hard line breaks folded into spaces.
    pub fn sentence_text(&self, range: &Range<usize>) -> String {
        let idx = self.sentences.partition_point(|s| s.start < range.start);
        match self.sentences.get(idx) {
            Some(s) if s == range => self.folded_sentence(idx).to_string(),
            _ => fold_whitespace(&self.text[range.clone()]),
        }
    }

    /// The folded text of sentence `idx`.
    fn folded_sentence(&self, idx: usize) -> &str {
        let raw = &self.text[self.sentences[idx].clone()];
        let folded = self.folded[idx].get_or_init(|| match fold_whitespace_cow(raw) {
            std::borrow::Cow::Borrowed(_) => None,
            std::borrow::Cow::Owned(folded) => Some(folded),
        });
        // a sentence range is trimmed, so the unfolded text is the raw one
        folded.as_deref().unwrap_or(raw)
    }

    /// The sentence containing a byte offset (the last one starting at or before it).
    pub fn sentence_of(&self, byte: usize) -> Range<usize> {
        let idx = self.sentences.partition_point(|s| s.start <= byte);
        if idx == 0 {
            return 0..self.text.len().min(byte.max(1));
        }
        self.sentences[idx - 1].clone()
    }

    /// The char offset of a byte offset (inside a multi-byte char: that char's offset).
    pub fn char_offset(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        let idx = self.wide.partition_point(|w| (w.start as usize) < byte);
        let Some(w) = idx.checked_sub(1).map(|i| self.wide[i]) else {
            return byte;
        };
        let (start, len, extra) = (w.start as usize, w.len as usize, w.extra_before as usize);
        if byte < start + len {
            start - extra
        } else {
            byte - extra - (len - 1)
        }
    }

    /// Provenance of a byte span: char start, char end, surface text, sentence text.
    pub fn provenance(&self, span: Range<usize>) -> (usize, usize, String, String) {
        // the sentence of `sentence_of`, its text as `sentence_text` gives it
        let idx = self.sentences.partition_point(|s| s.start <= span.start);
        let sentence = match idx.checked_sub(1) {
            Some(idx) => self.folded_sentence(idx).to_string(),
            None => fold_whitespace(&self.text[self.sentence_of(span.start)]),
        };
        (
            self.char_offset(span.start),
            self.char_offset(span.end),
            fold_whitespace(&self.text[span]),
            sentence,
        )
    }
}

/// The multi-byte chars of a text, with the extra bytes before each.
fn wide_chars(text: &str) -> Vec<Wide> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    if text.is_ascii() {
        return out;
    }
    let mut extra = 0u32;
    let mut i = 0usize;
    while i < bytes.len() {
        match next_non_ascii(bytes, i) {
            Some(p) => i = p,
            None => break,
        }
        let b = bytes[i];
        let len: u32 = match b {
            0xf0.. => 4,
            0xe0.. => 3,
            _ => 2,
        };
        out.push(Wide {
            start: i as u32,
            len,
            extra_before: extra,
        });
        extra += len - 1;
        i += len as usize;
    }
    out
}

/// The first byte at or after `from` that is not ASCII. Runs of ASCII between multi-byte chars
/// are long: they are skipped eight bytes at a time.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if u64::from_le_bytes(word) & HIGH_BITS != 0 {
            break;
        }
        i += 8;
    }
    bytes[i..].iter().position(|&b| b >= 0x80).map(|p| i + p)
}

/// Splits text into sentence byte ranges. Boundaries: `.`, `!`, `?` (with closing quotes or
/// brackets) followed by white space and an upper-case letter, digit or opening quote — unless
/// the word before the period is a known abbreviation or a single initial; a blank line; a line
/// break followed by indentation (wire-copy paragraphs); a line with no final punctuation
/// followed by a blank line (headlines).
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    let mut stops = Stops { bang: None };
    while i < bytes.len() {
        // skip to the next byte that can end a sentence or a paragraph
        i = stops.next_at(bytes, i);
        if i == bytes.len() {
            break;
        }
        let b = bytes[i];
        if b == b'\n' {
            // paragraph break: blank line, or newline + indentation
            let mut j = i + 1;
            let mut saw_newline = false;
            while j < bytes.len()
                && (bytes[j] == b' ' || bytes[j] == b'\t' || bytes[j] == b'\r' || bytes[j] == b'\n')
            {
                if bytes[j] == b'\n' {
                    saw_newline = true;
                }
                j += 1;
            }
            let indent = !saw_newline && j - i > 2;
            if saw_newline || indent {
                push_trimmed(text, start..i, &mut out);
                start = j;
                i = j;
                continue;
            }
        } else if matches!(b, b'.' | b'!' | b'?') {
            let mut end = i + 1;
            while end < bytes.len() && matches!(bytes[end], b'"' | b'\'' | b')' | b']') {
                end += 1;
            }
            // closing curly quotes
            while text[end..].starts_with('\u{201d}') || text[end..].starts_with('\u{2019}') {
                end += '\u{201d}'.len_utf8();
            }
            let space_after = text[end..].starts_with(char::is_whitespace);
            if space_after && is_boundary(text, i, end) {
                push_trimmed(text, start..end, &mut out);
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

/// Finds the bytes that can end a sentence or a paragraph (`\n`, `.`, `?`, `!`): the first three
/// by `memchr3`, the rarer `!` by a cached `memchr`.
struct Stops {
    /// The next `!` at or after the last search start (`Some(len)` when there is none).
    bang: Option<usize>,
}

impl Stops {
    /// The first stop byte at or after `i`, or `bytes.len()`.
    fn next_at(&mut self, bytes: &[u8], i: usize) -> usize {
        if i >= bytes.len() {
            return bytes.len();
        }
        let bang = match self.bang {
            Some(b) if b >= i => b,
            _ => {
                let b = memchr::memchr(b'!', &bytes[i..]).map_or(bytes.len(), |p| i + p);
                self.bang = Some(b);
                b
            }
        };
        let other = memchr::memchr3(b'\n', b'.', b'?', &bytes[i..bang]).map_or(bang, |p| i + p);
        other.min(bang)
    }
}

fn is_boundary(text: &str, dot: usize, after: usize) -> bool {
    let next = text[after..].trim_start();
    let Some(first) = next.chars().next() else {
        return true;
    };
    let opens = first.is_uppercase()
        || first.is_ascii_digit()
        || matches!(first, '"' | '\'' | '(' | '\u{201c}' | '\u{2018}');
    if !opens {
        return false;
    }
    if text.as_bytes()[dot] != b'.' {
        return true;
    }
    let word_start = word_start_before(text, dot);
    let word = &text[word_start..dot];
    if word.is_empty() {
        return true;
    }
    // single initial: "J. Smith", "U.S." handled below
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_uppercase()
    {
        return false;
    }
    // a company suffix ends a sentence only before a clear opener ("Acme Corp. The firm")
    if matches!(word, "Co" | "Corp" | "Inc" | "Ltd" | "Bros") {
        return starts_with_opener(next);
    }
    if word.len() <= 6 && is_abbreviation(word) {
        // "No." before a number is not a boundary; "No." at the end of a sentence is rare
        return false;
    }
    // dotted acronyms ("U.S.", "U.K.") end a sentence only before a clear sentence opener
    if word.as_bytes().contains(&b'.')
        && word
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_uppercase())
    {
        return starts_with_opener(next);
    }
    true
}

/// Start of the word before byte `dot`: after the last white space, `(` or `"` before it. ASCII
/// bytes are decided by byte; at a non-ASCII byte the char-level search takes over.
fn word_start_before(text: &str, dot: usize) -> usize {
    let bytes = &text.as_bytes()[..dot];
    for (i, &b) in bytes.iter().enumerate().rev() {
        if b >= 0x80 {
            return text[..dot]
                .rfind(|c: char| c.is_whitespace() || c == '(' || c == '"')
                .map_or(0, |p| p + 1);
        }
        if matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b'(' | b'"') {
            return i + 1;
        }
    }
    0
}

/// Whether text starts with a word that usually opens a sentence ("The", "He", "However").
fn starts_with_opener(next: &str) -> bool {
    let end = next
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(next.len());
    matches!(
        &next[..end],
        "The"
            | "But"
            | "He"
            | "She"
            | "It"
            | "They"
            | "In"
            | "A"
            | "This"
            | "That"
            | "We"
            | "However"
            | "Its"
            | "Their"
            | "His"
            | "Her"
    )
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    // ASCII white space by byte; a non-ASCII char left at an edge may be white space too,
    // which the char-level trim then decides
    let bytes = text.as_bytes();
    let space = |b: u8| matches!(b, b' ' | b'\t'..=b'\r');
    let (mut start, mut end) = (range.start, range.end);
    while start < end && space(bytes[start]) {
        start += 1;
    }
    while end > start && space(bytes[end - 1]) {
        end -= 1;
    }
    if start < end && (bytes[start] >= 0x80 || bytes[end - 1] >= 0x80) {
        let slice = &text[start..end];
        let lead = slice.len() - slice.trim_start().len();
        let trail = slice.len() - slice.trim_end().len();
        (start, end) = (start + lead, (end - trail).max(start + lead));
    }
    if start < end {
        out.push(start..end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &[&str]) {
        let got: Vec<&str> = split_sentences(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got, expect, "sentences of {text:?}");
    }

    #[test]
    fn splits_on_terminal_punctuation() {
        check(
            "It rose. It fell! Why? Yes.",
            &["It rose.", "It fell!", "Why?", "Yes."],
        );
    }

    #[test]
    fn keeps_abbreviations_initials_and_decimals() {
        check(
            "Mr. Smith met Dr. J. Jones on Jan. 5 at No. 10. Growth was 7.6 pct.",
            &[
                "Mr. Smith met Dr. J. Jones on Jan. 5 at No. 10.",
                "Growth was 7.6 pct.",
            ],
        );
        check(
            "The U.S. economy grew. The U.S. Treasury said so.",
            &["The U.S. economy grew.", "The U.S. Treasury said so."],
        );
    }

    #[test]
    fn hard_wrapped_wire_copy_and_headlines() {
        let text = "CHINA GIVES BUDGET\n\nPEKING, June 16 - The deficit was\n7.05 billion yuan, Tian said.\n    The agency quoted\nTian.";
        check(
            text,
            &[
                "CHINA GIVES BUDGET",
                "PEKING, June 16 - The deficit was\n7.05 billion yuan, Tian said.",
                "The agency quoted\nTian.",
            ],
        );
    }

    #[test]
    fn quotes_close_sentences() {
        check(
            "\"China may have to import,\" he said. \"It will not.\" Then it did.",
            &[
                "\"China may have to import,\" he said.",
                "\"It will not.\"",
                "Then it did.",
            ],
        );
    }

    #[test]
    fn numbers_and_initials_do_not_end_sentences() {
        check(
            "It ranked No. 1 in Asia. Output rose 2.5 pct. J.P. Morgan agreed.",
            &[
                "It ranked No. 1 in Asia.",
                "Output rose 2.5 pct.",
                "J.P. Morgan agreed.",
            ],
        );
        check(
            "Talks with the U.S. ended. Sales in the U.S. Midwest rose.",
            &[
                "Talks with the U.S. ended.",
                "Sales in the U.S. Midwest rose.",
            ],
        );
    }

    #[test]
    fn company_suffixes_end_sentences_only_before_openers() {
        check(
            "Profits rose at Acme Corp. The firm grew. Acme Corp. said so.",
            &[
                "Profits rose at Acme Corp.",
                "The firm grew.",
                "Acme Corp. said so.",
            ],
        );
    }

    #[test]
    fn curly_quotes_and_non_breaking_spaces() {
        check(
            "\u{201c}We will grow.\u{201d} He said so.\u{a0}Prices fell.",
            &[
                "\u{201c}We will grow.\u{201d}",
                "He said so.",
                "Prices fell.",
            ],
        );
    }

    #[test]
    fn single_line_breaks_do_not_split() {
        check(
            "PEKING, March 13 - China has to decide if it will increase\nsugar imports this year.\n    He Kang said so.",
            &[
                "PEKING, March 13 - China has to decide if it will increase\nsugar imports this year.",
                "He Kang said so.",
            ],
        );
    }

    #[test]
    fn char_offsets_of_non_ascii_text() {
        let doc = Doc::new("£600m – up");
        assert_eq!(doc.char_offset(2), 1); // after '£' (2 bytes)
        let (s, e, t, _) = doc.provenance(0..6);
        assert_eq!((s, e, t.as_str()), (0, 5, "£600m"));
    }
}
