//! Named things: actors (with role and organisation), organisations, initiatives, sectors and
//! quotes. Capitalised chunks are classified by gazetteers, organisation keywords and the
//! constructions around them (titles, appositions, "said"), then merged per document.

mod actor;
mod chunk;
mod coreference;
mod initiative;
mod org_context;
mod organization;
mod quote;
mod role;
mod sector;
mod token;

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::sync::OnceLock;

use crate::fact::{Fact, FactKind};
use crate::taxonomy::{Fnv, Taxonomy};
use crate::text::{Doc, MONTH_ABBREVIATIONS, MONTHS, fold_whitespace};

use chunk::Chunk;
use coreference::Registry;
use token::Token;

/// The document as the name recognisers see it.
pub(crate) struct Ctx<'a> {
    pub text: &'a str,
    pub doc: &'a Doc<'a>,
    pub tax: &'a Taxonomy,
    pub tokens: Vec<Token>,
    /// Per sentence: an all-caps or title-case headline, where capitals say nothing.
    pub headline: Vec<bool>,
    /// The text with line breaks and tabs as spaces (same byte offsets), for gazetteers to
    /// match names that hard-wrapped copy splits across lines.
    pub flat: String,
    /// Sector and initiative gazetteer hits (entries and patterns of `Taxonomy::topics`).
    pub sector_hits: Vec<crate::taxonomy::Hit>,
    pub initiatives: Vec<crate::taxonomy::Hit>,
    /// Per token: a capitalised word naming a place.
    place_token: Vec<bool>,
    /// Per token: a word that can be part of a name (see [`chunk::is_name_word`]).
    name_word: Vec<bool>,
    /// Per token: whether it is a role word, once asked (0 not yet, 1 no, 2 yes).
    pub role_word: Vec<Cell<u8>>,
}

impl<'a> Ctx<'a> {
    pub fn new(doc: &'a Doc<'a>, tax: &'a Taxonomy) -> Self {
        let tokens = token::tokenize(doc);
        let headline = headlines(doc, &tokens);
        let flat = flatten(doc.text);
        let (sector_hits, initiatives) = tax
            .topics
            .find(&flat)
            .into_iter()
            .partition(|h| h.entry < tax.topics_split);
        let mut ctx = Self {
            name_word: Vec::new(),
            role_word: vec![Cell::new(0); tokens.len()],
            sector_hits,
            place_token: Vec::new(),
            initiatives,
            flat,
            text: doc.text,
            doc,
            tax,
            tokens,
            headline,
        };
        // one pass, one stop-word lookup per capitalised token, for the place and name flags
        let n = ctx.tokens.len();
        let (mut place_token, mut name_word) = (vec![false; n], vec![false; n]);
        for (i, t) in ctx.tokens.iter().enumerate().filter(|(_, t)| t.cap) {
            let w = t.text(doc.text);
            let stop = tax.is_name_stopword(w);
            place_token[i] = !stop && is_place_name(tax, w);
            name_word[i] = chunk::compute_name_word(&ctx, i, stop);
        }
        ctx.place_token = place_token;
        ctx.name_word = name_word;
        ctx
    }

