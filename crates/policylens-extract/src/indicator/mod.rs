//! Indicator statements: a quantity tied to its metric, jurisdiction, period and status, one
//! sentence at a time. Each figure finds its metric ([`metric`]), its period (a period written
//! right after it, else the nearest one before it, else one its statement already holds, else
//! the period the story is in), and its status ([`status`]).

mod lexicon;
mod metric;
mod price;
mod status;
mod synonyms;
mod tidy;
mod tokens;

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::fact::{Fact, FactKind, Value};
use crate::period::{self, Anchor, Date, Period, PeriodMention, Role, When};
use crate::quantity::Mention;
use crate::taxonomy::Taxonomy;
use crate::text::Doc;

/// What one figure of a sentence was found to state.
#[derive(Debug, Clone)]
struct Statement {
    mention: usize,
    /// The metric phrase as written, without growth suffix or jurisdiction.
    base: String,
    /// Figures of one statement share a key (their subject phrase).
    key: usize,
    /// A base value of a change ("up from 530 mln"): dated only by its own period.
    from: bool,
    /// Index of the period written right after the figure, if any.
    adjacent: Option<usize>,
    own_status: Option<&'static str>,
    /// "growth"/"decline" from a change noun before the metric ("a drop in cane acreage").
    change: Option<&'static str>,
    /// A price per unit named in the subject ("the cost of producing one tonne").
    per: Option<String>,
    place: Option<(String, &'static str)>,
}

static ADJACENT_GAP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)^[\s,]*(?:(?:in|at|by|for|during|on|of|as\s+of)\s+)?(?:the\s+)?(?:(?:calendar|fiscal|financial|crop)\s+(?:year\s+)?)?$")
        .expect("gap pattern compiles")
});

static FROM_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(?:from|against|compared\s+with|compared\s+to|versus)\s+$")
        .expect("from pattern compiles")
});

