//! The words around a number: qualifiers ("over", "about", "up to"), directions ("rose",
//! "fell by"), and the contexts that make a number something other than a quantity (dates,
//! clock times, ordinals, phone numbers, identifiers).
//!
//! Each reader here stands for a small regex over the ~40 bytes around a number (the tests
//! keep the regexes and check the readers against them on the corpus). They are written by
//! hand because they run for every figure: a backward regex search over the window cost more
//! than all the rest of reading the figure's context.

use std::sync::LazyLock;

use crate::period::floor_char_boundary;
use crate::text::{MONTH_ABBREVIATIONS, MONTHS};

/// ASCII white space as `\s` reads it with Unicode off: `\x0B` included, unlike
/// [`u8::is_ascii_whitespace`].
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ')
}

/// A word character as `\b` reads it with Unicode off.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The length of the run of white space `bytes` opens with.
fn leading_space(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| is_space(b)).count()
}

/// The run of word characters `bytes` opens with: a word that `\b` ends.
fn leading_word(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|&&b| is_word(b)).count();
    &bytes[..n]
}

/// The run of word characters `bytes` closes with, where a `\b`-led word may start.
fn trailing_word(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().rev().take_while(|&&b| is_word(b)).count();
    &bytes[bytes.len() - n..]
}

/// A word of up to 15 bytes as one number, lowercased when `fold`: its bytes, then its
/// length. The readers compare words as keys, a few instructions each where comparing strings
/// costs a call. 0 stands for no word, or one too long to be any listed word.
const fn word_key(word: &[u8], fold: bool) -> u128 {
    if word.is_empty() || word.len() > 15 {
        return 0;
    }
    let mut key = 0u128;
    let mut i = 0;
    while i < word.len() {
        let b = if fold {
            word[i].to_ascii_lowercase()
        } else {
            word[i]
        };
        key = key << 8 | b as u128;
        i += 1;
    }
    key << 8 | word.len() as u128
}

/// The key of `word` in any case.
const fn key(word: &str) -> u128 {
    word_key(word.as_bytes(), true)
}

/// A set of words, written in any case unless `fold` is off.
struct WordSet {
    keys: Vec<u128>,
    fold: bool,
}

impl WordSet {
    fn new<'w>(words: impl IntoIterator<Item = &'w str>, fold: bool) -> Self {
        let mut keys: Vec<u128> = words
            .into_iter()
            .map(|w| word_key(w.as_bytes(), fold))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        WordSet { keys, fold }
    }

    fn contains_key(&self, key: u128) -> bool {
        key != 0 && self.keys.binary_search(&key).is_ok()
    }

    fn contains(&self, word: &[u8]) -> bool {
        self.contains_key(word_key(word, self.fold))
    }
}

/// The most words a phrase read by [`WordsBefore`] spans.
const MAX_WORDS: usize = 6;

/// The words at the end of a window, read backwards as a pattern `\b(?:word\s+)+$` anchored at
/// the window's end sees them: tokens between runs of white space, the window ending in white
/// space. A phrase's inner words are whole tokens; its first word is the run of word
/// characters its token closes with (`\b` lets "(over" hold "over"). Tokens are read on
/// demand: most windows are settled by their last word.
struct WordsBefore<'a> {
    window: &'a [u8],
    /// The byte ranges of the tokens read so far, the last token first.
    tokens: [(usize, usize); MAX_WORDS],
    read: usize,
}

impl<'a> WordsBefore<'a> {
    /// `None` unless the window ends in white space, as every phrase must.
    fn new(window: &'a str) -> Option<Self> {
        let window = window.as_bytes();
        window.last().filter(|&&b| is_space(b))?;
        Some(WordsBefore {
            window,
            tokens: [(0, 0); MAX_WORDS],
            read: 0,
        })
    }

