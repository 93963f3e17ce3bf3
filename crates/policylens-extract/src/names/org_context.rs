//! The constructions that reveal an unknown name as an organisation: "crane maker Huisman
//! Itrec", "Changyu, the largest wine maker", "Beck-Crespel is a steel firm", "Italy's Illva",
//! "Changyu said in a statement", "a stake in Illva".

use super::chunk::Chunk;
use super::coreference::Registry;
use super::token::Kind;
use super::{Cand, Ctx, Tag, Words};

/// Nouns that introduce or describe a company or body: "supplier China Aviation Oil",
/// "Changyu, the largest wine maker".
static BODY_NOUNS: Words = Words::new(&[
    "firm",
    "firms",
    "company",
    "companies",
    "maker",
    "makers",
    "manufacturer",
    "manufacturers",
    "producer",
    "producers",
    "supplier",
    "suppliers",
    "group",
    "groups",
    "giant",
    "giants",
    "rival",
    "rivals",
    "retailer",
    "retailers",
    "carmaker",
    "airline",
    "airlines",
    "carrier",
    "operator",
    "insurer",
    "lender",
    "bank",
    "banks",
    "brewer",
    "chain",
    "conglomerate",
    "distributor",
    "subsidiary",
    "unit",
    "parent",
    "brokerage",
    "publisher",
    "developer",
    "provider",
    "exporter",
    "importer",
    "miner",
    "refiner",
    "shipper",
    "agency",
    "newspaper",
    "paper",
    "arm",
    "magazine",
    "broadcaster",
    "watchdog",
    "regulator",
    "house",
    "corporation",
    "multinational",
    "fund",
    "exchange",
    "business",
    "venture",
]);

/// Nouns after a name that make it a news organisation: "the Economic Information newspaper".
const PRESS_NOUNS: &[&str] = &[
    "newspaper",
    "paper",
    "magazine",
    "journal",
    "weekly",
    "daily",
];

/// Nouns that, owned by a name, make it a company: "Fiat's chairman", "GM's shareholders".
static CORPORATE_NOUNS: Words = Words::new(&[
    "shares",
    "shareholders",
    "board",
    "chairman",
    "chief",
    "boss",
    "subsidiary",
    "subsidiaries",
    "profits",
    "profit",
    "earnings",
    "revenues",
    "revenue",
    "flotation",
    "listing",
    "takeover",
    "stake",
    "headquarters",
    "executives",
    "directors",
    "workforce",
    "employees",
    "customers",
    "brand",
    "brands",
    "products",
    "factory",
    "factories",
    "plants",
    "stores",
    "shops",
    "operations",
    "bid",
    "merger",
    "parent",
    "unit",
    "units",
    "chairwoman",
    "founder",
]);

/// Last words of place names that a possessive construction must not turn into organisations.
const GEO_HEADS: &[&str] = &[
    "River",
    "Province",
    "Sea",
    "Mountains",
    "Island",
    "Islands",
    "Valley",
    "Lake",
    "Delta",
    "City",
    "Region",
    "Peninsula",
    "Gulf",
    "Bay",
    "Strait",
    "Coast",
    "Hall",
    "Palace",
    "Square",
    "Airport",
    "Stadium",
    "Hotel",
    "Street",
    "Road",
    "Bridge",
    "Tower",
    "Museum",
    "Park",
];

/// "crane maker Huisman Itrec", "firms such as Heineken", "financial firm, China Life,".
pub(crate) fn introduced_as_body(ctx: &Ctx<'_>, c: Chunk) -> bool {
    let Some(mut i) = c.first.checked_sub(1) else {
        return false;
    };
    if ctx.word(i) == "," && i >= 1 {
        // an apposition closes with a comma: "financial firm, China Life, is facing"
        if ctx.word(c.last + 1) != "," {
            return false;
        }
        i -= 1;
    } else if ctx.word(i) == "as" && i >= 2 && ctx.word(i - 1) == "such" {
        i -= 2;
    }
    ctx.same_sentence(i, c.first)
        && ctx.tokens[i].is_word()
        && !ctx.tokens[i].cap
        && ctx.word_in_set(i, &BODY_NOUNS)
}

