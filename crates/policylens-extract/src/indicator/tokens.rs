//! Sentence tokens for the indicator grammar: words, punctuation, and whole quantity mentions
//! collapsed into one token each, with the word classes the metric walker needs.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::sync::LazyLock;

use crate::taxonomy::Fnv;
use crate::text::ASCII_ALNUM;

/// A token of a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub span: Range<usize>,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Punct,
    /// A quantity mention, by its index in the document's mention list.
    Quantity(usize),
}

/// Tokens of `text[range]` into `out` (cleared first); `quantities` are (mention index, byte
/// span) pairs in text order.
pub fn tokenize(
    text: &str,
    range: Range<usize>,
    quantities: &[(usize, Range<usize>)],
    out: &mut Vec<Token>,
) {
    let bytes = text.as_bytes();
    out.clear();
    let mut q = quantities.iter().peekable();
    let mut i = range.start;
    while i < range.end {
        while q.peek().is_some_and(|(_, span)| span.end <= i) {
            q.next();
        }
        let next_quantity = match q.peek() {
            Some((idx, span)) if span.start <= i => {
                out.push(Token {
                    span: span.clone(),
                    kind: Kind::Quantity(*idx),
                });
                i = span.end;
                continue;
            }
            Some((_, span)) => span.start.min(range.end),
            None => range.end,
        };
        // up to the next quantity only words, punctuation and white space, ASCII decided by
        // byte (a word may run into the quantity: it is looked for again after each word)
        while i < next_quantity {
            let b = bytes[i];
            let ch = char_at(text, i);
            if ASCII_ALNUM[usize::from(b)] || (b >= 0x80 && ch.is_alphanumeric()) {
                i = push_word(text, &range, i, out);
                break;
            }
            if !ch.is_whitespace() {
                out.push(Token {
                    span: i..i + ch.len_utf8(),
                    kind: Kind::Punct,
                });
            }
            i += ch.len_utf8();
        }
    }
}

/// Pushes the word starting at byte `start` (an alphanumeric char); returns its end.
fn push_word(text: &str, range: &Range<usize>, start: usize, out: &mut Vec<Token>) -> usize {
    let bytes = text.as_bytes();
    let mut j = start;
    while j < range.end {
        if ASCII_ALNUM[usize::from(bytes[j])] {
            j += 1;
            continue;
        }
        let c = char_at(text, j);
        let joins = c.is_alphanumeric()
            || (matches!(c, '\'' | '’' | '-' | '&' | '/' | '.')
                && text.len() > j + c.len_utf8()
                && char_at(text, j + c.len_utf8()).is_alphanumeric());
        if !joins {
            break;
        }
        j += c.len_utf8();
    }
    // "U.S." keeps its final dot; "Ltd." does not
    if j < range.end && bytes[j] == b'.' && bytes[start..j].contains(&b'.') {
        j += 1;
    }
    // possessive after a plural: "mills'"
    if j < range.end && bytes[j] == b'\'' && bytes[j - 1] == b's' {
        j += 1;
    }
    out.push(Token {
        span: start..j,
        kind: Kind::Word,
    });
    j
}

/// The character starting at byte `i` (a char boundary before the end of `text`), without
/// decoding when it is ASCII.
fn char_at(text: &str, i: usize) -> char {
    match text.as_bytes()[i] {
        b @ 0..0x80 => char::from(b),
        _ => text[i..].chars().next().unwrap_or(' '),
    }
}

/// Words that end a noun phrase walking leftwards: clause openers and reporting verbs.
pub const BREAK: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "told",
    "show",
    "shows",
    "showed",
    "shown",
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "where",
    "when",
    "while",
    "but",
    "because",
    "as",
    "if",
    "although",
    "though",
    "however",
    "according",
    "after",
    "before",
    "than",
    "since",
    "unless",
    "whereas",
    "meanwhile",
    "also",
    "added",
    "believe",
    "believes",
    "claim",
    "claims",
    "noted",
    "reported",
    "announced",
    "quoted",
    "put",
    "putting",
    "estimated",
    "estimates",
    "forecast",
    "expects",
    "expect",
    "against",
    "despite",
    "within",
    "among",
    "into",
    "onto",
    "about",
    "under",
    "cutting",
    "giving",
    "leaving",
    "bringing",
    "making",
    "taking",
    "compared",
    "including",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "there",
    "here",
    "this",
    "these",
    "those",
    "what",
    "how",
    "why",
    "not",
    "no",
    "versus",
    "vs",
    "earlier",
    "later",
    "ago",
    "actual",
    "instead",
    "compared",
    "boosting",
    "sees",
    "see",
    "predicts",
    "predicted",
];

