//! Query handlers: a prost-encoded request for a method in, a prost-encoded response or a
//! [`QueryError`] out, answered from the in-memory state (document bodies from the store).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{Excluded, Unbounded};

use policylens_proto::query::{ErrorCode, method};
use policylens_proto::v1::{
    CoMention, EntityKind, FactBundle, FactKind, FactOrder, GetAttentionRequest,
    GetAttentionResponse, GetDocumentRequest, GetDocumentResponse, GetSeriesRequest, Granularity,
    ListEntitiesRequest, ListEntitiesResponse, ListFactsRequest, ListFactsResponse,
    ListSeriesRequest, ListSeriesResponse, Series,
};
use prost::Message;

use crate::attention;
use crate::canonical;
use crate::cursor;
use crate::facts::{self, SortKey};
use crate::state::State;
use crate::store::Store;

const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: i32 = 1000;
const MAX_CO_MENTIONS: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{0}")]
    InvalidArgument(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Internal(String),
}

impl QueryError {
    pub fn code(&self) -> ErrorCode {
        match self {
            QueryError::InvalidArgument(_) => ErrorCode::InvalidArgument,
            QueryError::NotFound(_) => ErrorCode::NotFound,
            QueryError::Internal(_) => ErrorCode::Internal,
        }
    }
}

fn invalid(message: impl Into<String>) -> QueryError {
    QueryError::InvalidArgument(message.into())
}

fn decode<M: Message + Default>(payload: &[u8]) -> Result<M, QueryError> {
    M::decode(payload).map_err(|e| invalid(format!("request does not decode: {e}")))
}

/// Answers one query.
pub fn handle(
    method_name: &str,
    payload: &[u8],
    state: &State,
    store: &Store,
) -> Result<Vec<u8>, QueryError> {
    match method_name {
        method::GET_DOCUMENT => Ok(get_document(decode(payload)?, state, store)?.encode_to_vec()),
        method::LIST_FACTS => Ok(list_facts(decode(payload)?, state)?.encode_to_vec()),
        method::LIST_SERIES => Ok(list_series(decode(payload)?, state)?.encode_to_vec()),
        method::GET_SERIES => Ok(get_series(decode(payload)?, state)?.encode_to_vec()),
        method::LIST_ENTITIES => Ok(list_entities(decode(payload)?, state)?.encode_to_vec()),
        method::GET_ATTENTION => Ok(get_attention(decode(payload)?, state)?.encode_to_vec()),
        other => Err(invalid(format!("unknown query method {other:?}"))),
    }
}

fn page_size(requested: i32) -> Result<usize, QueryError> {
    match requested {
        0 => Ok(DEFAULT_PAGE_SIZE),
        1..=MAX_PAGE_SIZE => Ok(requested as usize),
        _ => Err(invalid(format!(
            "page_size must be between 0 and {MAX_PAGE_SIZE}, got {requested}"
        ))),
    }
}

pub fn get_document(
    request: GetDocumentRequest,
    state: &State,
    store: &Store,
) -> Result<GetDocumentResponse, QueryError> {
    if request.doc_id.is_empty() {
        return Err(invalid("doc_id is required"));
    }
    let Some(doc) = state.docs.get(&request.doc_id) else {
        return Err(QueryError::NotFound(format!(
            "document {:?} not found",
            request.doc_id
        )));
    };
    let mut summary = doc.summary.clone();
    if request.include_body {
        let stored = store
            .get(&request.doc_id)
            .map_err(|e| QueryError::Internal(format!("failed to read the document: {e}")))?
            .ok_or_else(|| QueryError::Internal("document missing from the store".into()))?;
        let bundle = FactBundle::decode(stored.bundle.as_slice())
            .map_err(|e| QueryError::Internal(format!("stored bundle does not decode: {e}")))?;
        summary.body = bundle.document.map(|d| d.body).unwrap_or_default();
    }
    Ok(GetDocumentResponse {
        document: Some(summary),
        facts: state.doc_facts(&request.doc_id),
    })
}

