//! Units and magnitudes: currency signs before a number, magnitude words after it ("bn", "mln",
//! "trillion"), unit words from `data/units.txt`, and "per" parts ("yuan a tonne").

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

const UNITS: &str = include_str!("../../data/units.txt");

/// A unit read after a number.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitMatch {
    pub unit: String,
    pub end: usize,
    /// A plain "dollars"/"dlrs", whose currency the story may have fixed earlier.
    pub plain_dollar: bool,
    pub count: bool,
    /// What the number is divided by in the reported unit: "65 cents" is 0.65 USD.
    pub divisor: f64,
}

struct Table {
    canonical: BTreeMap<String, (&'static str, bool)>,
    measure: Regex,
    count: Regex,
}

fn alias_pattern(alias: &str) -> String {
    let mut p = String::new();
    for (i, word) in alias.split_whitespace().enumerate() {
        if i > 0 {
            p.push_str(r"\s+");
        }
        p.push_str(&regex::escape(word));
    }
    if alias.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        p.push_str(r"\b");
    }
    p
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut canonical = BTreeMap::new();
    let mut measures: Vec<&str> = Vec::new();
    let mut counts: Vec<&str> = Vec::new();
    let mut in_counts = false;
    for line in UNITS.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            in_counts = line == "[counts]";
            continue;
        }
        let Some((name, aliases)) = line.split_once('=') else {
            continue;
        };
        for alias in aliases.split('|').map(str::trim).filter(|a| !a.is_empty()) {
            canonical.insert(normalise(alias), (name.trim(), in_counts));
            if in_counts {
                counts.push(alias);
            } else {
                measures.push(alias);
            }
        }
    }
    let by_length = |list: &mut Vec<&str>| list.sort_by_key(|a| std::cmp::Reverse(a.len()));
    by_length(&mut measures);
    by_length(&mut counts);
    let alternation = |list: &[&str]| {
        list.iter()
            .map(|a| alias_pattern(a))
            .collect::<Vec<_>>()
            .join("|")
    };
    let measure = Regex::new(&format!(
        r"(?i-u)^[ \t\r]*(?:\n[ \t]*)?({})",
        alternation(&measures)
    ))
    .expect("unit aliases compile");
    let count = Regex::new(&format!(
        r"(?-u)^[ \t\r]*(?:\n[ \t]*)?((?:[a-z][a-z-]+\s+){{0,2}}?)((?i:{}))",
        alternation(&counts)
    ))
    .expect("count aliases compile");
    Table {
        canonical,
        measure,
        count,
    }
});

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Words between a number and a count noun that show the noun is not what is counted.
const NOT_MODIFIERS: &[&str] = &[
    "of", "the", "a", "an", "and", "or", "to", "in", "on", "for", "from", "at", "by", "with",
    "per", "than", "more", "less", "its", "their", "his", "her", "was", "were", "is", "are",
    // "2002 forced most firms": a quantifier shows the noun has its own count
    "most", "many", "all", "some", "few", "several", "these", "those", "such", "has", "have", "had",
    "will", "would",
];

