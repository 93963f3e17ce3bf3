//! Quotes: a speaker (person or organisation) and what they said — a quoted passage, or the
//! reported clause after "X said (that)". A pronoun speaker ("he said") is the last person named.

use std::ops::Range;

use crate::fact::{Fact, FactKind};
use crate::text::fold_whitespace;

use super::actor::is_speech_verb;
use super::coreference::Registry;
use super::{Cand, Ctx, Tag, fact};

const PRONOUNS: &[&str] = &["he", "she"];

pub(crate) fn extract(ctx: &Ctx<'_>, cands: &[Cand], reg: &Registry) -> Vec<Fact> {
    let mut facts = Vec::new();
    let mut last_person: Option<usize> = None;
    let mut c = 0;
    let mut speakers: Vec<Speaker<'_>> = Vec::new();
    // the last person among `cands[..c]`, tracked as `c` advances
    let mut newest_person: Option<usize> = None;
    // sentences come in order: each one's tokens start at or after the previous one's end
    let mut from = 0;
    for (s, range) in ctx.doc.sentences().iter().enumerate() {
        let first = from
            + ctx.tokens[from..]
                .iter()
                .take_while(|t| t.start < range.start)
                .count();
        let last = first + ctx.tokens[first..].partition_point(|t| t.start < range.end);
        from = last;
        // speakers named in this sentence
        speakers.clear();
        while c < cands.len() && cands[c].chunk.first < last {
            let cand = cands[c];
            if let Tag::Person(p) = cand.tag {
                newest_person = Some(p);
            }
            let name = match cand.tag {
                Tag::Person(p) => Some((reg.persons[p].name.as_str(), true)),
                Tag::Org(o) => Some((reg.orgs[o].name.as_str(), false)),
                _ => None,
            };
            if let Some((name, person)) = name
                && ctx.tokens[cand.chunk.first].sentence as usize == s
            {
                speakers.push(Speaker {
                    first: cand.chunk.first,
                    last: cand.chunk.last,
                    name,
                    person,
                });
            }
            c += 1;
        }
        if speakers.is_empty() {
            // only "he said" can still quote the last person named
            // on bytes: every token of the sentence is looked at
            let bytes = ctx.text.as_bytes();
            let pronoun = last_person.is_some()
                && ctx.tokens[first..last].iter().any(|t| {
                    matches!(t.end - t.start, 2 | 3)
                        && PRONOUNS
                            .iter()
                            .any(|p| p.as_bytes().eq_ignore_ascii_case(&bytes[t.start..t.end]))
                });
            if !pronoun {
                continue;
            }
        }
        let speech = ctx.tokens[first..last]
            .iter()
            .position(|t| t.is_word() && !t.cap && is_speech_verb(t.text(ctx.text)))
            .map(|k| first + k);
        let speaker = speech.and_then(|v| speaker_of(&speakers, v)).or_else(|| {
            let pronoun = speech.is_some_and(|v| {
                v > first && ctx.word_in(v - 1, PRONOUNS) || ctx.word_in(v + 1, PRONOUNS)
            });
            pronoun
                .then(|| last_person.map(|p| reg.persons[p].name.clone()))
                .flatten()
        });
        if let (Some(speaker), Some(v)) = (speaker, speech) {
            let statement =
                quoted_span(ctx, range).or_else(|| reported_clause(ctx, v, last, range));
            if let Some(span) = statement {
                let quote = fold_whitespace(&ctx.text[span.clone()]);
                // three words or more
                if quote.split_whitespace().nth(2).is_some() {
                    facts.push(fact(ctx, span, FactKind::Quote { speaker, quote }));
                }
            }
        }
        if newest_person.is_some() {
            last_person = newest_person;
        }
    }
    facts
}

/// A person or organisation named in the sentence being read.
struct Speaker<'r> {
    first: usize,
    last: usize,
    name: &'r str,
    person: bool,
}

/// Who speaks through the verb at token `v`: a person right before it or shortly after it
/// ("said Virgin Blue chief executive Brett Godfrey"), else an organisation right beside it.
fn speaker_of(speakers: &[Speaker<'_>], v: usize) -> Option<String> {
    let before = |s: &&Speaker<'_>| s.last + 1 == v;
    let after = |s: &&Speaker<'_>| s.first > v && s.first <= v + 6;
    speakers
        .iter()
        .find(|s| s.person && (before(s) || after(s)))
        .or_else(|| speakers.iter().find(|s| before(s) || s.first == v + 1))
        .map(|s| s.name.to_string())
}

/// Byte offset of the first `"` or `curly` in `s` (`s.find(['"', curly])`, by `memchr2`).
fn find_mark(s: &str, curly: char) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut buf = [0u8; 4];
    let curly = curly.encode_utf8(&mut buf).as_bytes();
    let mut i = 0;
    while let Some(p) = memchr::memchr2(b'"', curly[0], &bytes[i..]) {
        let k = i + p;
        if bytes[k] == b'"' || bytes[k..].starts_with(curly) {
            return Some(k);
        }
        i = k + 1;
    }
    None
}

/// The first quoted passage in a sentence, without its quote marks; an unclosed quote runs to
/// the end of the sentence.
fn quoted_span(ctx: &Ctx<'_>, range: &Range<usize>) -> Option<Range<usize>> {
    let s = &ctx.text[range.clone()];
    let open = find_mark(s, '\u{201c}')?;
    let open_len = s[open..].chars().next()?.len_utf8();
    let body = open + open_len;
    let close = find_mark(&s[body..], '\u{201d}').map_or(s.len(), |p| body + p);
    let inner = s[body..close].trim_matches(|c: char| c.is_whitespace() || c == ',');
    if inner.is_empty() {
        return None;
    }
    let start = range.start + body + (s[body..close].len() - s[body..close].trim_start().len());
    Some(start..start + inner.len())
}

/// "X said (that) CLAUSE.": the clause after the verb at token `v`, up to the sentence end.
fn reported_clause(
    ctx: &Ctx<'_>,
    v: usize,
    last: usize,
    range: &Range<usize>,
) -> Option<Range<usize>> {
    // "Prices will rise, Liu said." / "Prices will rise, said Liu.": the clause before the comma
    let first = ctx.tokens.partition_point(|t| t.start < range.start);
    if let Some(comma) = (first..v).rev().take(6).find(|&i| ctx.word(i) == ",")
        && comma > first
        && (comma + 1..v).all(|i| ctx.tokens[i].cap || ctx.word_in(i, PRONOUNS))
    {
        let start = ctx.tokens[first].start;
        let end = ctx.tokens[comma].start;
        return (end > start).then_some(start..end);
    }
    if v + 1 < last && ctx.tokens[v + 1].cap && ctx.word(v.wrapping_sub(1)) == "," {
        return None;
    }
    let mut k = v + 1;
    if ctx.word_in(k, &["this", "last", "on"])
        && ctx.word_in(
            k + 1,
            &[
                "week",
                "month",
                "year",
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
            ],
        )
    {
        k += 2;
    }
    if ctx.word(k) == "that" {
        k += 1;
    }
    if k >= last || !ctx.tokens[k].is_word() {
        return None;
    }
    let start = ctx.tokens[k].start;
    let end = ctx.text[..range.end]
        .trim_end_matches(['.', ' ', '\n'])
        .len();
    (end > start).then_some(start..end)
}