pub fn list_facts(
    request: ListFactsRequest,
    state: &State,
) -> Result<ListFactsResponse, QueryError> {
    let size = page_size(request.page_size)?;
    let order = FactOrder::try_from(request.order)
        .map_err(|_| invalid(format!("unknown order {}", request.order)))?;
    let kind = FactKind::try_from(request.kind)
        .map_err(|_| invalid(format!("unknown kind {}", request.kind)))?;
    let tag = format!("facts.{}", order as i32);
    let after: Option<SortKey> = match cursor::decode(&request.page_token, &tag, 3)? {
        Some(f) => {
            let position = f[2]
                .parse()
                .map_err(|_| invalid(format!("invalid page_token {:?}", request.page_token)))?;
            Some((f[0].clone(), f[1].clone(), position))
        }
        None => None,
    };
    let from = match request.period_from.trim() {
        "" => None,
        p => Some(
            facts::period_start(p).ok_or_else(|| invalid(format!("invalid period_from {p:?}")))?,
        ),
    };
    let to = match request.period_to.trim() {
        "" => None,
        p => Some(
            facts::period_end_exclusive(p)
                .ok_or_else(|| invalid(format!("invalid period_to {p:?}")))?,
        ),
    };
    let entity = request.entity.trim().to_lowercase();
    let entity_ids = if entity.is_empty() {
        Default::default()
    } else {
        state.entities.ids_named(&entity)
    };
    let text = request.text.trim().to_lowercase();
    let doc_id = request.doc_id.as_str();

    let matches = |row: &facts::FactRow| -> bool {
        if kind != FactKind::Unspecified && row.kind != kind {
            return false;
        }
        if !doc_id.is_empty() && row.doc_id != doc_id {
            return false;
        }
        if from.is_some() || to.is_some() {
            if row.period_key == facts::NO_PERIOD {
                return false;
            }
            if from.as_ref().is_some_and(|f| row.period_key < *f) {
                return false;
            }
            if to.as_ref().is_some_and(|t| row.period_key >= *t) {
                return false;
            }
        }
        if !entity.is_empty()
            && !row.names_lower.contains(&entity)
            && !row
                .entity_id
                .as_ref()
                .is_some_and(|id| entity_ids.contains(id))
        {
            return false;
        }
        if !text.is_empty() && !row.sentence_lower.contains(&text) {
            return false;
        }
        true
    };

    let mut total = 0usize;
    let mut page = Vec::new();
    let mut last_key: Option<SortKey> = None;
    let mut more = false;
    let unfiltered = kind == FactKind::Unspecified
        && doc_id.is_empty()
        && from.is_none()
        && to.is_none()
        && entity.is_empty()
        && text.is_empty();
    if unfiltered {
        // no filter: the total is the index size and the page a range read
        let ordered = state.facts.ordered(order);
        total = ordered.len();
        let range = match &after {
            Some(a) => ordered.range((Excluded(a.clone()), Unbounded)),
            None => ordered.range::<SortKey, _>(..),
        };
        for (key, row) in range {
            if page.len() == size {
                more = true;
                break;
            }
            page.push(row.fact.clone());
            last_key = Some(key.clone());
        }
    } else if let Some(docs) = candidate_docs(doc_id, &entity, &entity_ids, state) {
        // a document or an entity: only the facts of the documents that can match, sorted on
        // borrowed fields (the same order as the index keys)
        let mut rows: Vec<&facts::FactRow> = docs
            .iter()
            .flat_map(|doc| state.facts.doc_rows(doc))
            .map(|row| row.as_ref())
            .filter(|row| matches(row))
            .collect();
        match order {
            FactOrder::Newest => rows.sort_by(|a, b| {
                (Reverse(a.date_ms), &a.doc_id, a.position).cmp(&(
                    Reverse(b.date_ms),
                    &b.doc_id,
                    b.position,
                ))
            }),
            FactOrder::Period => rows.sort_by(|a, b| {
                (&a.period_key, &a.doc_id, a.position).cmp(&(&b.period_key, &b.doc_id, b.position))
            }),
            FactOrder::Document | FactOrder::Unspecified => {
                rows.sort_by(|a, b| (&a.doc_id, a.position).cmp(&(&b.doc_id, b.position)))
            }
        }
        total = rows.len();
        let start = match &after {
            Some(a) => rows.partition_point(|row| row.key(order) <= *a),
            None => 0,
        };
        let end = (start + size).min(rows.len());
        page.extend(rows[start..end].iter().map(|row| row.fact.clone()));
        more = end < rows.len();
        last_key = rows[start..end].last().map(|row| row.key(order));
    } else {
        let all: Box<dyn Iterator<Item = (&SortKey, &facts::FactRow)>> =
            if order == FactOrder::Period && (from.is_some() || to.is_some()) {
                // period order with a period range: the range of the period index
                let low = (from.clone().unwrap_or_default(), String::new(), 0);
                let high = (
                    to.clone().unwrap_or_else(|| facts::NO_PERIOD.to_string()),
                    String::new(),
                    0,
                );
                Box::new(
                    state
                        .facts
                        .ordered(order)
                        .range(low..high)
                        .map(|(k, r)| (k, r.as_ref())),
                )
            } else {
                Box::new(
                    state
                        .facts
                        .ordered(order)
                        .iter()
                        .map(|(k, r)| (k, r.as_ref())),
                )
            };
        for (key, row) in all {
            if !matches(row) {
                continue;
            }
            total += 1;
            if after.as_ref().is_some_and(|a| key <= a) {
                continue;
            }
            if page.len() < size {
                page.push(row.fact.clone());
                last_key = Some(key.clone());
            } else {
                more = true;
            }
        }
    }
    let next_page_token = match (more, last_key) {
        (true, Some((primary, doc, position))) => {
            cursor::encode(&tag, &[&primary, &doc, &position.to_string()])
        }
        _ => String::new(),
    };
    Ok(ListFactsResponse {
        facts: page,
        next_page_token,
        total_size: total as i32,
    })
}

