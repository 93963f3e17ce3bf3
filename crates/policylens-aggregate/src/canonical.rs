//! Series canonicalisation: the explainable, conservative rules that map an indicator's metric
//! text, jurisdiction and unit to one series key (exact key equality; never fuzzy matching).
//!
//! Rules, applied in order to the metric text:
//! 1. lowercase; `%`, punctuation and possessive `'s` become spaces; numbers are dropped;
//! 2. words naming the series' own jurisdiction ("China", "Chinese", "China's") are removed; an
//!    indicator without a jurisdiction takes the first one its metric names; other
//!    jurisdictions stay ("oil sold to the United States" ≠ "oil sold to China");
//! 3. simple plural folding ("industries" → "industry", "exports" → "export");
//! 4. phrasing variants are rewritten to one form: "gdp share of X", "share of X in gdp",
//!    "X share of gdp" and "X accounted for N% of gdp" all become "X share of gdp" (any base of
//!    `SHARE_BASES`); "growth rate" → "growth"; "growth of/in X" → "X growth";
//! 5. stopwords ("the", "of", "in", "its", ...) are removed.

/// The key of one series: canonical metric, canonical jurisdiction, unit family.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesKey {
    pub metric: String,
    pub jurisdiction: String,
    pub unit: String,
}

impl SeriesKey {
    /// The stable series id: `s-` + 16 hex digits of blake3 over the key.
    pub fn id(&self) -> String {
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.metric.as_bytes());
        hasher.update(b"\x1f");
        hasher.update(self.jurisdiction.as_bytes());
        hasher.update(b"\x1f");
        hasher.update(self.unit.as_bytes());
        let hex = hasher.finalize().to_hex();
        format!("s-{}", &hex[..16])
    }
}

/// Jurisdiction surface words (lowercase, after punctuation removal) and their canonical name.
const JURISDICTIONS: &[(&str, &str)] = &[
    ("china", "china"),
    ("chinese", "china"),
    ("prc", "china"),
    ("beijing", "china"),
    ("us", "united states"),
    ("u s", "united states"),
    ("usa", "united states"),
    ("america", "united states"),
    ("american", "united states"),
    ("united states", "united states"),
    ("uk", "united kingdom"),
    ("britain", "united kingdom"),
    ("british", "united kingdom"),
    ("united kingdom", "united kingdom"),
    ("japan", "japan"),
    ("japanese", "japan"),
    ("germany", "germany"),
    ("german", "germany"),
    ("france", "france"),
    ("french", "france"),
    ("india", "india"),
    ("indian", "india"),
    ("russia", "russia"),
    ("russian", "russia"),
    ("brazil", "brazil"),
    ("brazilian", "brazil"),
    ("canada", "canada"),
    ("canadian", "canada"),
    ("italy", "italy"),
    ("italian", "italy"),
    ("south korea", "south korea"),
    ("korea", "south korea"),
    ("korean", "south korea"),
    ("eu", "european union"),
    ("european union", "european union"),
    ("euro zone", "euro zone"),
    ("eurozone", "euro zone"),
    ("euro area", "euro zone"),
    ("hong kong", "hong kong"),
    ("taiwan", "taiwan"),
    ("australia", "australia"),
    ("australian", "australia"),
    ("mexico", "mexico"),
    ("mexican", "mexico"),
    ("spain", "spain"),
    ("spanish", "spain"),
    ("global", "world"),
    ("world", "world"),
    ("worldwide", "world"),
];

const STOPWORDS: &[&str] = &[
    "the", "a", "an", "its", "their", "country", "nation", "nations", "national", "total",
    "overall", "annual", "of", "in", "for", "to", "by",
];

/// Words that keep their meaning only with "of"/"in": the stopwords above are removed only
/// after phrasing rewrites have used them.
const SHARE_BASES: &[&str] = &[
    "gdp",
    "economy",
    "output",
    "economic output",
    "export",
    "import",
    "employment",
    "trade",
    "industrial output",
    "investment",
];

/// Verbs of "X accounted for N% of gdp", after plural folding ("accounts" → "account").
const SHARE_VERBS: &[&str] = &[
    " accounted for ",
    " account for ",
    " accounting for ",
    " made up ",
    " make up ",
    " contributed ",
    " contribute ",
    " represented ",
    " represent ",
];

/// Canonicalises a jurisdiction: lowercase, "the" removed, demonyms and aliases mapped.
pub fn jurisdiction(text: &str) -> String {
    let cleaned = tokens(text).join(" ");
    let cleaned = cleaned.strip_prefix("the ").unwrap_or(&cleaned).to_string();
    for (surface, canonical) in JURISDICTIONS {
        if cleaned == *surface {
            return (*canonical).to_string();
        }
    }
    cleaned
}

