//! The fact index behind ListFacts: every fact of every document in three sort orders (document,
//! newest, period), each a map from a stable sort key to the fact, updated per document.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use policylens_proto::v1::{Fact, FactKind, FactOrder, fact};

use crate::series::PointKey;

/// A sort key: (primary, doc_id, position). The primary is empty (document order), the inverted
/// document date (newest first) or the period's start (period order).
pub type SortKey = (String, String, u32);

/// Sorts after every period start.
pub const NO_PERIOD: &str = "~";

/// One fact with what filters need.
#[derive(Debug)]
pub struct FactRow {
    pub fact: Fact,
    pub kind: FactKind,
    pub doc_id: String,
    pub position: u32,
    /// The document's date, for the newest-first order.
    pub date_ms: i64,
    pub period_key: String,
    pub sentence_lower: String,
    /// Lowercased entity name, speaker, indicator metric and canonical metric.
    pub names_lower: Vec<String>,
    pub entity_id: Option<String>,
}

#[derive(Debug, Default)]
pub struct FactIndex {
    by_document: BTreeMap<SortKey, Arc<FactRow>>,
    by_newest: BTreeMap<SortKey, Arc<FactRow>>,
    by_period: BTreeMap<SortKey, Arc<FactRow>>,
    /// Lowercased fact name (entity, speaker, metric) → doc_id → facts with that name.
    by_name: HashMap<String, BTreeMap<String, u32>>,
}

/// The sortable start of a period: "2014" → "2014", "2004-Q4" → "2004-10", "2005-01" →
/// "2005-01", "H1 2005"-style or unknown text → `None`; "1987/88" and "2021-2025" start at their
/// first year.
pub fn period_start(period: &str) -> Option<String> {
    // "1987-01/1987-02" and "1987/88" start at their first part
    let p = period.trim();
    let p = p.split('/').next().unwrap_or(p);
    let year = p
        .get(..4)
        .filter(|y| y.chars().all(|c| c.is_ascii_digit()))?;
    let rest = &p[4..];
    let month = if let Some(q) = rest.strip_prefix("-Q") {
        match q {
            "1" => Some(1),
            "2" => Some(4),
            "3" => Some(7),
            "4" => Some(10),
            _ => return None,
        }
    } else if let Some(h) = rest.strip_prefix("-H") {
        match h {
            "1" => Some(1),
            "2" => Some(7),
            _ => return None,
        }
    } else if let Some(m) = rest.strip_prefix('-').filter(|m| m.len() == 2) {
        let m: u8 = m.parse().ok()?;
        if !(1..=12).contains(&m) {
            return None;
        }
        Some(m)
    } else {
        None
    };
    Some(match month {
        Some(m) => format!("{year}-{m:02}"),
        None => year.to_string(),
    })
}

/// The first period start after `period` (exclusive upper bound of an inclusive `period_to`).
pub fn period_end_exclusive(period: &str) -> Option<String> {
    let start = period_start(period)?;
    let year: i32 = start[..4].parse().ok()?;
    if start.len() == 4 {
        return Some(format!("{:04}", year + 1));
    }
    let month: u8 = start[5..7].parse().ok()?;
    let span = if period.contains("-Q") {
        3
    } else if period.contains("-H") {
        6
    } else {
        1
    };
    let next = month + span;
    Some(if next > 12 {
        format!("{:04}-{:02}", year + 1, next - 12)
    } else {
        format!("{year:04}-{next:02}")
    })
}

/// 16 hex digits that sort newest first: the date's bits, sign-flipped and inverted.
fn newest_primary(date_ms: i64) -> String {
    format!("{:016x}", !((date_ms as u64) ^ (1 << 63)))
}

impl FactIndex {
    /// Indexes a document's facts.
    pub fn add_doc(
        &mut self,
        doc_id: &str,
        date_ms: i64,
        facts: &[Fact],
        entity_ids: &BTreeMap<usize, String>,
        keys: &[Option<PointKey>],
    ) {
        for (position, fact) in facts.iter().enumerate() {
            let row = Arc::new(row(
                doc_id,
                position,
                date_ms,
                fact,
                entity_ids.get(&position),
                keys.get(position)
                    .and_then(|k| k.as_ref())
                    .map(|(key, _, _)| key.metric.as_str()),
            ));
            for name in &row.names_lower {
                *self
                    .by_name
                    .entry(name.clone())
                    .or_default()
                    .entry(doc_id.to_string())
                    .or_default() += 1;
            }
            let position = position as u32;
            let doc = doc_id.to_string();
            self.by_period
                .insert((row.period_key.clone(), doc.clone(), position), row.clone());
            self.by_newest.insert(
                (newest_primary(date_ms), doc.clone(), position),
                row.clone(),
            );
            self.by_document.insert((String::new(), doc, position), row);
        }
    }

