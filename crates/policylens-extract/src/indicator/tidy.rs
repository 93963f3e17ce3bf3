//! Tidying a walked metric phrase into a noun phrase naming the measured thing: cut at the last
//! verb inside it ("implying GDP growth" → "GDP growth"), strip leading conjunctions and
//! adverbs and a trailing time phrase ("sales in the fourth" → "sales"), and reject phrases
//! with no measurable head ("well", "first six months") or that only name a place or a body
//! ("China", "State Council"). Word classes come from `data/metric_words.txt`.

use std::ops::Range;
use std::sync::LazyLock;

use super::tokens::{DETERMINERS, NP_PREPOSITIONS, WordMap};

const WORDS: &str = include_str!("../../data/metric_words.txt");

/// The word classes of the data file, as bits: one lookup answers every class of a word.
const VERB: u8 = 1;
const NOUN: u8 = 2;
const NONHEAD: u8 = 4;
const MEASURE: u8 = 8;
/// The closed classes of this module, in the same map: determiners, prepositions and
/// conjunctions ([`Word::function`]), prepositions alone, and edge adverbs.
const FUNCTION: u8 = 16;
const PREPOSITION: u8 = 32;
const EDGE_ADVERB: u8 = 64;

static CLASSES: LazyLock<WordMap<u8>> = LazyLock::new(|| {
    let mut classes = WordMap::<u8>::default();
    let mut section = 0;
    for line in WORDS.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = match name {
                "verbs" => VERB,
                "nouns" => NOUN,
                "nonheads" => NONHEAD,
                "measures" => MEASURE,
                _ => 0,
            };
            continue;
        }
        *classes.entry(line).or_default() |= section;
    }
    for list in [DETERMINERS, NP_PREPOSITIONS, PREPOSITIONS, CONJUNCTIONS] {
        for &w in list {
            *classes.entry(w).or_default() |= FUNCTION;
        }
    }
    for &w in PREPOSITIONS {
        *classes.entry(w).or_default() |= PREPOSITION;
    }
    for &w in EDGE_ADVERBS {
        *classes.entry(w).or_default() |= EDGE_ADVERB;
    }
    classes
});

/// The classes of a lower-case word.
fn classes(word: &str) -> u8 {
    CLASSES.get(word).copied().unwrap_or_default()
}

/// Whether a lower-case word can never head a metric (adverb, adjective, ordinal, time word).
pub fn is_nonhead(word: &str) -> bool {
    classes(word) & NONHEAD != 0
}

const CONJUNCTIONS: &[&str] = &[
    "and", "or", "but", "nor", "plus", "than", "then", "yet", "&",
];
const PREPOSITIONS: &[&str] = &[
    "of",
    "in",
    "for",
    "with",
    "between",
    "on",
    "to",
    "from",
    "at",
    "by",
    "during",
    "over",
    "into",
    "via",
    "through",
    "throughout",
    "about",
    "around",
    "per",
];
/// Adverbs and particles dropped from the edges of a metric.
const EDGE_ADVERBS: &[&str] = &[
    "well",
    "already",
    "again",
    "also",
    "still",
    "even",
    "only",
    "just",
    "back",
    "out",
    "previously",
    "respectively",
    "currently",
    "so",
    "too",
    "very",
    "much",
    "further",
    "steadily",
    "upwards",
    "downwards",
    "meanwhile",
    "alone",
    "both",
    "either",
    "ahead",
    "off",
];
const TIME_NOUNS: &[&str] = &[
    "season", "week", "weeks", "month", "months", "quarter", "quarters", "period", "half",
    "decade", "days", "day",
];
/// Heads of a phrase that restates a figure as a level: "at a six-year high".
const LEVEL_WORDS: &[&str] = &[
    "high", "highs", "low", "lows", "record", "level", "levels", "peak", "average", "minimum",
    "maximum", "mark",
];
const ORDINALS: &[&str] = &[
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "alone",
];
const POSSESSIVES: &[&str] = &[
    "its", "their", "his", "her", "our", "a", "an", "the", "most",
];

/// A word of a phrase, with what is asked of it many times worked out once.
struct Word<'a> {
    raw: &'a str,
    lower: &'a str,
    /// Classes of the lower-case word, and of its [stem](Word::stem).
    classes: u8,
    stem_classes: u8,
    function: bool,
}