    /// The `i`th token from the end (0: the last).
    #[inline]
    fn token(&mut self, i: usize) -> Option<&'a [u8]> {
        if i >= self.read && !self.read_to(i) {
            return None;
        }
        let (start, end) = self.tokens[i];
        Some(&self.window[start..end])
    }

    /// Reads the tokens up to the `i`th from the end; false if the window has fewer.
    fn read_to(&mut self, i: usize) -> bool {
        while self.read <= i {
            let mut end = match self.read {
                0 => self.window.len(),
                MAX_WORDS => return false,
                n => self.tokens[n - 1].0,
            };
            while end > 0 && is_space(self.window[end - 1]) {
                end -= 1;
            }
            if end == 0 {
                return false;
            }
            let mut start = end;
            while start > 0 && !is_space(self.window[start - 1]) {
                start -= 1;
            }
            self.tokens[self.read] = (start, end);
            self.read += 1;
        }
        true
    }

    /// The word the `i`th token from the end closes with, as the first word of a phrase, and
    /// where it starts in the window.
    fn first_word(&mut self, i: usize) -> Option<(&'a [u8], usize)> {
        let word = trailing_word(self.token(i)?);
        Some((word, self.tokens[i].1 - word.len()))
    }

    /// Whether the `i`th token from the end is one of `words` (any case).
    fn is_any(&mut self, i: usize, words: &[&str]) -> bool {
        self.token(i).is_some_and(|t| is_any(t, words))
    }

    /// Where `phrase` starts, if the window ends with it (any case).
    fn phrase(&mut self, phrase: &[&str]) -> Option<usize> {
        let (first, inner) = phrase.split_first()?;
        for (i, word) in inner.iter().rev().enumerate() {
            if !self.token(i)?.eq_ignore_ascii_case(word.as_bytes()) {
                return None;
            }
        }
        let (word, start) = self.first_word(inner.len())?;
        word.eq_ignore_ascii_case(first.as_bytes()).then_some(start)
    }
}

/// Whether `word` is one of `words` (any case).
fn is_any(word: &[u8], words: &[&str]) -> bool {
    words
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w.as_bytes()))
}

/// The qualifier phrases and the qualifier each states, longest first: a backward search
/// takes the leftmost match, the phrase of most words ("no more than" before "more than").
const QUALIFIERS: [(&[&str], &str); 46] = [
    (&["in", "excess", "of"], "over"),
    (&["no", "less", "than"], "at_least"),
    (&["a", "minimum", "of"], "at_least"),
    (&["not", "less", "than"], "at_least"),
    (&["as", "much", "as"], "at_most"),
    (&["as", "many", "as"], "at_most"),
    (&["as", "high", "as"], "at_most"),
    (&["no", "more", "than"], "at_most"),
    (&["a", "maximum", "of"], "at_most"),
    (&["not", "more", "than"], "at_most"),
    (&["just", "short", "of"], "nearly"),
    (&["more", "or", "less"], "about"),
    (&["an", "average", "of"], "about"),
    (&["more", "than"], "over"),
    (&["upwards", "of"], "over"),
    (&["just", "over"], "over"),
    (&["at", "least"], "at_least"),
    (&["just", "under"], "under"),
    (&["just", "below"], "under"),
    (&["less", "than"], "under"),
    (&["fewer", "than"], "under"),
    (&["up", "to"], "at_most"),
    (&["at", "most"], "at_most"),
    (&["close", "to"], "nearly"),
    (&["an", "estimated"], "about"),
    (&["something", "like"], "about"),
    (&["over"], "over"),
    (&["above"], "over"),
    (&["exceed"], "over"),
    (&["exceeds"], "over"),
    (&["exceeded"], "over"),
    (&["exceeding"], "over"),
    (&["surpass"], "over"),
    (&["surpasses"], "over"),
    (&["surpassed"], "over"),
    (&["under"], "under"),
    (&["below"], "under"),
    (&["nearly"], "nearly"),
    (&["almost"], "nearly"),
    (&["about"], "about"),
    (&["around"], "about"),
    (&["roughly"], "about"),
    (&["approximately"], "about"),
    (&["approx"], "about"),
    (&["some"], "about"),
    (&["circa"], "about"),
];

/// A qualifier phrase and the qualifier it states.
type Qualifier = (&'static [&'static str], &'static str);

