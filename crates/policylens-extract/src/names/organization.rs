//! Organisations: gazetteer names, keyword-headed names ("National Bureau of Statistics",
//! "Panin Holdings Ltd"), acronym definitions ("(XIB)"), Reuters `<company>` tags and the
//! constructions that introduce companies ("crane maker Huisman Itrec", "Changyu, the largest
//! wine maker", "X is a steel firm", "the Economic Information newspaper").

use crate::taxonomy::Hit;

use super::chunk::{Chunk, is_name_word};
use super::coreference::Registry;
use super::org_context::{
    coordinated_with_org, described_as_body, introduced_as_body, owned_by_place,
};
use super::token::Kind;
use super::{Cand, Ctx, Tag, Words};

/// Words a sentence-initial one-word gazetteer name may be followed by ("Democrats claim").
static SUBJECT_VERBS: Words = Words::new(&[
    "figures",
    "data",
    "statistics",
    "said",
    "says",
    "say",
    "told",
    "added",
    "claim",
    "claims",
    "claimed",
    "announced",
    "reported",
    "stated",
    "argued",
    "warned",
    "believes",
    "believe",
    "expects",
    "expect",
    "plans",
    "wants",
    "agreed",
    "denied",
    "insisted",
    "posted",
    "reports",
]);

/// Words that continue a name after "and" ("China International Trust and Investment Corp").
pub(crate) static FIELD_WORDS: Words = Words::new(&[
    "Investment",
    "Development",
    "Trade",
    "Commerce",
    "Industry",
    "Industrial",
    "Construction",
    "Finance",
    "Technology",
    "Economic",
    "Commercial",
    "Exploration",
    "Production",
    "Energy",
    "Mining",
    "Steel",
    "Power",
    "Refining",
    "Trust",
    "Banking",
    "Insurance",
    "Securities",
    "Telecommunications",
    "Transport",
    "Shipping",
    "Engineering",
    "Manufacturing",
]);

/// Last words of names that are laws, treaties or plans rather than bodies.
const NOT_BODY_HEADS: &[&str] = &[
    "Act",
    "Bill",
    "Law",
    "Treaty",
    "Directive",
    "Regulation",
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
    "Index",
    "Prize",
    "Award",
    "Awards",
    "Cup",
    "Day",
    "Week",
    "Street",
    "Road",
    "Square",
];

/// Splits chunks around gazetteer organisation names and tags those names.
pub(crate) fn gazetteer_cands(ctx: &Ctx<'_>, chunks: Vec<Chunk>, reg: &mut Registry) -> Vec<Cand> {
    let mut cands = Vec::with_capacity(chunks.len());
    for c in chunks {
        // gazetteer names start with a capital, so they lie inside chunks
        let (start, end) = (ctx.tokens[c.first].start, ctx.tokens[c.last].end);
        let hits = ctx.tax.organizations.find(&ctx.flat[start..end]);
        let mut next = c.first;
        for hit in hits {
            let hit = Hit {
                start: hit.start + start,
                end: hit.end + start,
                ..hit
            };
            let Some((first, last)) = token_range(ctx, hit.start, hit.end) else {
                continue;
            };
            if first < next {
                continue;
            }
            if extends_to_keyword(ctx, c, first, last) {
                // "Volkswagen AG": the longer name, known by the gazetteer entry
                let whole = Chunk {
                    first,
                    last: c.last,
                };
                let org = reg.add_org(
                    &ctx.chunk_text(whole),
                    ctx.span(first, c.last),
                    Some(hit.entry),
                );
                push_segment(
                    ctx,
                    &mut cands,
                    next,
                    first.saturating_sub(1).max(next),
                    first > next,
                );
                cands.push(Cand {
                    chunk: whole,
                    tag: Tag::Org(org),
                });
                next = c.last + 1;
                break;
            }
            if !gazetteer_hit_ok(ctx, c, first, last) {
                continue;
            }
            push_segment(
                ctx,
                &mut cands,
                next,
                first.saturating_sub(1).max(next),
                first > next,
            );
            let name = ctx.chunk_text(Chunk { first, last });
            let org = reg.add_org(&name, ctx.span(first, last), Some(hit.entry));
            cands.push(Cand {
                chunk: Chunk { first, last },
                tag: Tag::Org(org),
            });
            next = last + 1;
        }
        if next <= c.last {
            push_segment(ctx, &mut cands, next, c.last, true);
        }
    }
    cands
}

