//! Small closed word classes of the indicator grammar: count units, holding verbs, period words,
//! the nouns of trade and production verbs, and the growth words of change nouns.

/// Units that count things: the counted noun joins the metric ("521 sugar mills").
pub const COUNT_UNITS: &[&str] = &[
    "people",
    "jobs",
    "units",
    "vehicles",
    "companies",
    "banks",
    "mills",
    "factories",
    "branches",
    "offices",
    "projects",
    "households",
    "customers",
    "visitors",
    "shares",
];

/// Verbs by which a subject holds a share of something: "China accounted for 20.1% of".
pub const HOLDING_VERBS: &[&str] = &[
    "accounted",
    "accounts",
    "account",
    "made",
    "makes",
    "took",
    "takes",
    "held",
    "holds",
    "has",
    "had",
    "have",
    "owns",
    "owned",
    "controls",
    "controlled",
    "represents",
    "represented",
    "captured",
    "commands",
    "supplies",
    "supplied",
    "produces",
    "produced",
];

/// The noun a verb of trade or production names: "exported" → "exports".
pub fn noun_of_verb(word: &str) -> Option<&'static str> {
    match word {
        "exported" | "export" | "exports" | "exporting" => Some("exports"),
        "imported" | "import" | "imports" | "importing" => Some("imports"),
        "produced" | "produce" | "produces" | "mined" => Some("output"),
        "sold" | "sell" | "sells" => Some("sales"),
        "spent" | "spend" | "spends" => Some("spending"),
        "invested" | "invest" | "invests" => Some("investment"),
        "borrowed" | "borrow" | "borrows" => Some("borrowing"),
        "earned" | "earn" | "earns" => Some("earnings"),
        "harvested" => Some("harvest"),
        "consumed" | "consume" | "consumes" => Some("consumption"),
        "shipped" | "ship" | "ships" => Some("shipments"),
        "lent" | "lend" | "lends" => Some("lending"),
        "bought" | "buy" | "buys" | "purchased" => Some("purchases"),
        _ => None,
    }
}

/// The growth word a change noun before a metric gives it: "a drop in X" → "decline".
pub fn change_of(word: &str) -> Option<&'static str> {
    match word {
        "rise" | "increase" | "growth" | "gain" | "jump" | "surge" => Some("growth"),
        "drop" | "fall" | "decline" | "decrease" | "cut" | "reduction" => Some("decline"),
        _ => None,
    }
}

/// Words that name a time rather than a thing: years, fiscal years, months, "year" after
/// "last"/"this".
pub fn is_period_word(w: &str) -> bool {
    // (`trim_end_matches("'s")`, without setting up a substring searcher for each word)
    let mut w = w;
    while let Some(stem) = w.strip_suffix("'s") {
        w = stem;
    }
    let w = w
        .strip_prefix("end-")
        .or_else(|| w.strip_prefix("mid-"))
        .unwrap_or(w);
    let digits = w.bytes().filter(u8::is_ascii_digit).count();
    if digits >= 4
        && w.bytes().all(|b| b.is_ascii_digit() || b == b'/')
        && (w.starts_with("19") || w.starts_with("20"))
    {
        return true;
    }
    matches!(
        w,
        "january"
            | "february"
            | "march"
            | "april"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
            | "year"
            | "month"
            | "quarter"
            | "calendar"
            | "fiscal"
            | "last"
            | "this"
            | "next"
            | "previous"
            | "same"
            | "period"
            | "end-january"
            | "today"
            | "now"
    ) || (w.starts_with("end-") || w.starts_with("mid-"))
}