/// The unit written after a number (and its magnitude) ending at `start`.
pub fn unit_at(text: &str, start: usize) -> Option<UnitMatch> {
    let table = &*TABLE;
    let rest = &text[start..];
    if let Some(caps) = table.measure.captures(rest) {
        let m = caps.get(1).expect("group");
        let key = normalise(m.as_str());
        let (name, _) = table.canonical.get(&key)?;
        let plain_dollar = matches!(key.as_str(), "dlrs" | "dlr" | "dollars" | "dollar");
        // a unit named "<CODE> cents" is a hundredth of that currency
        let (name, divisor, plain_dollar) = match name.strip_suffix(" cents") {
            Some(code) => (code, 100.0, key == "cents" || key == "cts"),
            None => (*name, 1.0, plain_dollar),
        };
        let mut unit = UnitMatch {
            unit: name.to_string(),
            end: start + m.end(),
            plain_dollar,
            count: false,
            divisor,
        };
        if !matches!(name, "percent" | "pp" | "points" | "times") {
            add_per(text, &mut unit);
        }
        return Some(unit);
    }
    let caps = table.count.captures(rest)?;
    let modifiers = caps.get(1).expect("group").as_str();
    if modifiers
        .split_whitespace()
        .any(|w| NOT_MODIFIERS.contains(&w))
    {
        return None;
    }
    let noun = caps.get(2).expect("group");
    let (mut name, _) = *table.canonical.get(&normalise(noun.as_str()))?;
    let mut end = start + noun.end();
    // "eight foreign bank branches or representative offices": the last noun counts them all
    let tail = &text[end..];
    if let Some(join) = tail
        .strip_prefix(' ')
        .and_then(|t| t.strip_prefix("or ").or_else(|| t.strip_prefix("and ")))
    {
        let join_start = end + (tail.len() - join.len());
        if let Some(second) = table.count.captures(join) {
            let modifiers = second.get(1).expect("group").as_str();
            let noun = second.get(2).expect("group");
            let clean = !modifiers
                .split_whitespace()
                .any(|w| NOT_MODIFIERS.contains(&w));
            if let Some((other, _)) = table
                .canonical
                .get(&normalise(noun.as_str()))
                .filter(|_| clean)
            {
                name = other;
                end = join_start + noun.end();
            }
        }
    }
    Some(UnitMatch {
        unit: name.to_string(),
        end,
        plain_dollar: false,
        count: true,
        divisor: 1.0,
    })
}

static PER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)^\s+(?:a|an|per)\s+(tonne|ton|barrel|share|ounce|hectare|kilo|kg|litre|liter|day|month|year|head|capita|unit|mu|bushel|lb|lbs|pound|gallon)\b")
        .expect("per pattern compiles")
});

fn add_per(text: &str, unit: &mut UnitMatch) {
    if let Some((per, end)) = per_at(text, unit.end) {
        unit.unit = format!("{} per {per}", unit.unit);
        unit.end = end;
    }
}

/// A "per" part after a unit ending at `start`: " a tonne", " per barrel".
pub fn per_at(text: &str, start: usize) -> Option<(&'static str, usize)> {
    let caps = PER.captures(&text[start..])?;
    let what = match caps[1].to_ascii_lowercase().as_str() {
        "ton" | "tonne" => "tonne",
        "barrel" => "barrel",
        "share" => "share",
        "ounce" => "ounce",
        "hectare" => "hectare",
        "kilo" | "kg" => "kg",
        "litre" | "liter" => "litre",
        "day" => "day",
        "month" => "month",
        "year" => "year",
        "head" => "head",
        "capita" => "capita",
        "unit" => "unit",
        "bushel" => "bushel",
        "lb" | "lbs" | "pound" => "lb",
        "gallon" => "gallon",
        _ => "mu",
    };
    Some((what, start + caps.get(0).expect("match").end()))
}

/// A multiplier written after a number ending at `start`: "bn", " billion", " mln", "m".
pub fn magnitude_at(text: &str, start: usize) -> Option<(f64, usize)> {
    let bytes = text.as_bytes();
    let glued = bytes.get(start).is_some_and(u8::is_ascii_alphabetic);
    let mut i = start;
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r') {
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'\n' {
        i += 1;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
    }
    let word_end = text[i..]
        .find(|c: char| !c.is_ascii_alphabetic())
        .map_or(text.len(), |n| i + n);
    let word = text[i..word_end].to_ascii_lowercase();
    let factor = match word.as_str() {
        "trillion" | "trn" | "tn" => 1e12,
        "billion" | "bn" | "bln" => 1e9,
        "million" | "mln" | "mn" => 1e6,
        "thousand" => 1e3,
        // South Asian groupings: "Rs 500 crore", "12 lakh"
        "crore" | "crores" => 1e7,
        "lakh" | "lakhs" => 1e5,
        "m" if glued => 1e6,
        "k" if glued => 1e3,
        _ => return None,
    };
    Some((factor, word_end))
}

