//! The in-memory query state: documents, facts, series and entities, updated incrementally per
//! applied bundle (the old version of a document is subtracted, the new one added). Every derived
//! view depends only on the set of applied documents, never on their arrival order, so a rebuild
//! from redb or from FACTS gives exactly the same answers.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use policylens_proto::v1::{DocumentSummary, Fact, FactBundle};

use crate::attention;
use crate::entities::{self, EntityIndex};
use crate::facts::FactIndex;
use crate::series::{self, SeriesIndex};

/// One applied document.
#[derive(Debug, Clone)]
pub struct DocEntry {
    /// Without the body (read from the store on demand).
    pub summary: DocumentSummary,
    pub date_ms: i64,
    pub day: i32,
    pub bundle_hash: [u8; 32],
    /// Sequence of the document's message in INGEST: a later ingest of the same id is a newer
    /// revision of the document.
    pub ingest_seq: u64,
    /// Entities mentioned, for co-mentions.
    pub entity_ids: BTreeSet<String>,
}

/// What to do with an incoming bundle for a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// New document, newer extractor version, or same version with different content.
    Apply,
    /// Same extractor version and the same bundle bytes: already applied.
    Unchanged,
    /// An older extractor version than the applied one, or the same version of an earlier
    /// ingest of the document.
    Stale { applied_version: String },
}

/// The series and entities an applied bundle changed.
#[derive(Debug, Default, Clone)]
pub struct Touched {
    pub series: BTreeSet<String>,
    pub entities: BTreeSet<String>,
}

impl Touched {
    pub fn extend(&mut self, other: Touched) {
        self.series.extend(other.series);
        self.entities.extend(other.entities);
    }
}

#[derive(Debug, Default)]
pub struct State {
    pub docs: BTreeMap<String, DocEntry>,
    pub series: SeriesIndex,
    pub entities: EntityIndex,
    pub facts: FactIndex,
}

/// Compares semantic versions numerically ("1.10.0" > "1.9.2"; "1.2.0-beta" < "1.2.0");
/// non-numeric components compare as text.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    fn split(v: &str) -> (Vec<&str>, Option<&str>) {
        let v = v.trim().trim_start_matches('v');
        let v = v.split('+').next().unwrap_or(v);
        let (core, pre) = match v.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (v, None),
        };
        (core.split('.').collect(), pre)
    }
    fn component(a: &str, b: &str) -> Ordering {
        match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => a.cmp(b),
        }
    }
    let (core_a, pre_a) = split(a);
    let (core_b, pre_b) = split(b);
    for i in 0..core_a.len().max(core_b.len()) {
        let ord = component(core_a.get(i).unwrap_or(&"0"), core_b.get(i).unwrap_or(&"0"));
        if ord != Ordering::Equal {
            return ord;
        }
    }
    match (pre_a, pre_b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            let (xs, ys): (Vec<&str>, Vec<&str>) = (x.split('.').collect(), y.split('.').collect());
            for i in 0..xs.len().max(ys.len()) {
                match (xs.get(i), ys.get(i)) {
                    (Some(p), Some(q)) => {
                        let ord = component(p, q);
                        if ord != Ordering::Equal {
                            return ord;
                        }
                    }
                    (Some(_), None) => return Ordering::Greater,
                    (None, Some(_)) => return Ordering::Less,
                    (None, None) => break,
                }
            }
            Ordering::Equal
        }
    }
}

/// One bundle of a document, as far as choosing the current one goes.
#[derive(Debug, Clone, Copy)]
pub struct Revision<'a> {
    pub extractor_version: &'a str,
    pub ingest_seq: u64,
    pub bundle_hash: &'a [u8; 32],
}

/// Decides what an incoming bundle does given the applied one, if any. The current bundle of a
/// document is the one with the newest extractor version, then the latest ingest (a corrected
/// document re-sent under the same id), whatever order FACTS delivered them in — so the state is
/// a function of the set of bundles, not of their order.
pub fn decide(current: Option<Revision<'_>>, incoming: Revision<'_>) -> Decision {
    let Some(current) = current else {
        return Decision::Apply;
    };
    let stale = || Decision::Stale {
        applied_version: current.extractor_version.to_string(),
    };
    match compare_versions(incoming.extractor_version, current.extractor_version) {
        Ordering::Less => stale(),
        Ordering::Greater => Decision::Apply,
        Ordering::Equal if incoming.bundle_hash == current.bundle_hash => Decision::Unchanged,
        Ordering::Equal if incoming.ingest_seq < current.ingest_seq => stale(),
        Ordering::Equal => Decision::Apply,
    }
}