/// Verbs, auxiliaries and adverbs between a subject and its figure ("rose even faster by").
pub const CHAIN: &[&str] = &[
    "to",
    "by",
    "from",
    "up",
    "down",
    "at",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "will",
    "would",
    "could",
    "should",
    "may",
    "might",
    "must",
    "can",
    "has",
    "have",
    "had",
    "rose",
    "rise",
    "rises",
    "risen",
    "rising",
    "fell",
    "fall",
    "falls",
    "fallen",
    "falling",
    "grew",
    "grow",
    "grows",
    "grown",
    "growing",
    "totalled",
    "totaled",
    "totalling",
    "total",
    "totals",
    "reached",
    "reach",
    "reaches",
    "hit",
    "hits",
    "stood",
    "stand",
    "stands",
    "amounted",
    "amount",
    "amounts",
    "increased",
    "increase",
    "increases",
    "decreased",
    "decrease",
    "declined",
    "decline",
    "declines",
    "dropped",
    "drop",
    "drops",
    "jumped",
    "jump",
    "surged",
    "surge",
    "climbed",
    "climb",
    "narrowed",
    "narrow",
    "widened",
    "widen",
    "gained",
    "gain",
    "lost",
    "slumped",
    "soared",
    "expanded",
    "shrank",
    "plunged",
    "tumbled",
    "eased",
    "worth",
    "valued",
    "even",
    "faster",
    "further",
    "sharply",
    "slightly",
    "only",
    "just",
    "still",
    "a",
    "an",
    "new",
    "record",
    "exceed",
    "exceeds",
    "exceeded",
    "remain",
    "remained",
    "remains",
    "account",
    "accounted",
    "accounts",
    "for",
    "posted",
    "recorded",
    "earned",
    "made",
    "paid",
    "cut",
    "cuts",
    "raise",
    "raised",
    "reduce",
    "reduced",
    "seen",
    "set",
    "expected",
    "projected",
    "likely",
    "peak",
    "continue",
    "another",
    "some",
    "around",
    "nearly",
    "almost",
    "over",
    "more",
    "of",
    "in",
    "during",
    "reported",
    "top",
    "topped",
    "produced",
    "produce",
    "sold",
    "sell",
    "sells",
    "buy",
    "bought",
    "owns",
    "own",
    "held",
    "hold",
    "holds",
    "offered",
    "offer",
    "pay",
    "pays",
    "employs",
    "employ",
    "needed",
    "need",
    "spent",
    "spend",
    "spends",
    "borrow",
    "borrowed",
    "borrows",
    "export",
    "exported",
    "import",
    "imported",
    "produces",
    "earn",
    "earns",
    "invest",
    "invested",
    "invests",
    "ship",
    "shipped",
    "receive",
    "received",
    "obtain",
    "obtained",
    "provide",
    "provided",
    "lend",
    "lent",
    "allocate",
    "allocated",
    "issue",
    "issued",
    "fix",
    "fixed",
    "plan",
    "planned",
    "plans",
    "aim",
    "aims",
    "targeted",
    "estimate",
    "amounting",
    "showing",
    "standing",
    "reaching",
    "totaling",
    "compared",
    "around",
    "approximately",
    "roughly",
    "above",
    "below",
    "beyond",
    "saw",
    "sees",
];

/// Heads of phrases that only restate a level ("an all-time high of", "the 1986 level of").
pub const GENERIC_HEAD: &[&str] = &[
    "high",
    "low",
    "record",
    "level",
    "levels",
    "total",
    "figure",
    "sum",
    "value",
    "amount",
    "peak",
    "tune",
    "rate",
    "average",
    "estimate",
    "forecast",
    "projection",
    "projections",
    "forecasts",
    "estimates",
    "expectations",
    "target",
    "increase",
    "rise",
    "jump",
    "fall",
    "drop",
    "decline",
    "gain",
];

/// Determiners and pronouns dropped from the edges of a metric.
pub const DETERMINERS: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "those", "all",
    "some", "such", "other", "both",
];

/// Prepositions that may sit inside a noun phrase ("share of", "deficit with China").
pub const NP_PREPOSITIONS: &[&str] = &["of", "in", "for", "with", "between", "on", "to", "from"];

/// A map from the grammar's words, hashed with FNV-1a instead of the default SipHash: the
/// keys are fixed word lists, not input, so flooding resistance buys nothing, and words are
/// looked up for every token the walker passes.
pub type WordMap<V> = HashMap<&'static str, V, BuildHasherDefault<Fnv>>;

/// Class bits of [`word_classes`]: the word is in [`BREAK`], in [`CHAIN`].
pub const BREAK_WORD: u8 = 1;
pub const CHAIN_WORD: u8 = 2;

/// Both lists in one map, so that one lookup answers both questions.
static CLASSES: LazyLock<WordMap<u8>> = LazyLock::new(|| {
    let mut map = WordMap::<u8>::default();
    for (list, class) in [(BREAK, BREAK_WORD), (CHAIN, CHAIN_WORD)] {
        for &w in list {
            *map.entry(w).or_default() |= class;
        }
    }
    map
});

/// The classes of a lower-case word ([`BREAK_WORD`], [`CHAIN_WORD`]).
pub fn word_classes(word: &str) -> u8 {
    CLASSES.get(word).copied().unwrap_or_default()
}

/// Whether a lower-case word ends a noun phrase ([`BREAK`]).
pub fn is_break(word: &str) -> bool {
    word_classes(word) & BREAK_WORD != 0
}

/// Whether a lower-case word links a subject to its figure ([`CHAIN`]).
pub fn is_chain(word: &str) -> bool {
    word_classes(word) & CHAIN_WORD != 0
}