/// The qualifier phrases by the key of their last word, sorted by key, longest phrases first
/// within each.
static QUALIFIERS_BY_LAST_WORD: LazyLock<Vec<(u128, Vec<Qualifier>)>> = LazyLock::new(|| {
    let mut groups: Vec<(u128, Vec<Qualifier>)> = Vec::new();
    for &(phrase, q) in &QUALIFIERS {
        let last = key(phrase[phrase.len() - 1]);
        match groups.iter_mut().find(|(k, _)| *k == last) {
            Some((_, group)) => group.push((phrase, q)),
            None => groups.push((last, vec![(phrase, q)])),
        }
    }
    groups.sort_by_key(|(k, _)| *k);
    groups
});

/// The qualifier written just before `start`, and where it starts.
pub fn qualifier_before(text: &str, start: usize) -> Option<(&'static str, usize)> {
    let from = floor_char_boundary(text, start.saturating_sub(40));
    let mut words = WordsBefore::new(&text[from..start])?;
    let (last, _) = words.first_word(0)?;
    // only the phrases that end with the last word can match: for most figures, none
    let groups = &*QUALIFIERS_BY_LAST_WORD;
    if let Ok(at) = groups.binary_search_by_key(&word_key(last, true), |(k, _)| *k) {
        let found = groups[at]
            .1
            .iter()
            .find_map(|(phrase, q)| Some((*q, words.phrase(phrase)?)));
        return found.map(|(q, at)| (q, from + at));
    }
    // "approx.": the one phrase that closes with a stop
    let stem = words.token(0)?.strip_suffix(b".")?;
    let word = trailing_word(stem);
    word.eq_ignore_ascii_case(b"approx")
        .then(|| ("about", from + words.tokens[0].0 + stem.len() - word.len()))
}

/// A qualifier written after a quantity ending at `end` ("or more", "or less", "+").
pub fn qualifier_after(text: &str, end: usize) -> Option<(&'static str, usize)> {
    let rest = &text.as_bytes()[end..];
    let space = leading_space(rest);
    if space > 0 && rest.len() >= space + 2 && rest[space..space + 2].eq_ignore_ascii_case(b"or") {
        let at = space + 2;
        let gap = leading_space(&rest[at..]);
        let word = leading_word(&rest[at + gap..]);
        let word_key = word_key(word, true);
        let q = if OR_MORE.contains(&word_key) {
            Some("at_least")
        } else if OR_LESS.contains(&word_key) {
            Some("at_most")
        } else {
            None
        };
        if let Some(q) = q.filter(|_| gap > 0) {
            return Some((q, end + at + gap + word.len()));
        }
    }
    (rest.get(space) == Some(&b'+')).then_some(("at_least", end + space + 1))
}

/// The words that state a rise ("rose 25%", "jump 40%"). Bare "gain" is not among them: before an
/// amount it is mostly the accounting noun ("net includes gain 500,000 dlrs"), an amount rather
/// than a change; "gained", "gains" and "a gain of" are.
const RISE_WORDS: &[&str] = &[
    "added",
    "adding",
    "adds",
    "advance",
    "advanced",
    "boost",
    "boosted",
    "boosts",
    "climb",
    "climbed",
    "climbs",
    "expand",
    "expanded",
    "expands",
    "gained",
    "gains",
    "grew",
    "grow",
    "growing",
    "grown",
    "grows",
    "increase",
    "increased",
    "increases",
    "increasing",
    "jump",
    "jumped",
    "jumps",
    "raise",
    "raised",
    "raises",
    "rise",
    "risen",
    "rises",
    "rising",
    "rose",
    "soar",
    "soared",
    "soars",
    "surge",
    "surged",
    "surges",
    "up",
    "widened",
    "widens",
];

/// The words that state a fall.
const FALL_WORDS: &[&str] = &[
    "cut",
    "cuts",
    "decline",
    "declined",
    "declines",
    "declining",
    "decrease",
    "decreased",
    "decreases",
    "down",
    "drop",
    "dropped",
    "drops",
    "ease",
    "eased",
    "eases",
    "fall",
    "fallen",
    "falling",
    "falls",
    "fell",
    "lost",
    "lowered",
    "narrowed",
    "narrows",
    "plunge",
    "plunged",
    "plunges",
    "reduce",
    "reduced",
    "reduces",
    "shrank",
    "shrink",
    "shrinks",
    "shrunk",
    "slipped",
    "slips",
    "slump",
    "slumped",
    "slumps",
    "tumble",
    "tumbled",
];