    /// The text of token `i`.
    pub fn word(&self, i: usize) -> &'a str {
        self.tokens.get(i).map_or("", |t| t.text(self.text))
    }

    /// Whether token `i` is one of `words` (ASCII case-insensitive). Inlined: with the list
    /// known at the call site, the comparisons compile to a few length and byte tests.
    #[inline]
    pub fn word_in(&self, i: usize, words: &[&str]) -> bool {
        let w = self.word(i);
        words.iter().any(|x| x.eq_ignore_ascii_case(w))
    }

    /// Whether token `i` is one of `words` (ASCII case-insensitive).
    pub fn word_in_set(&self, i: usize, words: &Words) -> bool {
        words.contains(self.word(i))
    }

    /// Whether tokens `a` and `b` are in the same sentence.
    pub fn same_sentence(&self, a: usize, b: usize) -> bool {
        a < self.tokens.len()
            && b < self.tokens.len()
            && self.tokens[a].sentence == self.tokens[b].sentence
    }

    /// Byte span of tokens `first..=last`.
    pub fn span(&self, first: usize, last: usize) -> Range<usize> {
        self.tokens[first].start..self.tokens[last].end
    }

    /// The name a chunk spells, with line breaks folded.
    pub fn chunk_text(&self, c: Chunk) -> Cow<'a, str> {
        let raw = &self.text[self.span(c.first, c.last)];
        // tokens hold no ASCII white space: only the gaps between them can need folding
        let fold = self.tokens[c.first..=c.last].windows(2).any(|pair| {
            let gap = &self.text.as_bytes()[pair[0].end..pair[1].start];
            !matches!(gap, b"" | b" ") && needs_fold(gap)
        });
        if fold {
            Cow::Owned(fold_whitespace(raw))
        } else {
            Cow::Borrowed(raw)
        }
    }

    /// Whether a name is a place (country, region, demonym, city).
    pub fn is_place(&self, name: &str) -> bool {
        is_place_name(self.tax, name)
    }

    /// Whether token `i` is a capitalised place name.
    pub fn is_place_at(&self, i: usize) -> bool {
        self.place_token.get(i).copied().unwrap_or(false)
    }

    /// Whether a chunk names a place.
    pub fn is_place_chunk(&self, c: Chunk) -> bool {
        if c.len() == 1 {
            self.is_place_at(c.first)
        } else {
            self.is_place(&self.chunk_text(c))
        }
    }

    /// Whether the chunk is followed by a lower-case place noun ("Fengbing county").
    pub fn followed_by_place_noun(&self, c: Chunk) -> bool {
        self.tokens.get(c.last + 1).is_some_and(|t| !t.cap)
            && self.word_in(
                c.last + 1,
                &[
                    "county",
                    "province",
                    "city",
                    "district",
                    "region",
                    "state",
                    "village",
                    "town",
                    "prefecture",
                    "island",
                    "port",
                    "area",
                ],
            )
    }
}

/// A fixed list of words for ASCII case-insensitive lookups, hashed on first use: for the long
/// lists, which [`Ctx::word_in`] would compare entry by entry.
pub(crate) struct Words {
    list: &'static [&'static str],
    set: OnceLock<HashSet<Box<[u8]>, BuildHasherDefault<Fnv>>>,
}

impl Words {
    /// Words of at most [`Words::LONGEST`] bytes.
    pub const fn new(list: &'static [&'static str]) -> Self {
        Self {
            list,
            set: OnceLock::new(),
        }
    }

    const LONGEST: usize = 24;

    pub fn contains(&self, word: &str) -> bool {
        // folded to lower case on the stack; a longer word is in no list
        let mut buf = [0u8; Self::LONGEST];
        let Some(folded) = buf.get_mut(..word.len()) else {
            return false;
        };
        folded.copy_from_slice(word.as_bytes());
        folded.make_ascii_lowercase();
        self.set().contains(&*folded)
    }

    fn set(&self) -> &HashSet<Box<[u8]>, BuildHasherDefault<Fnv>> {
        self.set.get_or_init(|| {
            self.list
                .iter()
                .map(|w| {
                    assert!(
                        w.len() <= Self::LONGEST,
                        "{w:?} is too long for a word list"
                    );
                    w.to_ascii_lowercase().into_bytes().into_boxed_slice()
                })
                .collect()
        })
    }
}

/// Whether text has white space that [`fold_whitespace`] changes: line breaks, tabs, two spaces.
fn needs_fold(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| matches!(b, b'\n' | b'\r' | b'\t')) || bytes.windows(2).any(|w| w == b"  ")
}

/// The text with `\n`, `\r` and `\t` as spaces, byte for byte (so offsets carry over).
fn flatten(text: &str) -> String {
    // branch-free, so that it vectorises
    let bytes: Vec<u8> = text
        .bytes()
        .map(|b| {
            if matches!(b, b'\n' | b'\r' | b'\t') {
                b' '
            } else {
                b
            }
        })
        .collect();
    // ASCII bytes replaced by an ASCII byte: still valid UTF-8
    String::from_utf8(bytes).unwrap_or_else(|_| text.replace(['\n', '\r', '\t'], " "))
}

