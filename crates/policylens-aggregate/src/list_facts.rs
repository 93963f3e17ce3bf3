//! ListFacts: filters, the three orders and stable cursors over the fact index, reading only
//! the candidate documents' facts when a document or entity filter allows it.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::ops::Bound::{Excluded, Unbounded};

use policylens_proto::v1::{FactKind, FactOrder, ListFactsRequest, ListFactsResponse};

use crate::cursor;
use crate::facts::{self, SortKey};
use crate::query::{QueryError, invalid, page_size};
use crate::state::State;

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