/// A currency sign written just before `start`: "$", "US$", "HK$", "£", "€", "¥".
pub fn currency_before(text: &str, start: usize) -> Option<(&'static str, usize)> {
    const SIGNS: &[(&str, &str)] = &[
        ("US$", "USD"),
        ("U.S.$", "USD"),
        ("HK$", "HKD"),
        ("A$", "AUD"),
        ("C$", "CAD"),
        ("S$", "SGD"),
        ("NZ$", "NZD"),
        ("NT$", "TWD"),
        ("$", "USD"),
        ("£", "GBP"),
        ("€", "EUR"),
        ("¥", "JPY"),
        ("Rmb", "CNY"),
        ("RMB", "CNY"),
        ("Rs.", "INR"),
        ("Rs", "INR"),
    ];
    let before = text[..start].trim_end_matches(' ');
    for (sign, code) in SIGNS {
        if let Some(head) = before.strip_suffix(sign) {
            // "US$" must not be the tail of a longer word
            if sign.len() > 1 && head.ends_with(|c: char| c.is_ascii_alphanumeric()) {
                continue;
            }
            return Some((code, head.len()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_unit(text: &str, expect: Option<&str>) {
        let got = unit_at(text, 0).map(|u| u.unit);
        assert_eq!(got.as_deref(), expect, "unit at the start of {text:?}");
    }

    #[test]
    fn units_and_aliases() {
        check_unit("% above", Some("percent"));
        check_unit(" pct", Some("percent"));
        check_unit(" per cent", Some("percent"));
        check_unit(" percentage points", Some("pp"));
        check_unit(" yuan", Some("CNY"));
        check_unit(" Hong Kong dlrs", Some("HKD"));
        check_unit(" U.S. dlrs", Some("USD"));
        check_unit("\ntonnes in 1986", Some("tonnes"));
        check_unit(" metric tons", Some("tonnes"));
        check_unit(" yuan a tonne", Some("CNY per tonne"));
        check_unit(" dlrs per barrel", Some("USD per barrel"));
        check_unit(" dlrs per bushel", Some("USD per bushel"));
        check_unit(" cents a lb", Some("USD per lb"));
        check_unit(" U.S. cents a pound", Some("USD per lb"));
        check_unit(" per cent a year", Some("percent"));
        check_unit(" pence a share", Some("GBP per share"));
        check_unit(" times more", Some("times"));
        check_unit(" GW of capacity", Some("GW"));
        check_unit(" barrels of fuel oil", Some("barrels"));
        check_unit(" tonsils", None);
        check_unit(" of the", None);
    }

    #[test]
    fn counts_take_modifiers() {
        check_unit(" sugar mills", Some("mills"));
        check_unit(" foreign bank branches", Some("branches"));
        check_unit(" staff", Some("people"));
        check_unit(
            " foreign bank branches or representative offices",
            Some("offices"),
        );
        check_unit(" of the mills", None);
        check_unit(" new jobs", Some("jobs"));
        check_unit(" forced most firms", None);
    }

    #[test]
    fn magnitudes() {
        let check = |text: &str, expect: Option<f64>| {
            assert_eq!(magnitude_at(text, 0).map(|m| m.0), expect, "{text:?}");
        };
        check("bn (£484bn)", Some(1e9));
        check(" billion yuan", Some(1e9));
        check(" mln\ntonnes", Some(1e6));
        check("m yuan", Some(1e6));
        check(" m", None);
        check(" trillion", Some(1e12));
        check(" million", Some(1e6));
        check(" crore", Some(1e7));
        check("mph", None);
        check(" men", None);
    }

    #[test]
    fn currency_signs() {
        assert_eq!(currency_before("up to $", 7), Some(("USD", 6)));
        assert_eq!(currency_before("(£", 3), Some(("GBP", 1)));
        assert_eq!(currency_before("HK$", 3), Some(("HKD", 0)));
        assert_eq!(currency_before("worth ", 6), None);
    }
}
