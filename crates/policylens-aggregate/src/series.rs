//! Indicator series: observations grouped by canonical key and (period, status), and the
//! derived view (claims, syndicated duplicates, conflicts) recomputed only for touched series.
//!
//! Rules of the view, all independent of arrival order:
//! - sources are ordered earliest first (document date, then doc_id, then offset);
//! - a source is a syndicated copy (`duplicate_of`) when an earlier source of the same point comes
//!   from a document with the same content hash or states the identical sentence;
//! - claims and conflicts follow the rules of [`crate::claims`];
//! - the point's value is the claim with most independent sources, ties to the earliest.

use std::collections::{BTreeMap, BTreeSet};

use policylens_proto::v1::{Claim, Fact, PointSource, Series, SeriesPoint, fact};

use crate::canonical::{self, SeriesKey};
use crate::claims::{compatible, normal_qualifier, within};
use crate::state::DocEntry;

/// One indicator statement of one document.
#[derive(Debug, Clone)]
struct Observation {
    value: f64,
    qualifier: i32,
    metric_text: String,
    sentence: String,
    start: u32,
    end: u32,
}

#[derive(Debug)]
struct SeriesState {
    key: SeriesKey,
    surface_forms: BTreeMap<String, u32>,
    /// (period, status) → doc_id → observations.
    points: BTreeMap<(String, i32), BTreeMap<String, Vec<Observation>>>,
    view: Series,
}

/// Every series, by id.
#[derive(Debug, Default)]
pub struct SeriesIndex {
    series: BTreeMap<String, SeriesState>,
}

/// The series key and point of an indicator fact, or `None` for facts that are not points.
pub fn indicator_key(fact: &Fact) -> Option<(SeriesKey, String, i32)> {
    let Some(fact::Kind::Indicator(ind)) = &fact.kind else {
        return None;
    };
    if ind.period.trim().is_empty() || ind.metric.trim().is_empty() || !ind.value.is_finite() {
        return None;
    }
    let key = canonical::series_key(&ind.metric, &ind.jurisdiction, &ind.unit);
    if key.metric.is_empty() {
        return None;
    }
    Some((key, ind.period.trim().to_string(), ind.status))
}

impl SeriesIndex {
    /// Adds a document's indicators; returns the ids of the series it touches.
    pub fn add_doc(&mut self, doc_id: &str, facts: &[Fact]) -> BTreeSet<String> {
        let mut touched = BTreeSet::new();
        for fact in facts {
            let Some((key, period, status)) = indicator_key(fact) else {
                continue;
            };
            let Some(fact::Kind::Indicator(ind)) = &fact.kind else {
                continue;
            };
            let provenance = fact.provenance.clone().unwrap_or_default();
            let id = key.id();
            let state = self
                .series
                .entry(id.clone())
                .or_insert_with(|| SeriesState {
                    key,
                    surface_forms: BTreeMap::new(),
                    points: BTreeMap::new(),
                    view: Series::default(),
                });
            *state
                .surface_forms
                .entry(ind.metric.trim().to_string())
                .or_default() += 1;
            state
                .points
                .entry((period, status))
                .or_default()
                .entry(doc_id.to_string())
                .or_default()
                .push(Observation {
                    value: ind.value,
                    qualifier: ind.qualifier,
                    metric_text: ind.metric.trim().to_string(),
                    sentence: provenance.sentence,
                    start: provenance.start,
                    end: provenance.end,
                });
            touched.insert(id);
        }
        touched
    }

    /// Removes a document's indicators; returns the ids of the series it touched.
    pub fn remove_doc(&mut self, doc_id: &str, facts: &[Fact]) -> BTreeSet<String> {
        let mut touched = BTreeSet::new();
        for fact in facts {
            let Some((key, period, status)) = indicator_key(fact) else {
                continue;
            };
            let Some(fact::Kind::Indicator(ind)) = &fact.kind else {
                continue;
            };
            let id = key.id();
            let Some(state) = self.series.get_mut(&id) else {
                continue;
            };
            let surface = ind.metric.trim();
            if let Some(count) = state.surface_forms.get_mut(surface) {
                *count -= 1;
                if *count == 0 {
                    state.surface_forms.remove(surface);
                }
            }
            let point_key = (period, status);
            if let Some(point) = state.points.get_mut(&point_key) {
                point.remove(doc_id);
                if point.is_empty() {
                    state.points.remove(&point_key);
                }
            }
            touched.insert(id);
        }
        touched
    }

    /// Recomputes the views of `ids`, dropping series left without points.
    pub fn refresh(&mut self, ids: &BTreeSet<String>, docs: &BTreeMap<String, DocEntry>) {
        for id in ids {
            let Some(state) = self.series.get_mut(id) else {
                continue;
            };
            if state.points.is_empty() {
                self.series.remove(id);
                continue;
            }
            state.view = build_view(id, state, docs);
        }
    }

    pub fn get(&self, id: &str) -> Option<&Series> {
        self.series.get(id).map(|s| &s.view)
    }

