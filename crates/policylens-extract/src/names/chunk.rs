//! Capitalised chunks: runs of capitalised words joined by name connectors ("of", "and", "for
//! the", "&", "'s") — the candidates every name recogniser classifies.

use super::Ctx;
use super::token::Kind;

/// A run of tokens `first..=last` (token indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub first: usize,
    pub last: usize,
}

impl Chunk {
    pub fn len(&self) -> usize {
        self.last + 1 - self.first
    }
}

/// Lower-case words that may join capitalised words inside one name.
const CONNECTORS: &[&str] = &[
    "of", "for", "and", "&", "de", "du", "des", "der", "den", "van", "von", "la", "le", "y", "al",
    "bin", "on", "di", "da", "dos", "do",
];

/// Whether token `i` can be part of a name: a capitalised word outside a headline, not a
/// sentence-opening stop word.
pub fn is_name_word(ctx: &Ctx<'_>, i: usize) -> bool {
    ctx.name_word.get(i).copied().unwrap_or(false)
}

/// Computes [`is_name_word`] for token `i` (done once per token when the context is built);
/// `stopword`: the token is a capitalised name stop word (looked up once, shared with places).
#[inline]
pub(crate) fn compute_name_word(ctx: &Ctx<'_>, i: usize, stopword: bool) -> bool {
    let t = &ctx.tokens[i];
    if !t.is_word() || !t.cap || ctx.headline[t.sentence as usize] {
        return false;
    }
    let word = t.text(ctx.text);
    if stopword {
        // "Minister He Kang": a capitalised stop word mid-sentence that is also a surname;
        // "First Boston": an ordinal opening a name
        return !t.sentence_start
            && (ctx.tax.is_given_name(word) || matches!(word, "First" | "Second" | "Third"))
            && ctx.tokens.get(i + 1).is_some_and(|n| n.cap && n.is_word());
    }
    // bare numbers and words starting with a digit are not names
    !word.starts_with(|c: char| c.is_ascii_digit())
}

/// All chunks of the document, in order. A connector joins only when a name word follows it
/// (after an optional "the"); a chunk never crosses a sentence.
pub fn find(ctx: &Ctx<'_>) -> Vec<Chunk> {
    let tokens = &ctx.tokens;
    let mut chunks = Vec::new();
    let mut i = 0;
    // most tokens are not name words: skip to the next one over the flags alone
    while let Some(k) = ctx
        .name_word
        .get(i..)
        .and_then(|rest| rest.iter().position(|&w| w))
    {
        i += k;
        let first = i;
        let mut last = i;
        let mut j = i + 1;
        while j < tokens.len() && tokens[j].sentence == tokens[first].sentence {
            if is_name_word(ctx, j) {
                last = j;
                j += 1;
                continue;
            }
            let Some(next) = connector_end(ctx, j) else {
                break;
            };
            if next < tokens.len()
                && tokens[next].sentence == tokens[first].sentence
                && is_name_word(ctx, next)
            {
                last = next;
                j = next + 1;
            } else {
                break;
            }
        }
        chunks.push(Chunk { first, last });
        i = last + 1;
    }
    chunks
}

/// If token `j` starts a connector ("of", "for the", "'s", "&"), the index after it.
fn connector_end(ctx: &Ctx<'_>, j: usize) -> Option<usize> {
    let t = &ctx.tokens[j];
    if t.kind == Kind::Possessive {
        // "Italy's Illva" and "Turner Broadcasting System Inc's CNN" are two names;
        // "People's Daily" is one
        let owner_named =
            j > 0 && (ctx.is_place_at(j - 1) || ctx.tax.is_org_keyword(ctx.word(j - 1)));
        return (!owner_named).then_some(j + 1);
    }
    let word = t.text(ctx.text);
    if !CONNECTORS.contains(&word) {
        return None;
    }
    let mut next = j + 1;
    // "van der Vijver", "de la Rua"
    if matches!(word, "van" | "von" | "de")
        && matches!(ctx.word(next), "der" | "den" | "de" | "la" | "los")
    {
        next += 1;
    }
    if matches!(word, "of" | "for" | "on")
        && next < ctx.tokens.len()
        && ctx.tokens[next].text(ctx.text) == "the"
    {
        next += 1;
    }
    Some(next)
}

#[cfg(test)]
mod tests {
    use crate::names::Ctx;
    use crate::taxonomy::Taxonomy;
    use crate::text::Doc;

    fn check(text: &str, expect: &[&str]) {
        let tax = Taxonomy::builtin();
        let doc = Doc::new(text);
        let ctx = Ctx::new(&doc, &tax);
        let got: Vec<&str> = super::find(&ctx)
            .iter()
            .map(|c| &text[ctx.tokens[c.first].start..ctx.tokens[c.last].end])
            .collect();
        assert_eq!(got, expect, "chunks of {text:?}");
    }

    #[test]
    fn connectors_join_names() {
        check(
            "He met the Institute for the Study of Labour, then Barclay's Capital staff.",
            &["Institute for the Study of Labour", "Barclay's Capital"],
        );
        check(
            "Shares of Scottish & Newcastle rose in the U.S. market.",
            &["Scottish & Newcastle", "U.S."],
        );
    }

    #[test]
    fn stop_words_and_headlines_break_chunks() {
        check("The Commerce Department said.", &["Commerce Department"]);
        check(
            "CHINA GIVES BUDGET\n\nIn March, Li Peng spoke.",
            &["Li Peng"],
        );
        check("Mr Wang met Chen of Nasdaq", &["Wang", "Chen of Nasdaq"]);
    }
}
