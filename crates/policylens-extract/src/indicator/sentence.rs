//! One sentence's figures turned into indicator facts: metric, period, status, jurisdiction.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::{COUNT_UNITS, HOLDING_VERBS, change_of, noun_of_verb};
use super::metric::{Found, Walker};
use super::status::{self, Tense};
use super::tidy::{is_verb_like_ing_word, named_only, named_tail, tidy};
use super::tokens::{Kind, Token, tokenize};
use super::{ADJACENT_GAP, FROM_BEFORE, GROWTH_WORDS, Statement, build};
use super::{first_clause_break, last_clause_break};
use super::{price, synonyms};
use crate::fact::Fact;
use crate::period::{Anchor, Period, PeriodMention, Role, floor_char_boundary};
use crate::places;
use crate::quantity::Mention;
use crate::text::Doc;

static LEVEL_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)^\s+(?:level|levels|figure|total|output)\s+of\s+$")
        .expect("level pattern compiles")
});

/// Durations are how long something lasted, not a measure of it.
const DURATION_UNITS: &[&str] = &["years", "days", "months"];

/// Buffers of [`Sentence::facts`], kept across the sentences of a document: the tokens and
/// the lower-cased text of the sentence.
#[derive(Default)]
pub(super) struct Scratch {
    tokens: Vec<Token>,
    lower: String,
}

pub(super) struct Sentence<'a, 'd> {
    pub doc: &'a Doc<'d>,
    pub range: Range<usize>,
    pub quantities: &'a [Mention],
    pub periods: &'a [PeriodMention],
    pub resolved: &'a [Option<Period>],
    pub anchor: Option<Anchor>,
    /// The story's current period, worked out when first asked for.
    pub recent: &'a dyn Fn() -> Option<Period>,
    pub main_place: &'a std::cell::OnceCell<Option<&'static str>>,
    /// The places of the whole document, once listed (for its main place).
    pub doc_places: &'a std::cell::OnceCell<Vec<(Range<usize>, &'static str)>>,
    /// The one metric (and unit) the previous sentence stated.
    pub antecedent: Option<(&'a str, &'a str)>,
    /// Where the sentence before this one starts (this sentence's start for the first).
    pub previous_start: usize,
    /// The tense of the whole sentence, worked out when first asked for.
    pub tense: std::cell::OnceCell<Tense>,
}

