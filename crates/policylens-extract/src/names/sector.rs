//! Sectors: industries and technology fields from the sector taxonomy, one fact per sector per
//! document. A multi-word name counts on sight; a one-word name ("oil", "steel") needs a second
//! mention, a sector word after it ("steel industry"), a list of sectors around it ("coal,
//! steel and textiles") or an introduction ("industries including mining").

use crate::fact::{Fact, FactKind};
use crate::taxonomy::Hit;

use super::{Ctx, Words, fact};

/// Words after a one-word sector name that make it the subject: "sugar imports", "oil prices".
static SECTOR_CONTEXT_AFTER: Words = Words::new(&[
    "industry",
    "industries",
    "sector",
    "sectors",
    "market",
    "markets",
    "firms",
    "firm",
    "companies",
    "company",
    "producers",
    "producer",
    "production",
    "output",
    "exports",
    "imports",
    "prices",
    "price",
    "exploration",
    "makers",
    "maker",
    "business",
    "businesses",
    "supplies",
    "supply",
    "plants",
    "mills",
    "manufacturers",
    "manufacturing",
    "sales",
    "demand",
    "consumption",
    "stocks",
    "shares",
    "crop",
    "crops",
    "reserves",
    "fields",
    "mines",
    "workers",
    "jobs",
    "investment",
    "reform",
    "reforms",
    "group",
    "groups",
    "trade",
    "products",
    "exporter",
    "importer",
    "exporters",
    "importers",
    "operators",
    "services",
    "stations",
]);

/// Words before a one-word sector name that introduce it: "industries including mining".
const SECTOR_CONTEXT_BEFORE: &[&str] = &["including", "such as", "like"];

pub(crate) fn extract(ctx: &Ctx<'_>) -> Vec<Fact> {
    let hits: Vec<Hit> = ctx
        .sector_hits
        .iter()
        .filter(|h| case_fits(ctx, h))
        .copied()
        .collect();
    // per entry hit (in entry order): hit count, first hit, strong evidence
    let mut seen: Vec<(usize, u32, usize, bool)> = Vec::new();
    for (k, h) in hits.iter().enumerate() {
        let alias = ctx.tax.topics.pattern(h.pattern);
        let strong = alias.contains([' ', '-']) || in_context(ctx, &hits, k);
        match seen.iter_mut().find(|e| e.0 == h.entry) {
            Some(e) => {
                e.1 += 1;
                e.3 |= strong;
            }
            None => seen.push((h.entry, 1, k, strong)),
        }
    }
    seen.sort_unstable_by_key(|e| e.0);
    let mut facts = Vec::new();
    for (entry, count, k, strong) in seen {
        if !(strong || count >= 2) {
            continue;
        }
        let h = hits[k];
        facts.push(fact(
            ctx,
            h.start..h.end,
            FactKind::Sector {
                name: sector_name(ctx, &ctx.tax.topics.canonical[entry], &h),
            },
        ));
    }
    facts
}

/// The name to report: the canonical name when the text's words contain it ("steel industry"
/// is steel, "fuel oil" is oil), else the words of the text ("chips", "power stations").
fn sector_name(ctx: &Ctx<'_>, canonical: &str, h: &Hit) -> String {
    let surface = crate::text::fold_whitespace(&ctx.text[h.start..h.end]);
    let lower = surface.to_lowercase();
    let contains = lower
        .match_indices(&canonical.to_lowercase())
        .any(|(i, m)| {
            let before = lower[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let after = lower[i + m.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            before && after
        });
    let alias = ctx.tax.topics.pattern(h.pattern);
    if contains || alias.chars().filter(|c| c.is_uppercase()).count() >= 2 {
        canonical.to_string()
    } else {
        lower
    }
}

/// A lower-case alias written with a capital ("Rice", "Shell") names something else, except at
/// the start of a sentence or in a headline.
fn case_fits(ctx: &Ctx<'_>, h: &Hit) -> bool {
    let surface = &ctx.text[h.start..h.end];
    if !surface.starts_with(|c: char| c.is_uppercase()) {
        return true;
    }
    let alias = ctx.tax.topics.pattern(h.pattern);
    if alias.starts_with(|c: char| c.is_uppercase()) {
        return true;
    }
    let i = ctx.tokens.partition_point(|t| t.start < h.start);
    ctx.tokens
        .get(i)
        .is_some_and(|t| t.sentence_start || ctx.headline[t.sentence as usize])
}

/// Whether hit `k` stands in a sector context or in a list with another sector.
fn in_context(ctx: &Ctx<'_>, hits: &[Hit], k: usize) -> bool {
    let h = hits[k];
    let after = next_word(ctx.text, h.end);
    if SECTOR_CONTEXT_AFTER.contains(after) {
        return true;
    }
    let before = ctx.text[..h.start].trim_end();
    if SECTOR_CONTEXT_BEFORE
        .iter()
        .any(|w| ends_with_word(before, w))
    {
        return true;
    }
    // "coal, steel and textiles", "textiles, light industrial goods, electronics"
    let joined = |a: &Hit, b: &Hit| {
        let gap = ctx.text[a.end..b.start].trim();
        if matches!(gap, "," | "and" | "or" | ", and" | ", or" | "&") {
            return true;
        }
        // a whole list item between two commas
        gap.len() > 1
            && gap.starts_with(',')
            && gap.ends_with(',')
            && gap.split_whitespace().count() <= 4
            && gap
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == ',' || c == '-' || c.is_whitespace())
    };
    (k > 0 && joined(&hits[k - 1], &h)) || (k + 1 < hits.len() && joined(&h, &hits[k + 1]))
}

fn next_word(text: &str, from: usize) -> &str {
    let rest = text[from..].trim_start();
    let end = rest
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(rest.len());
    &rest[..end]
}

fn ends_with_word(text: &str, phrase: &str) -> bool {
    // last words of the text against the phrase's words, both read backwards, without collecting
    let mut words = text.rsplit(char::is_whitespace).filter(|w| !w.is_empty());
    phrase
        .split(' ')
        .rev()
        .all(|w| words.next().is_some_and(|t| w.eq_ignore_ascii_case(t)))
}