/// The keys of the rise and fall words, sorted, each with whether it states a rise.
static DIRECTION_WORDS: LazyLock<Vec<(u128, bool)>> = LazyLock::new(|| {
    let rises = RISE_WORDS.iter().map(|w| (key(w), true));
    let falls = FALL_WORDS.iter().map(|w| (key(w), false));
    let mut words: Vec<(u128, bool)> = rises.chain(falls).collect();
    words.sort_unstable();
    words
});

const OR_MORE: [u128; 4] = [key("more"), key("above"), key("over"), key("higher")];
const OR_LESS: [u128; 4] = [key("less"), key("fewer"), key("below"), key("lower")];
const HIGHER: [u128; 4] = [key("higher"), key("more"), key("above"), key("up")];
const LOWER: [u128; 4] = [key("lower"), key("less"), key("below"), key("down")];
const CLOCK: [u128; 6] = [
    key("am"),
    key("pm"),
    key("gmt"),
    key("hrs"),
    key("bst"),
    key("est"),
];
const ORDINAL_SUFFIXES: [u128; 4] = [key("st"), key("nd"), key("rd"), key("th")];

/// The direction phrases that end `i` words from the end, by how many words they span ("rose"
/// 1, "growth of" 2, "a rise of" 3): whether each states a rise.
fn direction_phrases(words: &mut WordsBefore<'_>, i: usize) -> [Option<bool>; 3] {
    let mut found = [None; 3];
    if words.is_any(i, &["of"]) {
        if let Some(noun) = words.token(i + 1)
            && words
                .first_word(i + 2)
                .is_some_and(|(article, _)| is_any(article, &["a", "an"]))
        {
            if is_any(noun, &["rise", "increase", "gain", "jump", "growth"]) {
                found[2] = Some(true);
            } else if is_any(
                noun,
                &["fall", "drop", "decline", "decrease", "cut", "reduction"],
            ) {
                found[2] = Some(false);
            }
        }
        if words
            .first_word(i + 1)
            .is_some_and(|(w, _)| w.eq_ignore_ascii_case(b"growth"))
        {
            found[1] = Some(true);
        }
    }
    if let Some((word, _)) = words.first_word(i) {
        let key = word_key(word, true);
        if let Ok(at) = DIRECTION_WORDS.binary_search_by_key(&key, |&(k, _)| k) {
            found[0] = Some(DIRECTION_WORDS[at].1);
        }
    }
    found
}

/// For each number of words from 0 to 3, whether the words at the end of `words` may follow
/// a direction phrase: none, "by", "a further", "another", "by an extra".
fn direction_tails(words: &mut WordsBefore<'_>) -> [bool; 4] {
    let Some(last) = words.token(0) else {
        return [true, false, false, false];
    };
    let article = is_any(last, &["a", "an"]);
    let another = last.eq_ignore_ascii_case(b"another");
    let word = last.iter().all(|&b| b.is_ascii_alphabetic() || b == b'-');
    // the longer tails have "by" or an article before the last word, itself a word
    let (after_by, after_article) = match words.token(1) {
        Some(before) if word => (
            before.eq_ignore_ascii_case(b"by"),
            is_any(before, &["a", "an"]),
        ),
        _ => (false, false),
    };
    [
        true,
        article || another || last.eq_ignore_ascii_case(b"by"),
        ((article || another) && after_by) || after_article,
        after_article && words.is_any(2, &["by"]),
    ]
}

