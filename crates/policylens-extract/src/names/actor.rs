//! Actors: persons with their role and organisation, found by the constructions that introduce
//! people in news copy — a title before the name ("Premier Li Qiang", "economist Marie-Pierre
//! Ripert"), an apposition after it ("Tian Yinong, Vice Minister of Finance,"), an honorific
//! ("Mr Chavez") or a reporting verb after a given name ("Henk Addink says").

use super::chunk::{Chunk, is_name_word};
use super::coreference::Registry;
use super::organization::is_keyword_name;
use super::role::{is_role_word, role_after, role_before, role_of_org_before};
use super::token::Kind;
use super::{Cand, Ctx, Tag};

const HONORIFICS: &[&str] = &[
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Dr",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Prof",
    "Professor",
];

/// Whether a word is a verb of speech or stance that follows a speaker's name.
pub(crate) fn is_speech_verb(word: &str) -> bool {
    matches!(
        word,
        "said"
            | "says"
            | "told"
            | "added"
            | "explained"
            | "noted"
            | "warned"
            | "argued"
            | "stressed"
            | "emphasised"
            | "emphasized"
            | "insisted"
            | "believes"
            | "thinks"
            | "predicted"
            | "forecast"
            | "estimated"
            | "commented"
            | "highlighted"
            | "pointed"
            | "declined"
            | "blames"
            | "blamed"
            | "confirmed"
            | "denied"
            | "acknowledged"
            | "admitted"
            | "urged"
            | "suggested"
            | "wrote"
            | "announced"
            | "expects"
            | "expected"
            | "reckons"
            | "agreed"
    )
}

/// Splits "Chinese Premier Li Qiang" or "Minister of Science and Technology Yin Hejun" into a
/// title and a person, tagging the person.
pub(crate) fn split_titled(ctx: &Ctx<'_>, cands: &mut Vec<Cand>, reg: &mut Registry) {
    let mut out = Vec::with_capacity(cands.len());
    for cand in cands.drain(..) {
        let c = cand.chunk;
        let split = if cand.tag == Tag::Unknown {
            titled_person(ctx, c)
        } else {
            None
        };
        let Some((role_first, role_last, name_first)) = split else {
            out.push(cand);
            continue;
        };
        if role_first > c.first {
            // "Bank of China President ...": an organisation; "Power and Steel Minister": a field
            let pre = Chunk {
                first: c.first,
                last: role_first - 1,
            };
            let body = is_keyword_name(ctx, pre.first, pre.last)
                && !ctx.word_in_set(pre.last, &super::organization::FIELD_WORDS);
            out.push(Cand {
                chunk: pre,
                tag: if body { Tag::Unknown } else { Tag::Other },
            });
        }
        out.push(Cand {
            chunk: Chunk {
                first: role_first,
                last: role_last,
            },
            tag: Tag::Other,
        });
        let name = Chunk {
            first: name_first,
            last: c.last,
        };
        let role = ctx.chunk_text(Chunk {
            first: role_first,
            last: role_last,
        });
        let p = reg.add_person(
            &ctx.chunk_text(name),
            ctx.span(name.first, name.last),
            &role,
            "",
        );
        out.push(Cand {
            chunk: name,
            tag: Tag::Person(p),
        });
    }
    *cands = out;
}

/// The title span and name start of a chunk holding "Title [of Field] Name".
fn titled_person(ctx: &Ctx<'_>, c: Chunk) -> Option<(usize, usize, usize)> {
    let r = (c.first..c.last).rev().find(|&i| is_role_word(ctx, i))?;
    let (role_last, name_first) = if ctx.word_in(r + 1, &["of", "for"]) {
        let name_first = (r + 3..=c.last)
            .find(|&j| ctx.tax.is_given_name(ctx.word(j)))
            .or_else(|| (c.last >= r + 4).then(|| c.last - 1))?;
        (name_first - 1, name_first)
    } else {
        (r, r + 1)
    };
    if !valid_name(ctx, name_first, c.last) {
        return None;
    }
    // the title starts after places and organisation words ("Chinese", "Bank of China")
    let mut role_first = r;
    while role_first > c.first && r - role_first < 2 {
        let i = role_first - 1;
        let w = ctx.word(i);
        if !is_name_word(ctx, i) || ctx.is_place_at(i) || ctx.tax.is_org_keyword(w) {
            break;
        }
        role_first = i;
    }
    Some((role_first, role_last, name_first))
}

