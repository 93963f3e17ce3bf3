//! Entities (actors, organisations, initiatives, sectors): simple, explainable resolution within a
//! document, stable ids, and per-entity counts (documents, mentions, roles, documents per day).
//!
//! Resolution rules, per document:
//! - names are compared lowercased, whitespace collapsed, possessive and leading "the" removed;
//! - leading titles are stripped from actors ("Premier Li Qiang" → "Li Qiang"; the title becomes the
//!   role when the extractor gave none);
//! - a one-word actor name ("Li") that is the first or last word of exactly one longer actor name of
//!   the same document is that actor;
//! - an organisation written as an acronym ("NBS") that is the initials of exactly one longer
//!   organisation of the same document (its words except "of", "and", "the", "for") is that one.

use std::collections::{BTreeMap, BTreeSet};

use policylens_proto::v1::{Entity, EntityKind, Fact, fact};

const TITLES: &[&str] = &[
    "premier",
    "president",
    "vice",
    "prime",
    "minister",
    "chairman",
    "chairwoman",
    "chair",
    "governor",
    "secretary",
    "general",
    "director",
    "deputy",
    "chief",
    "executive",
    "ceo",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "professor",
    "sir",
    "senator",
    "state",
    "councillor",
    "councilor",
    "commissioner",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "former",
    "head",
    "party",
];

const ACRONYM_SKIP: &[&str] = &["of", "and", "the", "for", "on", "in", "&"];

/// One entity mention after resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub fact_index: usize,
    pub kind: EntityKind,
    /// Canonical (lowercase) name; with `kind` it gives the id.
    pub key: String,
    /// The display form of the canonical name.
    pub display: String,
    /// The name as the document wrote it.
    pub surface: String,
    pub role: String,
}

impl Mention {
    pub fn id(&self) -> String {
        entity_id(self.kind, &self.key)
    }
}

/// The stable entity id: `e-` + 16 hex digits of blake3 over kind and canonical name.
pub fn entity_id(kind: EntityKind, key: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(kind.as_str_name().as_bytes());
    hasher.update(b"\x1f");
    hasher.update(key.as_bytes());
    format!("e-{}", &hasher.finalize().to_hex()[..16])
}

/// The entity kind of a fact, its name and the role the extractor gave.
pub fn entity_of(fact: &Fact) -> Option<(EntityKind, &str, &str)> {
    match fact.kind.as_ref()? {
        fact::Kind::Actor(a) => Some((EntityKind::Actor, &a.name, &a.role)),
        fact::Kind::Organization(o) => Some((EntityKind::Organization, &o.name, "")),
        fact::Kind::Initiative(i) => Some((EntityKind::Initiative, &i.name, "")),
        fact::Kind::Sector(s) => Some((EntityKind::Sector, &s.name, "")),
        _ => None,
    }
}

fn clean(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let joined = words.join(" ");
    let trimmed = joined.trim_matches(|c: char| !c.is_alphanumeric() && c != ')' && c != '&');
    let trimmed = trimmed
        .strip_suffix("'s")
        .or_else(|| trimmed.strip_suffix("’s"))
        .unwrap_or(trimmed);
    let trimmed = trimmed
        .strip_prefix("the ")
        .or_else(|| trimmed.strip_prefix("The "))
        .unwrap_or(trimmed);
    trimmed.to_string()
}

/// Strips leading titles from an actor name: ("Li Qiang", "Premier").
fn strip_titles(name: &str) -> (String, String) {
    let words: Vec<&str> = name.split(' ').collect();
    let mut i = 0;
    while i + 1 < words.len() && TITLES.contains(&words[i].to_lowercase().trim_end_matches('.')) {
        i += 1;
    }
    (words[i..].join(" "), words[..i].join(" "))
}

fn is_acronym(name: &str) -> bool {
    let letters: String = name.chars().filter(|c| *c != '.').collect();
    (2..=6).contains(&letters.chars().count()) && letters.chars().all(|c| c.is_ascii_uppercase())
}