/// Where a clause breaks at byte `i` of `s`, if it does: the end of the break. A break is a
/// comma, semicolon or colon before whitespace or the end (a comma inside a number, "70,000",
/// ends no clause), or "which", "but", "while" or "whereas" as a whole word, in any ASCII case.
/// Written out rather than as a regex as it runs for every figure; breaks never overlap, so
/// they can be looked for from either end.
fn clause_break_at(s: &[u8], i: usize) -> Option<usize> {
    if !may_break(s[i]) {
        return None;
    }
    let is_word = |k: usize| {
        s.get(k)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    match s[i] {
        b',' | b';' | b':' => match s.get(i + 1) {
            None => Some(i + 1),
            Some(b'\t'..=b'\r' | b' ') => Some(i + 2),
            Some(_) => None,
        },
        b'b' | b'B' | b'w' | b'W' if i == 0 || !is_word(i - 1) => {
            let word = ["which", "but", "while", "whereas"].into_iter().find(|w| {
                s[i..]
                    .get(..w.len())
                    .is_some_and(|t| t.eq_ignore_ascii_case(w.as_bytes()))
            })?;
            let end = i + word.len();
            (!is_word(end)).then_some(end)
        }
        _ => None,
    }
}

const GROWTH_WORDS: &[&str] = &[
    "growth", "increase", "rise", "decline", "fall", "drop", "cut", "gain",
];

/// Indicator facts of the document, built on its quantity mentions.
pub fn extract(
    doc: &Doc<'_>,
    quantities: &[Mention],
    date: Option<Date>,
    _taxonomy: &Taxonomy,
) -> Vec<Fact> {
    let sentences = doc.sentences();
    // the figures of each sentence (a figure the sentence splitter cut through belongs to none)
    let mut next = 0usize;
    let figures: Vec<Vec<usize>> = sentences
        .iter()
        .map(|sentence| {
            let first = next;
            while next < quantities.len() && quantities[next].span.start < sentence.end {
                next += 1;
            }
            (first..next)
                .filter(|&i| {
                    quantities[i].span.start >= sentence.start
                        && quantities[i].span.end <= sentence.end
                })
                .collect()
        })
        .collect();
    // periods matter in sentences with figures and in the two before them (the story's
    // current period); other sentences are not searched
    let mut wanted = vec![false; sentences.len()];
    for q in quantities {
        let si = sentences.partition_point(|s| s.start <= q.span.start);
        let si = si.saturating_sub(1);
        for slot in wanted.iter_mut().skip(si.saturating_sub(2)).take(3) {
            *slot = true;
        }
    }
    let periods = Periods {
        text: doc.text,
        sentences,
        quantities,
        figures: &figures,
        wanted: &wanted,
        anchor: date.map(Anchor::from),
        found: std::iter::repeat_with(OnceCell::new)
            .take(sentences.len())
            .collect(),
    };
    let mut scratch = sentence::Scratch::default();
    let main_place = OnceCell::new();
    let doc_places = OnceCell::new();
    let mut facts = Vec::new();
    let mut seen: BTreeMap<(u64, String, String, String), (usize, String)> = BTreeMap::new();
    // the one metric the previous sentence stated, with its unit: what "It rose 5%" is about
    let mut antecedent: Option<(String, String, usize)> = None;
    for (si, sentence) in sentences.iter().enumerate() {
        let in_sentence = &figures[si];
        if !wanted[si] || in_sentence.is_empty() {
            continue;
        }
        let found = if in_sentence
            .iter()
            .any(|&i| sentence::eligible(&quantities[i]))
        {
            let found = periods.of(si);
            let ctx = Sentence {
                doc,
                range: sentence.clone(),
                quantities,
                periods: &found.periods,
                resolved: &found.resolved,
                anchor: periods.anchor,
                recent: &|| periods.recent(si),
                main_place: &main_place,
                doc_places: &doc_places,
                antecedent: antecedent
                    .as_ref()
                    .filter(|(_, _, s)| s + 1 == si)
                    .map(|(m, u, _)| (m.as_str(), u.as_str())),
                previous_start: sentences[si.saturating_sub(1)].start,
                tense: OnceCell::new(),
            };
            ctx.facts(in_sentence, &mut scratch)
        } else {
            Vec::new()
        };
        let mut stated = found.iter().filter_map(|f| match &f.kind {
            FactKind::Indicator { metric, unit, .. } => Some((metric, unit)),
            _ => None,
        });
        antecedent = match stated.next() {
            Some((m, u)) if stated.all(|(m2, u2)| m2 == m && u2 == u) => {
                Some((m.clone(), u.clone(), si))
            }
            _ => None,
        };
        for fact in found {
            if let FactKind::Indicator {
                metric,
                value,
                unit,
                period,
                qualifier,
                ..
            } = &fact.kind
            {
                // the same figure for the same period stated again in a later sentence
                // (a headline, then the story) is one fact, whatever the wording
                let key = (
                    value.to_bits(),
                    unit.clone(),
                    period.clone(),
                    qualifier.clone(),
                );
                let metric_key = metric.to_lowercase();
                let restated = seen
                    .get(&key)
                    .is_some_and(|&(s, ref m)| s != si || *m == metric_key);
                if !restated {
                    seen.entry(key).or_insert((si, metric_key));
                    facts.push(fact);
                }
            }
        }
    }
    facts
}

/// The periods of the wanted sentences, each searched for only when first asked for: those
/// of a sentence with figures to state, and a sentence's point in time when a figure after it
/// leans on the story's current period.
struct Periods<'a> {
    text: &'a str,
    sentences: &'a [Range<usize>],
    quantities: &'a [Mention],
    figures: &'a [Vec<usize>],
    wanted: &'a [bool],
    anchor: Option<Anchor>,
    found: Vec<OnceCell<SentencePeriods>>,
}

struct SentencePeriods {
    /// The period expressions of the sentence that are no part of a figure.
    periods: Vec<PeriodMention>,
    resolved: Vec<Option<Period>>,
    /// The first point in time the sentence states, once resolved.
    point: Option<Period>,
}

impl Periods<'_> {
    fn of(&self, si: usize) -> &SentencePeriods {
        self.found[si].get_or_init(|| {
            let figures = &self.figures[si];
            let mut periods: Vec<PeriodMention> =
                period::find(self.text, self.sentences[si].clone());
            periods.retain(|p| {
                !figures
                    .iter()
                    .any(|&i| overlaps(&self.quantities[i].span, &p.span))
            });
            // only relative periods without a document date lean on the story's current one
            let leaning = self.anchor.is_none() && periods.iter().any(|p| p.when.is_relative());
            let recent = if leaning { self.recent(si) } else { None };
            let first_fixed = periods.iter().find_map(|p| match p.when {
                When::Fixed(x) if p.role == Role::Point => Some(x),
                _ => None,
            });
            let resolved: Vec<Option<Period>> = periods
                .iter()
                .map(|p| resolve(p.when, self.anchor, recent, first_fixed))
                .collect();
            let point = periods
                .iter()
                .zip(&resolved)
                .find_map(|(p, r)| (p.role == Role::Point).then_some(*r).flatten());
            SentencePeriods {
                periods,
                resolved,
                point,
            }
        })
    }

    /// The story's current period at sentence `si`: the point in time of one of the two
    /// sentences before it.
    fn recent(&self, si: usize) -> Option<Period> {
        (si.saturating_sub(2)..si)
            .rev()
            .filter(|&s| self.wanted[s])
            .find_map(|s| self.of(s).point)
    }
}