/// Whether `first..=last` can be a person's name: one to four capitalised words that are not
/// keywords, places, titles or connectors.
fn valid_name(ctx: &Ctx<'_>, first: usize, last: usize) -> bool {
    if last < first || last - first >= 4 {
        return false;
    }
    // "Hong Kong-listed": the name goes on into a hyphenated word
    if ctx.tokens.get(last + 1).is_some_and(|t| {
        t.is_word()
            && t.start == ctx.tokens[last].end + 1
            && ctx.word(last + 1).starts_with(char::is_uppercase)
    }) {
        return false;
    }
    (first..=last).all(|i| {
        let w = ctx.word(i);
        // "Jeremy de Souza"
        let particle = i > first
            && i < last
            && matches!(
                w,
                "de" | "van" | "von" | "der" | "du" | "la" | "bin" | "al" | "da" | "di"
            );
        // cheapest tests first: the word lists are hashed
        particle
            || is_name_word(ctx, i)
                && !ctx.tokens[i].all_caps
                && !ctx.is_place_at(i)
                && w.chars()
                    .all(|ch| ch.is_alphabetic() || ch == '-' || ch == '\'')
                && !ctx.tax.is_org_keyword(w)
                && !is_role_word(ctx, i)
    })
}

/// Where a person's organisation was named: a candidate, or a span inside a longer chunk.
enum Org {
    Cand(usize),
    Span(Chunk),
}