/// Pushes the name words of `first..=last` as an unknown candidate (trimming connectors).
fn push_segment(ctx: &Ctx<'_>, cands: &mut Vec<Cand>, first: usize, last: usize, any: bool) {
    if !any {
        return;
    }
    let (mut a, mut b) = (first, last);
    while a <= b && !is_name_word(ctx, a) {
        a += 1;
    }
    while b > a && !is_name_word(ctx, b) {
        b -= 1;
    }
    if a <= b && is_name_word(ctx, a) {
        cands.push(Cand {
            chunk: Chunk { first: a, last: b },
            tag: Tag::Unknown,
        });
    }
}

/// Token indices exactly covering a byte span.
fn token_range(ctx: &Ctx<'_>, start: usize, end: usize) -> Option<(usize, usize)> {
    let first = ctx.tokens.partition_point(|t| t.start < start);
    let last = ctx
        .tokens
        .partition_point(|t| t.end <= end)
        .checked_sub(1)?;
    (first <= last && ctx.tokens.get(first)?.start == start && ctx.tokens[last].end == end)
        .then_some((first, last))
}

/// A gazetteer hit inside chunk `c` counts unless it is the surname of a person ("Henry Ford"),
/// the head of a longer keyword name ("China Life Insurance Company"), or a one-word name
/// opening a sentence without a reporting verb after it ("Total sales rose").
fn gazetteer_hit_ok(ctx: &Ctx<'_>, c: Chunk, first: usize, last: usize) -> bool {
    if ctx.headline[ctx.tokens[first].sentence as usize] {
        return false;
    }
    if first > c.first && ctx.tax.is_given_name(ctx.word(first - 1)) {
        return false;
    }
    // "Virgin Blue" is not Virgin: a one-word name running on into another name
    if first == last
        && last < c.last
        && is_name_word(ctx, last + 1)
        && !ctx.tax.is_org_keyword(ctx.word(last + 1))
        && !ctx.tax.is_given_name(ctx.word(last + 1))
        && !super::role::is_role_word(ctx, last + 1)
    {
        return false;
    }
    // "People's Bank of China", "People's Construction Bank of China" hold "Bank of China"
    if first > c.first
        && (ctx.tokens[first - 1].kind == Kind::Possessive
            || ctx.tax.is_org_keyword(ctx.word(first)))
    {
        return false;
    }

    if first == last && ctx.tokens[first].sentence_start && !ctx.tokens[first].all_caps {
        let word = ctx.word(first);
        let plain = word.chars().skip(1).all(char::is_lowercase);
        let elsewhere = || {
            // a scan of the whole document: lengths first
            let start = ctx.tokens[first].start;
            ctx.tokens.iter().any(|t| {
                t.end - t.start == word.len()
                    && t.start != start
                    && !t.sentence_start
                    && t.text(ctx.text) == word
            })
        };
        return !plain || ctx.word_in_set(last + 1, &SUBJECT_VERBS) || elsewhere();
    }
    true
}

/// Whether a gazetteer name opening chunk `c` runs on to a keyword ("China Life Insurance
/// Company", "Volkswagen AG") without a coordination in between.
fn extends_to_keyword(ctx: &Ctx<'_>, c: Chunk, first: usize, last: usize) -> bool {
    // "Merrill Lynch and Co Inc": only legal words after the coordination
    let legal_tail = (last + 1..=c.last).all(|i| {
        ctx.word_in(
            i,
            &[
                "and", "&", "Co", "Inc", "Ltd", "Sons", "Cie", "Partners", "Company",
            ],
        )
    });
    first == c.first
        && last < c.last
        && ctx.tax.is_org_keyword(ctx.word(c.last))
        && (legal_tail || !(last + 1..c.last).any(|i| ctx.word_in(i, &["and", "&", "of"])))
}

