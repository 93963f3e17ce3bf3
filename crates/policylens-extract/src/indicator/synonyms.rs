//! Metric synonyms and anaphors from `data/metric_synonyms.txt`: variants folded to one
//! canonical metric, a bare "imbalance" after a trade-deficit sentence, and "the group's" as
//! the organisation named before it.

use std::sync::LazyLock;

use regex::Regex;

const DATA: &str = include_str!("../../data/metric_synonyms.txt");

#[derive(Default)]
struct Tables {
    /// (canonical, variant) pairs, longest variant first.
    synonyms: Vec<(&'static str, &'static str)>,
    /// (canonical, bare word).
    anaphors: Vec<(&'static str, &'static str)>,
    /// (anaphor word, organisation keywords).
    companies: Vec<(&'static str, Vec<&'static str>)>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut t = Tables::default();
    let mut section = "";
    for line in DATA.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name;
            continue;
        }
        let mut parts = line.split('|').map(str::trim).filter(|p| !p.is_empty());
        let Some(head) = parts.next() else { continue };
        match section {
            "synonyms" => t.synonyms.extend(parts.map(|v| (head, v))),
            "anaphors" => t.anaphors.extend(parts.map(|v| (head, v))),
            "companies" => t.companies.push((
                head,
                parts.flat_map(str::split_whitespace).collect::<Vec<_>>(),
            )),
            _ => {}
        }
    }
    t.synonyms.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    t
});

/// Capitalised names (with inner "and"/"&"), the last word tested against a keyword list.
static NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b[A-Z][A-Za-z.'-]*(?:\s+(?:(?:and|&)\s+)?[A-Z][A-Za-z.'-]*)*(?:\s+of\s+[A-Z][A-Za-z.'-]*(?:\s+[A-Z][A-Za-z.'-]*)*)?\b",
    )
        .expect("name pattern compiles")
});

fn boundary(s: &str, at: usize) -> bool {
    s[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

/// `haystack[from..].find(word)`, as an offset into `haystack`, found by the word's first
/// byte: the texts searched are short, and a substring searcher costs more to set up for each
/// of the many variants than it saves.
fn find_from(haystack: &str, word: &str, from: usize) -> Option<usize> {
    let Some(&first) = word.as_bytes().first() else {
        return Some(from);
    };
    let bytes = haystack.as_bytes();
    memchr::memchr_iter(first, &bytes[from..])
        .map(|k| from + k)
        .find(|&at| bytes[at..].starts_with(word.as_bytes()))
}

fn word_at(lower: &str, word: &str, from: usize) -> Option<usize> {
    let mut start = from;
    while let Some(at) = find_from(lower, word, start) {
        let end = at + word.len();
        let after_ok = lower[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if boundary(lower, at) && after_ok {
            return Some(at);
        }
        start = at + 1;
        while !lower.is_char_boundary(start) {
            start += 1;
        }
    }
    None
}

/// The metric with a variant replaced by its canonical phrase ("US trade gap" -> "US trade
/// deficit"); unchanged when no variant is in it.
pub fn canonical(metric: &str) -> String {
    let lower = metric.to_ascii_lowercase();
    for &(canon, variant) in &TABLES.synonyms {
        match variant.split_once('*') {
            None => {
                if let Some(at) = word_at(&lower, variant, 0) {
                    let end = at + variant.len();
                    return format!("{}{canon}{}", &metric[..at], &metric[end..]);
                }
            }
            Some((pre, post)) => {
                let (pre, post) = (pre.trim_end(), post.trim_start());
                let Some(at) = word_at(&lower, pre, 0) else {
                    continue;
                };
                let Some(k) = word_at(&lower, post, at + pre.len()) else {
                    continue;
                };
                let owner = metric[at + pre.len()..k].trim();
                let words = owner.split_whitespace().count();
                if !(1..=3).contains(&words) || owner.chars().any(|c| c.is_ascii_digit()) {
                    continue;
                }
                let end = k + post.len();
                return format!("{}{owner} {canon}{}", &metric[..at], &metric[end..]);
            }
        }
    }
    metric.to_string()
}

/// A bare anaphor metric ("imbalance", "2003's imbalance") as the measure its sentence or the
/// one before names, for a money figure.
pub fn anaphor(metric: &str, unit: &str, context: &str) -> Option<&'static str> {
    let money = unit.len() == 3 && unit.bytes().all(|b| b.is_ascii_uppercase());
    if !money {
        return None;
    }
    let lower = metric.to_ascii_lowercase();
    let bare = lower.strip_prefix("the ").unwrap_or(&lower);
    // a year's possessive before it ("2003's imbalance")
    let bare = match bare.split_once("'s ") {
        Some((year, rest)) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => bare,
    };
    let context = context.to_ascii_lowercase();
    TABLES
        .anaphors
        .iter()
        .filter(|(_, word)| *word == bare)
        .map(|(canon, _)| *canon)
        .find(|canon| {
            word_at(&context, canon, 0).is_some()
                || TABLES.synonyms.iter().any(|(c, v)| {
                    c == canon && !v.contains('*') && word_at(&context, v, 0).is_some()
                })
        })
}

/// "group's outstanding loans" as "Xiamen International Bank outstanding loans": the last
/// organisation `earlier` names whose last word is a keyword of the anaphor.
pub fn company(metric: &str, earlier: &str) -> Option<String> {
    let lower = metric.to_ascii_lowercase();
    let lower = lower.strip_prefix("the ").unwrap_or(&lower);
    let (word, rest) = TABLES.companies.iter().find_map(|(word, _)| {
        let rest = lower.strip_prefix(word)?.strip_prefix("'s ")?;
        Some((*word, rest.len()))
    })?;
    let org = organisation(word, earlier)?;
    Some(format!("{org} {}", &metric[metric.len() - rest..]))
}

/// The organisation `earlier` names that an anaphor noun refers to: one whose name ends in (or
/// is "<keyword> of ...") a keyword of that noun. Several such names are ambiguous unless the
/// last named is also the most often named.
fn organisation<'e>(word: &str, earlier: &'e str) -> Option<&'e str> {
    let keywords = &TABLES.companies.iter().find(|(w, _)| *w == word)?.1;
    let names: Vec<&str> = NAME
        .find_iter(earlier)
        .map(|m| strip_opener(m.as_str()))
        .filter(|name| {
            let head = name.split(" of ").next().unwrap_or(name);
            name.split_whitespace().count() >= 2
                && head
                    .rsplit(' ')
                    .next()
                    .is_some_and(|last| keywords.contains(&last.trim_end_matches('.')))
        })
        .collect();
    let last = *names.last()?;
    let count = |n: &str| names.iter().filter(|m| **m == n).count();
    let clear = names.iter().all(|n| *n == last || count(n) < count(last));
    clear.then_some(last)
}