/// Whether a name is a place: a city from the taxonomy or a place the places gazetteer knows.
fn is_place_name(tax: &Taxonomy, name: &str) -> bool {
    name.starts_with(|c: char| c.is_uppercase()) && tax.is_city_or_known_place(name)
}

/// Marks headline sentences: mostly all-caps words, or four or more words mostly capitalised
/// without final punctuation ("China Accelerates Innovation Drive in 2024").
fn headlines(doc: &Doc<'_>, tokens: &[Token]) -> Vec<bool> {
    let n = doc.sentences().len().max(1);
    let mut headline = vec![false; n];
    // tokens come in sentence order: count one sentence at a time, judge it when the next starts
    let (mut s, mut words, mut caps, mut shout) = (0, 0u32, 0u32, 0u32);
    for t in tokens.iter().filter(|t| t.is_word()) {
        let ts = (t.sentence as usize).min(n - 1);
        if ts != s {
            headline[s] = is_headline(doc, s, words, caps, shout);
            (s, words, caps, shout) = (ts, 0, 0, 0);
        }
        if doc.text.as_bytes()[t.start].is_ascii_digit() {
            continue;
        }
        words += 1;
        caps += u32::from(t.cap);
        shout += u32::from(t.all_caps);
    }
    headline[s] = is_headline(doc, s, words, caps, shout);
    headline
}

/// Whether sentence `s` with `w` words (not figures), `c` capitalised and `a` all caps is a
/// headline.
fn is_headline(doc: &Doc<'_>, s: usize, w: u32, c: u32, a: u32) -> bool {
    let unpunctuated = || {
        doc.sentences()
            .get(s)
            .is_some_and(|r| !doc.text[r.clone()].ends_with(['.', '!', '?', '"', '\u{201d}', ':']))
    };
    (w >= 2 && a * 10 >= w * 6)
        || (w == 1 && a == 1)
        || (w >= 4 && c * 10 >= w * 7 && unpunctuated())
}

/// A chunk and what it was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Unknown,
    Org(usize),
    Person(usize),
    /// A title inside a chunk ("Premier" in "Premier Li Qiang") or a place.
    Other,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Cand {
    pub chunk: Chunk,
    pub tag: Tag,
}

/// All name facts of a document.
pub fn extract(doc: &Doc<'_>, taxonomy: &Taxonomy) -> Vec<Fact> {
    let ctx = Ctx::new(doc, taxonomy);
    let mut registry = Registry::default();
    let mut cands = organization::gazetteer_cands(&ctx, chunk::find(&ctx), &mut registry);
    actor::split_titled(&ctx, &mut cands, &mut registry);
    organization::split_coordinated(&ctx, &mut cands);
    organization::classify(&ctx, &mut cands, &mut registry);
    actor::classify(&ctx, &mut cands, &mut registry);
    resolve_mentions(&ctx, &mut cands, &mut registry);
    org_context::classify_late(&ctx, &mut cands, &mut registry);

    let mut facts = Vec::new();
    emit(&ctx, &registry, &mut facts);
    facts.extend(initiative::extract(&ctx, &cands));
    facts.extend(sector::extract(&ctx));
    facts.extend(quote::extract(&ctx, &cands, &registry));
    facts
}

/// Tags unknown chunks that name a known person or organisation (coreference).
fn resolve_mentions(ctx: &Ctx<'_>, cands: &mut [Cand], registry: &mut Registry) {
    // the persons and organisations do not change here: look each name up once
    type Found = (Option<Option<usize>>, Option<Option<usize>>);
    // keyed by the (mostly borrowed) chunk text: no String per name
    let mut seen: HashMap<Cow<'_, str>, Found, BuildHasherDefault<Fnv>> = HashMap::default();
    for cand in cands.iter_mut().filter(|c| c.tag == Tag::Unknown) {
        let name = ctx.chunk_text(cand.chunk);
        // one hash per mention (a borrowed key's clone is a copy of the reference)
        let found = seen.entry(name.clone()).or_default();
        let person = if cand.chunk.len() <= 3 {
            *found.0.get_or_insert_with(|| registry.find_person(&name))
        } else {
            None
        };
        if let Some(p) = person {
            cand.tag = Tag::Person(p);
            registry.last_person = Some(p);
        } else if let Some(o) = *found
            .1
            .get_or_insert_with(|| registry.find_org(&name, None))
        {
            cand.tag = Tag::Org(o);
        }
    }
}