impl Sentence<'_, '_> {
    /// The facts of the figures `mentions`; `scratch` holds buffers reused from sentence to
    /// sentence.
    pub fn facts(&self, mentions: &[usize], scratch: &mut Scratch) -> Vec<Fact> {
        if !mentions.iter().any(|&i| eligible(&self.quantities[i])) {
            return Vec::new();
        }
        let text = self.doc.text;
        let spans: Vec<(usize, Range<usize>)> = mentions
            .iter()
            .map(|&i| (i, self.quantities[i].span.clone()))
            .collect();
        tokenize(text, self.range.clone(), &spans, &mut scratch.tokens);
        let tokens = &scratch.tokens;
        let lower = &mut scratch.lower;
        lower.clear();
        lower.push_str(&text[self.range.clone()]);
        lower.make_ascii_lowercase();
        let lower = &*lower;
        let walker = Walker {
            text,
            tokens,
            lower,
            base: self.range.start,
        };
        let mut places: Vec<(Range<usize>, &'static str)> = match self.doc_places.get() {
            // the document's places, once listed for its main place: no second search
            Some(all) => {
                let first = all.partition_point(|(r, _)| r.start < self.range.start);
                all[first..]
                    .iter()
                    .take_while(|(r, _)| r.end <= self.range.end)
                    .cloned()
                    .collect()
            }
            None => {
                let mut found = places::find(&text[self.range.clone()]);
                for (r, _) in &mut found {
                    *r = r.start + self.range.start..r.end + self.range.start;
                }
                found
            }
        };
        places.retain(|(r, _)| {
            !spans
                .iter()
                .any(|(_, q)| q.start <= r.start && r.end <= q.end)
        });
        let mut statements: Vec<Statement> = Vec::new();
        for &i in mentions {
            let Some(q_tok) = tokens.iter().position(|t| t.kind == Kind::Quantity(i)) else {
                continue;
            };
            let statement = self.statement(&walker, tokens, &places, i, q_tok, &statements);
            statements.push(statement);
        }
        let has_point = self.periods.iter().any(|p| p.role != Role::Base);
        let mut facts = Vec::new();
        for s in &statements {
            let q = &self.quantities[s.mention];
            if !eligible(q) || s.base.is_empty() {
                continue;
            }
            if s.from && self.base_period(s, &statements).is_none() {
                continue;
            }
            let chosen = self.period_of(s, &statements, tokens, &walker);
            let (period, explicit) = match chosen.and_then(|k| self.resolved[k].map(|p| (p, k))) {
                Some((p, k)) => (p, Some(k)),
                None if chosen.is_none()
                    && let Some(p) = self.target_of_change(s, &statements) =>
                {
                    (p, None)
                }
                None if has_point || chosen.is_some() => continue,
                None => match self.undated(s) {
                    Some(p) => (p, None),
                    None => continue,
                },
            };
            let status = self.status_of(s, &statements, period, explicit);
            let metric = self.metric_of(s, q);
            let jurisdiction = s
                .place
                .as_ref()
                .map(|(_, p)| *p)
                .or_else(|| {
                    *self.main_place.get_or_init(|| {
                        super::main_place(
                            self.doc_places.get_or_init(|| places::find(self.doc.text)),
                        )
                    })
                })
                .unwrap_or("");
            let unit = match &s.per {
                Some(per) => format!("{} per {per}", q.unit),
                None => q.unit.clone(),
            };
            facts.extend(build(
                self.doc,
                q,
                metric,
                unit,
                jurisdiction,
                period,
                status,
            ));
        }
        facts
    }