/// A display form of a canonical jurisdiction ("united states" → "United States").
pub fn jurisdiction_display(canonical: &str) -> String {
    if canonical == "european union" {
        return "European Union".to_string();
    }
    canonical
        .split(' ')
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The unit family: "%", "per cent", "percentage" → "percent"; "percentage points", "points" →
/// "pp"; tons → "tonnes"; three-letter currency codes upper-cased; anything else lowercased.
pub fn unit_family(unit: &str) -> String {
    let trimmed = unit.trim();
    let lower = trimmed.to_lowercase();
    match lower.as_str() {
        "%" | "percent" | "per cent" | "pct" | "percentage" => "percent".to_string(),
        "pp" | "percentage point" | "percentage points" | "points" | "point" | "pts" => {
            "pp".to_string()
        }
        "t" | "ton" | "tons" | "tonne" | "tonnes" | "metric tons" => "tonnes".to_string(),
        "$" | "usd" | "us$" | "dollar" | "dollars" => "USD".to_string(),
        "yuan" | "rmb" | "cny" | "renminbi" => "CNY".to_string(),
        "eur" | "euro" | "euros" | "€" => "EUR".to_string(),
        "gbp" | "pound" | "pounds" | "£" => "GBP".to_string(),
        "jpy" | "yen" | "¥" => "JPY".to_string(),
        _ if trimmed.len() == 3 && trimmed.chars().all(|c| c.is_ascii_alphabetic()) => {
            trimmed.to_uppercase()
        }
        _ => lower,
    }
}

/// The canonical series key of an indicator.
pub fn series_key(metric_text: &str, jurisdiction_text: &str, unit: &str) -> SeriesKey {
    let given = jurisdiction(jurisdiction_text);
    let (metric, found) = metric(metric_text, (!given.is_empty()).then_some(given.as_str()));
    SeriesKey {
        metric,
        jurisdiction: found.unwrap_or(given),
        unit: unit_family(unit),
    }
}

/// Canonicalises metric text. Only words naming the series' own jurisdiction are removed
/// (`jurisdiction`, or without one the first jurisdiction the text names, which is returned):
/// "oil sold to the United States" and "oil sold to China" stay different metrics.
pub fn metric(text: &str, jurisdiction: Option<&str>) -> (String, Option<String>) {
    let mut words = tokens(text);
    let found = strip_jurisdiction(&mut words, jurisdiction);
    let words: Vec<String> = words.into_iter().map(|w| fold_plural(&w)).collect();
    let mut phrase = words.join(" ");
    phrase = rewrite(&phrase);
    let words: Vec<&str> = phrase
        .split(' ')
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(w))
        .collect();
    (words.join(" "), found)
}

/// Lowercase word tokens: punctuation and `%` split words, possessive `'s` is dropped, tokens
/// made only of digits (stated values inside the metric text) are dropped.
fn tokens(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace(['’', '`'], "'");
    let mut out = Vec::new();
    for raw in lower.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '.')) {
        let word = raw.trim_matches(|c: char| c == '\'' || c == '.');
        let word = word.strip_suffix("'s").unwrap_or(word);
        let word = word.trim_end_matches('\'');
        if word.is_empty() || word.chars().all(|c| c.is_ascii_digit() || c == '.') {
            continue;
        }
        // "u.s." → "u s"
        for part in word.split('.').filter(|p| !p.is_empty()) {
            out.push(part.to_string());
        }
    }
    out
}

/// Removes the words naming `target` (its canonical words or any alias and demonym); without a
/// target, the first jurisdiction named becomes the target. Returns the target found in the text
/// when none was given.
fn strip_jurisdiction(words: &mut Vec<String>, target: Option<&str>) -> Option<String> {
    let mut target = target.map(str::to_string);
    let mut found = None;
    let mut i = 0;
    while i < words.len() {
        let mut matched = None;
        for len in [2, 1] {
            if i + len > words.len() {
                continue;
            }
            let phrase = words[i..i + len].join(" ");
            let canonical = JURISDICTIONS
                .iter()
                .find(|(surface, _)| *surface == phrase)
                .map(|(_, c)| (*c).to_string())
                .or_else(|| target.as_ref().filter(|t| **t == phrase).cloned());
            if let Some(canonical) = canonical {
                matched = Some((len, canonical));
                break;
            }
        }
        match matched {
            Some((len, canonical)) => {
                let target = target.get_or_insert_with(|| {
                    found = Some(canonical.clone());
                    canonical.clone()
                });
                if *target == canonical {
                    words.drain(i..i + len);
                    continue;
                }
                i += len;
            }
            None => i += 1,
        }
    }
    found
}

/// "industries" → "industry", "exports" → "export"; leaves "gdp", "us", "process", "analysis".
fn fold_plural(word: &str) -> String {
    if word.len() > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..word.len() - 3]);
    }
    if word.len() > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

fn rewrite(phrase: &str) -> String {
    let phrase = phrase.replace("growth rate", "growth");
    let phrase = phrase.replace("rate of growth", "growth");
    if let Some(rewritten) = rewrite_share(&phrase) {
        return rewritten;
    }
    for prefix in ["growth of ", "growth in "] {
        if let Some(rest) = phrase.strip_prefix(prefix) {
            return format!("{} growth", strip_articles(rest));
        }
    }
    phrase
}

