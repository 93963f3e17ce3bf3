//! Word tokens for the name recognisers: byte spans, capitalisation, sentence membership, with
//! dotted acronyms ("U.S."), hyphenated names ("Marie-Pierre") and split-off possessives.

use crate::text::{ASCII_ALNUM, Doc};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters and digits, with inner hyphens, apostrophes, dots (acronyms) or `&`.
    Word,
    /// A split-off possessive `'s`.
    Possessive,
    /// Any other single character that is not white space.
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// Index of the sentence the token belongs to.
    pub sentence: u32,
    /// First word of its sentence (its capital says nothing).
    pub sentence_start: bool,
    /// Starts with an upper-case letter (or is a capitalised hyphenated word).
    pub cap: bool,
    /// Two or more letters, all upper case ("CHINA", "NBS").
    pub all_caps: bool,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }
}

/// Tokens of the whole document, in order, with sentence indices from `doc`.
pub fn tokenize(doc: &Doc<'_>) -> Vec<Token> {
    let text = doc.text;
    let bytes = text.as_bytes();
    let sentences = doc.sentences();
    // about one token per four bytes of running text
    let mut tokens = Vec::with_capacity(text.len() / 4);
    let mut sentence = 0usize;
    let mut sentence_end = sentences.first().map_or(usize::MAX, |r| r.end);
    let mut sentence_has_word = false;
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        let (len, alnum) = if b < 0x80 {
            if SPACE_BYTE[usize::from(b)] {
                i += 1;
                continue;
            }
            (1, ASCII_ALNUM[usize::from(b)])
        } else {
            let ch = char_at(text, i);
            if ch.is_whitespace() {
                i += ch.len_utf8();
                continue;
            }
            (ch.len_utf8(), ch.is_alphanumeric())
        };
        while i >= sentence_end {
            sentence += 1;
            sentence_end = sentences.get(sentence).map_or(usize::MAX, |r| r.end);
            sentence_has_word = false;
        }
        let mut token = Token {
            start: i,
            end: i + len,
            kind: Kind::Punct,
            sentence: sentence as u32,
            sentence_start: false,
            cap: false,
            all_caps: false,
        };
        if !alnum {
            tokens.push(token);
            i += len;
            continue;
        }
        token.kind = Kind::Word;
        token.sentence_start = !sentence_has_word;
        sentence_has_word = true;
        if b < 0x80 {
            // most words: ASCII letters and digits up to a space or a punctuation mark that
            // joins nothing (no hyphen, no possessive); byte `i` is one
            let run = ascii_word_run(bytes, i + 1);
            if bytes.get(run).is_none_or(|&b| !joins_maybe(b)) {
                token.end = run;
                token.cap = b.is_ascii_uppercase();
                token.all_caps = token.cap && is_ascii_all_caps(&bytes[i..run]);
                tokens.push(token);
                // and step over the space that most often follows
                i = run + usize::from(bytes.get(run) == Some(&b' '));
                continue;
            }
        }
        let (end, hyphen) = word_end(text, i);
        let (word_end, possessive) = split_possessive(text, i, end);
        let word = &text[i..word_end];
        token.end = word_end;
        token.cap = if hyphen {
            is_capitalised(word)
        } else {
            starts_upper(word)
        };
        token.all_caps = token.cap && is_all_caps(word);
        tokens.push(token);
        if possessive {
            tokens.push(Token {
                start: word_end,
                end,
                kind: Kind::Possessive,
                sentence_start: false,
                cap: false,
                ..token
            });
        }
        i = end;
    }
    tokens
}

/// End of the run of ASCII letters and digits starting at `start`.
fn ascii_word_run(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() && ASCII_ALNUM[usize::from(bytes[i])] {
        i += 1;
    }
    i
}

/// Whether a byte after a run of letters and digits may continue the word (see [`word_end`]).
fn joins_maybe(b: u8) -> bool {
    matches!(b, b'-' | b'\'' | b'&' | b'.' | 0x80..)
}

/// The white space bytes of ASCII (those `char::is_whitespace` accepts), as a table.
const SPACE_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    table[b' ' as usize] = true;
    table[b'\t' as usize] = true;
    table[b'\n' as usize] = true;
    table[0x0b] = true;
    table[0x0c] = true;
    table[b'\r' as usize] = true;
    table
};

/// The char at byte `i` (ASCII without decoding).
fn char_at(text: &str, i: usize) -> char {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => b as char,
        Some(_) => text[i..].chars().next().unwrap_or(' '),
        None => ' ',
    }
}