    fn statement(
        &self,
        walker: &Walker<'_>,
        tokens: &[Token],
        places: &[(Range<usize>, &'static str)],
        i: usize,
        q_tok: usize,
        previous: &[Statement],
    ) -> Statement {
        let text = self.doc.text;
        let q = &self.quantities[i];
        let mut change = None;
        let mut per = None;
        let mut anaphoric = false;
        let (base, key, phrase) = match walker.find(q_tok) {
            Found::Phrase {
                tokens: r,
                owner,
                share,
            } => {
                // "a drop in cane acreage ... of up to 10 pct"
                if r.start >= 2 && walker.is(r.start - 1, &["in", "of"]) {
                    change = walker.word(r.start - 2).and_then(change_of);
                }
                let written = walker.name(r.clone());
                // "China has to feed one quarter of": an infinitive, not a noun
                let infinitive = r.start >= 2
                    && walker.is(r.start - 1, &["to"])
                    && walker.is(
                        r.start - 2,
                        &["has", "have", "had", "need", "needs", "want"],
                    );
                let mut name = if infinitive {
                    String::new()
                } else {
                    tidy(&written).unwrap_or_default()
                };
                if name.is_empty() && named_only(&written) && q.unit == "percent" {
                    // "China accounted for 20.1% of Japan's trade": its share of that
                    let holds = (r.end..q_tok).any(|k| walker.is(k, HOLDING_VERBS));
                    let of = (walker.is(q_tok + 1, &["of"]) && holds)
                        .then(|| walker.phrase_after(q_tok + 2))
                        .flatten()
                        .and_then(|end| tidy(&walker.name(q_tok + 2..end)));
                    if let Some(of) = of {
                        name = format!("{written} share of {of}");
                    } else if r.end == q_tok && places::canonical(&written).is_none() {
                        // "Xiamen Construction and Development Corporation 10 pct": its share
                        name = format!("{written} share");
                    }
                }
                // "Thailand exported 18,367 tonnes", "China imported 7.73 mln tonnes of grain"
                let verb_noun = (r.end..q_tok).find_map(|k| walker.word(k).and_then(noun_of_verb));
                let count = COUNT_UNITS.contains(&q.unit.as_str());
                if name.is_empty()
                    && ((named_only(&written) && (verb_noun.is_some() || count))
                        || (count && is_verb_like_ing_word(&written)))
                {
                    // "GM earned $3.7bn", "China has 521 sugar mills", "the 442 sugar mills
                    // working": the verb or the counted noun names the measure
                    name = written.clone();
                }
                if let Some(noun) = verb_noun.filter(|n| !name.to_lowercase().contains(n)) {
                    let goods = walker
                        .is(q_tok + 1, &["of"])
                        .then(|| walker.phrase_after(q_tok + 2).map(|end| (q_tok + 2, end)))
                        .flatten()
                        .filter(|(start, end)| end - start <= 3)
                        .map(|(start, end)| walker.name(start..end))
                        .unwrap_or_default();
                    name = [name.as_str(), goods.as_str(), noun]
                        .into_iter()
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                }
                if share && q.unit == "percent" && !name.is_empty() {
                    name = format!("share of {name}");
                }
                if let Some(owner) = owner.filter(|_| !name.is_empty()) {
                    // "fourth alone Ford": only the named owner
                    let written = walker.name(owner);
                    let owner = match tidy(&written) {
                        Some(_) => written,
                        None => named_tail(&written),
                    };
                    if !owner.is_empty() && !name.starts_with(&owner) {
                        name = format!("{owner} {name}");
                    }
                }
                let bytes = tokens[r.start].span.start..tokens[r.end - 1].span.end;
                (name, r.start, Some(bytes))
            }
            Found::Inherit(m) => {
                // "the cost of producing one tonne rose to 702 yuan": a price per that unit
                let base_figure = &self.quantities[m];
                if base_figure.value == crate::fact::Value::Single(1.0)
                    && !matches!(base_figure.unit.as_str(), "" | "percent" | "pp")
                    && !base_figure.unit.contains(' ')
                {
                    per = Some(singular(&base_figure.unit));
                }
                match previous.iter().find(|s| s.mention == m) {
                    Some(s) => {
                        change = change.or(s.change);
                        per = per.or_else(|| s.per.clone());
                        (s.base.clone(), s.key, None)
                    }
                    None => (String::new(), usize::MAX - i, None),
                }
            }
            // "Inflation rose to 2.3% in December. It was 2.1% in November."
            Found::Nothing => match self.antecedent {
                Some((metric, unit)) if unit == q.unit && walker.anaphor(q_tok) => {
                    anaphoric = true;
                    (metric.to_string(), usize::MAX - i, None)
                }
                _ => (String::new(), usize::MAX - i, None),
            },
        };
        // "sell grain on the free market at 560 yuan a tonne": the goods name the price (the
        // walked phrase, if any, is the goods themselves)
        let price = q.unit.contains(" per ").then(|| {
            price::metric(
                &text[self.range.start..q.span.start],
                &text[q.span.end..self.range.end],
            )
        });
        let base = match price.flatten() {
            Some(p) if base.is_empty() || price::names_goods(&p, &base) => p,
            _ => base,
        };
        let before =
            &text[floor_char_boundary(text, q.span.start.saturating_sub(30))..q.span.start];
        let from = FROM_BEFORE.is_match(before);
        let end = self.end_with_conversions(i);
        let adjacent = self.periods.iter().position(|p| {
            p.role != Role::Base
                && p.span.start >= end
                && ADJACENT_GAP.is_match(&text[end..p.span.start])
        });
        // the place inside the metric phrase, else the nearest before the figure, else after
        let place = phrase
            .as_ref()
            .and_then(|r| {
                places
                    .iter()
                    .find(|(p, _)| r.start <= p.start && p.end <= r.end)
            })
            .map(|(r, p)| (String::new(), *p, r.start))
            .or_else(|| {
                // a place before the figure also names the metric ("US imports"); one after
                // it only gives the jurisdiction
                let before = places.iter().rev().find(|(p, _)| p.end <= q.span.start);
                let after = places.iter().find(|(p, _)| p.start >= q.span.end);
                match (before, after) {
                    (Some((r, p)), _) => Some((
                        text[r.clone()].trim_end_matches("'s").to_string(),
                        *p,
                        r.start,
                    )),
                    (None, Some((r, p))) => Some((String::new(), *p, r.start)),
                    (None, None) => None,
                }
            })
            .map(|(surface, p, _)| (surface, p))
            // the antecedent's metric already names its place
            .map(|(surface, p)| (if anaphoric { String::new() } else { surface }, p));
        Statement {
            mention: i,
            base,
            key,
            from,
            adjacent,
            own_status: self.own_status(q),
            change,
            per: per.filter(|_| !q.unit.contains(" per ") && !q.unit.is_empty()),
            place,
        }
    }

    /// The end of a figure and of the bracketed conversions right after it: "$1.13bn (£600m)".
    fn end_with_conversions(&self, i: usize) -> usize {
        let text = self.doc.text;
        let mut end = self.quantities[i].span.end;
        for q in self.quantities[i + 1..].iter().take_while(|q| q.conversion) {
            end = q.span.end;
        }
        if end > self.quantities[i].span.end {
            let rest = &text[end..self.range.end];
            let close = rest.len() - rest.trim_start_matches([' ', ')', ';']).len();
            end += close;
        }
        end
    }

    /// The status cue of a figure's clause: the nearest before it, else one after it.
    fn own_status(&self, q: &Mention) -> Option<&'static str> {
        let clause = self.clause(q);
        let text = self.doc.text;
        let head = &text[clause.start..q.span.start];
        // a dashed aside before the figure is no part of its statement: "output - the main
        // target of government curbs - was 11.5%"
        let cut = rfind_dash(head)
            .and_then(|second| rfind_dash(&head[..second]).map(|first| (first, second)));
        let head_status = match cut {
            Some((first, second)) => {
                status::status(&head[..first]).or_else(|| status::status(&head[second..]))
            }
            None => status::status(head),
        };
        head_status.or_else(|| status::status(&text[q.span.start..clause.end]))
    }

    /// The clause around a figure, for status cues.
    fn clause(&self, q: &Mention) -> Range<usize> {
        let text = self.doc.text;
        let head = &text.as_bytes()[self.range.start..q.span.start];
        let start = last_clause_break(head).map_or(self.range.start, |end| self.range.start + end);
        let tail = &text.as_bytes()[q.span.end..self.range.end];
        let end = first_clause_break(tail).map_or(self.range.end, |i| q.span.end + i);
        start..end
    }

    fn status_of(
        &self,
        s: &Statement,
        all: &[Statement],
        period: Period,
        explicit: Option<usize>,
    ) -> &'static str {
        // "must rise above the 1986 level of 3.54 mln tonnes": a level already reached
        if let Some(k) = explicit {
            let q = &self.quantities[s.mention];
            let p = &self.periods[k];
            if p.span.end <= q.span.start
                && LEVEL_OF.is_match(&self.doc.text[p.span.end..q.span.start])
            {
                return "observed";
            }
        }
        // a base of comparison ("up from 530 mln", "versus 312.4 mln in 1985") was observed
        if s.from {
            return "observed";
        }
        if let Some(st) = s.own_status {
            return st;
        }
        if let Some(st) = all
            .iter()
            .take_while(|o| o.mention != s.mention)
            .find(|o| o.key == s.key && o.own_status.is_some())
            .and_then(|o| o.own_status)
        {
            return st;
        }
        let Some(k) = explicit else { return "observed" };

        let clause = self.clause(&self.quantities[s.mention]);
        let past = status::tense(&self.doc.text[clause.clone()]) == Tense::Past;
        if self.periods[k].role == Role::By && !past {
            return "projected";
        }
        // a period still running at the document date, told without a past verb
        if let Some(anchor) = self.anchor {
            let now = (anchor.year, anchor.month.unwrap_or(12));
            if period.last_month() > now && !past {
                return "projected";
            }
        }
        "observed"
    }

