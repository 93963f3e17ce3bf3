//! The `policylens.v1.PolicyLens` service: obviously bad requests are refused locally, queries
//! are forwarded to the aggregate, submissions go onto the ingest stream, watches follow the
//! applied events. One tracing span per RPC.

use async_nats::jetstream;
use policylens_proto::query::method;
use policylens_proto::v1::policy_lens_server::PolicyLens;
use policylens_proto::v1::{
    EntityKind, FactKind, FactOrder, GetAttentionRequest, GetAttentionResponse, GetDocumentRequest,
    GetDocumentResponse, GetSeriesRequest, Granularity, ListEntitiesRequest, ListEntitiesResponse,
    ListFactsRequest, ListFactsResponse, ListSeriesRequest, ListSeriesResponse, Series,
    SubmitDocumentRequest, SubmitDocumentResponse, WatchFactsRequest, WatchFactsResponse,
    WatchSeriesRequest,
};
use prost::Message;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use crate::error::ApiError;
use crate::events::EventHub;
use crate::query::QueryClient;
use crate::watch::{self, FactFilter, WatchStream};

/// Largest page a list call may ask for.
const MAX_PAGE_SIZE: i32 = 1000;

/// The gateway's implementation of the public API.
#[derive(Debug, Clone)]
pub struct Gateway {
    query: QueryClient,
    js: jetstream::Context,
    hub: EventHub,
    max_doc_bytes: usize,
    shutdown: CancellationToken,
}

impl Gateway {
    pub fn new(
        query: QueryClient,
        js: jetstream::Context,
        hub: EventHub,
        max_doc_bytes: usize,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            query,
            js,
            hub,
            max_doc_bytes,
            shutdown,
        }
    }

    /// Validates, forwards to the aggregate, and maps the outcome.
    async fn forward<Req, Resp>(
        &self,
        method: &str,
        request: Request<Req>,
        validate: impl FnOnce(&Req) -> Result<(), ApiError>,
    ) -> Result<Response<Resp>, Status>
    where
        Req: Message,
        Resp: Message + Default,
    {
        let request = request.into_inner();
        let outcome = match validate(&request) {
            Ok(()) => self.query.call(method, &request).await,
            Err(e) => Err(e),
        };
        outcome.map(Response::new).map_err(failed)
    }
}

/// Logs a failed call at a level fitting whose fault it is, and maps it to its status.
fn failed(error: ApiError) -> Status {
    let status = Status::from(error);
    match status.code() {
        tonic::Code::InvalidArgument | tonic::Code::NotFound => {
            tracing::debug!(code = ?status.code(), error = %status.message(), "request refused");
        }
        _ => tracing::warn!(code = ?status.code(), error = %status.message(), "request failed"),
    }
    status
}

fn require(value: &str, field: &str) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::invalid(format!("{field} is required")));
    }
    Ok(())
}

fn page_size(size: i32) -> Result<(), ApiError> {
    if !(0..=MAX_PAGE_SIZE).contains(&size) {
        return Err(ApiError::invalid(format!(
            "page_size must be between 0 and {MAX_PAGE_SIZE}, got {size}"
        )));
    }
    Ok(())
}

fn known_enum<E: TryFrom<i32>>(value: i32, field: &str) -> Result<(), ApiError> {
    if E::try_from(value).is_err() {
        return Err(ApiError::invalid(format!("unknown {field} {value}")));
    }
    Ok(())
}

/// Empty, or a `YYYY-MM-DD` date.
fn date(value: &str, field: &str) -> Result<(), ApiError> {
    let bytes = value.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !value.is_empty() && !shaped {
        return Err(ApiError::invalid(format!(
            "{field} must be a date YYYY-MM-DD, got {value:?}"
        )));
    }
    Ok(())
}

pub(crate) fn validate_list_facts(r: &ListFactsRequest) -> Result<(), ApiError> {
    known_enum::<FactKind>(r.kind, "fact kind")?;
    known_enum::<FactOrder>(r.order, "fact order")?;
    page_size(r.page_size)
}

pub(crate) fn validate_get_attention(r: &GetAttentionRequest) -> Result<(), ApiError> {
    require(&r.entity_id, "entity_id")?;
    known_enum::<Granularity>(r.granularity, "granularity")?;
    date(&r.from, "from")?;
    date(&r.to, "to")?;
    if !r.from.is_empty() && !r.to.is_empty() && r.from > r.to {
        return Err(ApiError::invalid(format!(
            "from ({}) is after to ({})",
            r.from, r.to
        )));
    }
    Ok(())
}

#[tonic::async_trait]
impl PolicyLens for Gateway {
    #[tracing::instrument(name = "rpc", skip_all, fields(method = "SubmitDocument", doc_id))]
    async fn submit_document(
        &self,
        request: Request<SubmitDocumentRequest>,
    ) -> Result<Response<SubmitDocumentResponse>, Status> {
        let submitted = crate::submit::submit(&self.js, request.into_inner(), self.max_doc_bytes)
            .await
            .map_err(failed)?;
        tracing::Span::current().record("doc_id", submitted.doc_id.as_str());
        tracing::info!(
            ingest_seq = submitted.ingest_seq,
            duplicate = submitted.duplicate,
            "document submitted"
        );
        Ok(Response::new(SubmitDocumentResponse {
            doc_id: submitted.doc_id,
            ingest_seq: submitted.ingest_seq,
        }))
    }

