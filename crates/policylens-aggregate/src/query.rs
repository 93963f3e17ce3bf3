//! Query handlers: a prost-encoded request for a method in, a prost-encoded response or a
//! [`QueryError`] out, answered from the in-memory state (document bodies from the store).
//! ListFacts lives in [`crate::list_facts`].

use std::cmp::Reverse;
use std::collections::BTreeMap;

use policylens_proto::query::{ErrorCode, method};
use policylens_proto::v1::{
    CoMention, EntityKind, FactBundle, GetAttentionRequest, GetAttentionResponse,
    GetDocumentRequest, GetDocumentResponse, GetSeriesRequest, Granularity, ListEntitiesRequest,
    ListEntitiesResponse, ListSeriesRequest, ListSeriesResponse, Series,
};
use prost::Message;

use crate::attention;
use crate::canonical;
use crate::cursor;
pub use crate::list_facts::list_facts;
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

pub(crate) fn invalid(message: impl Into<String>) -> QueryError {
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

pub(crate) fn page_size(requested: i32) -> Result<usize, QueryError> {
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
