//! What a figure measures: the noun phrase a quantity is stated of, found by walking left from
//! the figure over verbs and auxiliaries to its subject ("US exports rose 12.3% to"), through
//! "of"/"at" complements ("a group net profit of", "put output at"), or rightwards from a
//! premodifying figure ("a $45bn state bailout") or a share ("45 pct of China's sugar").

pub use super::lexicon::is_period_word;
use super::tidy::is_nonhead;
use super::tokens::{
    BREAK_WORD, CHAIN_WORD, DETERMINERS, GENERIC_HEAD, Kind, NP_PREPOSITIONS, Token, is_break,
    is_chain, word_classes,
};

/// Where a figure's metric comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// A phrase of the sentence: token range, and an optional owner phrase to put before it
    /// ("Panin Holdings reported a loss of" → owner "Panin Holdings").
    Phrase {
        tokens: std::ops::Range<usize>,
        owner: Option<std::ops::Range<usize>>,
        /// The figure is a share of the phrase ("45 pct of China's sugar").
        share: bool,
    },
    /// The figure continues the statement of an earlier figure (by mention index).
    Inherit(usize),
    Nothing,
}

/// Nouns of change: "a 20% rise in X" states the change of X.
const CHANGE_NOUNS: &[&str] = &[
    "rise",
    "increase",
    "growth",
    "gain",
    "jump",
    "surge",
    "drop",
    "fall",
    "decline",
    "decrease",
    "cut",
    "reduction",
];

const STATUS_NOUNS: &[&str] = &[
    "projections",
    "projection",
    "forecasts",
    "forecast",
    "expectations",
    "estimates",
    "estimate",
    "plans",
    "targets",
    "target",
    "hopes",
    "figures",
    "data",
];

/// Words that may appear inside a noun phrase even though they also appear in [`CHAIN`].
const NP_OK: &[&str] = &[
    "a", "an", "of", "in", "for", "to", "from", "at", "new", "record", "total", "some", "top",
    "more", "over", "another", "on", "with", "between",
];

pub struct Walker<'a> {
    pub text: &'a str,
    pub tokens: &'a [Token],
    /// The sentence in ASCII lower case (same byte offsets), starting at byte `base`.
    pub lower: &'a str,
    pub base: usize,
}

