//! The server-streaming watches: WatchFacts filters the applied events' facts, WatchSeries
//! re-reads a series from the aggregate whenever an event says it changed. Each watch is a task
//! feeding a bounded channel; it ends when the client goes away, on shutdown, or when it fell
//! behind (ABORTED, so the client knows to subscribe again instead of missing events silently).

use std::sync::Arc;

use policylens_proto::query::{ErrorCode, method};
use policylens_proto::v1::{
    AppliedEvent, Fact, FactKind, GetSeriesRequest, Series, WatchFactsRequest, WatchFactsResponse,
    fact,
};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::Status;
use tracing::Instrument as _;

use crate::error::ApiError;
use crate::events::EventHub;
use crate::query::QueryClient;

/// Items buffered per watch between its task and the HTTP/2 stream.
const STREAM_BUFFER: usize = 64;

pub type WatchStream<T> = ReceiverStream<Result<T, Status>>;

/// Which facts a WatchFacts call wants.
#[derive(Debug, Clone, PartialEq)]
pub struct FactFilter {
    kind: FactKind,
    /// Lowercased.
    entity: Option<String>,
    doc_id: Option<String>,
}

impl FactFilter {
    pub fn new(request: &WatchFactsRequest) -> Result<Self, ApiError> {
        let kind = FactKind::try_from(request.kind)
            .map_err(|_| ApiError::invalid(format!("unknown fact kind {}", request.kind)))?;
        let entity = request.entity.trim();
        let doc_id = request.doc_id.trim();
        Ok(Self {
            kind,
            entity: (!entity.is_empty()).then(|| entity.to_lowercase()),
            doc_id: (!doc_id.is_empty()).then(|| doc_id.to_string()),
        })
    }

    /// Whether `fact` of the document `doc_id` passes the filter.
    pub fn matches(&self, doc_id: &str, fact: &Fact) -> bool {
        if self.kind != FactKind::Unspecified && fact.fact_kind() != self.kind {
            return false;
        }
        if let Some(wanted) = &self.doc_id {
            let fact_doc = fact
                .provenance
                .as_ref()
                .map_or(doc_id, |p| p.doc_id.as_str());
            if wanted != doc_id && wanted != fact_doc {
                return false;
            }
        }
        if let Some(wanted) = &self.entity {
            return entity_names(fact)
                .iter()
                .any(|name| name.to_lowercase() == *wanted);
        }
        true
    }
}

/// The entity and topic names a fact is about (an entity filter matches any of them).
fn entity_names(fact: &Fact) -> Vec<&str> {
    let names = match &fact.kind {
        Some(fact::Kind::Indicator(i)) => vec![i.metric.as_str(), i.jurisdiction.as_str()],
        Some(fact::Kind::Actor(a)) => vec![a.name.as_str(), a.org.as_str()],
        Some(fact::Kind::Organization(o)) => vec![o.name.as_str()],
        Some(fact::Kind::Initiative(i)) => vec![i.name.as_str()],
        Some(fact::Kind::Sector(s)) => vec![s.name.as_str()],
        Some(fact::Kind::Quote(q)) => vec![q.speaker.as_str()],
        Some(fact::Kind::Quantity(_)) | None => Vec::new(),
    };
    names.into_iter().filter(|n| !n.is_empty()).collect()
}

/// Streams the facts of every unique applied event that pass `filter`.
pub fn watch_facts(
    hub: &EventHub,
    filter: FactFilter,
    shutdown: CancellationToken,
) -> WatchStream<WatchFactsResponse> {
    let mut events = hub.subscribe();
    let (tx, rx) = mpsc::channel(STREAM_BUFFER);
    let task = async move {
        loop {
            let Some(event) = next_event(&mut events, &tx, &shutdown).await else {
                break;
            };
            let event = match event {
                Ok(event) => event,
                Err(lagged) => {
                    send(&tx, Err(lagged.into()), &shutdown).await;
                    break;
                }
            };
            let doc_id = event.document.as_ref().map_or("", |d| d.doc_id.as_str());
            for fact in &event.facts {
                if !filter.matches(doc_id, fact) {
                    continue;
                }
                let response = WatchFactsResponse {
                    fact: Some(fact.clone()),
                    document: event.document.clone(),
                };
                if !send(&tx, Ok(response), &shutdown).await {
                    return;
                }
            }
        }
        tracing::debug!("watch ended");
    };
    tokio::spawn(task.instrument(tracing::Span::current()));
    ReceiverStream::new(rx)
}

