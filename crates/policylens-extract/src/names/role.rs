//! Role titles around a person's name: before it ("assistant general manager Wang Hongshan",
//! "the ex-president of Bank of China, Wang Xuebing") and after it ("Tian Yinong, Vice Minister
//! of Finance", "Wang Dan, chief economist at Hang Seng Bank China").

use super::chunk::Chunk;
use super::organization::is_keyword_name;
use super::{Cand, Ctx, Tag, Words};

/// Words that never modify a role title ("said economist X", "the company's chairman").
static NOT_MODIFIERS: Words = Words::new(&[
    "the",
    "a",
    "an",
    "its",
    "his",
    "her",
    "their",
    "our",
    "said",
    "says",
    "told",
    "and",
    "or",
    "of",
    "at",
    "by",
    "for",
    "with",
    "to",
    "from",
    "as",
    "is",
    "was",
    "are",
    "were",
    "has",
    "had",
    "have",
    "who",
    "that",
    "which",
    "new",
    "one",
    "two",
    "this",
    "these",
    "those",
    "other",
    "according",
    "when",
    "while",
    "but",
    "also",
    "not",
    "be",
    "been",
    "will",
    "would",
]);

/// Capitalised words that may open a title before its head ("Vice Minister", "Assistant general
/// manager").
static ROLE_MODIFIERS: Words = Words::new(&[
    "vice",
    "deputy",
    "assistant",
    "senior",
    "acting",
    "former",
    "ex",
    "managing",
    "associate",
    "chief",
    "executive",
    "general",
    "joint",
    "interim",
    "foreign",
    "finance",
    "trade",
    "prime",
]);

/// Whether token `i` is a role word ("minister", "Premier", "ex-president").
pub(crate) fn is_role_word(ctx: &Ctx<'_>, i: usize) -> bool {
    let Some(cell) = ctx.role_word.get(i) else {
        return false;
    };
    match cell.get() {
        1 => false,
        2 => true,
        _ => {
            let role = compute_role_word(ctx, i);
            cell.set(1 + u8::from(role));
            role
        }
    }
}

fn compute_role_word(ctx: &Ctx<'_>, i: usize) -> bool {
    let Some(t) = ctx.tokens.get(i) else {
        return false;
    };
    if !t.is_word() {
        return false;
    }
    let word = ctx.word(i);
    // lower-case short ASCII words on the stack in one pass; role words are short
    let mut buf = [0u8; 24];
    let (mut ascii, mut upper, mut hyphen) = (true, false, None);
    if let Some(lower) = buf.get_mut(..word.len()) {
        for (k, (l, &b)) in lower.iter_mut().zip(word.as_bytes()).enumerate() {
            ascii &= b.is_ascii();
            upper |= b.is_ascii_uppercase();
            if b == b'-' {
                hyphen = Some(k);
            }
            *l = b.to_ascii_lowercase();
        }
    }
    if word.len() > buf.len() || !ascii {
        let lower = word.to_lowercase();
        return ctx.tax.is_role(&lower)
            || lower.rsplit('-').next().is_some_and(|h| ctx.tax.is_role(h));
    }
    let lower = if upper {
        std::str::from_utf8(&buf[..word.len()]).unwrap_or("")
    } else {
        // already lower case (most words): no copy to validate
        word
    };
    // without a hyphen the head is the word itself
    ctx.tax.is_role(lower) || hyphen.is_some_and(|p| ctx.tax.is_role(&lower[p + 1..]))
}

/// A title ending at token `i`, with up to three modifiers before it ("assistant general
/// manager", "Factory manager", "politics lecturer"); returns it and its first token.
pub(crate) fn role_before(ctx: &Ctx<'_>, i: usize) -> Option<(String, usize)> {
    if !is_role_word(ctx, i) {
        return None;
    }
    let mut first = i;
    let mut free = 0;
    while first > 0 && i - first < 3 {
        let j = first - 1;
        let t = &ctx.tokens[j];
        if !t.is_word() || !ctx.same_sentence(j, i) || ctx.word_in_set(j, &NOT_MODIFIERS) {
            break;
        }
        let w = ctx.word(j);
        let modifier = if is_role_word(ctx, j) {
            true
        } else if t.cap {
            t.sentence_start && !ctx.is_place_at(j) && !ctx.tax.is_name_stopword(w)
        } else {
            w.len() >= 3 && w.chars().all(|c| c.is_alphabetic() || c == '-')
        };
        if !modifier || (!is_role_word(ctx, j) && free == 1) {
            break;
        }
        if !is_role_word(ctx, j) {
            free += 1;
        }
        first = j;
    }
    let text = crate::text::fold_whitespace(&ctx.text[ctx.span(first, i)]);
    Some((text, first))
}