    fn metric_of(&self, s: &Statement, q: &Mention) -> String {
        let text = self.doc.text;
        let earlier = &text[..self.range.start];
        let mut metric = synonyms::company(&s.base, earlier)
            .or_else(|| {
                synonyms::subject_company(&s.base, &text[self.range.start..q.span.start], earlier)
            })
            .unwrap_or_else(|| s.base.clone());
        if let Some(canon) =
            synonyms::anaphor(&metric, &q.unit, &text[self.previous_start..self.range.end])
        {
            metric = canon.to_string();
        }
        if let Some(short) = synonyms::shortfall(&metric, &text[q.span.end..self.range.end]) {
            metric = short;
        }
        if COUNT_UNITS.contains(&q.unit.as_str()) {
            let surface = &self.doc.text[q.span.clone()];
            let counted: Vec<&str> = surface
                .split_whitespace()
                .skip(1)
                .filter(|w| w.chars().all(|c| c.is_ascii_lowercase()))
                .filter(|w| !matches!(*w, "million" | "billion" | "mln" | "bn" | "thousand"))
                .collect();
            let noun = counted.join(" ");
            if !noun.is_empty() && !metric.to_lowercase().contains(&noun) {
                metric = format!("{metric} {noun}");
            }
        }
        let lower = metric.to_lowercase();
        if let Some(change) = s
            .change
            .filter(|_| matches!(q.unit.as_str(), "percent" | "pp"))
        {
            if !GROWTH_WORDS.iter().any(|w| lower.contains(w)) {
                metric = format!("{metric} {change}");
            }
        } else if matches!(q.unit.as_str(), "percent" | "pp")
            && !q.direction.is_empty()
            && !GROWTH_WORDS.iter().any(|w| lower.contains(w))
        {
            let suffix = if q.direction == "up" {
                "growth"
            } else {
                "decline"
            };
            metric = format!("{metric} {suffix}");
        }
        if let Some((surface, _)) = &s.place
            && !surface.is_empty()
            && !metric.contains(surface.as_str())
        {
            metric = format!("{surface} {metric}");
        }
        synonyms::canonical(&metric)
    }
}