impl<'a> Walker<'a> {
    #[inline]
    pub fn word(&self, i: usize) -> Option<&'a str> {
        let t = self.tokens.get(i)?;
        (t.kind == Kind::Word)
            .then(|| &self.lower[t.span.start - self.base..t.span.end - self.base])
    }

    #[inline]
    pub fn is(&self, i: usize, words: &[&str]) -> bool {
        self.word(i).is_some_and(|w| words.contains(&w))
    }

    fn punct(&self, i: usize) -> Option<&'a str> {
        let t = self.tokens.get(i)?;
        (t.kind == Kind::Punct).then(|| &self.text[t.span.clone()])
    }

    fn quantity(&self, i: usize) -> Option<usize> {
        match self.tokens.get(i)?.kind {
            Kind::Quantity(m) => Some(m),
            _ => None,
        }
    }

    fn is_verb(&self, i: usize) -> bool {
        self.word(i)
            .is_some_and(|w| self.is_verb_of_class(i, w, word_classes(w)))
    }

    /// [`Self::is_verb`] for the word `w` at token `i`, given its [`word_classes`].
    fn is_verb_of_class(&self, i: usize, w: &str, classes: u8) -> bool {
        if classes & CHAIN_WORD != 0 && !NP_OK.contains(&w) {
            return true;
        }
        let raw = &self.text[self.tokens[i].span.clone()];
        // "are loading", "is affecting": a progressive verb
        if raw.len() > 4
            && raw.ends_with("ing")
            && i > 0
            && self.is(
                i - 1,
                &[
                    "is",
                    "are",
                    "was",
                    "were",
                    "be",
                    "been",
                    "being",
                    "currently",
                ],
            )
        {
            return true;
        }
        // plain past forms ("agreed", "burdened"), not "Hong Kong-listed" or "United"
        raw.len() > 4
            && raw.ends_with("ed")
            && !raw.contains('-')
            && raw.starts_with(char::is_lowercase)
    }

    /// The start of the noun phrase ending just before token `end`, if there is one.
    fn phrase_before(&self, end: usize) -> Option<usize> {
        let mut j = end;
        let mut words = 0;
        while j > 0 && words < 14 {
            let i = j - 1;
            if let Some(p) = self.punct(i) {
                // a bracketed aside inside the phrase: "(XIB)", "(September-April)"
                if p == ")" {
                    let open = (0..i).rev().take(8).find(|&k| self.punct(k) == Some("("));
                    if let Some(open) = open {
                        j = open;
                        continue;
                    }
                }
                break;
            }
            if self.quantity(i).is_some() {
                break;
            }
            let w = self.word(i).unwrap_or_default();
            let classes = word_classes(w);
            if classes & BREAK_WORD != 0 || self.is_verb_of_class(i, w, classes) {
                break;
            }
            if matches!(w, "and" | "or" | "with" | "&") {
                let joins_nouns = i > 0
                    && self.word(i - 1).is_some()
                    && !self.word(i - 1).is_some_and(is_break)
                    && !self.is_verb(i - 1);
                if !joins_nouns {
                    break;
                }
            }
            j = i;
            words += 1;
        }
        // trim leading function words
        while j < end
            && (self.is(j, DETERMINERS)
                || self.is(j, NP_PREPOSITIONS)
                || self.is(j, &["and", "or", "with"]))
        {
            j += 1;
        }
        let has_content = (j..end).any(|k| {
            self.word(k).is_some_and(|w| {
                !STATUS_NOUNS.contains(&w)
                    && !is_period_word(w)
                    && !DETERMINERS.contains(&w)
                    && !NP_PREPOSITIONS.contains(&w)
                    && !matches!(w, "and" | "or" | "&")
            })
        });
        has_content.then_some(j)
    }

    /// The noun phrase starting at token `start` and running right: "state bailout", "collapse of
    /// Barings Bank", "China's sugar".
    pub fn phrase_after(&self, start: usize) -> Option<usize> {
        let mut j = start;
        while j < self.tokens.len() && j - start < 7 {
            let Some(w) = self.word(j) else { break };
            let classes = word_classes(w);
            if classes & BREAK_WORD != 0 || self.is_verb_of_class(j, w, classes) {
                break;
            }
            if NP_PREPOSITIONS.contains(&w) && w != "of" {
                break;
            }
            j += 1;
        }
        while j > start
            && (self.is(j - 1, NP_PREPOSITIONS)
                || self.is(j - 1, DETERMINERS)
                || self.word(j - 1).is_some_and(is_period_word))
        {
            j -= 1;
        }
        let content = (start..j).any(|k| {
            self.word(k)
                .is_some_and(|w| !is_period_word(w) && !DETERMINERS.contains(&w))
        });
        content.then_some(j)
    }

    /// Skips back from `end` over period words and linking words; the quantity found there.
    fn quantity_behind(&self, mut end: usize) -> Option<usize> {
        while end > 0 {
            let i = end - 1;
            if let Some(m) = self.quantity(i) {
                return Some(m);
            }
            let linking = self.punct(i).is_some_and(|p| p == "," || p == ";")
                || self.word(i).is_some_and(|w| {
                    is_period_word(w)
                        || STATUS_NOUNS.contains(&w)
                        || matches!(w, "in" | "and" | "with" | "the" | "at" | "of" | "to" | "a")
                });
            if !linking {
                return None;
            }
            end = i;
        }
        None
    }

    /// The owner before a verb that precedes a complement phrase: "Panin Holdings reported".
    fn owner_before(&self, phrase_start: usize) -> Option<std::ops::Range<usize>> {
        let mut v = phrase_start;
        while v > 0 && self.is(v - 1, DETERMINERS) {
            v -= 1;
        }
        if v == 0 {
            return None;
        }
        let verb = self.word(v - 1)?;
        let reporting = matches!(
            verb,
            "reported" | "posted" | "announced" | "recorded" | "had" | "has" | "made"
        );
        if !(reporting || self.is_verb(v - 1)) {
            return None;
        }
        let mut end = v - 1;
        if self.punct(end.saturating_sub(1)) == Some(",") {
            end -= 1;
        }
        let start = self.phrase_before(end)?;
        let named = (start..end).any(|k| {
            self.tokens[k].kind == Kind::Word
                && self.text[self.tokens[k].span.clone()].starts_with(char::is_uppercase)
                && !self.is(k, DETERMINERS)
        });
        named.then_some(start..end)
    }

    /// Finds the metric phrase of the quantity at token `q`.
    pub fn find(&self, q: usize) -> Found {
        // a premodifying figure: "a $45bn state bailout", "the $1.2bn collapse of Barings Bank"
        // "a 20% rise in pre-tax profits": the change of the phrase after "in"
        if q > 0
            && self.is(q - 1, &["a", "an"])
            && self.is(q + 1, CHANGE_NOUNS)
            && self.is(q + 2, &["in", "of"])
            && let Some(end) = self.phrase_after(q + 3)
        {
            return Found::Phrase {
                tokens: q + 3..end,
                owner: self.owner_before(q),
                share: false,
            };
        }
        if q > 0
            && self.is(q - 1, &["a", "an", "the"])
            && let Some(end) = self.phrase_after(q + 1)
        {
            return Found::Phrase {
                tokens: q + 1..end,
                owner: None,
                share: false,
            };
        }
        let left = self.find_left(q);
        if left != Found::Nothing {
            return left;
        }
        // a share: "45 pct of China's sugar", "$190bn of bad debt"
        if self.is(q + 1, &["of"])
            && let Some(end) = self.phrase_after(q + 2)
        {
            return Found::Phrase {
                tokens: q + 2..end,
                owner: None,
                share: true,
            };
        }
        Found::Nothing
    }

    fn find_left(&self, q: usize) -> Found {
        let mut j = q;
        // complements: "a group net profit of about", "put 1986/87 output at"
        if j > 0 && self.is(j - 1, &["of", "at"]) {
            let k = j - 1;
            if let Some(m) = k.checked_sub(1).and_then(|i| self.quantity(i)) {
                return Found::Inherit(m);
            }
            match self.phrase_before(k) {
                Some(start) => {
                    let head = self.word(k - 1).unwrap_or_default();
                    if !GENERIC_HEAD.contains(&head) {
                        return Found::Phrase {
                            tokens: start..k,
                            owner: self.owner_before(start),
                            share: false,
                        };
                    }
                    j = start;
                }
                None => j = k,
            }
        }
        // verbs, auxiliaries, adverbs and periods between subject and figure
        while j > 0 {
            let i = j - 1;
            if let Some(m) = self.quantity(i) {
                return Found::Inherit(m);
            }
            if let Some(w) = self.word(i) {
                // "expanded by a breakneck 9.5%": an adjective of the figure itself
                let of_figure = i + 1 == q
                    && is_nonhead(w)
                    && !is_chain(w)
                    && !is_period_word(w)
                    && self.text[self.tokens[i].span.clone()].starts_with(char::is_lowercase);
                if is_chain(w) || is_period_word(w) || self.is(i, DETERMINERS) || of_figure {
                    j = i;
                    continue;
                }
                break;
            }
            if let Some("," | "-" | "–") = self.punct(i) {
                if let Some(m) = self.quantity_behind(i) {
                    return Found::Inherit(m);
                }
                // ", which accounted for 28 pct of the 1985 crop," is an aside
                let aside = (i.saturating_sub(16)..i)
                    .rev()
                    .find(|&k| self.punct(k) == Some(",") && self.is(k + 1, &["which", "who"]));
                // "Growth in industrial output - the main target of ... - was 11.5%": a dashed
                // aside
                let dashed = matches!(self.punct(i), Some("-" | "–"))
                    .then(|| {
                        (i.saturating_sub(20)..i)
                            .rev()
                            .find(|&k| matches!(self.punct(k), Some("-" | "–")))
                    })
                    .flatten()
                    .filter(|&k| {
                        k > 0
                            && k + 2 < i
                            && self.word(k - 1).is_some()
                            && !(k..i).any(|t| self.quantity(t).is_some())
                    });
                j = aside.or(dashed).unwrap_or(i);
            }
            break;
        }
        match self.phrase_before(j) {
            // "GlaxoSmithKline saw its profits fall 9%": the owner of "its"
            Some(start) => Found::Phrase {
                tokens: start..j,
                owner: self
                    .is(start.saturating_sub(1), &["its", "their"])
                    .then(|| self.owner_before(start))
                    .flatten(),
                share: false,
            },
            None => match self.quantity_behind(j) {
                Some(m) => Found::Inherit(m),
                None => Found::Nothing,
            },
        }
    }

    /// Whether the subject of the figure at token `q` is a sentence-opening "it" ("It rose 5%",
    /// "..., and it was 2.1%"): only verbs, auxiliaries and periods stand between them.
    pub fn anaphor(&self, q: usize) -> bool {
        let mut j = q;
        while j > 0 {
            let i = j - 1;
            let Some(w) = self.word(i) else { break };
            if is_chain(w) || is_period_word(w) || self.is(i, DETERMINERS) {
                j = i;
                continue;
            }
            break;
        }
        if j == 0 || !self.is(j - 1, &["it"]) {
            return false;
        }
        let it = j - 1;
        it == 0 || self.punct(it - 1) == Some(",") || self.is(it - 1, &["and", "but"])
    }

    /// The metric text of a phrase: period words, determiners and edge prepositions dropped.
    pub fn name(&self, tokens: std::ops::Range<usize>) -> String {
        // each kept word as written and in lower case
        let mut words: Vec<(&str, &str)> = Vec::new();
        let mut k = tokens.start;
        while k < tokens.end {
            let t = &self.tokens[k];
            let raw = &self.text[t.span.clone()];
            let Some(lower) = self.word(k) else {
                if raw == "(" {
                    // drop a bracketed aside: "(September-April)", "(XIB)"
                    while k < tokens.end && &self.text[self.tokens[k].span.clone()] != ")" {
                        k += 1;
                    }
                }
                k += 1;
                continue;
            };
            // "for all of last year", "in 2003", "at end-1986", "calendar 1985"
            if is_period_word(lower) {
                while words.last().is_some_and(|(_, w)| {
                    matches!(
                        *w,
                        "in" | "for"
                            | "during"
                            | "at"
                            | "of"
                            | "all"
                            | "the"
                            | "calendar"
                            | "fiscal"
                            | "last"
                            | "this"
                            | "next"
                    )
                }) {
                    words.pop();
                }
                k += 1;
                continue;
            }
            words.push((raw, lower));
            k += 1;
        }
        let edge = |w: &str| DETERMINERS.contains(&w) || NP_PREPOSITIONS.contains(&w);
        let first = words
            .iter()
            .position(|(_, w)| !edge(w))
            .unwrap_or(words.len());
        let words = &words[first..];
        let end = words
            .iter()
            .rposition(|(_, w)| !edge(w) && *w != "and")
            .map_or(0, |last| last + 1);
        let words = &words[..end];
        let mut name = String::with_capacity(words.iter().map(|(raw, _)| raw.len() + 1).sum());
        for (k, (raw, _)) in words.iter().enumerate() {
            if k > 0 {
                name.push(' ');
            }
            name.push_str(raw);
        }
        name
    }
}