/// "will be 1.18 mln tonnes short of demand": the figure is a shortfall against what follows.
static SHORT_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s+short\s+of\s+(?:the\s+)?([a-z]+(?:\s+[a-z]+)?)\s*(?:[,.;]|$)")
        .expect("short-of pattern compiles")
});

/// The metric of a figure written "N short of X": "<metric> shortfall against X".
pub fn shortfall(metric: &str, tail: &str) -> Option<String> {
    let caps = SHORT_OF.captures(tail)?;
    let lower = metric.to_ascii_lowercase();
    if lower.contains("shortfall") || lower.contains("short") {
        return None;
    }
    Some(format!("{metric} shortfall against {}", &caps[1]))
}

/// "The group had earnings of 15.4 mln dlrs": a sentence whose subject is an anaphor noun
/// followed by a lower-case word (its verb) gives an un-owned metric that organisation.
pub fn subject_company(metric: &str, head: &str, earlier: &str) -> Option<String> {
    if !metric.starts_with(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    let rest = head.trim_start().strip_prefix("The ")?;
    let (word, after) = rest.split_once(' ')?;
    let next = after.split_whitespace().next().unwrap_or("");
    let preposition = [
        "of", "in", "for", "at", "on", "with", "to", "and", "or", "from",
    ];
    if !next.starts_with(|c: char| c.is_ascii_lowercase()) || preposition.contains(&next) {
        return None;
    }
    // "The company said London and Scottish Marine Oil PLC owns 50 pct": another subject
    if after
        .split_whitespace()
        .any(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
    {
        return None;
    }
    TABLES.companies.iter().find(|(w, _)| *w == word)?;
    let org = organisation(word, earlier)?;
    Some(format!("{org} {metric}"))
}

/// A sentence opener is no part of a name ("The Xiamen Bank").
fn strip_opener(name: &str) -> &str {
    for opener in ["The ", "A ", "An "] {
        if let Some(rest) = name.strip_prefix(opener) {
            return rest;
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_variants() {
        assert_eq!(canonical("US trade gap"), "US trade deficit");
        assert_eq!(
            canonical("gap between US exports and imports"),
            "US trade deficit"
        );
        assert_eq!(
            canonical("trade imbalance with China"),
            "trade deficit with China"
        );
        assert_eq!(canonical("industrial output"), "industrial output");
        assert_eq!(canonical("sugar production"), "sugar production");
        assert_eq!(canonical("gapping"), "gapping");
    }

    #[test]
    fn bare_anaphors() {
        let context = "the trade deficit for all of last year was 24.4% above";
        assert_eq!(
            anaphor("2003's imbalance", "USD", context),
            Some("trade deficit")
        );
        assert_eq!(anaphor("imbalance", "percent", context), None);
        assert_eq!(anaphor("imbalance", "USD", "the budget was cut"), None);
        assert_eq!(anaphor("budget deficit", "USD", context), None);
    }

    #[test]
    fn shortfalls() {
        assert_eq!(
            shortfall("production", " short of demand.").as_deref(),
            Some("production shortfall against demand")
        );
        assert_eq!(shortfall("output", " short of the target in 1987."), None);
        assert_eq!(shortfall("output", " of demand."), None);
    }

    #[test]
    fn companies() {
        let earlier = "China's first joint venture bank, Xiamen International Bank (XIB), \
                       reported a profit.";
        assert_eq!(
            company("group's outstanding loans", earlier).as_deref(),
            Some("Xiamen International Bank outstanding loans")
        );
        assert_eq!(
            company("bank's profit", "The Bank of China said.").as_deref(),
            Some("Bank of China profit")
        );
        // two banks named once each: ambiguous
        let two = "Bank of British Columbia sold its assets to HongKong Bank of Canada.";
        assert_eq!(company("bank's profit", two), None);
        // "Bank notes" is no anaphor: only the possessive is
        assert_eq!(company("bank notes", "The National Bank said."), None);
        assert_eq!(company("outstanding loans", earlier), None);
        assert_eq!(
            subject_company(
                "earnings",
                "The group had earnings of 15 mln dlrs.",
                earlier
            )
            .as_deref(),
            Some("Xiamen International Bank earnings")
        );
        assert_eq!(
            subject_company("earnings", "The group of seven met.", "Acme Group said."),
            None
        );
        assert_eq!(
            subject_company("earnings", "The group had earnings.", "None."),
            None
        );
        assert_eq!(
            company("company's sales", "Shares in Acme Holdings Ltd rose.").as_deref(),
            Some("Acme Holdings Ltd sales")
        );
    }
}