/// The documents whose facts can match a doc_id or entity filter (`None`: no such filter). An
/// entity filter matches a fact's own name (the name index) or its resolved entity.
fn candidate_docs<'a>(
    doc_id: &'a str,
    entity: &str,
    entity_ids: &BTreeSet<String>,
    state: &'a State,
) -> Option<BTreeSet<&'a str>> {
    if !doc_id.is_empty() {
        return Some(BTreeSet::from([doc_id]));
    }
    if entity.is_empty() {
        return None;
    }
    let mut docs: BTreeSet<&str> = state.facts.docs_named(entity).collect();
    for id in entity_ids {
        docs.extend(state.entities.docs(id).map(String::as_str));
    }
    Some(docs)
}

pub fn list_series(
    request: ListSeriesRequest,
    state: &State,
) -> Result<ListSeriesResponse, QueryError> {
    let size = page_size(request.page_size)?;
    let after = cursor::decode(&request.page_token, "series", 2)?;
    let metric = request.metric.trim().to_lowercase();
    let jurisdiction = canonical::jurisdiction(&request.jurisdiction);
    let unit = request.unit.trim();
    let unit = (!unit.is_empty()).then(|| canonical::unit_family(unit));
    let mut matching: Vec<(String, &Series)> = state
        .series
        .iter()
        .filter(|s| {
            if request.has_conflicts && !s.has_conflicts {
                return false;
            }
            if !jurisdiction.is_empty() && canonical::jurisdiction(&s.jurisdiction) != jurisdiction
            {
                return false;
            }
            if unit.as_ref().is_some_and(|u| *u != s.unit) {
                return false;
            }
            if !metric.is_empty() {
                let canonical_metric = state.series.canonical_metric(&s.id).unwrap_or_default();
                let hit = s.metric.to_lowercase().contains(&metric)
                    || canonical_metric.contains(&metric)
                    || s.surface_forms
                        .iter()
                        .any(|f| f.to_lowercase().contains(&metric));
                if !hit {
                    return false;
                }
            }
            true
        })
        .map(|s| (s.metric.to_lowercase(), s))
        .collect();
    matching.sort_by(|a, b| (&a.0, &a.1.id).cmp(&(&b.0, &b.1.id)));
    let total = matching.len();
    let start = match &after {
        Some(f) => matching.partition_point(|(m, s)| (m, &s.id) <= (&f[0], &f[1])),
        None => 0,
    };
    let page: Vec<Series> = matching[start..]
        .iter()
        .take(size)
        .map(|(_, s)| Series {
            points: Vec::new(),
            ..(*s).clone()
        })
        .collect();
    let next_page_token = if start + page.len() < total {
        let (metric, last) = &matching[start + page.len() - 1];
        cursor::encode("series", &[metric, &last.id])
    } else {
        String::new()
    };
    Ok(ListSeriesResponse {
        series: page,
        next_page_token,
        total_size: total as i32,
    })
}

pub fn get_series(request: GetSeriesRequest, state: &State) -> Result<Series, QueryError> {
    if request.id.is_empty() {
        return Err(invalid("id is required"));
    }
    state
        .series
        .view(&request.id)
        .ok_or_else(|| QueryError::NotFound(format!("series {:?} not found", request.id)))
}

