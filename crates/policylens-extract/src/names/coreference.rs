//! Entities of one document and simple coreference: "Yin" and "Mr Yin" are Yin Hejun, "XIB"
//! and "Panin" are the organisations whose long names were seen first.

use std::ops::Range;

/// A person seen in the document.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    /// Byte ranges of the words of `name`, kept for [`Registry::find_person`].
    words: Vec<Range<usize>>,
    /// Byte span of the fullest mention (the first one of that length).
    pub span: Range<usize>,
    pub role: String,
    pub org: String,
}

/// An organisation seen in the document.
#[derive(Debug, Clone)]
pub struct Org {
    pub name: String,
    pub span: Range<usize>,
    /// Acronyms and short forms that refer to it.
    pub aliases: Vec<String>,
    /// Gazetteer entry, when it came from one.
    pub entry: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Registry {
    pub persons: Vec<Person>,
    pub orgs: Vec<Org>,
    /// Index of the most recently mentioned person (for "he said").
    pub last_person: Option<usize>,
}

fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
}

/// Byte ranges of the [`words`] of a name.
fn word_ranges(name: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = None;
    for (i, c) in name.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                ranges.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        ranges.push(s..name.len());
    }
    ranges
}

impl Person {
    fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|r| &self.name[r.clone()])
    }
}

impl Registry {
    /// Adds a person mention, merging it with a person whose name words contain its words or
    /// are contained in them; returns the person's index.
    pub fn add_person(&mut self, name: &str, span: Range<usize>, role: &str, org: &str) -> usize {
        let idx = match self.find_person(name) {
            Some(idx) => {
                let p = &mut self.persons[idx];
                let name_words = word_ranges(name);
                if name_words.len() > p.words.len() {
                    p.name = name.to_string();
                    p.words = name_words;
                    p.span = span;
                }
                if p.role.is_empty() {
                    p.role = role.to_string();
                }
                if p.org.is_empty() {
                    p.org = org.to_string();
                }
                idx
            }
            None => {
                self.persons.push(Person {
                    name: name.to_string(),
                    words: word_ranges(name),
                    span,
                    role: role.to_string(),
                    org: org.to_string(),
                });
                self.persons.len() - 1
            }
        };
        self.last_person = Some(idx);
        idx
    }

    /// The person a name refers to: all its words belong to a known person's name, or a known
    /// person's words all belong to it. The most recently added match wins.
    pub fn find_person(&self, name: &str) -> Option<usize> {
        if self.persons.is_empty() {
            return None;
        }
        let mut new = [""; 6];
        let mut n = 0;
        for w in words(name) {
            if n == new.len() {
                return None;
            }
            new[n] = w;
            n += 1;
        }
        if n == 0 {
            return None;
        }
        let new = &new[..n];
        self.persons.iter().rposition(|p| {
            new.iter().all(|w| p.words().any(|o| o == *w)) || p.words().all(|o| new.contains(&o))
        })
    }

    /// Adds an organisation mention, merging it with a known one of the same gazetteer entry,
    /// name or alias, or differing only by legal suffixes; returns its index.
    pub fn add_org(&mut self, name: &str, span: Range<usize>, entry: Option<usize>) -> usize {
        let same = self.orgs.iter().position(|o| {
            entry.is_some_and(|e| o.entry == Some(e))
                || o.name == name
                || o.aliases.iter().any(|a| a == name)
                || (!different_first_letters(&o.name, name) && same_company(&o.name, name))
        });
        if let Some(idx) = same {
            let org = &mut self.orgs[idx];
            // a longer form seen later ("China Aviation Oil Holding Company") stays an alias
            if org.name != name && !org.aliases.iter().any(|a| a == name) {
                org.aliases.push(name.to_string());
            }
            return idx;
        }
        self.orgs.push(Org {
            name: name.to_string(),
            span,
            aliases: Vec::new(),
            entry,
        });
        self.orgs.len() - 1
    }