/// Tags persons among unknown candidates by title, apposition, honorific or speech.
pub(crate) fn classify(ctx: &Ctx<'_>, cands: &mut [Cand], reg: &mut Registry) {
    for n in 0..cands.len() {
        if cands[n].tag != Tag::Unknown {
            continue;
        }
        let mut c = cands[n].chunk;
        if !valid_name(ctx, c.first, c.last) || ctx.is_place_chunk(c) {
            continue;
        }
        let before = c.first.checked_sub(1);
        let mut role = String::new();
        let mut org = None;
        let mut found = false;
        // a lone word after a lower-case title may be a company ("market analyst Datamonitor");
        // after a capitalised one it is a surname ("President Bush")
        let lone = || c.len() == 1 && !ctx.tax.is_given_name(ctx.word(c.first));
        if let Some(b) = before {
            if let Some((r, _)) = role_before(ctx, b).filter(|_| ctx.tokens[b].cap || !lone()) {
                role = r;
                found = true;
            } else if ctx.word(b) == "," && b >= 1 {
                if let Some((r, o)) = role_of_org_before(ctx, cands, b - 1) {
                    role = r;
                    org = o.map(Org::Cand);
                    found = true;
                }
            } else if ctx.word_in(b, HONORIFICS)
                || (ctx.word(b) == "." && b >= 1 && ctx.word_in(b - 1, HONORIFICS))
            {
                found = true;
            }
        }
        // "He Kang, Minister of ...": a surname that is also a sentence-opening stop word
        let surname_before = before.is_some_and(|b| {
            ctx.tokens[b].cap
                && ctx.tokens[b].is_word()
                && ctx.tax.is_given_name(ctx.word(b))
                && ctx.tax.is_name_stopword(ctx.word(b))
        });
        if !found && (c.len() >= 2 || surname_before) && ctx.word(c.last + 1) == "," {
            // "He Kang, Minister of ..." — a given name that is also a stop word
            if let Some((r, o)) = role_after(ctx, cands, c.last + 2) {
                role = r;
                org = o.map(Org::Span);
                found = true;
            }
        }
        let given = || {
            ctx.tax.is_given_name(ctx.word(c.first))
                || (c.len() >= 2 && ctx.tax.is_given_name(ctx.word(c.last)))
        };
        if !found && c.len() >= 2 && given() {
            found = is_speech_verb(ctx.word(c.last + 1))
                || before.is_some_and(|b| ctx.word_in(b, &["said", "says", "told"]))
                || before.is_some_and(|b| {
                    ctx.word(b) == "to" && b >= 1 && ctx.word(b - 1) == "according"
                });
        }
        // "owned by Richard Branson": a given name and a surname, anywhere
        if !found && c.len() <= 3 && c.len() >= 2 && ctx.tax.is_given_name(ctx.word(c.first)) {
            found = ctx.word(c.first).len() > 2
                && !ctx.tokens[c.first].sentence_start
                && (c.first..=c.last).all(|i| ctx.tokens[i].is_word());
        }
        if !found {
            continue;
        }
        if surname_before && let Some(b) = before {
            c.first = b;
        }
        let org = match org {
            Some(Org::Cand(m)) => tag_org(ctx, cands, m, reg),
            Some(Org::Span(o)) => match cands.iter().position(|x| x.chunk == o) {
                Some(m) => tag_org(ctx, cands, m, reg),
                None => {
                    let name = ctx.chunk_text(o);
                    reg.add_org(&name, ctx.span(o.first, o.last), None);
                    name.into_owned()
                }
            },
            None => String::new(),
        };
        let p = reg.add_person(&ctx.chunk_text(c), ctx.span(c.first, c.last), &role, &org);
        cands[n] = Cand {
            chunk: c,
            tag: Tag::Person(p),
        };
    }
    // "Marie-Pierre Ripert at IXIS": organisations named right after a person
    for n in 0..cands.len() {
        let Tag::Person(p) = cands[n].tag else {
            continue;
        };
        let Some(m) = org_after_index(ctx, cands, cands[n].chunk.last) else {
            continue;
        };
        // a venue after a bare name ("Li Peng at the Great Hall") is not an employer
        if reg.persons[p].role.is_empty() && cands[m].tag == Tag::Unknown {
            continue;
        }
        {
            let org = tag_org(ctx, cands, m, reg);
            if reg.persons[p].org.is_empty() {
                reg.persons[p].org = org;
            }
        }
    }
}

/// Tags candidate `m` as an organisation (unless it already is one) and returns its name.
fn tag_org(ctx: &Ctx<'_>, cands: &mut [Cand], m: usize, reg: &mut Registry) -> String {
    let c = cands[m].chunk;
    let name = ctx.chunk_text(c);
    if cands[m].tag == Tag::Unknown {
        cands[m].tag = Tag::Org(reg.add_org(&name, ctx.span(c.first, c.last), None));
    }
    name.into_owned()
}

/// "Marie-Pierre Ripert at IXIS", "Liu Shuxun of Xiamen International Bank": the candidate
/// naming an organisation right after a person.
fn org_after_index(ctx: &Ctx<'_>, cands: &[Cand], last: usize) -> Option<usize> {
    if !ctx.word_in(last + 1, &["at", "of", "from"]) {
        return None;
    }
    let mut k = last + 2;
    if ctx.word(k) == "the" {
        k += 1;
    }
    let n = cands.iter().position(|c| c.chunk.first == k)?;
    let c = cands[n];
    let ok = match c.tag {
        Tag::Org(_) => true,
        Tag::Unknown => {
            !ctx.is_place_chunk(c.chunk)
                && !ctx.followed_by_place_noun(c.chunk)
                && !ctx.tax.is_given_name(ctx.word(c.chunk.first))
                && ctx.tokens[c.chunk.last + 1..]
                    .first()
                    .is_none_or(|t| t.kind != Kind::Possessive)
        }
        _ => false,
    };
    ok.then_some(n)
}