fn initials(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty() && !ACRONYM_SKIP.contains(&w.to_lowercase().as_str()))
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Resolves the entity mentions of one document.
pub fn resolve(facts: &[Fact]) -> Vec<Mention> {
    let mut mentions = Vec::new();
    for (fact_index, fact) in facts.iter().enumerate() {
        let Some((kind, name, role)) = entity_of(fact) else {
            continue;
        };
        let surface = clean(name);
        if surface.is_empty() {
            continue;
        }
        let (display, title) = if kind == EntityKind::Actor {
            strip_titles(&surface)
        } else {
            (surface.clone(), String::new())
        };
        let role = if role.trim().is_empty() {
            title
        } else {
            role.trim().to_string()
        };
        mentions.push(Mention {
            fact_index,
            kind,
            key: display.to_lowercase(),
            display,
            surface,
            role,
        });
    }
    // one-word actor names → the one longer actor name of the document they begin or end
    let long_actors: BTreeMap<String, String> = mentions
        .iter()
        .filter(|m| m.kind == EntityKind::Actor && m.key.contains(' '))
        .map(|m| (m.key.clone(), m.display.clone()))
        .collect();
    // acronyms → the one longer organisation of the document with those initials
    let long_orgs: BTreeMap<String, String> = mentions
        .iter()
        .filter(|m| m.kind == EntityKind::Organization && !is_acronym(&m.display))
        .map(|m| (m.key.clone(), m.display.clone()))
        .collect();
    for mention in &mut mentions {
        let candidates: Vec<(&String, &String)> = match mention.kind {
            EntityKind::Actor if !mention.key.contains(' ') => long_actors
                .iter()
                .filter(|(key, _)| {
                    let mut words = key.split(' ');
                    let first = words.next();
                    let last = key.rsplit(' ').next();
                    first == Some(mention.key.as_str()) || last == Some(mention.key.as_str())
                })
                .collect(),
            EntityKind::Organization if is_acronym(&mention.display) => {
                let acronym: String = mention.display.chars().filter(|c| *c != '.').collect();
                long_orgs
                    .iter()
                    .filter(|(_, display)| initials(display) == acronym)
                    .collect()
            }
            _ => Vec::new(),
        };
        if let [(key, display)] = candidates.as_slice() {
            mention.key = (*key).clone();
            mention.display = (*display).clone();
        }
    }
    mentions
}

#[derive(Debug, Default)]
struct EntityState {
    kind: i32,
    names: BTreeMap<String, u32>,
    aliases: BTreeMap<String, u32>,
    roles: BTreeMap<String, u32>,
    /// doc_id → mentions in that document.
    docs: BTreeMap<String, u32>,
    /// Julian day → documents of that date.
    days: BTreeMap<i32, u32>,
    view: Entity,
    /// Lowercased name and aliases, for filters.
    match_names: Vec<String>,
}

/// Every entity, by id.
#[derive(Debug, Default)]
pub struct EntityIndex {
    entities: BTreeMap<String, EntityState>,
}

fn bump(map: &mut BTreeMap<String, u32>, key: &str, add: bool) {
    if key.is_empty() {
        return;
    }
    if add {
        *map.entry(key.to_string()).or_default() += 1;
    } else if let Some(count) = map.get_mut(key) {
        *count -= 1;
        if *count == 0 {
            map.remove(key);
        }
    }
}

impl EntityIndex {
    /// Adds (or with `add == false` removes) a document's mentions; returns the entity ids.
    pub fn apply_doc(
        &mut self,
        doc_id: &str,
        day: i32,
        mentions: &[Mention],
        add: bool,
    ) -> BTreeSet<String> {
        let mut touched = BTreeSet::new();
        for mention in mentions {
            let id = mention.id();
            let state = self.entities.entry(id.clone()).or_default();
            state.kind = mention.kind as i32;
            bump(&mut state.names, &mention.display, add);
            bump(&mut state.aliases, &mention.surface, add);
            bump(&mut state.roles, &mention.role, add);
            if add {
                let count = state.docs.entry(doc_id.to_string()).or_default();
                *count += 1;
                if *count == 1 {
                    *state.days.entry(day).or_default() += 1;
                }
            } else if let Some(count) = state.docs.get_mut(doc_id) {
                *count -= 1;
                if *count == 0 {
                    state.docs.remove(doc_id);
                    if let Some(days) = state.days.get_mut(&day) {
                        *days -= 1;
                        if *days == 0 {
                            state.days.remove(&day);
                        }
                    }
                }
            }
            touched.insert(id);
        }
        touched
    }

