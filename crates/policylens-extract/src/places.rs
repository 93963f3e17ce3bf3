//! Places (countries, regions, provinces, cities, demonyms) and their canonical names, read from
//! `data/places.txt`; used for jurisdictions and to keep places out of organisations.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use crate::taxonomy::Searcher;

const PLACES: &str = include_str!("../data/places.txt");

struct Gazetteer {
    /// Alias → canonical name; hashed, as it is only looked up, never iterated.
    canonical: HashMap<&'static str, &'static str>,
    /// The canonical name of each matcher pattern (an alias), by pattern id.
    pattern_canonical: Vec<&'static str>,
    matcher: Searcher,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    let mut canonical = BTreeMap::new();
    for line in PLACES.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut names = line.split('|').map(str::trim).filter(|n| !n.is_empty());
        let Some(first) = names.next() else { continue };
        canonical.insert(first, first);
        for alias in names {
            canonical.entry(alias).or_insert(first);
        }
    }
    // aliases in a fixed (sorted) order, so pattern ids are stable
    let aliases: Vec<&'static str> = canonical.keys().copied().collect();
    let pattern_canonical = canonical.values().copied().collect();
    let canonical: HashMap<&'static str, &'static str> = canonical.into_iter().collect();
    let matcher = Searcher::new(&aliases, false, true).expect("place names form a valid automaton");
    Gazetteer {
        canonical,
        pattern_canonical,
        matcher,
    }
});

/// The canonical name of a place or demonym ("U.S." → "United States", "Chinese" → "China").
pub fn canonical(name: &str) -> Option<&'static str> {
    let name = name.trim();
    let name = name.strip_suffix("'s").unwrap_or(name);
    GAZETTEER.canonical.get(name).copied()
}

/// Every place named in `text` as a whole word, with its byte range and canonical name.
pub fn find(text: &str) -> Vec<(Range<usize>, &'static str)> {
    let gazetteer = &*GAZETTEER;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (pattern, range) in gazetteer.matcher.find_iter(bytes) {
        let before_ok = range.start == 0 || !bytes[range.start - 1].is_ascii_alphanumeric();
        let after_ok = range.end == bytes.len() || !bytes[range.end].is_ascii_alphanumeric();
        if before_ok && after_ok {
            out.push((range, gazetteer.pattern_canonical[pattern]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names_and_demonyms() {
        for (name, expect) in [
            ("China", Some("China")),
            ("Chinese", Some("China")),
            ("U.S.", Some("United States")),
            ("US", Some("United States")),
            ("China's", Some("China")),
            ("Venezuelan", Some("Venezuela")),
            ("Peking", Some("Beijing")),
            ("Reuters", None),
            ("Bank", None),
        ] {
            assert_eq!(canonical(name), expect, "{name}");
        }
    }

    #[test]
    fn finds_whole_words_only() {
        let found: Vec<&str> = find("US exports to China; USAir and Chinatown; Guangdong.")
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(found, ["United States", "China", "Guangdong"]);
    }
}
