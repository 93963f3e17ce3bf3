//! When a figure of a sentence holds: the period written right after it, a few plain words
//! after it, the nearest one before it, one its statement already holds, or, for a sentence
//! that names none, the story's current period or the document's year.

use super::Statement;
use super::metric::{Walker, is_period_word};
use super::sentence::Sentence;
use super::status::{self, Tense};
use super::tokens::{Kind, Token, is_break};
use crate::period::{Period, Role};
use crate::quantity::Mention;

impl Sentence<'_, '_> {
    /// The period of a figure, by index into the sentence's periods.
    pub(super) fn period_of(
        &self,
        s: &Statement,
        all: &[Statement],
        tokens: &[Token],
        walker: &Walker<'_>,
    ) -> Option<usize> {
        if s.adjacent.is_some() || s.from {
            return self.base_period(s, all);
        }
        let q = &self.quantities[s.mention];
        if let Some(k) = self.near_following(q, tokens, walker) {
            return Some(k);
        }
        let claimed_by_base = |k: usize| all.iter().any(|o| o.from && o.adjacent == Some(k));
        let before = self
            .periods
            .iter()
            .enumerate()
            .filter(|(k, p)| {
                p.role != Role::Base
                    && p.span.end <= q.span.start
                    && self.resolved[*k].is_some()
                    && !claimed_by_base(*k)
            })
            .map(|(k, _)| k)
            .next_back();
        if before.is_some() {
            return before;
        }
        all.iter()
            .find(|o| o.key == s.key && o.mention != s.mention && !o.from && o.adjacent.is_some())
            .and_then(|o| o.adjacent)
    }

    /// The period of a base value: its own, else that of the base value before it in the
    /// sentence ("income ... up from 186.6 billion in 1985, and spending ... up from 184.5
    /// billion": the parallel base is dated alike).
    pub(super) fn base_period(&self, s: &Statement, all: &[Statement]) -> Option<usize> {
        if s.adjacent.is_some() {
            return s.adjacent;
        }
        all.iter()
            .take_while(|o| o.mention != s.mention)
            .filter(|o| o.from)
            .last()
            .and_then(|o| o.adjacent)
    }

    /// "the $1.2bn collapse of Barings Bank in 1995", "45 pct of China's sugar in calendar 1985":
    /// a period a few plain words after the figure.
    fn near_following(&self, q: &Mention, tokens: &[Token], walker: &Walker<'_>) -> Option<usize> {
        let (k, p) = self
            .periods
            .iter()
            .enumerate()
            .find(|(_, p)| p.span.start >= q.span.end)?;
        if p.role == Role::Base {
            return None;
        }
        let between: Vec<&Token> = tokens
            .iter()
            .filter(|t| t.span.start >= q.span.end && t.span.end <= p.span.start)
            .collect();
        if between.is_empty() || between.len() > 7 || between.iter().any(|t| t.kind != Kind::Word) {
            return None;
        }
        let words: Vec<String> = between
            .iter()
            .map(|t| walker_text(walker, t).to_ascii_lowercase())
            .collect();
        let plain = words.iter().all(|w| {
            matches!(w.as_str(), "calendar" | "fiscal")
                || (!is_break(w) && !is_period_word(w) && !is_verb_like(w))
        });
        let last = words
            .iter()
            .rev()
            .find(|w| !matches!(w.as_str(), "the" | "calendar" | "fiscal"));
        let linked = last.is_some_and(|w| matches!(w.as_str(), "in" | "at" | "for" | "during"));
        (plain && linked).then_some(k)
    }

    /// The period of a sentence that names none: the story's current period for a past-tense
    /// report, the document's year for a present-tense one.
    pub(super) fn undated(&self, s: &Statement) -> Option<Period> {
        if s.own_status.is_some() {
            return None;
        }
        let tense = *self
            .tense
            .get_or_init(|| status::tense(&self.doc.text[self.range.clone()]));
        match tense {
            Tense::Past => (self.recent)(),
            Tense::Present => self.anchor.map(|a| Period::Year(a.year)),
            Tense::Other => None,
        }
    }
}

impl Sentence<'_, '_> {
    /// "Imports are seen rising to 58.6 mln from 32.6 mln tonnes in 1985" after a sentence about
    /// 2000: the figure a change runs to, with only its base dated, holds in the story's current
    /// period when that is later than the base.
    pub(super) fn target_of_change(&self, s: &Statement, all: &[Statement]) -> Option<Period> {
        if s.from {
            return None;
        }
        let recent = (self.recent)()?;
        let base = all
            .iter()
            .skip_while(|o| o.mention != s.mention)
            .skip(1)
            .find(|o| o.key == s.key && o.from)?;
        let k = self.base_period(base, all)?;
        let base_year = self.resolved[k]?.year();
        (recent.year() > base_year).then_some(recent)
    }
}

fn walker_text<'a>(walker: &Walker<'a>, t: &Token) -> &'a str {
    &walker.text[t.span.clone()]
}

fn is_verb_like(w: &str) -> bool {
    super::tokens::is_chain(w)
        && !matches!(
            w,
            "of" | "in" | "for" | "at" | "a" | "an" | "new" | "record" | "the" | "during"
        )
}