impl<'a> Word<'a> {
    /// A word as written, and in ASCII lower case.
    fn new(raw: &'a str, lower: &'a str) -> Self {
        let w = lower;
        let classes = classes(w);
        let function = classes & FUNCTION != 0;
        let stem = stem_of(w);
        let stem_classes = if stem == w {
            classes
        } else {
            self::classes(stem)
        };
        Word {
            raw,
            lower,
            classes,
            stem_classes,
            function,
        }
    }

    fn lower(&self) -> &'a str {
        self.lower
    }
    fn capitalised(&self) -> bool {
        self.raw.starts_with(|c: char| c.is_uppercase())
    }
    /// The word without a possessive ending: "China's" → "china".
    fn stem(&self) -> &str {
        stem_of(self.lower)
    }
    fn is(&self, class: u8) -> bool {
        self.classes & class != 0
    }
    fn stem_is(&self, class: u8) -> bool {
        self.stem_classes & class != 0
    }
    fn adverb(&self) -> bool {
        let w = self.lower;
        self.is(EDGE_ADVERB)
            || (w.len() > 4 && w.ends_with("ly") && !self.capitalised() && !self.is(NOUN))
    }
    fn function(&self) -> bool {
        self.function
    }
}

fn stem_of(lower: &str) -> &str {
    let w = lower.trim_end_matches('\'');
    w.strip_suffix("'s").unwrap_or(w)
}