/// Resolves a period expression: against the document date, or without one against a year the
/// text states nearby ("last year" after "in 2004" is that year, as a reader takes it).
///
/// "Last year" leans only on earlier sentences: in "grew 1.6% last year after shrinking in
/// 2003" the year of the same sentence is the one it is contrasted with. A bare month or
/// quarter may take the year its own sentence states ("in December, after 2004 as a whole").
fn resolve(
    when: When,
    anchor: Option<Anchor>,
    recent: Option<Period>,
    same_sentence: Option<Period>,
) -> Option<Period> {
    if anchor.is_some() || !when.is_relative() {
        return when.resolve(anchor);
    }
    match when {
        When::Year(offset) if offset <= 0 => Some(Period::Year(recent?.year())),
        When::Year(_) | When::Month(_) => None,
        _ => {
            let year = recent.or(same_sentence)?.year();
            when.resolve(Some(Anchor { year, month: None }))
        }
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// The place a story is mostly about, given the places it names: the most named one, the
/// first named on a tie.
fn main_place(found: &[(Range<usize>, &'static str)]) -> Option<&'static str> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for &(_, place) in found {
        match counts.iter_mut().find(|(p, _)| *p == place) {
            Some((_, n)) => *n += 1,
            None => counts.push((place, 1)),
        }
    }
    // the most named; on a tie the first named (max_by_key keeps the last maximum)
    counts.iter().rev().max_by_key(|(_, n)| *n).map(|(p, _)| *p)
}

mod sentence;
mod timing;
use sentence::Sentence;

/// Builds the indicator fact(s) of one figure: a range gives its two bounds.
fn build(
    doc: &Doc<'_>,
    mention: &Mention,
    metric: String,
    unit: String,
    jurisdiction: &str,
    period: Period,
    status: &str,
) -> Vec<Fact> {
    let (start, end, text, sentence) = doc.provenance(mention.span.clone());
    let fact = |value: f64, qualifier: &str, metric, unit, text, sentence| Fact {
        kind: FactKind::Indicator {
            metric,
            jurisdiction: jurisdiction.to_string(),
            value,
            unit,
            qualifier: qualifier.to_string(),
            period: period.to_string(),
            status: status.to_string(),
        },
        start,
        end,
        text,
        sentence,
    };
    match mention.value {
        Value::Single(v) => vec![fact(v, mention.qualifier, metric, unit, text, sentence)],
        Value::Range([low, high]) => vec![
            fact(
                low,
                "at_least",
                metric.clone(),
                unit.clone(),
                text.clone(),
                sentence.clone(),
            ),
            fact(high, "at_most", metric, unit, text, sentence),
        ],
    }
}

/// Whether a clause break can start with byte `b`: a cheap filter before [`clause_break_at`].
fn may_break(b: u8) -> bool {
    MAY_BREAK[usize::from(b)]
}

/// [`may_break`] as a table: it runs for every byte before and after each figure.
const MAY_BREAK: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    let starts = *b",;:bBwW";
    while k < starts.len() {
        table[starts[k] as usize] = true;
        k += 1;
    }
    table
};

/// The end of the last clause break in `s`.
fn last_clause_break(s: &[u8]) -> Option<usize> {
    let mut i = s.len();
    while let Some(k) = s[..i].iter().rposition(|&b| may_break(b)) {
        if let Some(end) = clause_break_at(s, k) {
            return Some(end);
        }
        i = k;
    }
    None
}

/// The start of the first clause break in `s`.
fn first_clause_break(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(k) = s[i..].iter().position(|&b| may_break(b)) {
        if clause_break_at(s, i + k).is_some() {
            return Some(i + k);
        }
        i += k + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{clause_break_at, first_clause_break, last_clause_break};
    use regex::Regex;

    #[test]
    fn clause_breaks_are_the_regex_ones() {
        let regex = Regex::new(r"(?i-u)[,;:](?:\s|$)|\b(?:which|but|while|whereas)\b").unwrap();
        for text in [
            "Exports, which rose; but 70,000 tonnes: while",
            "WHEREAS x,\ty:\x0bz,",
            "abut whiches butter _but but_ but: ,",
            "débutant but, which",
            "",
            ",",
            "whereas",
        ] {
            let expect: Vec<(usize, usize)> = regex
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect();
            let found: Vec<(usize, usize)> = (0..text.len())
                .filter_map(|i| clause_break_at(text.as_bytes(), i).map(|end| (i, end)))
                .collect();
            assert_eq!(found, expect, "{text}");
            let first = regex.find(text).map(|m| m.start());
            assert_eq!(first_clause_break(text.as_bytes()), first, "{text}");
            let last = regex.find_iter(text).last().map(|m| m.end());
            assert_eq!(last_clause_break(text.as_bytes()), last, "{text}");
        }
    }
}