    /// The organisation a name refers to: same gazetteer entry, same name or alias, or one name
    /// starting with the other's words ("Illva" ~ "Illva Saronno", "Panin" ~ "Panin Holdings").
    pub fn find_org(&self, name: &str, entry: Option<usize>) -> Option<usize> {
        if let Some(e) = entry
            && let Some(idx) = self.orgs.iter().position(|o| o.entry == Some(e))
        {
            return Some(idx);
        }
        words(name).next()?;
        self.orgs.iter().position(|o| {
            o.name == name || o.aliases.iter().any(|a| a == name) || word_prefix(&o.name, name)
        })
    }
}

/// Whether two names start with different visible ASCII characters, so that both have a first
/// word and the first words differ.
fn different_first_letters(a: &str, b: &str) -> bool {
    matches!(
        (a.as_bytes().first(), b.as_bytes().first()),
        (Some(&x), Some(&y)) if x != y && x.is_ascii_graphic() && y.is_ascii_graphic()
    )
}

/// Whether the words of one name are a strict prefix of the other's.
fn word_prefix(a: &str, b: &str) -> bool {
    if different_first_letters(a, b) {
        return false;
    }
    let (mut x, mut y) = (words(a), words(b));
    loop {
        match (x.next(), y.next()) {
            (Some(p), Some(q)) if p == q => continue,
            (Some(_), None) | (None, Some(_)) => return true,
            _ => return false,
        }
    }
}

/// Words that add nothing to a company's identity ("Panin Holdings Ltd" is Panin).
const LEGAL_SUFFIXES: &[&str] = &[
    "Group",
    "Holding",
    "Holdings",
    "Company",
    "Co",
    "Corp",
    "Corporation",
    "Ltd",
    "Limited",
    "Inc",
    "plc",
    "Plc",
    "PLC",
    "AG",
    "SA",
    "NV",
    "GmbH",
    "SpA",
    "LLC",
    "International",
    "Bank",
];

/// Whether two names differ only by legal suffixes after a shared start.
fn same_company(a: &str, b: &str) -> bool {
    // word by word on the names themselves: this runs for every known organisation per name
    let (short, long) = if words(a).count() <= words(b).count() {
        (a, b)
    } else {
        (b, a)
    };
    let mut long_words = words(long);
    let mut extra = false;
    words(short).all(|w| long_words.next() == Some(w))
        && long_words.all(|w| {
            extra = true;
            LEGAL_SUFFIXES.contains(&w)
        })
        && extra
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames_and_titles_merge_into_one_person() {
        let mut r = Registry::default();
        let a = r.add_person("Yin Hejun", 10..19, "Minister", "");
        assert_eq!(r.add_person("Yin", 50..53, "", ""), a);
        let b = r.add_person("Bush", 60..64, "President", "");
        assert_ne!(a, b);
        assert_eq!(r.add_person("George Bush", 80..91, "", ""), b);
        assert_eq!(r.persons[b].name, "George Bush");
        assert_eq!(r.persons[b].role, "President");
        assert_eq!(r.find_person("Wang"), None);
    }

    #[test]
    fn words_split_on_any_white_space() {
        let name = "  Li\u{a0}Qiang \t Jr\n";
        let got: Vec<&str> = words(name).collect();
        assert_eq!(got, ["Li", "Qiang", "Jr"]);
        let ranges: Vec<&str> = word_ranges(name).into_iter().map(|r| &name[r]).collect();
        assert_eq!(ranges, got);
        assert_eq!(words(" \u{2003} ").next(), None);
    }

    #[test]
    fn short_forms_and_acronyms_merge_into_one_org() {
        let mut r = Registry::default();
        let a = r.add_org("Panin Holdings Ltd", 0..10, None);
        assert_eq!(r.add_org("Panin", 20..25, None), a);
        let b = r.add_org("Bank of China", 30..40, None);
        assert_ne!(r.add_org("Agricultural Bank of China", 50..60, None), b);
        let c = r.add_org("Reliance Energy", 70..80, None);
        assert_ne!(r.add_org("Reliance Industries", 90..99, None), c);
        assert_eq!(r.add_org("Reliance Energy Ltd", 100..110, None), c);
        r.orgs[b].aliases.push("BOC".into());
        assert_eq!(r.find_org("BOC", None), Some(b));
    }
}
