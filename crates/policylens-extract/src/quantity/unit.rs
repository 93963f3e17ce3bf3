//! Units and magnitudes: currency signs before a number, magnitude words after it ("bn", "mln",
//! "trillion"), unit words from `data/units.txt`, and "per" parts ("yuan a tonne").

use std::collections::BTreeMap;
use std::sync::LazyLock;

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

/// A unit alias, matched by hand rather than by regex (this runs after every number): its
/// words compare ASCII case-insensitively, any run of white space separates them, and an alias
/// ending in a letter or digit must end at a word boundary.
struct Alias {
    /// The alias's words, lowercased.
    words: Vec<Vec<u8>>,
    boundary: bool,
    /// The canonical unit.
    name: &'static str,
    /// The alias as [`normalise`] writes it.
    key: String,
}

/// Aliases by their lowercased first byte, each bucket in the order they are tried: longest
/// first, so that "percentage points" wins over "percentage".
struct Aliases {
    buckets: Vec<Vec<Alias>>,
}

impl Aliases {
    fn new(list: &[&'static str], canonical: &BTreeMap<String, &'static str>) -> Aliases {
        let mut buckets: Vec<Vec<Alias>> = (0..128).map(|_| Vec::new()).collect();
        for alias in list {
            assert!(alias.is_ascii(), "unit alias {alias:?} is ASCII");
            let key = normalise(alias);
            let words: Vec<Vec<u8>> = key.split(' ').map(|w| w.as_bytes().to_vec()).collect();
            buckets[usize::from(words[0][0])].push(Alias {
                words,
                boundary: alias.ends_with(|c: char| c.is_ascii_alphanumeric()),
                name: canonical[&key],
                key,
            });
        }
        Aliases { buckets }
    }

    /// The first alias written at `at`, and where it ends.
    fn at(&self, bytes: &[u8], at: usize) -> Option<(&Alias, usize)> {
        let first = bytes.get(at)?.to_ascii_lowercase();
        let bucket = self.buckets.get(usize::from(first))?;
        bucket
            .iter()
            .find_map(|alias| alias_end(alias, bytes, at).map(|end| (alias, end)))
    }
}

fn alias_end(alias: &Alias, bytes: &[u8], mut i: usize) -> Option<usize> {
    for (n, word) in alias.words.iter().enumerate() {
        if n > 0 {
            let gap = skip_space(bytes, i);
            if gap == i {
                return None;
            }
            i = gap;
        }
        let written = bytes.get(i..i + word.len())?;
        if !written.eq_ignore_ascii_case(word) {
            return None;
        }
        i += word.len();
    }
    if alias.boundary && bytes.get(i).is_some_and(|&b| is_word_byte(b)) {
        return None;
    }
    Some(i)
}

/// White space as the unit grammar reads it (ASCII, vertical tab included).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Past any white space at `i`.
fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|&b| is_space(b)) {
        i += 1;
    }
    i
}

/// Past the white space between a number and its unit or magnitude: blanks, and at most one
/// line break ("1.2 mln\ntonnes").
fn skip_gap(bytes: &[u8], mut i: usize) -> usize {
    while bytes
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r'))
    {
        i += 1;
    }
    if bytes.get(i) == Some(&b'\n') {
        i += 1;
        while bytes.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
            i += 1;
        }
    }
    i
}