/// Whether `first..=last` is a keyword-headed name of two or more words.
pub(crate) fn is_keyword_name(ctx: &Ctx<'_>, first: usize, last: usize) -> bool {
    // one token cannot hold two words: spare the keyword and place lookups
    if last <= first {
        return false;
    }
    let mut words = 0;
    let mut keyword = false;
    let mut other = false;
    let mut place = false;
    for i in first..=last {
        if !is_name_word(ctx, i) {
            continue;
        }
        words += 1;
        if ctx.tax.is_org_keyword(ctx.word(i)) {
            keyword = true;
        } else if ctx.is_place_at(i) {
            place = true;
        } else {
            other = true;
        }
    }
    // "Bonn University", "US Congress", but not "U.S. Companies"
    let singular = !ctx.word(last).ends_with('s');
    let other = other || (place && singular);
    words >= 2
        && keyword
        && other
        && !NOT_BODY_HEADS.contains(&ctx.word(last))
        && !ctx.is_place_chunk(Chunk { first, last })
}

/// Splits "Bank of China and China Construction Bank" into two names, and "Liu Shuxun of Xiamen
/// International Bank" into a person and a bank.
pub(crate) fn split_coordinated(ctx: &Ctx<'_>, cands: &mut Vec<Cand>) {
    let mut out = Vec::with_capacity(cands.len());
    for cand in cands.drain(..) {
        let c = cand.chunk;
        let split = (cand.tag == Tag::Unknown)
            .then(|| {
                (c.first + 1..c.last).find(|&k| {
                    let left = (c.first, k - 1);
                    let right = (k + 1, c.last);
                    match ctx.word(k) {
                        "and" => {
                            let left_name = is_keyword_name(ctx, left.0, left.1)
                                && !ctx.word_in_set(right.0, &FIELD_WORDS);
                            let keyword_end = ctx.tax.is_org_keyword(ctx.word(left.1));
                            (left_name && keyword_end)
                                || (left_name
                                    && is_keyword_name(ctx, right.0, right.1)
                                    && ends_name(ctx, left.1))
                                || ctx.is_place_chunk(Chunk {
                                    first: left.0,
                                    last: left.1,
                                })
                                || ctx.is_place_chunk(Chunk {
                                    first: right.0,
                                    last: right.1,
                                })
                        }
                        "of" => {
                            ctx.tax.is_given_name(ctx.word(c.first))
                                && (k - c.first) <= 3
                                && !is_keyword_name(ctx, left.0, left.1)
                                && (left.0..=left.1).all(|i| !ctx.tax.is_org_keyword(ctx.word(i)))
                                && is_keyword_name(ctx, right.0, right.1)
                        }
                        _ => false,
                    }
                })
            })
            .flatten();
        match split {
            Some(k) => {
                out.push(Cand {
                    chunk: Chunk {
                        first: c.first,
                        last: k - 1,
                    },
                    tag: Tag::Unknown,
                });
                let right = if ctx.word(k + 1) == "the" {
                    k + 2
                } else {
                    k + 1
                };
                out.push(Cand {
                    chunk: Chunk {
                        first: right,
                        last: c.last,
                    },
                    tag: Tag::Unknown,
                });
            }
            None => out.push(cand),
        }
    }
    *cands = out;
}

/// Whether a name may end at token `i`: a keyword ("Bank") or the object of "of" ("of China").
fn ends_name(ctx: &Ctx<'_>, i: usize) -> bool {
    ctx.tax.is_org_keyword(ctx.word(i)) || (i >= 1 && ctx.word(i - 1) == "of")
}