/// Where the last spaced dash (" - ") of `s` starts.
fn rfind_dash(s: &str) -> Option<usize> {
    // dashes are rare: find them, then look at their neighbours (a substring search sets up
    // more than these short heads need)
    let b = s.as_bytes();
    let mut end = b.len();
    while let Some(k) = memchr::memrchr(b'-', &b[..end]) {
        if k > 0 && b[k - 1] == b' ' && b.get(k + 1) == Some(&b' ') {
            return Some(k - 1);
        }
        end = k;
    }
    None
}

fn singular(unit: &str) -> String {
    match unit {
        "tonnes" => "tonne".to_string(),
        "barrels" => "barrel".to_string(),
        other => other.trim_end_matches('s').to_string(),
    }
}

pub(super) fn eligible(q: &Mention) -> bool {
    let value = match q.value {
        crate::fact::Value::Single(v) => v,
        crate::fact::Value::Range([_, high]) => high,
    };
    if q.unit.is_empty() || q.conversion || DURATION_UNITS.contains(&q.unit.as_str()) {
        return false;
    }
    // "one tonne" in "the cost of producing one tonne" names the unit of a price
    value > 0.0 && (value != 1.0 || q.unit == "percent")
}

#[cfg(test)]
mod tests {
    #[test]
    fn spaced_dashes_as_rfind_finds_them() {
        for s in [
            "",
            "-",
            " - ",
            "a - b - c",
            "a-b - c-d",
            " - - ",
            "x -",
            "- y",
            "a — b - ",
        ] {
            assert_eq!(super::rfind_dash(s), s.rfind(" - "), "{s:?}");
        }
    }
}
