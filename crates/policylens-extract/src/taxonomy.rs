//! Gazetteers and taxonomies (sectors, initiatives, roles, organisations, organisation keywords,
//! given names, name stop words) as data files: the built-in set under `data/` (compiled in),
//! extendable at run time from a directory holding files of the same names and format.
//!
//! File format (see `data/README.md`): one entry per line, `#` starts a comment, blank lines are
//! ignored. Alias files (`sectors.txt`, `initiatives.txt`, `organizations.txt`) hold
//! `canonical | alias | alias ...`; list files hold one word or phrase per line.

mod scan;
mod word_filter;

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::path::Path;

pub(crate) use scan::Searcher;
use word_filter::WordFilter;

/// Why a taxonomy directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    #[error("failed to read taxonomy file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("failed to build the matcher for {file}: {message}")]
    Build { file: String, message: String },
}

/// A gazetteer of canonical names with aliases, compiled into one automaton.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    /// Canonical names, indexed by entry id.
    pub canonical: Vec<String>,
    /// The automaton's patterns and the entry id of each.
    patterns: Vec<String>,
    pattern_entry: Vec<usize>,
    /// Per pattern: two or more capitals, so a hit must match it exactly (see [`Self::find`]).
    pattern_exact: Vec<bool>,
    searcher: Searcher,
}

/// One gazetteer hit: byte span in the searched text and the entry's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub entry: usize,
    pub pattern: usize,
}

impl Gazetteer {
    fn build(
        file: &str,
        entries: Vec<Vec<String>>,
        case_insensitive: bool,
    ) -> Result<Self, TaxonomyError> {
        let mut canonical = Vec::with_capacity(entries.len());
        let mut patterns = Vec::new();
        let mut pattern_entry = Vec::new();
        for (id, names) in entries.into_iter().enumerate() {
            for name in &names {
                patterns.push(name.clone());
                pattern_entry.push(id);
            }
            canonical.push(names.into_iter().next().unwrap_or_default());
        }
        let searcher = Searcher::new(&patterns, case_insensitive, false).map_err(|e| {
            TaxonomyError::Build {
                file: file.to_string(),
                message: e.to_string(),
            }
        })?;
        let pattern_exact = patterns
            .iter()
            .map(|p| p.bytes().filter(u8::is_ascii_uppercase).count() >= 2)
            .collect();
        Ok(Self {
            canonical,
            patterns,
            pattern_entry,
            pattern_exact,
            searcher,
        })
    }

    /// The alias text of a pattern id.
    pub fn pattern(&self, id: usize) -> &str {
        &self.patterns[id]
    }

    /// Non-overlapping leftmost-longest hits that start and end on word boundaries. In a
    /// case-insensitive gazetteer, an alias with two or more capitals ("AI", "LNG") must match
    /// exactly.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let bytes = text.as_bytes();
        let mut hits = Vec::new();
        for (pattern, Range { start, end }) in self.searcher.find_iter(bytes) {
            let before_ok = start == 0 || !is_word_byte(bytes[start - 1]);
            let after_ok = end == bytes.len() || !is_word_byte(bytes[end]);
            let exact = !self.pattern_exact[pattern]
                || &text[start..end] == self.patterns[pattern].as_str();
            if before_ok && after_ok && exact {
                hits.push(Hit {
                    start,
                    end,
                    entry: self.pattern_entry[pattern],
                    pattern,
                });
            }
        }
        hits
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.canonical.len()
    }

    pub fn is_empty(&self) -> bool {
        self.canonical.is_empty()
    }
}

/// Letters, digits and the in-word joiners that make a match boundary false.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// FNV-1a: a fast hash for the short words of the word lists (no DoS exposure: the keys are the
/// taxonomy's own entries).
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A set of words hashed with [`Fnv`].
pub type WordSet = HashSet<String, BuildHasherDefault<Fnv>>;