/// The direction the words at the end of `window` state: `Some(true)` for a rise ("rose",
/// "up by", "a rise of", "fell by a further"), `Some(false)` for a fall.
fn direction_before(window: &str) -> Option<bool> {
    let mut words = WordsBefore::new(window)?;
    // (words spanned, rise) of the reading the regex takes: the leftmost match, the one of
    // most words; at one start, a rise (its first group)
    let mut best: Option<(usize, bool)> = None;
    let tails = direction_tails(&mut words);
    for tail in (0..=3).filter(|&n| tails[n]) {
        for (k, rise) in direction_phrases(&mut words, tail).into_iter().enumerate() {
            let Some(rise) = rise else { continue };
            let span = tail + k + 1;
            if best.is_none_or(|(s, r)| span > s || (span == s && rise && !r)) {
                best = Some((span, rise));
            }
        }
    }
    best.map(|(_, rise)| rise)
}

/// The direction of change a quantity states: `up` for "rose 25%" / "24.4% above", `down` for
/// "fell by 3 pct" / "5% lower"; empty for a level.
pub fn direction(text: &str, start: usize, end: usize) -> &'static str {
    let from = floor_char_boundary(text, start.saturating_sub(40));
    match direction_before(&text[from..start]) {
        Some(true) => return "up",
        Some(false) => return "down",
        None => {}
    }
    let rest = &text.as_bytes()[end..];
    let space = leading_space(rest);
    if space == 0 {
        return "";
    }
    let word = word_key(leading_word(&rest[space..]), true);
    if HIGHER.contains(&word) {
        "up"
    } else if LOWER.contains(&word) {
        "down"
    } else {
        ""
    }
}

/// The words that number the thing after them: "No. 10", "Boeing 747".
const NUMBERING: [&str; 21] = [
    "No", "Nos", "Number", "Article", "Section", "Chapter", "Page", "Room", "Flight", "Route",
    "Boeing", "Airbus", "Model", "Type", "Class", "Grade", "Level", "Phase", "Stage", "Tier",
    "Version",
];

/// Month names and their abbreviations, as written (capitalised).
static MONTH_NAMES: LazyLock<WordSet> =
    LazyLock::new(|| WordSet::new(MONTHS.iter().chain(&MONTH_ABBREVIATIONS).copied(), false));

static FULL_MONTH_NAMES: LazyLock<WordSet> =
    LazyLock::new(|| WordSet::new(MONTHS.iter().copied(), false));

static NUMBERING_WORDS: LazyLock<WordSet> =
    LazyLock::new(|| WordSet::new(NUMBERING.iter().copied(), true));

/// Whether the window before a number ends with a month or a numbering word, a stop allowed
/// after it: "March 13", "Jan. 5", "No. 10".
fn is_date_before(window: &str) -> bool {
    let window = window.as_bytes();
    let end = window.len() - window.iter().rev().take_while(|&&b| is_space(b)).count();
    if end == window.len() {
        return false;
    }
    let token = &window[..end];
    let token = token.strip_suffix(b".").unwrap_or(token);
    let word = trailing_word(token);
    MONTH_NAMES.contains(word) || NUMBERING_WORDS.contains(word)
}

/// Whether the text after a number makes it a date, a clock time, an ordinal or part of an
/// identifier: " December", " pm", ":30", "-05-", "th", "-year".
fn is_date_after(rest: &[u8]) -> bool {
    let space = leading_space(rest);
    let after_space = &rest[space..];
    let word = leading_word(after_space);
    if space > 0 && FULL_MONTH_NAMES.contains(word) {
        return true;
    }
    let opens = |p: &[u8]| {
        after_space
            .get(..p.len())
            .is_some_and(|a| a.eq_ignore_ascii_case(p))
    };
    if CLOCK.contains(&word_key(word, true))
        || opens(b"a.m.")
        || opens(b"p.m.")
        || opens(b"o'clock")
    {
        return true;
    }
    match rest {
        [b':' | b'/', d, ..] if d.is_ascii_digit() => true,
        [b'-', tail @ ..] => {
            let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
            (digits > 0 && tail.get(digits) == Some(&b'-'))
                || tail.first().is_some_and(u8::is_ascii_alphabetic)
        }
        _ => ORDINAL_SUFFIXES.contains(&word_key(leading_word(rest), true)),
    }
}