struct Table {
    measures: Aliases,
    counts: Aliases,
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
            canonical.insert(normalise(alias), name.trim());
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
    Table {
        measures: Aliases::new(&measures, &canonical),
        counts: Aliases::new(&counts, &canonical),
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

/// A count noun after the gap at `start`, behind at most two lowercase modifier words
/// ("442 sugar mills"): the modifiers as written, the noun, and where it ends. The fewest
/// modifiers win.
fn count_at(text: &str, start: usize) -> Option<(&str, &'static Alias, usize)> {
    let table: &'static Table = &TABLE;
    let bytes = text.as_bytes();
    let from = skip_gap(bytes, start);
    let mut i = from;
    for modifiers in 0..=2 {
        if let Some((noun, end)) = table.counts.at(bytes, i) {
            return Some((&text[from..i], noun, end));
        }
        if modifiers == 2 {
            break;
        }
        // a modifier: a lowercase word of two or more letters and hyphens, then white space
        if !bytes.get(i).is_some_and(u8::is_ascii_lowercase) {
            return None;
        }
        let word_start = i;
        i += 1;
        while bytes
            .get(i)
            .is_some_and(|&b| b.is_ascii_lowercase() || b == b'-')
        {
            i += 1;
        }
        let gap = skip_space(bytes, i);
        if i == word_start + 1 || gap == i {
            return None;
        }
        i = gap;
    }
    None
}

fn clean_modifiers(modifiers: &str) -> bool {
    !modifiers
        .split_whitespace()
        .any(|w| NOT_MODIFIERS.contains(&w))
}

/// The unit written after a number (and its magnitude) ending at `start`.
pub fn unit_at(text: &str, start: usize) -> Option<UnitMatch> {
    let table = &*TABLE;
    if let Some((alias, end)) = table
        .measures
        .at(text.as_bytes(), skip_gap(text.as_bytes(), start))
    {
        let key = alias.key.as_str();
        let plain_dollar = matches!(key, "dlrs" | "dlr" | "dollars" | "dollar");
        // a unit named "<CODE> cents" is a hundredth of that currency
        let (name, divisor, plain_dollar) = match alias.name.strip_suffix(" cents") {
            Some(code) => (code, 100.0, key == "cents" || key == "cts"),
            None => (alias.name, 1.0, plain_dollar),
        };
        let mut unit = UnitMatch {
            unit: name.to_string(),
            end,
            plain_dollar,
            count: false,
            divisor,
        };
        if !matches!(name, "percent" | "pp" | "points" | "times") {
            add_per(text, &mut unit);
        }
        return Some(unit);
    }
    let (modifiers, noun, mut end) = count_at(text, start)?;
    if !clean_modifiers(modifiers) {
        return None;
    }
    let mut name = noun.name;
    // "eight foreign bank branches or representative offices": the last noun counts them all
    let tail = &text[end..];
    if let Some(join) = tail
        .strip_prefix(' ')
        .and_then(|t| t.strip_prefix("or ").or_else(|| t.strip_prefix("and ")))
    {
        let join_start = end + (tail.len() - join.len());
        if let Some((modifiers, other, other_end)) = count_at(text, join_start)
            && clean_modifiers(modifiers)
        {
            name = other.name;
            end = other_end;
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

fn add_per(text: &str, unit: &mut UnitMatch) {
    if let Some((per, end)) = per_at(text, unit.end) {
        unit.unit = format!("{} per {per}", unit.unit);
        unit.end = end;
    }
}

/// The units a "per" part names, as written and as reported.
const PER_UNITS: &[(&str, &str)] = &[
    ("tonne", "tonne"),
    ("ton", "tonne"),
    ("barrel", "barrel"),
    ("share", "share"),
    ("ounce", "ounce"),
    ("hectare", "hectare"),
    ("kilo", "kg"),
    ("kg", "kg"),
    ("litre", "litre"),
    ("liter", "litre"),
    ("day", "day"),
    ("month", "month"),
    ("year", "year"),
    ("head", "head"),
    ("capita", "capita"),
    ("unit", "unit"),
    ("mu", "mu"),
    ("bushel", "bushel"),
    ("lb", "lb"),
    ("lbs", "lb"),
    ("pound", "lb"),
    ("gallon", "gallon"),
];

/// A "per" part after a unit ending at `start`: " a tonne", " per barrel".
pub fn per_at(text: &str, start: usize) -> Option<(&'static str, usize)> {
    let bytes = text.as_bytes();
    let word_start = skip_space(bytes, start);
    if word_start == start {
        return None;
    }
    let word_end = word_start
        + bytes[word_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
    let word = &text[word_start..word_end];
    let linked = ["a", "an", "per"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w));
    let what_start = skip_space(bytes, word_end);
    if !linked || what_start == word_end {
        return None;
    }
    let what_end = what_start
        + bytes[what_start..]
            .iter()
            .take_while(|&&b| is_word_byte(b))
            .count();
    let what = &text[what_start..what_end];
    let (_, what) = PER_UNITS
        .iter()
        .find(|(written, _)| what.eq_ignore_ascii_case(written))?;
    Some((what, what_end))
}

/// `word` lowercased into `buf`, if it fits: a match on literals without allocating.
fn lowercase_into<'a>(word: &[u8], buf: &'a mut [u8]) -> Option<&'a [u8]> {
    let lower = buf.get_mut(..word.len())?;
    for (slot, b) in lower.iter_mut().zip(word) {
        *slot = b.to_ascii_lowercase();
    }
    Some(lower)
}

/// A multiplier written after a number ending at `start`: "bn", " billion", " mln", "m".
pub fn magnitude_at(text: &str, start: usize) -> Option<(f64, usize)> {
    let bytes = text.as_bytes();
    let glued = bytes.get(start).is_some_and(u8::is_ascii_alphabetic);
    let i = skip_gap(bytes, start);
    let word_end = i + bytes[i..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let mut lower = [0u8; 8];
    let factor = match lowercase_into(&bytes[i..word_end], &mut lower)? {
        b"trillion" | b"trn" | b"tn" => 1e12,
        b"billion" | b"bn" | b"bln" => 1e9,
        b"million" | b"mln" | b"mn" => 1e6,
        b"thousand" => 1e3,
        // South Asian groupings: "Rs 500 crore", "12 lakh"
        b"crore" | b"crores" => 1e7,
        b"lakh" | b"lakhs" => 1e5,
        b"m" if glued => 1e6,
        b"k" if glued => 1e3,
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
