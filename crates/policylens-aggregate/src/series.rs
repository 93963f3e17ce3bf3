//! Indicator series: observations grouped by canonical key and (period, status), and the
//! derived view (claims, syndicated duplicates, conflicts) recomputed only for touched series.
//!
//! Rules of the view, all independent of arrival order:
//! - sources are ordered earliest first (document date, then doc_id, then offset);
//! - a source is a syndicated copy (`duplicate_of`) when an earlier source of the same point comes
//!   from a document with the same content hash or states the identical sentence;
//! - claims and conflicts follow the rules of [`crate::claims`];
//! - the point's value is the claim with most independent sources, ties to the earliest.

use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    /// The sentence lowercased with whitespace collapsed, for syndication checks.
    sentence_key: String,
    start: u32,
    end: u32,
}

#[derive(Debug, Default)]
struct PointState {
    /// doc_id → observations.
    by_doc: BTreeMap<String, Vec<Observation>>,
    view: SeriesPoint,
    /// Documents that are an independent source of this point (as of `view`).
    independent: BTreeSet<String>,
    /// Changed since `view` was built.
    dirty: bool,
}

#[derive(Debug)]
struct SeriesState {
    key: SeriesKey,
    surface_forms: BTreeMap<String, u32>,
    /// (period, status) → point.
    points: BTreeMap<(String, i32), PointState>,
    /// doc_id → number of points it is an independent source of.
    independent: BTreeMap<String, u32>,
    /// The series without its points (ListSeries); points are added by [`SeriesIndex::view`].
    summary: Series,
}

/// Every series, by id.
#[derive(Debug, Default)]
pub struct SeriesIndex {
    series: BTreeMap<String, SeriesState>,
}

/// A series key with the point's period and status.
pub type PointKey = (SeriesKey, String, i32);