    /// Recomputes the views of `ids`, dropping entities left without documents.
    pub fn refresh(&mut self, ids: &BTreeSet<String>) {
        for id in ids {
            let Some(state) = self.entities.get_mut(id) else {
                continue;
            };
            if state.docs.is_empty() {
                self.entities.remove(id);
                continue;
            }
            let name = most_frequent(&state.names).unwrap_or_default();
            let mut aliases: BTreeSet<String> = state.aliases.keys().cloned().collect();
            aliases.extend(state.names.keys().cloned());
            aliases.remove(&name);
            let mut roles: Vec<(&String, &u32)> = state.roles.iter().collect();
            roles.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            state.match_names = std::iter::once(name.to_lowercase())
                .chain(aliases.iter().map(|a| a.to_lowercase()))
                .collect();
            state.view = Entity {
                id: id.clone(),
                kind: state.kind,
                name,
                aliases: aliases.into_iter().collect(),
                document_count: state.docs.len() as u32,
                mention_count: state.docs.values().sum(),
                roles: roles.into_iter().map(|(r, _)| r.clone()).collect(),
            };
        }
    }

    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.entities.get(id).map(|s| &s.view)
    }

    /// Lowercased name and aliases of an entity.
    pub fn match_names(&self, id: &str) -> &[String] {
        self.entities.get(id).map_or(&[], |s| &s.match_names)
    }

    /// Ids of entities whose name or an alias equals `lowercase`.
    pub fn ids_named(&self, lowercase: &str) -> BTreeSet<String> {
        self.entities
            .iter()
            .filter(|(_, s)| s.match_names.iter().any(|n| n == lowercase))
            .map(|(id, _)| id.clone())
            .collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Entity, &[String])> {
        self.entities
            .values()
            .map(|s| (&s.view, s.match_names.as_slice()))
    }

    /// Documents of an entity per Julian day.
    pub fn days(&self, id: &str) -> Option<&BTreeMap<i32, u32>> {
        self.entities.get(id).map(|s| &s.days)
    }

    /// The documents mentioning an entity.
    pub fn docs(&self, id: &str) -> impl Iterator<Item = &String> {
        self.entities
            .get(id)
            .into_iter()
            .flat_map(|s| s.docs.keys())
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }
}

fn most_frequent(map: &BTreeMap<String, u32>) -> Option<String> {
    let mut best: Option<(&String, u32)> = None;
    for (name, &count) in map {
        if best.is_none_or(|(_, c)| count > c) {
            best = Some((name, count));
        }
    }
    best.map(|(n, _)| n.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use policylens_proto::v1::{Actor, Organization};

    fn actor(name: &str, role: &str) -> Fact {
        Fact {
            kind: Some(fact::Kind::Actor(Actor {
                name: name.into(),
                role: role.into(),
                org: String::new(),
            })),
            ..Default::default()
        }
    }

    fn org(name: &str) -> Fact {
        Fact {
            kind: Some(fact::Kind::Organization(Organization { name: name.into() })),
            ..Default::default()
        }
    }

    #[test]
    fn titles_surnames_and_acronyms_resolve_within_a_document() {
        let facts = vec![
            actor("Premier Li Qiang", ""),
            actor("Li Qiang", "Premier"),
            actor("Li", ""),
            actor("Wang Dan", ""),
            actor("Wang Yi", ""),
            actor("Wang", ""),
            org("National Bureau of Statistics"),
            org("NBS"),
            org("the National Bureau of Statistics"),
        ];
        let mentions = resolve(&facts);
        let li = mentions[0].id();
        assert_eq!(mentions[0].display, "Li Qiang");
        assert_eq!(mentions[0].role, "Premier");
        assert_eq!(mentions[1].id(), li);
        assert_eq!(mentions[2].id(), li);
        // "Wang" is ambiguous: it stays itself
        assert_eq!(mentions[5].key, "wang");
        assert_ne!(mentions[3].id(), mentions[4].id());
        assert_eq!(mentions[7].id(), mentions[6].id());
        assert_eq!(mentions[8].id(), mentions[6].id());
        assert_eq!(mentions[7].surface, "NBS");

        let mut index = EntityIndex::default();
        let touched = index.apply_doc("d1", 100, &mentions, true);
        index.refresh(&touched);
        let entity = index.get(&li).unwrap();
        assert_eq!(entity.name, "Li Qiang");
        assert_eq!(entity.document_count, 1);
        assert_eq!(entity.mention_count, 3);
        assert_eq!(entity.roles, vec!["Premier".to_string()]);
        assert!(entity.aliases.contains(&"Li".to_string()));
        let nbs = index.get(&mentions[6].id()).unwrap();
        assert!(nbs.aliases.contains(&"NBS".to_string()));
        assert!(index.ids_named("nbs").contains(&mentions[6].id()));

        let touched = index.apply_doc("d1", 100, &mentions, false);
        index.refresh(&touched);
        assert_eq!(index.len(), 0);
    }
}