/// End of the word starting at `start`: alphanumerics joined by one inner `-`, `'`, `’`, `&`, or
/// a `.` between letters of a dotted acronym or digits of a decimal; a dotted acronym keeps its
/// final period ("U.S."). Also whether the word has an inner `-`.
fn word_end(text: &str, start: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut i = start;
    let mut end = start;
    let mut prev = ' ';
    let mut dotted = false;
    let mut hyphen = false;
    while i < bytes.len() {
        // fast path: a run of ASCII letters and digits
        let run = i;
        i = ascii_word_run(bytes, i);
        if i > run {
            end = i;
            prev = bytes[i - 1] as char;
            if i == bytes.len() {
                break;
            }
        }
        // most words end at a space or a punctuation mark that joins nothing
        if !joins_maybe(bytes[i]) {
            break;
        }
        let ch = char_at(text, i);
        let len = ch.len_utf8();
        if len > 1 && ch.is_alphanumeric() {
            i += len;
            end = i;
            prev = ch;
            continue;
        }
        let joins = match ch {
            '-' | '\'' | '\u{2019}' | '&' => char_at(text, i + len).is_alphanumeric(),
            '.' => {
                let next = char_at(text, i + len);
                (prev.is_ascii_digit() && next.is_ascii_digit())
                    || (prev.is_uppercase()
                        && next.is_uppercase()
                        && single_letter_before(text, start, i))
            }
            _ => false,
        };
        if !joins {
            if ch == '.' && dotted && prev.is_uppercase() {
                end = i + 1;
            }
            break;
        }
        dotted |= ch == '.';
        hyphen |= ch == '-';
        prev = ch;
        i += len;
    }
    (end, hyphen)
}

/// Whether the letter before byte `dot` stands alone since the word start or the last period.
fn single_letter_before(text: &str, word_start: usize, dot: usize) -> bool {
    let part = &text[word_start..dot];
    let last = part.rsplit('.').next().unwrap_or(part);
    last.chars().count() == 1
}

/// Splits a trailing `'s` / `’s` off a word; returns the word end and whether one was split.
fn split_possessive(text: &str, start: usize, end: usize) -> (usize, bool) {
    let word = &text.as_bytes()[start..end];
    if word.last() != Some(&b's') {
        return (end, false);
    }
    for suffix in ["'s", "\u{2019}s"] {
        if word.len() > suffix.len() && word.ends_with(suffix.as_bytes()) {
            return (end - suffix.len(), true);
        }
    }
    (end, false)
}

/// Whether a word starts with an upper-case letter.
fn starts_upper(word: &str) -> bool {
    match word.as_bytes().first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        _ => word.chars().next().is_some_and(char::is_uppercase),
    }
}

/// Capitalised: upper-case first letter; a hyphenated word only when its last part is too
/// ("Anheuser-Busch", not "China-published").
pub fn is_capitalised(word: &str) -> bool {
    if !starts_upper(word) {
        return false;
    }
    match word.rfind('-') {
        Some(p) => word[p + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()),
        None => true,
    }
}

/// [`is_all_caps`] of an ASCII word.
fn is_ascii_all_caps(word: &[u8]) -> bool {
    !word.iter().any(u8::is_ascii_lowercase)
        && word.iter().filter(|b| b.is_ascii_alphabetic()).count() >= 2
}

/// Two or more letters, all upper case.
pub fn is_all_caps(word: &str) -> bool {
    if word.is_ascii() {
        return is_ascii_all_caps(word.as_bytes());
    }
    let mut letters = 0;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_alphabetic() {
            letters += 1;
        }
    }
    letters >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let doc = Doc::new(text);
        tokenize(&doc)
            .iter()
            .map(|t| {
                let mark = match (t.kind, t.cap, t.sentence_start) {
                    (Kind::Punct, ..) => "",
                    (Kind::Possessive, ..) => "~",
                    (_, true, true) => "^",
                    (_, true, false) => "+",
                    _ => "",
                };
                format!("{mark}{}", t.text(text))
            })
            .collect()
    }

    #[test]
    fn acronyms_decimals_and_possessives() {
        assert_eq!(
            words("The U.S. grew 7.6 pct, Barclay's Capital said."),
            vec![
                "^The", "+U.S.", "grew", "7.6", "pct", ",", "+Barclay", "~'s", "+Capital", "said",
                "."
            ]
        );
    }

    #[test]
    fn hyphens_ampersands_and_curly_quotes() {
        assert_eq!(
            words("Marie-Pierre at AT&T and China-published \u{201c}Scottish & Newcastle\u{201d}"),
            vec![
                "^Marie-Pierre",
                "at",
                "+AT&T",
                "and",
                "China-published",
                "\u{201c}",
                "+Scottish",
                "&",
                "+Newcastle",
                "\u{201d}"
            ]
        );
    }

    #[test]
    fn sentence_starts_follow_the_splitter() {
        assert_eq!(
            words("It rose. Then Li said."),
            vec!["^It", "rose", ".", "^Then", "+Li", "said", "."]
        );
    }
}