fn strip_articles(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix("the ").unwrap_or(s).trim()
}

fn rewrite_share(phrase: &str) -> Option<String> {
    let has_share = phrase.contains("share of ");
    // "X share of gdp" is tried for every base before "gdp share of X", so "exports share of
    // GDP" stays the exports' share of GDP
    if has_share {
        for base in SHARE_BASES {
            // "share of X in gdp"
            if let Some(subject) = phrase
                .strip_prefix("share of ")
                .and_then(|rest| rest.strip_suffix(base))
                .and_then(|rest| rest.strip_suffix(" in "))
            {
                return Some(share(subject, base));
            }
            // "X share of gdp" (also "X's share of gdp": the possessive is already gone)
            if let Some(subject) = phrase
                .strip_suffix(base)
                .and_then(|head| head.strip_suffix(" share of "))
            {
                return Some(share(subject, base));
            }
        }
    }
    // "X accounted for N% of gdp" (the number and % are already gone)
    for verb in SHARE_VERBS {
        if let Some((subject, tail)) = phrase.split_once(verb) {
            let tail = tail
                .trim_start_matches("per cent ")
                .trim_start_matches("percent ")
                .trim_start_matches("of ");
            let tail = strip_articles(tail);
            if let Some(base) = SHARE_BASES.iter().find(|b| **b == tail) {
                return Some(share(subject, base));
            }
        }
    }
    if has_share {
        for base in SHARE_BASES {
            // "gdp share of X"
            if let Some(rest) = phrase
                .strip_prefix(base)
                .and_then(|rest| rest.strip_prefix(" share of "))
            {
                return Some(share(rest, base));
            }
        }
    }
    None
}

fn share(subject: &str, base: &str) -> String {
    format!("{} share of {base}", strip_articles(subject))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(metric: &str, jurisdiction: &str, unit: &str) -> SeriesKey {
        series_key(metric, jurisdiction, unit)
    }

    #[test]
    fn share_of_gdp_variants_merge() {
        let expected = key(
            "GDP share of strategic emerging industries",
            "China",
            "percent",
        );
        assert_eq!(expected.metric, "strategic emerging industry share gdp");
        for variant in [
            "share of strategic emerging industries in GDP",
            "strategic emerging industries' share of GDP",
            "strategic emerging industries's share of GDP",
            "Strategic emerging industries share of China's GDP",
            "strategic emerging industries accounted for 13.4% of China's GDP",
            "the strategic emerging industries accounted for of the GDP",
            "strategic emerging industries make up 13 percent of GDP",
        ] {
            assert_eq!(key(variant, "China", "%"), expected, "{variant}");
        }
        // the jurisdiction is taken from the metric when the indicator has none
        assert_eq!(
            key(
                "strategic emerging industries accounted for 13.4% of China's GDP",
                "",
                "%"
            ),
            expected
        );
        assert_eq!(
            expected.id(),
            key(&expected.metric, "china", "percent").id()
        );
    }

    #[test]
    fn different_metrics_stay_apart() {
        let growth = key("GDP growth", "China", "percent");
        let gdp = key("GDP", "China", "percent");
        let exports = key("exports growth", "China", "percent");
        let export_share = key("exports share of GDP", "China", "percent");
        assert_ne!(growth, gdp);
        assert_ne!(growth, exports);
        assert_ne!(gdp, exports);
        assert_ne!(export_share, exports);
        assert_eq!(growth.metric, "gdp growth");
        assert_eq!(exports.metric, "export growth");
        assert_eq!(key("growth rate of GDP", "China", "%"), growth);
        assert_eq!(key("Chinese GDP growth", "", "percent"), growth);
        // only the series' own jurisdiction is removed from the metric
        assert_ne!(
            key(
                "share of Venezuela's oil output sold to the United States",
                "Venezuela",
                "%"
            ),
            key(
                "share of Venezuela's oil output sold to China",
                "Venezuela",
                "%"
            ),
        );
        assert_eq!(
            key(
                "wine consumption per capita in the US",
                "United States",
                "litres"
            )
            .metric,
            "wine consumption per capita"
        );
        assert_eq!(
            key("China sugar imports", "China", "tonnes"),
            key("sugar imports", "Chinese", "t")
        );
        // units and jurisdictions separate series
        assert_ne!(key("GDP growth", "China", "pp"), growth);
        assert_ne!(key("GDP growth", "Japan", "percent"), growth);
    }

    #[test]
    fn units_and_jurisdictions_normalise() {
        assert_eq!(unit_family("%"), "percent");
        assert_eq!(unit_family("percentage points"), "pp");
        assert_eq!(unit_family("usd"), "USD");
        assert_eq!(unit_family("yuan"), "CNY");
        assert_eq!(unit_family("tons"), "tonnes");
        assert_eq!(jurisdiction("the U.S."), "united states");
        assert_eq!(jurisdiction("Chinese"), "china");
        assert_eq!(jurisdiction_display("united states"), "United States");
        assert_eq!(jurisdiction("Ruritania"), "ruritania");
    }
}