    /// Removes a document's facts (as indexed with the same date).
    pub fn remove_doc(&mut self, doc_id: &str, date_ms: i64, facts: &[Fact]) {
        for (position, fact) in facts.iter().enumerate() {
            let period = fact_period_key(fact);
            let position = position as u32;
            let doc = doc_id.to_string();
            self.by_period.remove(&(period, doc.clone(), position));
            self.by_newest
                .remove(&(newest_primary(date_ms), doc.clone(), position));
            if let Some(row) = self.by_document.remove(&(String::new(), doc, position)) {
                for name in &row.names_lower {
                    let Some(docs) = self.by_name.get_mut(name) else {
                        continue;
                    };
                    if let Some(count) = docs.get_mut(doc_id) {
                        *count -= 1;
                        if *count == 0 {
                            docs.remove(doc_id);
                        }
                    }
                    if docs.is_empty() {
                        self.by_name.remove(name);
                    }
                }
            }
        }
    }

    /// The facts in an order.
    pub fn ordered(&self, order: FactOrder) -> &BTreeMap<SortKey, Arc<FactRow>> {
        match order {
            FactOrder::Newest => &self.by_newest,
            FactOrder::Period => &self.by_period,
            FactOrder::Document | FactOrder::Unspecified => &self.by_document,
        }
    }

    /// Documents with a fact named `lowercase` (entity name, speaker, metric).
    pub fn docs_named(&self, lowercase: &str) -> impl Iterator<Item = &str> {
        self.by_name
            .get(lowercase)
            .into_iter()
            .flat_map(|docs| docs.keys().map(String::as_str))
    }

    /// The facts of one document, in document order.
    pub fn doc_rows(&self, doc_id: &str) -> impl Iterator<Item = &Arc<FactRow>> {
        let doc = doc_id.to_string();
        self.by_document
            .range((String::new(), doc.clone(), 0)..=(String::new(), doc, u32::MAX))
            .map(|(_, row)| row)
    }

    pub fn len(&self) -> usize {
        self.by_document.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_document.is_empty()
    }
}

impl FactRow {
    /// The row's key in an order.
    pub fn key(&self, order: FactOrder) -> SortKey {
        let primary = match order {
            FactOrder::Newest => newest_primary(self.date_ms),
            FactOrder::Period => self.period_key.clone(),
            FactOrder::Document | FactOrder::Unspecified => String::new(),
        };
        (primary, self.doc_id.clone(), self.position)
    }
}

fn fact_period_key(fact: &Fact) -> String {
    match &fact.kind {
        Some(fact::Kind::Indicator(ind)) => {
            period_start(&ind.period).unwrap_or_else(|| NO_PERIOD.to_string())
        }
        _ => NO_PERIOD.to_string(),
    }
}

fn row(
    doc_id: &str,
    position: usize,
    date_ms: i64,
    fact: &Fact,
    entity_id: Option<&String>,
    canonical_metric: Option<&str>,
) -> FactRow {
    let mut names = Vec::new();
    match &fact.kind {
        Some(fact::Kind::Indicator(_)) => {
            if let Some(fact::Kind::Indicator(ind)) = &fact.kind {
                names.push(ind.metric.trim().to_lowercase());
            }
            if let Some(metric) = canonical_metric {
                names.push(metric.to_string());
            }
        }
        Some(fact::Kind::Actor(a)) => names.push(a.name.trim().to_lowercase()),
        Some(fact::Kind::Organization(o)) => names.push(o.name.trim().to_lowercase()),
        Some(fact::Kind::Initiative(i)) => names.push(i.name.trim().to_lowercase()),
        Some(fact::Kind::Sector(s)) => names.push(s.name.trim().to_lowercase()),
        Some(fact::Kind::Quote(q)) => names.push(q.speaker.trim().to_lowercase()),
        Some(fact::Kind::Quantity(_)) | None => {}
    }
    FactRow {
        kind: fact.fact_kind(),
        doc_id: doc_id.to_string(),
        position: position as u32,
        date_ms,
        period_key: fact_period_key(fact),
        sentence_lower: fact
            .provenance
            .as_ref()
            .map(|p| p.sentence.to_lowercase())
            .unwrap_or_default(),
        names_lower: names,
        entity_id: entity_id.cloned(),
        fact: fact.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_starts_and_ends() {
        assert_eq!(period_start("2014").as_deref(), Some("2014"));
        assert_eq!(period_start("2004-Q4").as_deref(), Some("2004-10"));
        assert_eq!(period_start("2005-01").as_deref(), Some("2005-01"));
        assert_eq!(period_start("1987/88").as_deref(), Some("1987"));
        assert_eq!(period_start("1987-01/1987-02").as_deref(), Some("1987-01"));
        assert_eq!(period_start("2021-2025").as_deref(), Some("2021"));
        assert_eq!(period_start("soon"), None);
        assert_eq!(period_end_exclusive("2014").as_deref(), Some("2015"));
        assert_eq!(period_end_exclusive("2004-Q4").as_deref(), Some("2005-01"));
        assert_eq!(period_end_exclusive("2005-01").as_deref(), Some("2005-02"));
        assert!(newest_primary(2) < newest_primary(1));
        assert!(newest_primary(1) < newest_primary(-5));
    }
}