/// "Changyu, the largest wine maker in China", "Beck-Crespel is a specialist steel firm", "the
/// Economic Information newspaper".
pub(crate) fn described_as_body(ctx: &Ctx<'_>, c: Chunk) -> bool {
    let after = c.last + 1;
    if ctx.word_in(after, PRESS_NOUNS) && !ctx.tokens[after].cap {
        return true;
    }
    // "the Xinhua news agency", "the Deutsche Welle radio station"
    let broadcast = ctx.word_in(after, &["radio", "television", "TV", "news"])
        && ctx.word_in(
            after + 1,
            &["station", "channel", "network", "agency", "service"],
        );
    if broadcast {
        return true;
    }
    let lone_opener = c.len() == 1 && ctx.tokens[c.first].sentence_start;
    let apposition = ctx.word(after) == "," && !lone_opener;
    if !apposition && !ctx.word_in(after, &["is", "was"]) {
        return false;
    }
    let mut i = after + 1;
    if !ctx.word_in(i, &["the", "a", "an"]) {
        return false;
    }
    i += 1;
    for _ in 0..5 {
        let Some(t) = ctx.tokens.get(i) else {
            return false;
        };
        if !t.is_word() || !ctx.same_sentence(i, c.last) {
            return false;
        }
        if !t.cap && ctx.word_in_set(i, &BODY_NOUNS) {
            // "in Guangdong, the agency said" reports; it does not describe
            let next = ctx.tokens.get(i + 1);
            return next.is_none_or(|n| n.kind != Kind::Possessive)
                && !super::actor::is_speech_verb(ctx.word(i + 1));
        }
        if ctx.word_in(
            i,
            &[
                "of", "who", "which", "that", "and", "at", "in", "for", "with", "from",
            ],
        ) || ctx.tax.is_role(&ctx.word(i).to_lowercase())
        {
            return false;
        }
        i += 1;
    }
    false
}

/// "Italy's Illva Saronno": a name owned by a place.
pub(crate) fn owned_by_place(ctx: &Ctx<'_>, c: Chunk) -> bool {
    if c.first < 2 || ctx.tokens[c.first - 1].kind != Kind::Possessive {
        return false;
    }
    ctx.is_place_at(c.first - 2)
        && !ctx.is_place_at(c.first)
        && !GEO_HEADS.contains(&ctx.word(c.last))
        && !ctx.tax.is_role(&ctx.word(c.first).to_lowercase())
}

/// "Barclay's Capital and Sumitomo Mitsui": a name joined by "and" to an organisation.
pub(crate) fn coordinated_with_org(ctx: &Ctx<'_>, prev: Cand, c: Chunk) -> bool {
    // the keyword lookups last: most chunks fail the cheap tests
    let keywords_only = || {
        (c.first..=c.last).all(|i| !ctx.tokens[i].is_word() || ctx.tax.is_org_keyword(ctx.word(i)))
    };
    matches!(prev.tag, Tag::Org(_))
        && prev.chunk.last + 2 == c.first
        && ctx.word_in(prev.chunk.last + 1, &["and", "or"])
        && ctx.word(c.first).len() > 1
        && !keywords_only()
}

/// Organisations that only a company-like verb or a stake reveals: "Changyu said in a
/// statement", "a stake in Illva", "Panin reported a loss".
pub(crate) fn classify_late(ctx: &Ctx<'_>, cands: &mut [Cand], reg: &mut Registry) {
    for cand in cands.iter_mut().filter(|c| c.tag == Tag::Unknown) {
        let c = cand.chunk;
        let only_keywords = || {
            (c.first..=c.last).all(|i| {
                !ctx.tokens[i].is_word()
                    || ctx.tax.is_org_keyword(ctx.word(i))
                    || !ctx.tokens[i].cap
            })
        };
        if c.len() > 4
            || ctx.is_place_chunk(c)
            || ctx.tax.is_given_name(ctx.word(c.first))
            || only_keywords()
        {
            continue;
        }
        let after = c.last + 1;
        let statement = ctx.word(after) == "said"
            && ctx.word(after + 1) == "in"
            && ctx.word_in(after + 2, &["a", "its"])
            && ctx.word(after + 3) == "statement";
        let results = ctx.word_in(after, &["reported", "posted"])
            && ctx.word_in(
                after + 1,
                &[
                    "a", "net", "profit", "profits", "loss", "losses", "sales", "earnings",
                    "revenue", "record",
                ],
            );
        let stake = c.first >= 2
            && ctx.word_in(c.first - 1, &["in", "of"])
            && ctx.word_in(c.first - 2, &["stake", "shares", "stakes", "shareholders"]);
        let traded = ctx.word_in(after, &["shares", "stock"]) && !ctx.tokens[after].cap;
        // "Fiat's chairman", "Air China's flotation": what only a company has
        let owned = ctx
            .tokens
            .get(after)
            .is_some_and(|t| t.kind == Kind::Possessive)
            && ctx.word_in_set(after + 1, &CORPORATE_NOUNS);
        if statement || results || stake || traded || owned || ctx.word(after) == "announced" {
            let name = ctx.chunk_text(c);
            cand.tag = Tag::Org(reg.add_org(&name, ctx.span(c.first, c.last), None));
        }
    }
}