/// The series key and point of an indicator fact, or `None` for facts that are not points.
pub fn indicator_key(fact: &Fact) -> Option<PointKey> {
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
    /// `keys` are the facts' [`indicator_key`]s, computed once by the caller.
    pub fn add_doc(
        &mut self,
        doc_id: &str,
        facts: &[Fact],
        keys: &[Option<PointKey>],
    ) -> BTreeSet<String> {
        let mut touched = BTreeSet::new();
        for (fact, key) in facts.iter().zip(keys) {
            let Some((key, period, status)) = key.clone() else {
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
                    independent: BTreeMap::new(),
                    summary: Series::default(),
                });
            *state
                .surface_forms
                .entry(ind.metric.trim().to_string())
                .or_default() += 1;
            let point = state.points.entry((period, status)).or_default();
            point.dirty = true;
            point
                .by_doc
                .entry(doc_id.to_string())
                .or_default()
                .push(Observation {
                    value: ind.value,
                    qualifier: ind.qualifier,
                    metric_text: ind.metric.trim().to_string(),
                    sentence_key: provenance
                        .sentence
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_lowercase(),
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
                point.by_doc.remove(doc_id);
                point.dirty = true;
            }
            touched.insert(id);
        }
        touched
    }

    /// Recomputes the changed points of `ids` and their summaries, dropping points and series
    /// left without sources. Only changed points are rebuilt.
    pub fn refresh(&mut self, ids: &BTreeSet<String>, docs: &BTreeMap<String, DocEntry>) {
        for id in ids {
            let Some(state) = self.series.get_mut(id) else {
                continue;
            };
            let mut emptied = Vec::new();
            for (key, point) in state.points.iter_mut().filter(|(_, p)| p.dirty) {
                point.dirty = false;
                let independent = if point.by_doc.is_empty() {
                    emptied.push(key.clone());
                    BTreeSet::new()
                } else {
                    let (view, independent) = build_point(&key.0, key.1, &point.by_doc, docs);
                    point.view = view;
                    independent
                };
                for gone in point.independent.difference(&independent) {
                    if let Some(count) = state.independent.get_mut(gone) {
                        *count -= 1;
                        if *count == 0 {
                            state.independent.remove(gone);
                        }
                    }
                }
                for new in independent.difference(&point.independent) {
                    *state.independent.entry(new.clone()).or_default() += 1;
                }
                point.independent = independent;
            }
            for key in emptied {
                state.points.remove(&key);
            }
            if state.points.is_empty() {
                self.series.remove(id);
                continue;
            }
            state.summary = summary(id, state);
        }
    }

    /// The series with its points.
    pub fn view(&self, id: &str) -> Option<Series> {
        let state = self.series.get(id)?;
        Some(Series {
            points: state.points.values().map(|p| p.view.clone()).collect(),
            ..state.summary.clone()
        })
    }

    /// The canonical metric of a series (for filters).
    pub fn canonical_metric(&self, id: &str) -> Option<&str> {
        self.series.get(id).map(|s| s.key.metric.as_str())
    }

    /// Every series without its points.
    pub fn iter(&self) -> impl Iterator<Item = &Series> {
        self.series.values().map(|s| &s.summary)
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
    duplicate_of: Option<String>,
}

fn summary(id: &str, state: &SeriesState) -> Series {
    let mut surface_forms: Vec<(&String, &u32)> = state.surface_forms.iter().collect();
    surface_forms.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    Series {
        id: id.to_string(),
        metric: surface_forms
            .first()
            .map_or_else(|| state.key.metric.clone(), |(s, _)| (*s).clone()),
        jurisdiction: canonical::jurisdiction_display(&state.key.jurisdiction),
        unit: state.key.unit.clone(),
        surface_forms: surface_forms.iter().map(|(s, _)| (*s).clone()).collect(),
        point_count: state.points.len() as u32,
        source_count: state.independent.len() as u32,
        has_conflicts: state.points.values().any(|p| p.view.conflict),
        points: Vec::new(),
    }
}

fn build_point(
    period: &str,
    status: i32,
    by_doc: &BTreeMap<String, Vec<Observation>>,
    docs: &BTreeMap<String, DocEntry>,
) -> (SeriesPoint, BTreeSet<String>) {
    let mut independent_docs = BTreeSet::new();
    let mut sources: Vec<Source<'_>> = Vec::new();
    for (doc_id, observations) in by_doc {
        let doc = docs.get(doc_id);
        for obs in observations {
            sources.push(Source {
                doc_id,
                doc,
                obs,
                date_ms: doc.map_or(0, |d| d.date_ms),
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

    // claims: group by qualifier, then by value within EXACT_TOLERANCE of the group's first value
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
                && within(
                    anchor.obs.value,
                    sources[i].obs.value,
                    crate::claims::EXACT_TOLERANCE,
                )
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
    let (value, qualifier) = claims.first().map_or((0.0, 0), |c| (c.value, c.qualifier));
    let point = SeriesPoint {
        period: period.to_string(),
        status,
        value,
        qualifier,
        claims,
        conflict,
    };
    (point, independent_docs)
}

/// Marks each source whose document shares its content hash or states the identical sentence
/// with an earlier source's document; `duplicate_of` names the first document of the chain.
fn mark_duplicates<'a>(sources: &mut [Source<'a>]) {
    // first (earliest) source document per content hash and per sentence, with its root
    let mut by_hash: HashMap<&'a str, (&'a str, String)> = HashMap::new();
    let mut by_sentence: HashMap<&'a str, (&'a str, String)> = HashMap::new();
    for source in sources.iter_mut() {
        let doc_id: &'a str = source.doc_id;
        let doc: Option<&'a DocEntry> = source.doc;
        let obs: &'a Observation = source.obs;
        let hash = doc
            .map(|d| d.summary.content_hash.as_str())
            .filter(|h| !h.is_empty());
        let sentence = Some(obs.sentence_key.as_str()).filter(|s| !s.is_empty());
        let earlier = |seen: &HashMap<&'a str, (&'a str, String)>, key: Option<&'a str>| {
            key.and_then(|k| seen.get(k))
                .filter(|(first, _)| *first != doc_id)
                .map(|(_, root)| root.clone())
        };
        let duplicate_of = earlier(&by_hash, hash).or_else(|| earlier(&by_sentence, sentence));
        let root = duplicate_of.clone().unwrap_or_else(|| doc_id.to_string());
        if let Some(h) = hash {
            by_hash.entry(h).or_insert_with(|| (doc_id, root.clone()));
        }
        if let Some(s) = sentence {
            by_sentence.entry(s).or_insert_with(|| (doc_id, root));
        }
        source.duplicate_of = duplicate_of;
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