    /// The canonical metric of a series (for filters).
    pub fn canonical_metric(&self, id: &str) -> Option<&str> {
        self.series.get(id).map(|s| s.key.metric.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Series> {
        self.series.values().map(|s| &s.view)
    }

    pub fn len(&self) -> usize {
        self.series.len()
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }
}

struct Source<'a> {
    doc_id: &'a str,
    doc: Option<&'a DocEntry>,
    obs: &'a Observation,
    date_ms: i64,
    sentence_key: String,
    duplicate_of: Option<String>,
}

fn build_view(id: &str, state: &SeriesState, docs: &BTreeMap<String, DocEntry>) -> Series {
    let mut surface_forms: Vec<(&String, &u32)> = state.surface_forms.iter().collect();
    surface_forms.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut independent_docs = BTreeSet::new();
    let mut points = Vec::new();
    for ((period, status), by_doc) in &state.points {
        let point = build_point(period, *status, by_doc, docs, &mut independent_docs);
        points.push(point);
    }
    Series {
        id: id.to_string(),
        metric: surface_forms
            .first()
            .map_or_else(|| state.key.metric.clone(), |(s, _)| (*s).clone()),
        jurisdiction: canonical::jurisdiction_display(&state.key.jurisdiction),
        unit: state.key.unit.clone(),
        surface_forms: surface_forms.iter().map(|(s, _)| (*s).clone()).collect(),
        point_count: points.len() as u32,
        source_count: independent_docs.len() as u32,
        has_conflicts: points.iter().any(|p| p.conflict),
        points,
    }
}

fn build_point(
    period: &str,
    status: i32,
    by_doc: &BTreeMap<String, Vec<Observation>>,
    docs: &BTreeMap<String, DocEntry>,
    independent_docs: &mut BTreeSet<String>,
) -> SeriesPoint {
    let mut sources: Vec<Source<'_>> = Vec::new();
    for (doc_id, observations) in by_doc {
        let doc = docs.get(doc_id);
        for obs in observations {
            sources.push(Source {
                doc_id,
                doc,
                obs,
                date_ms: doc.map_or(0, |d| d.date_ms),
                sentence_key: obs
                    .sentence
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase(),
                duplicate_of: None,
            });
        }
    }
    sources.sort_by(|a, b| {
        (a.date_ms, a.doc_id, a.obs.start).cmp(&(b.date_ms, b.doc_id, b.obs.start))
    });
    mark_duplicates(&mut sources);
    for source in &sources {
        if source.duplicate_of.is_none() {
            independent_docs.insert(source.doc_id.to_string());
        }
    }

    // claims: group by qualifier, then by value within 0.5 % of the group's first value
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.sort_by(|&a, &b| {
        let (sa, sb) = (&sources[a], &sources[b]);
        normal_qualifier(sa.obs.qualifier)
            .cmp(&normal_qualifier(sb.obs.qualifier))
            .then(sa.obs.value.total_cmp(&sb.obs.value))
            .then(a.cmp(&b))
    });
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let joins = groups.last().is_some_and(|g| {
            let anchor = &sources[g[0]];
            normal_qualifier(anchor.obs.qualifier) == normal_qualifier(sources[i].obs.qualifier)
                && within(anchor.obs.value, sources[i].obs.value, 0.005)
        });
        if joins {
            groups.last_mut().expect("checked").push(i);
        } else {
            groups.push(vec![i]);
        }
    }
    struct Ranked {
        claim: Claim,
        independent: usize,
        earliest: usize,
    }
    let mut ranked: Vec<Ranked> = groups
        .into_iter()
        .map(|mut group| {
            group.sort_unstable();
            let first = &sources[group[0]];
            let independent: BTreeSet<&str> = group
                .iter()
                .filter(|&&i| sources[i].duplicate_of.is_none())
                .map(|&i| sources[i].doc_id)
                .collect();
            Ranked {
                claim: Claim {
                    value: first.obs.value,
                    qualifier: normal_qualifier(first.obs.qualifier),
                    sources: group.iter().map(|&i| point_source(&sources[i])).collect(),
                },
                independent: independent.len(),
                earliest: group[0],
            }
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.independent
            .cmp(&a.independent)
            .then(a.earliest.cmp(&b.earliest))
    });
    let supported: Vec<&Claim> = ranked
        .iter()
        .filter(|r| r.independent > 0)
        .map(|r| &r.claim)
        .collect();
    let mut conflict = false;
    for (i, a) in supported.iter().enumerate() {
        for b in &supported[i + 1..] {
            if !compatible(a, b) {
                conflict = true;
            }
        }
    }
    let claims: Vec<Claim> = ranked.into_iter().map(|r| r.claim).collect();
    let best = claims.first().cloned().unwrap_or_default();
    SeriesPoint {
        period: period.to_string(),
        status,
        value: best.value,
        qualifier: best.qualifier,
        claims,
        conflict,
    }
}

fn mark_duplicates(sources: &mut [Source<'_>]) {
    for i in 0..sources.len() {
        let mut duplicate_of = None;
        for j in 0..i {
            let (earlier, current) = (&sources[j], &sources[i]);
            if earlier.doc_id == current.doc_id {
                continue;
            }
            let same_hash = match (earlier.doc, current.doc) {
                (Some(a), Some(b)) => {
                    !a.summary.content_hash.is_empty()
                        && a.summary.content_hash == b.summary.content_hash
                }
                _ => false,
            };
            let same_sentence =
                !current.sentence_key.is_empty() && earlier.sentence_key == current.sentence_key;
            if same_hash || same_sentence {
                duplicate_of = Some(
                    earlier
                        .duplicate_of
                        .clone()
                        .unwrap_or_else(|| earlier.doc_id.to_string()),
                );
                break;
            }
        }
        sources[i].duplicate_of = duplicate_of;
    }
}

fn point_source(source: &Source<'_>) -> PointSource {
    PointSource {
        doc_id: source.doc_id.to_string(),
        title: source
            .doc
            .map(|d| d.summary.title.clone())
            .unwrap_or_default(),
        published_at: source
            .doc
            .map(|d| d.summary.published_at.clone())
            .unwrap_or_default(),
        metric_text: source.obs.metric_text.clone(),
        sentence: source.obs.sentence.clone(),
        start: source.obs.start,
        end: source.obs.end,
        duplicate_of: source.duplicate_of.clone().unwrap_or_default(),
    }
}