/// The whole taxonomy, compiled once and shared across threads.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Industries and technology fields (case-insensitive).
    pub sectors: Gazetteer,
    /// Named programmes, plans and slogans (case-insensitive).
    pub initiatives: Gazetteer,
    /// Well-known organisations (case-sensitive).
    pub organizations: Gazetteer,
    /// Sectors then initiatives in one automaton, for a single pass over a text: entries below
    /// `topics_split` are sector entries, the rest initiative entries (offset by the split).
    pub topics: Gazetteer,
    pub topics_split: usize,
    /// Role titles and their head words, lower case ("chief economist", "minister").
    pub roles: WordSet,
    /// Capitalised words that make a capitalised phrase an organisation ("Ministry", "Bank").
    pub org_keywords: WordSet,
    /// Given names and common (Chinese) surnames: evidence for a person's name.
    pub given_names: WordSet,
    /// Capitalised words that never begin or make up a name ("The", "Monday", "However").
    pub name_stopwords: WordSet,
    /// Cities and provinces: places that are neither organisations nor persons.
    pub cities: WordSet,
    /// Every name and alias of `data/places.txt` (the keys [`crate::places::canonical`] knows),
    /// hashed with [`Fnv`] for the per-token place test of the name recognisers.
    place_names: WordSet,
    /// `cities` and `place_names` in one set: one lookup for the common plain-word place test.
    city_or_place: WordSet,
    /// Cheap rejection filters for `city_or_place` and `name_stopwords`.
    city_or_place_filter: WordFilter,
    stopword_filter: WordFilter,
    org_keyword_filter: WordFilter,
    given_name_filter: WordFilter,
    role_filter: WordFilter,
}

impl Default for Taxonomy {
    fn default() -> Self {
        Self::builtin()
    }
}

/// The built-in data files, by file name.
const BUILTIN: &[(&str, &str)] = &[
    ("sectors.txt", include_str!("../data/sectors.txt")),
    ("initiatives.txt", include_str!("../data/initiatives.txt")),
    (
        "organizations.txt",
        include_str!("../data/organizations.txt"),
    ),
    ("roles.txt", include_str!("../data/roles.txt")),
    ("org_keywords.txt", include_str!("../data/org_keywords.txt")),
    ("given_names.txt", include_str!("../data/given_names.txt")),
    (
        "name_stopwords.txt",
        include_str!("../data/name_stopwords.txt"),
    ),
    ("cities.txt", include_str!("../data/cities.txt")),
];

impl Taxonomy {
    /// The taxonomy shipped with the crate (`data/*.txt`, compiled in).
    pub fn builtin() -> Self {
        let sources: Vec<(&str, String)> = BUILTIN
            .iter()
            .map(|(name, text)| (*name, (*text).to_string()))
            .collect();
        // The built-in files are tested; failing here is a build defect, not a runtime error.
        Self::compile(&sources).expect("built-in taxonomy compiles")
    }

    /// The built-in taxonomy extended with the files of `dir` (same names and format as
    /// `data/`). Missing files are skipped; an unreadable file is an error.
    pub fn with_dir(dir: &Path) -> Result<Self, TaxonomyError> {
        let mut sources = Vec::with_capacity(BUILTIN.len());
        for (name, builtin) in BUILTIN {
            let path = dir.join(name);
            let mut text = (*builtin).to_string();
            match std::fs::read_to_string(&path) {
                Ok(extra) => {
                    text.push('\n');
                    text.push_str(&extra);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(TaxonomyError::Read {
                        path: path.display().to_string(),
                        source,
                    });
                }
            }
            sources.push((*name, text));
        }
        Self::compile(&sources)
    }

