//! Initiatives: named programmes, plans, campaigns and slogans — from the initiative gazetteer,
//! capitalised names ending in "Plan", "Programme", "Initiative"..., a capitalised name before
//! "initiative"/"campaign"/... ("the AI Plus initiative"), ordinal five-year plans and quoted
//! slogans beside "campaign" or "slogan".

use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::fact::{Fact, FactKind};
use crate::text::fold_whitespace;

use super::chunk::Chunk;
use super::{Cand, Ctx, Tag, fact};

/// Capitalised last words that make a name an initiative ("Marshall Plan").
const HEADS: &[&str] = &[
    "Plan",
    "Programme",
    "Program",
    "Initiative",
    "Strategy",
    "Scheme",
    "Agenda",
    "Campaign",
    "Pact",
    "Protocol",
    "Accord",
    "Project",
    "Roadmap",
    "Blueprint",
];

/// Lower-case nouns after a name that make it an initiative ("the AI Plus initiative").
const NOUNS: &[&str] = &[
    "initiative",
    "plan",
    "strategy",
    "campaign",
    "scheme",
    "blueprint",
    "slogan",
];

const ORDINALS: &[&str] = &[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
];

pub(crate) fn extract(ctx: &Ctx<'_>, cands: &[Cand]) -> Vec<Fact> {
    let mut found: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for h in &ctx.initiatives {
        found.push((h.start..h.end, ctx.tax.topics.canonical[h.entry].clone()));
    }
    for cand in cands {
        let c = cand.chunk;
        if matches!(cand.tag, Tag::Person(_) | Tag::Org(_)) {
            continue;
        }
        let head = c.len() >= 2 && HEADS.contains(&ctx.word(c.last));
        let noun_after = ctx.word_in(c.last + 1, NOUNS);
        if !head && !noun_after {
            continue;
        }
        // "U.S. Plan", "Senate plan", "LDP plan" name who plans, not a programme
        let named = (c.first..c.last).any(|i| {
            ctx.tokens[i].is_word() && !ctx.is_place_at(i) && !ctx.tax.is_org_keyword(ctx.word(i))
        });
        // treaties take their city's name: "Paris Accord", "Warsaw Pact"
        let treaty = ctx.word_in(c.last, &["Accord", "Protocol", "Pact", "Agenda"]);
        let headed = head && (named || treaty);
        let lone = c.len() == 1
            && (ctx.tokens[c.first].sentence_start
                || ctx.tokens[c.first].all_caps
                || ctx.tax.is_org_keyword(ctx.word(c.first)));
        let before_noun =
            noun_after && !lone && !ctx.is_place_at(c.first) && !ctx.tokens[c.last + 1].cap;
        if (headed || before_noun) && !ctx.is_place_chunk(c) {
            found.push((ctx.span(c.first, c.last), ctx.chunk_text(c).into_owned()));
        }
    }
    five_year_plans(ctx, &mut found);
    quoted_slogans(ctx, &mut found);

    found.sort_by_key(|(span, _)| (span.start, span.end));
    let mut seen: Vec<String> = Vec::new();
    let mut facts = Vec::new();
    for (span, name) in found {
        let key = name.to_lowercase();
        if seen
            .iter()
            .any(|s| s.contains(&key) || key.contains(s.as_str()))
        {
            continue;
        }
        seen.push(key);
        facts.push(fact(ctx, span, FactKind::Initiative { name }));
    }
    facts
}

/// "the seventh five-year plan", "the 14th Five-Year Plan".
fn five_year_plans(ctx: &Ctx<'_>, found: &mut Vec<(std::ops::Range<usize>, String)>) {
    let text = ctx.text.as_bytes();
    // built once: `memmem::find` would build a searcher per call
    static FIVE_YEAR: LazyLock<[Finder<'static>; 2]> =
        LazyLock::new(|| [Finder::new(b"ive-year"), Finder::new(b"ive-Year")]);
    if FIVE_YEAR.iter().all(|f| f.find(text).is_none()) {
        return;
    }
    for i in 0..ctx.tokens.len() {
        if !ctx.word(i).eq_ignore_ascii_case("five-year") || !ctx.word_in(i + 1, &["plan"]) {
            continue;
        }
        let mut first = i;
        if i > 0 {
            let w = ctx.word(i - 1).to_ascii_lowercase();
            let numbered = w.len() > 2
                && w[..w.len() - 2].chars().all(|c| c.is_ascii_digit())
                && ["st", "nd", "rd", "th"].contains(&&w[w.len() - 2..]);
            if numbered || ORDINALS.contains(&w.as_str()) {
                first = i - 1;
            }
        }
        let span = ctx.span(first, i + 1);
        found.push((span.clone(), fold_whitespace(&ctx.text[span])));
    }
}

/// A short quoted phrase right before or after an initiative noun: `the "Made in China"
/// campaign`, `a campaign called "Go West"`.
fn quoted_slogans(ctx: &Ctx<'_>, found: &mut Vec<(std::ops::Range<usize>, String)>) {
    let is_open = |w: &str| matches!(w, "\"" | "\u{201c}");
    let is_close = |w: &str| matches!(w, "\"" | "\u{201d}");
    if memchr::memchr(b'"', ctx.text.as_bytes()).is_none() && !ctx.text.contains('\u{201c}') {
        return;
    }
    let bytes = ctx.text.as_bytes();
    let mut i = 0;
    while i < ctx.tokens.len() {
        // an opening mark starts with `"` or 0xE2 (the lead byte of U+201C): skip to the first
        // token at or after the next such byte
        let from = ctx.tokens[i].start;
        let Some(mark) = memchr::memchr2(b'"', 0xe2, &bytes[from..]).map(|p| from + p) else {
            break;
        };
        i += ctx.tokens[i..].partition_point(|t| t.start < mark);
        if i == ctx.tokens.len() || ctx.tokens[i].start != mark {
            continue;
        }
        if !is_open(ctx.word(i)) {
            i += 1;
            continue;
        }
        let Some(close) = (i + 1..(i + 9).min(ctx.tokens.len())).find(|&j| is_close(ctx.word(j)))
        else {
            i += 1;
            continue;
        };
        let inner = Chunk {
            first: i + 1,
            last: close - 1,
        };
        let words = (inner.first..=inner.last).all(|k| ctx.tokens[k].is_word());
        let noun_after = ctx.word_in(close + 1, NOUNS);
        let noun_before = i >= 2
            && ctx.word_in(i - 1, &["called", "dubbed", "named"])
            && ctx.word_in(i - 2, NOUNS);
        if close > i + 1 && words && (noun_after || noun_before) {
            found.push((
                ctx.span(inner.first, inner.last),
                ctx.chunk_text(inner).into_owned(),
            ));
        }
        i = close + 1;
    }
}