impl State {
    /// Decides whether a bundle changes the state.
    pub fn decide(&self, doc_id: &str, incoming: Revision<'_>) -> Decision {
        let current = self.docs.get(doc_id).map(|d| Revision {
            extractor_version: d.summary.extractor_version.as_str(),
            ingest_seq: d.ingest_seq,
            bundle_hash: &d.bundle_hash,
        });
        decide(current, incoming)
    }

    /// Replaces the document's facts with the bundle's and refreshes the views it touched;
    /// returns the ids of the series changed. The bundle must carry a document with an id.
    pub fn apply(&mut self, bundle: FactBundle, bundle_hash: [u8; 32]) -> BTreeSet<String> {
        let touched = self.apply_deferred(bundle, bundle_hash);
        self.refresh(&touched);
        touched.series
    }

    /// A document's facts, in bundle order (kept once, in the fact index).
    pub fn doc_facts(&self, doc_id: &str) -> Vec<Fact> {
        self.facts
            .doc_rows(doc_id)
            .map(|r| r.fact.clone())
            .collect()
    }

    /// Recomputes the series and entity views of `touched`.
    pub fn refresh(&mut self, touched: &Touched) {
        self.series.refresh(&touched.series, &self.docs);
        self.entities.refresh(&touched.entities);
    }

    /// Like [`State::apply`] but leaves the views of what it touched stale until
    /// [`State::refresh`]: a batch (or a rebuild) refreshes each series once.
    pub fn apply_deferred(&mut self, mut bundle: FactBundle, bundle_hash: [u8; 32]) -> Touched {
        let document = bundle.document.take().unwrap_or_default();
        let doc_id = document.doc_id.clone();
        let ingest_seq = document.ingest_seq;
        let mut series_ids = BTreeSet::new();
        let mut entity_ids = BTreeSet::new();
        if let Some(old) = self.docs.remove(&doc_id) {
            let old_facts = self.doc_facts(&doc_id);
            series_ids.extend(self.series.remove_doc(&doc_id, &old_facts));
            let mentions = entities::resolve(&old_facts);
            entity_ids.extend(self.entities.apply_doc(&doc_id, old.day, &mentions, false));
            self.facts.remove_doc(&doc_id, old.date_ms, &old_facts);
        }
        let date_ms = attention::document_date_ms(&document.published_at, document.ingested_at_ms);
        let day = attention::julian_day(date_ms);
        let keys: Vec<_> = bundle.facts.iter().map(series::indicator_key).collect();
        let mentions = entities::resolve(&bundle.facts);
        let new_entities = self.entities.apply_doc(&doc_id, day, &mentions, true);
        entity_ids.extend(new_entities.iter().cloned());
        let by_fact: BTreeMap<usize, String> =
            mentions.iter().map(|m| (m.fact_index, m.id())).collect();
        self.facts
            .add_doc(&doc_id, date_ms, &bundle.facts, &by_fact, &keys);
        series_ids.extend(self.series.add_doc(&doc_id, &bundle.facts, &keys));
        let summary = DocumentSummary {
            doc_id: doc_id.clone(),
            title: document.title,
            url: document.url,
            source: document.source,
            published_at: document.published_at,
            language: document.language,
            extractor_version: bundle.extractor_version,
            fact_count: bundle.facts.len() as u32,
            ingested_at_ms: document.ingested_at_ms,
            content_hash: document.content_hash,
            body: String::new(),
        };
        self.docs.insert(
            doc_id,
            DocEntry {
                summary,
                date_ms,
                day,
                bundle_hash,
                ingest_seq,
                entity_ids: new_entities,
            },
        );
        Touched {
            series: series_ids,
            entities: entity_ids,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("1.10.0", "1.9.2"), Ordering::Greater);
        assert_eq!(compare_versions("0.2.0", "0.2.0"), Ordering::Equal);
        assert_eq!(compare_versions("0.2", "0.2.0"), Ordering::Equal);
        assert_eq!(compare_versions("1.2.0-beta", "1.2.0"), Ordering::Less);
        assert_eq!(
            compare_versions("1.2.0-beta.2", "1.2.0-beta.10"),
            Ordering::Less
        );
        assert_eq!(compare_versions("v2.0.0", "1.99.99"), Ordering::Greater);
    }
}