pub fn list_entities(
    request: ListEntitiesRequest,
    state: &State,
) -> Result<ListEntitiesResponse, QueryError> {
    let size = page_size(request.page_size)?;
    let kind = EntityKind::try_from(request.kind)
        .map_err(|_| invalid(format!("unknown entity kind {}", request.kind)))?;
    let after = match cursor::decode(&request.page_token, "entities", 3)? {
        Some(f) => {
            let count: u32 = f[0]
                .parse()
                .map_err(|_| invalid(format!("invalid page_token {:?}", request.page_token)))?;
            Some((Reverse(count), f[1].clone(), f[2].clone()))
        }
        None => None,
    };
    let prefix = request.name_prefix.trim().to_lowercase();
    let mut matching: Vec<(Reverse<u32>, String, &policylens_proto::v1::Entity)> = state
        .entities
        .iter()
        .filter(|(e, names)| {
            (kind == EntityKind::Unspecified || e.kind == kind as i32)
                && (prefix.is_empty() || names.iter().any(|n| n.starts_with(&prefix)))
        })
        .map(|(e, _)| (Reverse(e.document_count), e.name.to_lowercase(), e))
        .collect();
    matching.sort_by(|a, b| (a.0, &a.1, &a.2.id).cmp(&(b.0, &b.1, &b.2.id)));
    let total = matching.len();
    let start = match &after {
        Some((count, name, id)) => {
            matching.partition_point(|(c, n, e)| (*c, n, &e.id) <= (*count, name, id))
        }
        None => 0,
    };
    let page: Vec<_> = matching[start..]
        .iter()
        .take(size)
        .map(|(_, _, e)| (*e).clone())
        .collect();
    let next_page_token = if start + page.len() < total {
        let (count, name, last) = &matching[start + page.len() - 1];
        cursor::encode("entities", &[&count.0.to_string(), name, &last.id])
    } else {
        String::new()
    };
    Ok(ListEntitiesResponse {
        entities: page,
        next_page_token,
        total_size: total as i32,
    })
}

pub fn get_attention(
    request: GetAttentionRequest,
    state: &State,
) -> Result<GetAttentionResponse, QueryError> {
    if request.entity_id.is_empty() {
        return Err(invalid("entity_id is required"));
    }
    let granularity = Granularity::try_from(request.granularity)
        .map_err(|_| invalid(format!("unknown granularity {}", request.granularity)))?;
    let parse = |name: &str, text: &str| -> Result<Option<i32>, QueryError> {
        match text.trim() {
            "" => Ok(None),
            t => attention::parse_date(t)
                .map(|d| Some(d.to_julian_day()))
                .ok_or_else(|| invalid(format!("{name} must be YYYY-MM-DD, got {t:?}"))),
        }
    };
    let from = parse("from", &request.from)?;
    let to = parse("to", &request.to)?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(invalid("from is after to"));
    }
    let Some(entity) = state.entities.get(&request.entity_id) else {
        return Err(QueryError::NotFound(format!(
            "entity {:?} not found",
            request.entity_id
        )));
    };
    let days = state.entities.days(&request.entity_id);
    let buckets = days.map_or_else(Vec::new, |d| attention::buckets(d, granularity, from, to));
    let mut shared: BTreeMap<&str, u32> = BTreeMap::new();
    for doc_id in state.entities.docs(&request.entity_id) {
        let Some(doc) = state.docs.get(doc_id) else {
            continue;
        };
        if from.is_some_and(|f| doc.day < f) || to.is_some_and(|t| doc.day > t) {
            continue;
        }
        for other in &doc.entity_ids {
            *shared.entry(other.as_str()).or_default() += 1;
        }
    }
    let mut co_mentions: Vec<CoMention> = shared
        .into_iter()
        .filter_map(|(id, documents)| {
            let other = state.entities.get(id)?;
            (other.kind != entity.kind).then(|| CoMention {
                entity: Some(other.clone()),
                documents,
            })
        })
        .collect();
    co_mentions.sort_by(|a, b| {
        let name = |c: &CoMention| c.entity.as_ref().map(|e| e.name.to_lowercase());
        b.documents
            .cmp(&a.documents)
            .then_with(|| name(a).cmp(&name(b)))
    });
    co_mentions.truncate(MAX_CO_MENTIONS);
    Ok(GetAttentionResponse {
        entity: Some(entity.clone()),
        buckets,
        co_mentions,
    })
}