    #[tracing::instrument(name = "rpc", skip_all, fields(method = "GetDocument"))]
    async fn get_document(
        &self,
        request: Request<GetDocumentRequest>,
    ) -> Result<Response<GetDocumentResponse>, Status> {
        self.forward(method::GET_DOCUMENT, request, |r| {
            require(&r.doc_id, "doc_id")
        })
        .await
    }

    #[tracing::instrument(name = "rpc", skip_all, fields(method = "ListFacts"))]
    async fn list_facts(
        &self,
        request: Request<ListFactsRequest>,
    ) -> Result<Response<ListFactsResponse>, Status> {
        self.forward(method::LIST_FACTS, request, validate_list_facts)
            .await
    }

    #[tracing::instrument(name = "rpc", skip_all, fields(method = "ListSeries"))]
    async fn list_series(
        &self,
        request: Request<ListSeriesRequest>,
    ) -> Result<Response<ListSeriesResponse>, Status> {
        self.forward(method::LIST_SERIES, request, |r| page_size(r.page_size))
            .await
    }

    #[tracing::instrument(name = "rpc", skip_all, fields(method = "GetSeries"))]
    async fn get_series(
        &self,
        request: Request<GetSeriesRequest>,
    ) -> Result<Response<Series>, Status> {
        self.forward(method::GET_SERIES, request, |r| require(&r.id, "id"))
            .await
    }

    #[tracing::instrument(name = "rpc", skip_all, fields(method = "ListEntities"))]
    async fn list_entities(
        &self,
        request: Request<ListEntitiesRequest>,
    ) -> Result<Response<ListEntitiesResponse>, Status> {
        self.forward(method::LIST_ENTITIES, request, |r| {
            known_enum::<EntityKind>(r.kind, "entity kind")?;
            page_size(r.page_size)
        })
        .await
    }

    #[tracing::instrument(name = "rpc", skip_all, fields(method = "GetAttention"))]
    async fn get_attention(
        &self,
        request: Request<GetAttentionRequest>,
    ) -> Result<Response<GetAttentionResponse>, Status> {
        self.forward(method::GET_ATTENTION, request, validate_get_attention)
            .await
    }

    type WatchFactsStream = WatchStream<WatchFactsResponse>;

    #[tracing::instrument(name = "rpc", skip_all, fields(method = "WatchFacts"))]
    async fn watch_facts(
        &self,
        request: Request<WatchFactsRequest>,
    ) -> Result<Response<Self::WatchFactsStream>, Status> {
        let filter = FactFilter::new(request.get_ref()).map_err(failed)?;
        tracing::info!(?filter, "watch started");
        Ok(Response::new(watch::watch_facts(
            &self.hub,
            filter,
            self.shutdown.clone(),
        )))
    }

    type WatchSeriesStream = WatchStream<Series>;

    #[tracing::instrument(name = "rpc", skip_all, fields(method = "WatchSeries", series_id))]
    async fn watch_series(
        &self,
        request: Request<WatchSeriesRequest>,
    ) -> Result<Response<Self::WatchSeriesStream>, Status> {
        let id = request.into_inner().id.trim().to_string();
        require(&id, "id").map_err(failed)?;
        tracing::Span::current().record("series_id", id.as_str());
        let stream = watch::watch_series(self.query.clone(), &self.hub, id, self.shutdown.clone())
            .await
            .map_err(failed)?;
        tracing::info!("watch started");
        Ok(Response::new(stream))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obviously_bad_requests_are_refused_locally() {
        assert!(require(" ", "id").is_err());
        assert!(require("s-1", "id").is_ok());
        assert!(page_size(-1).is_err());
        assert!(page_size(1001).is_err());
        assert!(page_size(0).is_ok());
        let facts = |kind, order| ListFactsRequest {
            kind,
            order,
            ..Default::default()
        };
        assert!(validate_list_facts(&facts(42, 0)).is_err());
        assert!(validate_list_facts(&facts(0, 42)).is_err());
        assert!(validate_list_facts(&facts(FactKind::Actor as i32, 0)).is_ok());
        let attention = |from: &str, to: &str| GetAttentionRequest {
            entity_id: "e-1".into(),
            from: from.into(),
            to: to.into(),
            ..Default::default()
        };
        assert!(validate_get_attention(&attention("", "")).is_ok());
        assert!(validate_get_attention(&attention("2005-01-01", "2005-12-31")).is_ok());
        assert!(validate_get_attention(&attention("2005-12-31", "2005-01-01")).is_err());
        assert!(validate_get_attention(&attention("2005/01/01", "")).is_err());
        assert!(validate_get_attention(&GetAttentionRequest::default()).is_err());
    }
}