    fn compile(sources: &[(&str, String)]) -> Result<Self, TaxonomyError> {
        let text = |name: &str| -> &str {
            sources
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, t)| t.as_str())
        };
        let sectors = alias_entries(text("sectors.txt"));
        let initiatives = alias_entries(text("initiatives.txt"));
        let topics_split = sectors.len();
        let topics: Vec<Vec<String>> = sectors.iter().chain(&initiatives).cloned().collect();
        Ok(Self {
            sectors: Gazetteer::build("sectors.txt", sectors, true)?,
            initiatives: Gazetteer::build("initiatives.txt", initiatives, true)?,
            topics: Gazetteer::build("sectors.txt and initiatives.txt", topics, true)?,
            topics_split,
            organizations: Gazetteer::build(
                "organizations.txt",
                alias_entries(text("organizations.txt")),
                false,
            )?,
            roles: list_entries(text("roles.txt"))
                .map(|r| r.to_lowercase())
                .collect(),
            org_keywords: list_entries(text("org_keywords.txt"))
                .map(str::to_string)
                .collect(),
            given_names: list_entries(text("given_names.txt"))
                .map(str::to_string)
                .collect(),
            name_stopwords: list_entries(text("name_stopwords.txt"))
                .map(str::to_string)
                .collect(),
            cities: list_entries(text("cities.txt"))
                .map(str::to_string)
                .collect(),
            place_names: place_names(),
            city_or_place: WordSet::default(),
            city_or_place_filter: WordFilter::new(&[]),
            stopword_filter: WordFilter::new(&[]),
            org_keyword_filter: WordFilter::new(&[]),
            given_name_filter: WordFilter::new(&[]),
            role_filter: WordFilter::new(&[]),
        }
        .with_city_or_place())
    }

    fn with_city_or_place(mut self) -> Self {
        self.city_or_place = self.cities.union(&self.place_names).cloned().collect();
        self.city_or_place_filter = WordFilter::new(&self.city_or_place);
        self.stopword_filter = WordFilter::new(&self.name_stopwords);
        self.org_keyword_filter = WordFilter::new(&self.org_keywords);
        self.given_name_filter = WordFilter::new(&self.given_names);
        self.role_filter = WordFilter::new(&self.roles);
        self
    }

    /// `self.cities.contains(name) || self.is_known_place(name)`, with a single lookup when
    /// `name` has no surrounding white space and no `'s` ending.
    pub fn is_city_or_known_place(&self, name: &str) -> bool {
        let plain = name
            .as_bytes()
            .last()
            .is_some_and(|&b| b.is_ascii() && b != b's' && !matches!(b, b'\t'..=b'\r' | b' '))
            && !name.starts_with(char::is_whitespace);
        // the filter admits every member of `city_or_place`, so of `cities` and `place_names`
        if plain {
            self.city_or_place_filter.may_contain(name) && self.city_or_place.contains(name)
        } else {
            (self.city_or_place_filter.may_contain(name) && self.cities.contains(name))
                || self.is_known_place(name)
        }
    }

    /// Whether `name` is a place or demonym of the places gazetteer: the same answer as
    /// `crate::places::canonical(name).is_some()`, without its SipHash lookup.
    pub fn is_known_place(&self, name: &str) -> bool {
        let name = name.trim();
        let name = name.strip_suffix("'s").unwrap_or(name);
        self.city_or_place_filter.may_contain(name) && self.place_names.contains(name)
    }

    /// `self.name_stopwords.contains(word)`, with a cheap filter first.
    pub fn is_name_stopword(&self, word: &str) -> bool {
        self.stopword_filter.may_contain(word) && self.name_stopwords.contains(word)
    }

    /// `self.org_keywords.contains(word)`, with a cheap filter first.
    pub fn is_org_keyword(&self, word: &str) -> bool {
        self.org_keyword_filter.may_contain(word) && self.org_keywords.contains(word)
    }

    /// `self.given_names.contains(word)`, with a cheap filter first.
    pub fn is_given_name(&self, word: &str) -> bool {
        self.given_name_filter.may_contain(word) && self.given_names.contains(word)
    }

    /// Whether a lower-case phrase is a role title or ends in a role head word.
    pub fn is_role(&self, lower: &str) -> bool {
        self.role_filter.may_contain(lower) && self.roles.contains(lower)
    }
}