/// "the ex-president of Bank of China, Wang Xuebing": a title and its organisation before the
/// comma at `i + 1`, or just a title ("China's premier, Wen Jiabao").
pub(crate) fn role_of_org_before(
    ctx: &Ctx<'_>,
    cands: &[Cand],
    i: usize,
) -> Option<(String, Option<usize>)> {
    if let Some((role, _)) = role_before(ctx, i) {
        return Some((role, None));
    }
    let n = cands.iter().position(|c| c.chunk.last == i)?;
    let c = cands[n].chunk;
    // "the Mayor of London, Ken Livingstone"
    if is_role_word(ctx, c.first) && ctx.word(c.first + 1) == "of" {
        return Some((ctx.chunk_text(c).into_owned(), None));
    }
    let mut k = c.first.checked_sub(1)?;
    if ctx.word(k) == "the" {
        k = k.checked_sub(1)?;
    }
    if !ctx.word_in(k, &["of", "at"]) || k == 0 {
        return None;
    }
    let (role, _) = role_before(ctx, k - 1)?;
    let org_like = matches!(cands[n].tag, Tag::Org(_) | Tag::Unknown) && !ctx.is_place_chunk(c);
    Some((role, org_like.then_some(n)))
}

/// A title after a comma at token `i` ("chief economist at Hang Seng Bank", "Vice Minister of
/// Finance", "a politics lecturer at the University of Lille"): the role and organisation.
pub(crate) fn role_after(
    ctx: &Ctx<'_>,
    cands: &[Cand],
    mut i: usize,
) -> Option<(String, Option<Chunk>)> {
    // "45, chief executive": an age
    if ctx.word(i).chars().all(|c| c.is_ascii_digit()) && ctx.word(i + 1) == "," {
        i += 2;
    }
    if ctx.word_in(i, &["a", "an", "the", "its", "their", "his", "her"]) {
        i += 1;
    }
    // "the firm's chief executive", "China's premier"
    if ctx
        .tokens
        .get(i + 1)
        .is_some_and(|t| t.kind == super::token::Kind::Possessive)
    {
        i += 2;
    }
    let start = i;
    let mut last_role = None;
    while i < ctx.tokens.len() && i - start < 5 && ctx.tokens[i].is_word() {
        if ctx.word_in(i, &["in", "who", "said", "says"]) || ctx.word_in_set(i, &NOT_MODIFIERS) {
            break;
        }
        if is_role_word(ctx, i) {
            last_role = Some(i);
        } else if ctx.tokens[i].cap && !ctx.word_in_set(i, &ROLE_MODIFIERS) && !ctx.is_place_at(i) {
            break;
        }
        i += 1;
    }
    let r = last_role?;
    // "in California, company spokesman Gus Whitcomb said": the title introduces the next name
    if ctx.tokens.get(r + 1).is_some_and(|t| t.cap && t.is_word()) && ctx.word(r + 1) != "of" {
        return None;
    }
    let mut role = crate::text::fold_whitespace(&ctx.text[ctx.span(start, r)]);
    let mut org = None;
    // "Vice Minister of Finance" is one chunk: its words after "of" complete the title
    if let Some(c) = cands
        .iter()
        .find(|c| c.chunk.first <= r && r + 1 < c.chunk.last)
    {
        let rest = Chunk {
            first: r + 2,
            last: c.chunk.last,
        };
        if ctx.word(r + 1) == "of" && !is_keyword_name(ctx, rest.first, rest.last) {
            role = format!("{role} of {}", ctx.chunk_text(rest));
        } else if ctx.word_in(r + 1, &["of", "at", "for"]) {
            org = Some(rest);
        }
    } else if ctx.word_in(r + 1, &["of", "at", "for", "with"]) {
        let mut k = r + 2;
        if ctx.word(k) == "the" {
            k += 1;
        }
        if let Some(n) = cands.iter().position(|c| c.chunk.first == k) {
            let c = &cands[n];
            let field = ctx.tokens[r].cap
                && c.tag == Tag::Unknown
                && !is_keyword_name(ctx, c.chunk.first, c.chunk.last)
                && ctx.word(r + 1) != "at";
            if field {
                role = format!("{role} of {}", ctx.chunk_text(c.chunk));
            } else if !matches!(c.tag, Tag::Person(_))
                && !ctx.is_place_chunk(c.chunk)
                && !ctx.followed_by_place_noun(c.chunk)
            {
                org = Some(c.chunk);
            }
        }
    }
    Some((role, org))
}