/// Streams a series' state: the current one first when it exists, then each new state after an
/// event says the series changed.
pub async fn watch_series(
    query: QueryClient,
    hub: &EventHub,
    id: String,
    shutdown: CancellationToken,
) -> Result<WatchStream<Series>, ApiError> {
    // subscribe before reading the current state, so no change in between is missed
    let mut events = hub.subscribe();
    let current = get_series(&query, &id).await?;
    let (tx, rx) = mpsc::channel(STREAM_BUFFER);
    let task = async move {
        let mut last = current;
        if let Some(series) = &last
            && !send(&tx, Ok(series.clone()), &shutdown).await
        {
            return;
        }
        loop {
            let Some(event) = next_event(&mut events, &tx, &shutdown).await else {
                break;
            };
            let event = match event {
                Ok(event) => event,
                Err(lagged) => {
                    send(&tx, Err(lagged.into()), &shutdown).await;
                    break;
                }
            };
            if !event.series_ids.contains(&id) {
                continue;
            }
            match get_series(&query, &id).await {
                Ok(Some(series)) if last.as_ref() != Some(&series) => {
                    last = Some(series.clone());
                    if !send(&tx, Ok(series), &shutdown).await {
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(series_id = %id, error = %e, "failed to read a changed series");
                    send(&tx, Err(e.into()), &shutdown).await;
                    break;
                }
            }
        }
        tracing::debug!("watch ended");
    };
    tokio::spawn(task.instrument(tracing::Span::current()));
    Ok(ReceiverStream::new(rx))
}

/// The series, or `None` when the aggregate does not know it (yet).
async fn get_series(query: &QueryClient, id: &str) -> Result<Option<Series>, ApiError> {
    let request = GetSeriesRequest { id: id.to_string() };
    match query.call(method::GET_SERIES, &request).await {
        Ok(series) => Ok(Some(series)),
        Err(ApiError::Query {
            code: ErrorCode::NotFound,
            ..
        }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The next event; `None` when the watch should end (client gone, shutdown, hub stopped).
async fn next_event<T>(
    events: &mut broadcast::Receiver<Arc<AppliedEvent>>,
    tx: &mpsc::Sender<Result<T, Status>>,
    shutdown: &CancellationToken,
) -> Option<Result<Arc<AppliedEvent>, ApiError>> {
    let received = tokio::select! {
        _ = shutdown.cancelled() => return None,
        _ = tx.closed() => return None,
        received = events.recv() => received,
    };
    match received {
        Ok(event) => Some(Ok(event)),
        Err(broadcast::error::RecvError::Lagged(missed)) => {
            tracing::warn!(missed, "watch fell behind the applied events");
            Some(Err(ApiError::Lagged(missed)))
        }
        Err(broadcast::error::RecvError::Closed) => None,
    }
}

/// Sends one item; false when the watch should end.
async fn send<T>(
    tx: &mpsc::Sender<Result<T, Status>>,
    item: Result<T, Status>,
    shutdown: &CancellationToken,
) -> bool {
    tokio::select! {
        _ = shutdown.cancelled() => false,
        sent = tx.send(item) => sent.is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use policylens_proto::v1::{Actor, Indicator, Provenance};

    fn actor(doc: &str, name: &str) -> Fact {
        Fact {
            id: format!("{doc}/0"),
            provenance: Some(Provenance {
                doc_id: doc.into(),
                ..Default::default()
            }),
            kind: Some(fact::Kind::Actor(Actor {
                name: name.into(),
                role: "Premier".into(),
                org: String::new(),
            })),
        }
    }

    fn indicator(doc: &str, metric: &str) -> Fact {
        Fact {
            id: format!("{doc}/1"),
            provenance: None,
            kind: Some(fact::Kind::Indicator(Indicator {
                metric: metric.into(),
                jurisdiction: "China".into(),
                ..Default::default()
            })),
        }
    }

    fn filter(kind: FactKind, entity: &str, doc_id: &str) -> FactFilter {
        FactFilter::new(&WatchFactsRequest {
            kind: kind as i32,
            entity: entity.into(),
            doc_id: doc_id.into(),
        })
        .unwrap()
    }

    #[test]
    fn filters_by_kind_entity_and_document() {
        let li = actor("d1", "Li Qiang");
        let gdp = indicator("d1", "GDP share of strategic emerging industries");
        let any = filter(FactKind::Unspecified, "", "");
        assert!(any.matches("d1", &li) && any.matches("d1", &gdp));
        let actors = filter(FactKind::Actor, "", "");
        assert!(actors.matches("d1", &li) && !actors.matches("d1", &gdp));
        let li_only = filter(FactKind::Unspecified, "li qiang", "");
        assert!(li_only.matches("d1", &li) && !li_only.matches("d1", &gdp));
        let china = filter(FactKind::Unspecified, "CHINA", "");
        assert!(china.matches("d1", &gdp) && !china.matches("d1", &li));
        let d2 = filter(FactKind::Unspecified, "", "d2");
        assert!(!d2.matches("d1", &li) && !d2.matches("d1", &gdp));
        let d1 = filter(FactKind::Unspecified, "", "d1");
        assert!(d1.matches("d1", &gdp));
    }

    #[test]
    fn an_unknown_kind_is_a_client_mistake() {
        let error = FactFilter::new(&WatchFactsRequest {
            kind: 99,
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(error.code(), tonic::Code::InvalidArgument);
    }
}