/// Whether the number at `start..end` is a date, a clock time, an ordinal, a fiscal-year
/// half, a phone number, a numbered thing ("No. 1", "Boeing 747") or part of an identifier.
pub fn is_not_quantity(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    if start > 0 {
        let prev = bytes[start - 1];
        // identifiers ("C919", "G20"), second halves ("1987/88", "10:30"), signs of phones
        if prev.is_ascii_alphanumeric() || matches!(prev, b'/' | b':' | b'+' | b'#' | b'_') {
            return true;
        }
        if prev == b'-' && start > 1 && bytes[start - 2].is_ascii_digit() {
            return true;
        }
    }
    // phone numbers: "020 7946 0000", "0800 123"
    if bytes[start] == b'0' && end - start >= 3 && !text[start..end].contains('.') {
        return true;
    }
    let digit_group_before =
        start >= 2 && bytes[start - 1] == b' ' && bytes[start - 2].is_ascii_digit();
    let digit_group_after = bytes.get(end) == Some(&b' ')
        && bytes[end + 1..]
            .iter()
            .take(3)
            .filter(|b| b.is_ascii_digit())
            .count()
            == 3;
    if digit_group_before || digit_group_after {
        return true;
    }
    let from = floor_char_boundary(text, start.saturating_sub(20));
    is_date_before(&text[from..start]) || is_date_after(&text.as_bytes()[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The regexes the readers stand for, kept as their reference.
    mod reference {
        use std::sync::LazyLock;

        use regex::Regex;

        use crate::period::floor_char_boundary;

        static QUALIFIER: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(
                r"(?xi-u)\b(
          more\s+than | over | above | in\s+excess\s+of | exceed(?:s|ed|ing)? | upwards\s+of | just\s+over | surpass(?:es|ed)?
        | at\s+least | no\s+less\s+than | a\s+minimum\s+of | not\s+less\s+than
        | just\s+under | just\s+below | under | less\s+than | below | fewer\s+than
        | up\s+to | at\s+most | as\s+much\s+as | as\s+many\s+as | as\s+high\s+as | no\s+more\s+than | a\s+maximum\s+of | not\s+more\s+than
        | nearly | almost | close\s+to | just\s+short\s+of
        | about | around | roughly | approximately | approx\.? | some | an\s+estimated | circa | more\s+or\s+less | something\s+like | an\s+average\s+of
        )\s+$",
            )
            .unwrap()
        });

        pub fn qualifier_before(text: &str, start: usize) -> Option<(&'static str, usize)> {
            let from = floor_char_boundary(text, start.saturating_sub(40));
            let caps = QUALIFIER.captures(&text[from..start])?;
            let m = caps.get(1).unwrap();
            let words = m.as_str().to_ascii_lowercase();
            let words: Vec<&str> = words.split_whitespace().collect();
            let qualifier = match words.as_slice() {
                ["just", "under" | "below"] | ["under" | "below"] | ["less" | "fewer", "than"] => {
                    "under"
                }
                ["at", "least"] | ["no" | "not", "less", "than"] | ["a", "minimum", "of"] => {
                    "at_least"
                }
                ["up", "to"]
                | ["at", "most"]
                | ["as", _, "as"]
                | ["no" | "not", "more", "than"]
                | ["a", "maximum", "of"] => "at_most",
                ["nearly" | "almost"] | ["close", "to"] | ["just", "short", "of"] => "nearly",
                ["more", "or", "less"] => "about",
                [first, ..]
                    if [
                        "about",
                        "around",
                        "roughly",
                        "approximately",
                        "approx",
                        "approx.",
                        "some",
                        "an",
                        "circa",
                        "something",
                    ]
                    .contains(first) =>
                {
                    "about"
                }
                _ => "over",
            };
            Some((qualifier, from + m.start()))
        }

        static QUALIFIER_AFTER: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i-u)^\s+or\s+(more|above|over|higher|less|fewer|below|lower)\b|^\s*\+")
                .unwrap()
        });

        pub fn qualifier_after(text: &str, end: usize) -> Option<(&'static str, usize)> {
            let caps = QUALIFIER_AFTER.captures(&text[end..])?;
            let whole = caps.get(0).unwrap();
            let lower = caps.get(1).is_none_or(|w| {
                matches!(
                    w.as_str().to_ascii_lowercase().as_str(),
                    "more" | "above" | "over" | "higher"
                )
            });
            Some((
                if lower { "at_least" } else { "at_most" },
                end + whole.end(),
            ))
        }

        static DIRECTION_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(
                r"(?xi-u)\b(
          (?P<up>rose|rise|rises|rising|risen|up|increased?|increases|increasing|grew|grow|grows|growing|grown
            |gained|gains|climb(?:ed)?|climbs|jump(?:ed)?|jumps|surged?|surges|soar(?:ed)?|soars|expand(?:ed)?|expands|widened|widens
            |advanced?|raised?|raises|boost(?:ed)?|boosts|added|adding|adds|an?\s+(?:rise|increase|gain|jump|growth)\s+of|growth\s+of)
        | (?P<down>fell|fall|falls|falling|fallen|down|declined?|declines|declining|dropped|drop|drops|decreased?|decreases
            |cut|cuts|narrowed|narrows|shrank|shrunk|shrinks?|slump(?:ed)?|slumps|slipped|slips|plunged?|plunges|tumbled?
            |eased?|eases|lost|reduced?|reduces|lowered|an?\s+(?:fall|drop|decline|decrease|cut|reduction)\s+of)
        )\s+(?:by\s+)?(?:a\s+further\s+|another\s+|an?\s+(?:[a-z-]+\s+)?)?$",
            )
            .unwrap()
        });

        static DIRECTION_AFTER: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i-u)^\s+(?:(higher|more|above|up)|(lower|less|below|down))\b").unwrap()
        });

        pub fn direction(text: &str, start: usize, end: usize) -> &'static str {
            let from = floor_char_boundary(text, start.saturating_sub(40));
            if let Some(caps) = DIRECTION_BEFORE.captures(&text[from..start]) {
                return if caps.name("up").is_some() {
                    "up"
                } else {
                    "down"
                };
            }
            if let Some(caps) = DIRECTION_AFTER.captures(&text[end..]) {
                return if caps.get(1).is_some() { "up" } else { "down" };
            }
            ""
        }

        static DATE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?-u)(?:\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?|\b(?i:No|Nos|Number|Article|Section|Chapter|Page|Room|Flight|Route|Boeing|Airbus|Model|Type|Class|Grade|Level|Phase|Stage|Tier|Version)\.?)\s+$")
                .unwrap()
        });

        static DATE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?-u)^(?:\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\b|(?i:\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock|gmt\b|hrs\b|bst\b|est\b))|[:/]\d|-\d+-|(?i:st|nd|rd|th)\b|-(?i:[a-z]))")
                .unwrap()
        });

        pub fn is_date_before(window: &str) -> bool {
            DATE_BEFORE.is_match(window)
        }

        pub fn is_date_after(rest: &str) -> bool {
            DATE_AFTER.is_match(rest)
        }
    }

    fn assert_same_as_reference(text: &str, at: usize) {
        let end = text.len().min(at + 12);
        let end = (at..=end)
            .rev()
            .find(|&e| text.is_char_boundary(e))
            .unwrap();
        assert_eq!(
            qualifier_before(text, at),
            reference::qualifier_before(text, at),
            "qualifier before {:?}",
            &text[..at]
        );
        assert_eq!(
            qualifier_after(text, at),
            reference::qualifier_after(text, at),
            "qualifier after {:?}",
            &text[at..]
        );
        assert_eq!(
            direction(text, at, end),
            reference::direction(text, at, end),
            "direction at {:?}",
            &text[..end]
        );
        let from = floor_char_boundary(text, at.saturating_sub(20));
        assert_eq!(
            is_date_before(&text[from..at]),
            reference::is_date_before(&text[from..at]),
            "date before {:?}",
            &text[from..at]
        );
        assert_eq!(
            is_date_after(&text.as_bytes()[at..]),
            reference::is_date_after(&text[at..]),
            "date after {:?}",
            &text[at..]
        );
    }

    #[test]
    fn readers_match_their_regexes_on_edge_cases() {
        for text in [
            "rose by a further 5",
            "fell by another 5",
            "a rise of 5",
            "An Increase Of 5",
            "growth of 5",
            "(up 5",
            "slump 5",
            "slumped by an extra 5",
            "x-rose 5",
            "grosse 5",
            "no more than 5",
            "more than 5",
            "approx. 5",
            "approx 5",
            "(about 5",
            "something like 5",
            "more or less 5",
            "5 or more",
            "5 OR\tfewer",
            "5 or lowered",
            "5 +",
            "5+",
            "No. 10",
            "Jan. 5",
            "jan. 5",
            "Boeing\x0b747",
            "5 pm",
            "5 p.m.",
            "5th",
            "5-year",
            "5-10-",
            "5:30",
            "5 May's",
            "5 Mayor",
            "up by an extra-large 5",
            "rose by a further\x0b5",
            "é€up 5",
        ] {
            for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                assert_same_as_reference(text, at);
            }
        }
    }

    /// The readers against their regexes at every position of a sample of the corpus (when
    /// the shared corpus is beside the checkout).
    #[test]
    fn readers_match_their_regexes_on_the_corpus() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus/bbc/business");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths.iter().step_by(5) {
            let bytes = std::fs::read(path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                assert_same_as_reference(&text, at);
            }
        }
    }

    /// `text` holds one `|` where the number starts and one `^` where it ends.
    fn split(text: &str) -> (String, usize, usize) {
        let start = text.find('|').expect("start marker");
        let clean = text.replacen('|', "", 1);
        let end = clean.find('^').expect("end marker");
        (clean.replacen('^', "", 1), start, end)
    }

    #[test]
    fn qualifiers() {
        for (text, expect) in [
            ("over |13^ percent", Some("over")),
            ("more than |a third^ of", Some("over")),
            ("projections to exceed |17^ percent", Some("over")),
            ("at least |$190bn^", Some("at_least")),
            ("worth up to |$120m^", Some("at_most")),
            ("as much as |40%^", Some("at_most")),
            ("by nearly |30%^", Some("nearly")),
            ("just under |2%^", Some("under")),
            ("around |5^ percent", Some("about")),
            ("roughly |30%^ higher", Some("about")),
            ("of about |14^ mln", Some("about")),
            ("rose |12.3%^", None),
            ("turnover |5^", None),
        ] {
            let (clean, start, _) = split(text);
            assert_eq!(
                qualifier_before(&clean, start).map(|q| q.0),
                expect,
                "{text}"
            );
        }
        assert_eq!(
            qualifier_after("10 pct or more", 6).map(|q| q.0),
            Some("at_least")
        );
    }

    #[test]
    fn directions() {
        for (text, expect) in [
            ("rose |25%^", "up"),
            ("fell by |3 pct^", "down"),
            ("up |30.5%^ at", "up"),
            ("narrowed by |4.9%^", "down"),
            ("was |24.4%^ above", "up"),
            ("rose to |558,089 tonnes^", ""),
            ("rose 12.3% to |$1.15 trillion^", ""),
            ("a rise of |5%^", "up"),
            ("the |5%^ stake", ""),
        ] {
            let (clean, start, end) = split(text);
            assert_eq!(direction(&clean, start, end), expect, "{text}");
        }
    }

    #[test]
    fn numbers_that_are_not_quantities() {
        for (text, expect) in [
            ("PEKING, March |13^ - China", true),
            ("on |8^ December", true),
            ("at |5^ pm", true),
            ("at |10^:30", true),
            ("the |14^th National", true),
            ("the |4^th generation", true),
            ("the C|919^ aircraft", true),
            ("No. |10^ Downing", true),
            ("call |020^ 7946", true),
            ("a |10^-year bond", true),
            ("1987/|88^", true),
            ("rose |25^%", false),
            ("|300,000^ tonnes", false),
        ] {
            let (clean, start, end) = split(text);
            assert_eq!(is_not_quantity(&clean, start, end), expect, "{text}");
        }
    }
}