/// Whether the document is a Reuters story (its own publisher is then Reuters, else the BBC):
/// a "REUTER" sign-off, or a wire dateline opening a paragraph ("PEKING, March 25 - ").
fn publisher_is_reuters(text: &str) -> bool {
    let tail = text.trim_end();
    if tail.ends_with("REUTER") || tail.ends_with("Reuter") || tail.ends_with("REUTERS") {
        return true;
    }
    text.lines().take(6).any(is_dateline)
}

/// "PEKING, March 25 - ...", "SAN MATEO, Calif., March 11 - ...".
fn is_dateline(line: &str) -> bool {
    // cheap test first: the line opens with the capitalised city and a comma
    let opening = line.trim_start().as_bytes();
    let city_end = opening
        .iter()
        .position(|&b| !matches!(b, b'A'..=b'Z' | b' ' | b'.' | b'-'))
        .unwrap_or(opening.len());
    if city_end < 3 || opening.get(city_end) != Some(&b',') {
        return false;
    }
    let Some(dash) = line.find(" - ") else {
        return false;
    };
    let head = line[..dash].trim();
    let Some((place, date)) = head.rsplit_once(", ") else {
        return false;
    };
    let city = place.split(',').next().unwrap_or("");
    let city_caps = city.len() >= 3
        && city
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == ' ' || c == '.' || c == '-');
    let mut parts = date.split_whitespace();
    let month = parts.next().unwrap_or("").trim_end_matches('.');
    let day = parts.next().unwrap_or("");
    city_caps
        && (MONTHS.contains(&month) || MONTH_ABBREVIATIONS.contains(&month))
        && !day.is_empty()
        && day.len() <= 2
        && day.chars().all(|c| c.is_ascii_digit())
        && parts.next().is_none()
}

fn is_publisher(name: &str, reuters: bool) -> bool {
    let lower = name.to_ascii_lowercase();
    if reuters {
        lower.starts_with("reuter")
    } else {
        lower == "bbc" || lower.starts_with("bbc ") || lower == "british broadcasting corporation"
    }
}

fn emit(ctx: &Ctx<'_>, registry: &Registry, facts: &mut Vec<Fact>) {
    for p in &registry.persons {
        facts.push(fact(
            ctx,
            p.span.clone(),
            FactKind::Actor {
                name: p.name.clone(),
                role: p.role.clone(),
                org: p.org.clone(),
            },
        ));
    }
    let reuters = publisher_is_reuters(ctx.text);
    for o in &registry.orgs {
        let too_short = o.name.chars().filter(|c| c.is_alphanumeric()).count() < 2;
        if too_short
            || is_publisher(&o.name, reuters)
            || (o.entry.is_none() && ctx.is_place(&o.name))
        {
            continue;
        }
        facts.push(fact(
            ctx,
            o.span.clone(),
            FactKind::Organization {
                name: o.name.clone(),
            },
        ));
    }
}

/// A fact with the provenance of a byte span.
pub(crate) fn fact(ctx: &Ctx<'_>, span: Range<usize>, kind: FactKind) -> Fact {
    let (start, end, text, sentence) = ctx.doc.provenance(span);
    Fact {
        kind,
        start,
        end,
        text,
        sentence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_datelines_mark_reuters_stories() {
        assert!(publisher_is_reuters(
            "HEADLINE\n\nPEKING, March 25 - China's bank grew."
        ));
        assert!(publisher_is_reuters(
            "SAN MATEO, Calif., March 11 - Visa said."
        ));
        assert!(publisher_is_reuters("It grew.\n REUTER\n"));
        assert!(!publisher_is_reuters(
            "US trade gap hits record\n\nThe gap - a record - grew."
        ));
        assert!(!publisher_is_reuters("Mr Smith, March 11 - no."));
    }
}