/// Tags organisations among unknown candidates by keyword, acronym, tag and context.
pub(crate) fn classify(ctx: &Ctx<'_>, cands: &mut [Cand], reg: &mut Registry) {
    for n in 0..cands.len() {
        let c = cands[n].chunk;
        if let Tag::Org(o) = cands[n].tag {
            if let Some(acronym) = acronym_after(ctx, c) {
                reg.orgs[o].aliases.push(acronym.to_string());
            }
            continue;
        }
        if cands[n].tag != Tag::Unknown || is_initiative(ctx, c) {
            continue;
        }
        if let Some(exchange) = stock_exchange_after(ctx, c) {
            let span = ctx.tokens[c.first].start..ctx.tokens[exchange].end;
            let name = crate::text::fold_whitespace(&ctx.text[span.clone()]);
            cands[n].tag = Tag::Org(reg.add_org(&name, span, None));
            continue;
        }
        if ctx.is_place_chunk(c) {
            continue;
        }
        let acronym = acronym_after(ctx, c);
        if let Some(acronym) = acronym
            && let Some(o) = reg.find_org(&ctx.chunk_text(c), None)
        {
            reg.orgs[o].aliases.push(acronym.to_string());
            cands[n].tag = Tag::Org(o);
            continue;
        }
        let person_like = ctx.tax.is_given_name(ctx.word(c.first));
        if ctx.followed_by_place_noun(c) {
            continue;
        }
        let ticker = c.len() == 1 && ctx.tokens[c.first].all_caps;
        let org = is_keyword_name(ctx, c.first, c.last)
            || (!ticker && ctx.word(c.first.wrapping_sub(1)) == "<" && ctx.word(c.last + 1) == ">")
            || (c.len() >= 3 && (c.first..=c.last).any(|i| ctx.word(i) == "&"))
            || (!person_like && introduced_as_body(ctx, c))
            || (!person_like && described_as_body(ctx, c))
            || (!person_like && owned_by_place(ctx, c))
            || (!person_like && n > 0 && coordinated_with_org(ctx, cands[n - 1], c));
        if org {
            let o = reg.add_org(&ctx.chunk_text(c), ctx.span(c.first, c.last), None);
            if let Some(acronym) = acronym {
                reg.orgs[o].aliases.push(acronym.to_string());
            }
            cands[n].tag = Tag::Org(o);
        }
    }
}

/// Whether a chunk is (inside) a known initiative name ("Child Trust Fund").
fn is_initiative(ctx: &Ctx<'_>, c: Chunk) -> bool {
    let span = ctx.span(c.first, c.last);
    ctx.initiatives
        .iter()
        .any(|h| h.start == span.start && h.end <= span.end)
}

/// "China Aviation Oil (CAO)": the acronym, when its letters are the name's initials.
fn acronym_after<'a>(ctx: &Ctx<'a>, c: Chunk) -> Option<&'a str> {
    if ctx.word(c.last + 1) != "(" || ctx.word(c.last + 3) != ")" {
        return None;
    }
    let t = ctx.tokens.get(c.last + 2)?;
    if !t.all_caps || c.len() < 2 {
        return None;
    }
    let acronym = t.text(ctx.text);
    let letters: String = acronym.chars().filter(|ch| ch.is_alphabetic()).collect();
    let mut initials = String::new();
    let mut all_initials = String::new();
    for i in c.first..=c.last {
        let t = &ctx.tokens[i];
        if !t.is_word() {
            continue;
        }
        let first = t.text(ctx.text).chars().next().unwrap_or(' ');
        all_initials.push(first.to_ascii_uppercase());
        if t.cap {
            initials.push(first);
        }
    }
    (letters == initials || letters == all_initials).then_some(acronym)
}

/// "the Shenzhen stock exchange": the index of "exchange".
fn stock_exchange_after(ctx: &Ctx<'_>, c: Chunk) -> Option<usize> {
    (ctx.word(c.last + 1) == "stock" && ctx.word(c.last + 2) == "exchange").then_some(c.last + 2)
}