/// The words of a phrase, given with its ASCII lower case (`lower`): one lower-case copy for
/// all the words.
fn words<'a>(phrase: &'a str, lower: &'a str) -> Vec<Word<'a>> {
    let word = |r: Range<usize>| Word::new(&phrase[r.clone()], &lower[r]);
    if !phrase.is_ascii() {
        // lower-casing ASCII letters moves no white space: both split alike
        return phrase
            .split_whitespace()
            .zip(lower.split_whitespace())
            .map(|(raw, lower)| Word::new(raw, lower))
            .collect();
    }
    // ASCII: split by byte, as `split_whitespace` would
    let bytes = phrase.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 4 + 1);
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        let space = matches!(b, b' ' | b'\t'..=b'\r');
        match (space, start) {
            (true, Some(s)) => {
                out.push(word(s..i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(word(s..bytes.len()));
    }
    out
}

/// The tidied metric, or `None` when the phrase names nothing measurable.
pub fn tidy(phrase: &str) -> Option<String> {
    let lower = phrase.to_ascii_lowercase();
    let words = words(phrase, &lower);
    // "Renault sales than vehicles": a comparison is no part of the measure
    let n = words
        .iter()
        .position(|w| w.lower == "than")
        .unwrap_or(words.len());
    let words = &words[..n];
    let verb = (0..n).rev().find(|&k| is_verb(words, k));
    let mut kept: Vec<&Word<'_>> = match verb {
        None => words.iter().collect(),
        Some(v) => {
            let after = trim(&words[v + 1..]);
            // "forecasts slipping": a lone participle names nothing
            let participle = after.len() == 1 && after[0].lower.ends_with("ing");
            if has_head(after) && !participle {
                // "Nestle forecasts organic earnings": the named owner before the verb stays
                let first_verb = (0..v).find(|&k| is_verb(words, k)).unwrap_or(v);
                let owner = &words[..first_verb];
                let named = !owner.is_empty()
                    && owner.len() <= 3
                    && owner.iter().all(|w| w.capitalised() || w.function());
                let mut kept: Vec<&Word<'_>> = Vec::new();
                if named && v == first_verb {
                    kept.extend(owner.iter());
                }
                kept.extend(after.iter());
                kept
            } else {
                let first_verb = (0..=v).find(|&k| is_verb(words, k)).unwrap_or(v);
                words[..first_verb].iter().collect()
            }
        }
    };
    // "good distribution of such subsidies and economic growth": after a complete phrase with
    // its complement, "and" starts the measured thing
    if let Some(a) = kept.iter().rposition(|w| w.lower == "and") {
        let left_has_complement = kept[..a].iter().skip(1).any(|w| w.is(PREPOSITION))
            && !kept[..a].iter().any(|w| w.lower == "between");
        let right = &kept[a + 1..];
        let right_plain = !right.is_empty()
            && !right.iter().any(|w| w.function())
            && right.last().is_some_and(|w| w.stem_is(MEASURE));
        if left_has_complement && right_plain {
            kept = right.to_vec();
        }
    }
    // "fourth alone Ford net income", "first exports": an ordinal before the measure
    while kept.len() > 1 && (ORDINALS.contains(&kept[0].lower()) || kept[0].adverb()) {
        kept.remove(0);
    }
    kept.truncate(time_phrase_start(&kept));
    // "division's sales jumping": a participle after the measure
    if kept.len() > 1
        && kept.last().is_some_and(|w| is_verb_like_ing(w))
        && kept[kept.len() - 2].stem_is(MEASURE)
    {
        kept.pop();
    }
    // "production crushing season": a time noun left over from a dropped period
    while kept.len() > 1 && kept.last().is_some_and(|w| TIME_NOUNS.contains(&w.lower())) {
        kept.pop();
        while kept.len() > 1 && kept.last().is_some_and(|w| w.lower.ends_with("ing")) {
            kept.pop();
        }
    }
    trim_refs(&mut kept);
    if !has_head_refs(&kept) {
        return None;
    }
    let mut tidied = String::with_capacity(phrase.len());
    for (k, w) in kept.iter().enumerate() {
        if k > 0 {
            tidied.push(' ');
        }
        tidied.push_str(w.raw);
    }
    Some(tidied)
}

/// Whether a phrase names only a body or place: capitalised words and no measure noun.
pub fn named_only(phrase: &str) -> bool {
    let lower = phrase.to_ascii_lowercase();
    let words = words(phrase, &lower);
    let mut content = words.iter().filter(|w| !w.function()).peekable();
    content.peek().is_some()
        && content.clone().all(|w| w.capitalised())
        && !content.any(|w| w.stem_is(MEASURE))
}

/// The trailing run of capitalised words of a phrase (with "of"/"and"/"&" inside it): the
/// named owner in "fourth alone Ford".
pub fn named_tail(phrase: &str) -> String {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let mut start = words.len();
    while start > 0 {
        let w = words[start - 1];
        let inner = matches!(w, "of" | "and" | "&") && start < words.len();
        if !(w.starts_with(|c: char| c.is_uppercase()) || inner) {
            break;
        }
        start -= 1;
    }
    while start < words.len() && !words[start].starts_with(|c: char| c.is_uppercase()) {
        start += 1;
    }
    words[start..].join(" ")
}

/// Whether word `k` of a phrase is a verb: a listed verb, a lower-case -ing form that is no
/// noun, a word before a possessive ("boost its profits"), or an -ed form before a determiner.
fn is_verb(words: &[Word<'_>], k: usize) -> bool {
    let w = &words[k];
    if w.capitalised() || w.raw.contains('-') || w.function() {
        return false;
    }
    let lower = w.lower();
    if w.is(NOUN | MEASURE) {
        return false;
    }
    if w.is(VERB) {
        return true;
    }
    let next = words.get(k + 1).map(|w| w.lower());
    // "delivering a", "paying its": a participle taking an object; not "strategic emerging
    // industries", "operating profit", "sugar mills working", "cost of producing"
    if lower.len() > 5 && lower.ends_with("ing") && next.is_some_and(|n| POSSESSIVES.contains(&n)) {
        return true;
    }
    if next.is_some_and(|n| matches!(n, "its" | "their" | "his" | "our")) && !w.is(NONHEAD) {
        return true;
    }
    lower.len() > 4 && lower.ends_with("ed") && next.is_some_and(|n| POSSESSIVES.contains(&n))
}

/// A lower-case -ing word that is no noun: "jumping", "adding", "leading".
pub fn is_verb_like_ing_word(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    is_verb_like_ing(&Word::new(raw, &lower))
}

fn is_verb_like_ing(w: &Word<'_>) -> bool {
    !w.capitalised()
        && w.lower.len() > 5
        && w.lower.ends_with("ing")
        && !w.raw.contains('-')
        && !w.is(NOUN)
}

fn edge(w: &Word<'_>) -> bool {
    w.function() || w.adverb()
}

fn trim<'w, 'a>(words: &'w [Word<'a>]) -> &'w [Word<'a>] {
    let mut s = 0;
    let mut e = words.len();
    while s < e && edge(&words[s]) {
        s += 1;
    }
    while e > s && edge(&words[e - 1]) {
        e -= 1;
    }
    &words[s..e]
}

fn trim_refs(words: &mut Vec<&Word<'_>>) {
    let mut s = 0;
    let mut e = words.len();
    while s < e && edge(words[s]) {
        s += 1;
    }
    while e > s && edge(words[e - 1]) {
        e -= 1;
    }
    words.truncate(e);
    words.drain(..s);
}