/// The names and aliases of `data/places.txt`, parsed as `crate::places` parses them.
fn place_names() -> WordSet {
    let mut set = WordSet::default();
    for line in include_str!("../data/places.txt").lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        set.extend(
            line.split('|')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        );
    }
    set
}

/// The meaningful lines of a data file: comments and blank lines dropped, white space trimmed.
fn list_entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
}

/// Alias lines: `canonical | alias | alias`. Later duplicates of a canonical name are merged.
fn alias_entries(text: &str) -> Vec<Vec<String>> {
    let mut entries: Vec<Vec<String>> = Vec::new();
    for line in list_entries(text) {
        let names: Vec<String> = line
            .split('|')
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let Some(first) = names.first() else {
            continue;
        };
        match entries.iter_mut().find(|e| e[0] == *first) {
            Some(existing) => existing.extend(names.into_iter().skip(1)),
            None => entries.push(names),
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_files_load() {
        let t = Taxonomy::builtin();
        assert!(t.sectors.len() > 100, "sectors: {}", t.sectors.len());
        assert!(t.initiatives.len() > 10);
        assert!(t.organizations.len() > 100);
        assert!(t.roles.contains("chief economist"));
        assert!(t.org_keywords.contains("Ministry"));
        assert!(t.given_names.contains("Wang"));
        assert!(t.name_stopwords.contains("The"));
    }

    #[test]
    fn word_filters_keep_every_member() {
        let t = Taxonomy::builtin();
        assert!(
            t.city_or_place
                .iter()
                .all(|w| t.city_or_place_filter.may_contain(w))
        );
        assert!(t.name_stopwords.iter().all(|w| t.is_name_stopword(w)));
        assert!(t.org_keywords.iter().all(|w| t.is_org_keyword(w)));
        assert!(t.given_names.iter().all(|w| t.is_given_name(w)));
        assert!(t.roles.iter().all(|w| t.is_role(w)));
    }

    #[test]
    fn known_places_agree_with_the_places_gazetteer() {
        let t = Taxonomy::builtin();
        for name in [
            "China", "Chinese", "U.S.", "US", "China's", "Peking", "Reuters", "Bank", "",
        ] {
            assert_eq!(
                t.is_known_place(name),
                crate::places::canonical(name).is_some(),
                "{name}"
            );
        }
    }

    #[test]
    fn alias_lines_parse_with_comments() {
        let entries =
            alias_entries("# header\nsteel | steel industry # note\n\n oil |oil industry\n");
        assert_eq!(
            entries,
            vec![
                vec!["steel".to_string(), "steel industry".to_string()],
                vec!["oil".to_string(), "oil industry".to_string()],
            ]
        );
    }

    #[test]
    fn gazetteer_respects_word_boundaries() {
        let g = Gazetteer::build(
            "t",
            vec![
                vec!["oil".into()],
                vec!["steel".into(), "steelmaking".into()],
            ],
            true,
        )
        .unwrap();
        let text = "Oil and toil, steelmaking and soil";
        let hits: Vec<&str> = g.find(text).iter().map(|h| &text[h.start..h.end]).collect();
        assert_eq!(hits, vec!["Oil", "steelmaking"]);
    }

    #[test]
    fn with_dir_extends_builtins() {
        let dir = std::env::temp_dir().join(format!("policylens-tax-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("sectors.txt"), "widget making | widgets\n").unwrap();
        let t = Taxonomy::with_dir(&dir).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        let hits = t.sectors.find("They make widgets.");
        assert_eq!(hits.len(), 1);
        assert_eq!(t.sectors.canonical[hits[0].entry], "widget making");
        assert!(!t.sectors.find("steel").is_empty(), "built-ins kept");
    }
}