/// Where a trailing prepositional phrase that only states a time starts (else the length):
/// "in the fourth", "for the whole", "in the week to 25", "at the end".
fn time_phrase_start(words: &[&Word<'_>]) -> usize {
    let timeish = |w: &Word<'_>| {
        let l = w.lower();
        w.is(NONHEAD) || w.function() || l.bytes().any(|b| b.is_ascii_digit())
    };
    for p in 1..words.len() {
        if !words[p].is(PREPOSITION) {
            continue;
        }
        let tail = &words[p + 1..];
        // "in the week to 25"; "at a six-year high" (a level, not a thing)
        if words[p].lower == "per" {
            continue;
        }
        let level = tail
            .last()
            .is_some_and(|w| LEVEL_WORDS.contains(&w.lower()))
            && !tail.iter().any(|w| w.stem_is(MEASURE));
        if tail.iter().all(|w| timeish(w)) || level {
            return p;
        }
    }
    words.len()
}

fn has_head(words: &[Word<'_>]) -> bool {
    has_head_refs(&words.iter().collect::<Vec<_>>())
}

/// A measurable head: the last word is a noun-like word, and a phrase of capitalised words
/// only (a place, a company, a body) holds a measure noun.
fn has_head_refs(words: &[&Word<'_>]) -> bool {
    // the head stands before the first preposition: "collapse of Barings Bank", "prices in
    // London"
    let before_prep = words
        .iter()
        .position(|w| w.is(PREPOSITION))
        .filter(|&p| p > 0)
        .unwrap_or(words.len());
    let Some(last) = words[..before_prep].last() else {
        return false;
    };
    let head = last.stem();
    // "adding", "leading": a lone participle
    if words.len() == 1 && is_verb_like_ing(last) {
        return false;
    }
    if last.stem_is(NONHEAD)
        || last.function()
        || last.adverb()
        || last.stem_is(VERB)
        || head
            .bytes()
            .all(|b| b.is_ascii_digit() || b".,/-".contains(&b))
    {
        return false;
    }
    let mut content = words.iter().filter(|w| !w.function());
    let named_only = content.clone().all(|w| w.capitalised());
    !named_only || content.any(|w| w.stem_is(MEASURE))
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn cuts_at_verbs() {
        assert_eq!(tidy("implying GDP growth").as_deref(), Some("GDP growth"));
        assert_eq!(
            tidy("lift its dividend payment").as_deref(),
            Some("dividend payment")
        );
        assert_eq!(tidy("sales came").as_deref(), Some("sales"));
        assert_eq!(
            tidy("Nestle forecasts organic earnings").as_deref(),
            Some("Nestle organic earnings")
        );
        assert_eq!(tidy("China came second"), None);
        assert_eq!(
            tidy("mortgage lending").as_deref(),
            Some("mortgage lending")
        );
    }

    #[test]
    fn owners_are_named_tails() {
        assert_eq!(super::named_tail("fourth alone Ford"), "Ford");
        assert_eq!(super::named_tail("Wells Fargo"), "Wells Fargo");
        assert_eq!(super::named_tail("the group"), "");
    }

    #[test]
    fn strips_edges_and_time() {
        assert_eq!(tidy("and Nationwide").as_deref(), None);
        assert_eq!(tidy("and house prices").as_deref(), Some("house prices"));
        assert_eq!(
            tidy("pre-tax earnings in the fourth").as_deref(),
            Some("pre-tax earnings")
        );
        assert_eq!(
            tidy("sales in shopping malls in the week to 25").as_deref(),
            Some("sales in shopping malls")
        );
        assert_eq!(tidy("first six months"), None);
        assert_eq!(
            tidy("out of a total grain harvest").as_deref(),
            Some("total grain harvest")
        );
    }

    #[test]
    fn rejects_names_and_fragments() {
        for junk in [
            "well",
            "China",
            "State Council",
            "Barclays",
            "previously",
            "annual",
            "at",
        ] {
            assert_eq!(tidy(junk), None, "{junk}");
        }
        assert_eq!(tidy("GDP").as_deref(), Some("GDP"));
        assert_eq!(tidy("Sales").as_deref(), Some("Sales"));
        assert_eq!(tidy("Shell reserves").as_deref(), Some("Shell reserves"));
        assert_eq!(tidy("ending Friday"), None);
        assert_eq!(
            tidy("Slumping share prices throughout forced most firms").as_deref(),
            Some("most firms")
        );
    }
}
