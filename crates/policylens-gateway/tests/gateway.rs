//! The gateway against a real nats-server: a real tonic client on one side, and on the other a
//! small in-test aggregate stand-in (a real NATS subscriber on `policy.query.*` answering with
//! canned prost responses and error headers), so the forwarding and the status mapping are tested
//! over real NATS.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt as _;
use policylens_gateway::Config;
use policylens_normalize::{Envelope, Format, Limits, Meta};
use policylens_proto::subjects;
use policylens_proto::v1::policy_lens_client::PolicyLensClient;
use policylens_proto::v1::{
    Actor, AppliedEvent, DocumentSummary, Entity, Fact, FactKind, GetAttentionRequest,
    GetAttentionResponse, GetDocumentRequest, GetDocumentResponse, GetSeriesRequest, Indicator,
    ListEntitiesRequest, ListEntitiesResponse, ListFactsRequest, ListFactsResponse,
    ListSeriesRequest, ListSeriesResponse, Provenance, Series, SubmitDocumentRequest,
    WatchFactsRequest, WatchSeriesRequest, fact, submit_document_request::Content,
};
use policylens_testkit::{NatsServer, wait_for};
use prost::Message as _;
use tokio_util::sync::CancellationToken;
use tonic::Code;
use tonic::transport::Channel;

const DEADLINE: Duration = Duration::from_secs(20);

/// A gateway serving on 127.0.0.1:0 against its own nats-server.
struct Harness {
    server: Option<NatsServer>,
    nats: async_nats::Client,
    addr: SocketAddr,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Harness {
    async fn start() -> Harness {
        Self::start_with(|_| {}).await
    }

    async fn start_with(tweak: impl FnOnce(&mut Config)) -> Harness {
        let server = NatsServer::start();
        let mut config = Config::new(server.url());
        config.request_timeout = Duration::from_secs(5);
        tweak(&mut config);
        let listener = policylens_gateway::bind(&config).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(policylens_gateway::run(config, listener, shutdown.clone()));
        let nats = async_nats::connect(server.url()).await.unwrap();
        let harness = Harness {
            server: Some(server),
            nats,
            addr,
            shutdown,
            task,
        };
        // ready when the health service says so
        let health_addr = harness.url();
        wait_for("the gateway to serve", DEADLINE, || {
            let url = health_addr.clone();
            async move {
                let channel = Channel::from_shared(url).ok()?.connect().await.ok()?;
                let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
                let status = health
                    .check(tonic_health::pb::HealthCheckRequest::default())
                    .await
                    .ok()?
                    .into_inner()
                    .status;
                (status == serving()).then_some(())
            }
        })
        .await;
        harness
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn channel(&self) -> Channel {
        Channel::from_shared(self.url())
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    async fn api(&self) -> PolicyLensClient<Channel> {
        PolicyLensClient::new(self.channel().await)
    }

    async fn publish_event(&self, event: &AppliedEvent) {
        self.nats
            .publish(subjects::EVENTS_APPLIED, event.encode_to_vec().into())
            .await
            .unwrap();
        self.nats.flush().await.unwrap();
    }

    async fn ingest_count(&self) -> u64 {
        let js = async_nats::jetstream::new(self.nats.clone());
        policylens_testkit::streams::message_count(&js, subjects::INGEST_STREAM).await
    }

    async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(DEADLINE, self.task)
            .await
            .expect("the gateway did not stop in time")
            .unwrap()
            .unwrap();
    }
}

/// The next item of a stream, failing the test when it ends or takes too long.
async fn next<T>(stream: &mut tonic::Streaming<T>) -> T {
    tokio::time::timeout(DEADLINE, stream.message())
        .await
        .expect("nothing arrived within the deadline")
        .unwrap()
        .expect("the stream ended")
}

fn serving() -> i32 {
    tonic_health::pb::health_check_response::ServingStatus::Serving as i32
}

fn series(id: &str, points: u32) -> Series {
    Series {
        id: id.into(),
        metric: "GDP share of strategic emerging industries".into(),
        jurisdiction: "China".into(),
        unit: "percent".into(),
        point_count: points,
        source_count: 1,
        ..Default::default()
    }
}

fn actor_fact(doc: &str, index: u32, name: &str) -> Fact {
    Fact {
        id: format!("{doc}/{index}"),
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

fn indicator_fact(doc: &str, index: u32) -> Fact {
    Fact {
        id: format!("{doc}/{index}"),
        provenance: None,
        kind: Some(fact::Kind::Indicator(Indicator {
            metric: "GDP share of strategic emerging industries".into(),
            jurisdiction: "China".into(),
            value: 7.6,
            unit: "percent".into(),
            period: "2014".into(),
            ..Default::default()
        })),
    }
}

fn event(facts_seq: u64, doc: &str, facts: Vec<Fact>, series_ids: &[&str]) -> AppliedEvent {
    AppliedEvent {
        facts_seq,
        document: Some(DocumentSummary {
            doc_id: doc.into(),
            title: format!("title of {doc}"),
            ..Default::default()
        }),
        facts,
        series_ids: series_ids.iter().map(|s| s.to_string()).collect(),
    }
}

/// What the stand-in aggregate answers for the series `live`; `None` means NOT_FOUND.
type LiveSeries = Arc<Mutex<Option<Series>>>;

/// A stand-in aggregate: a real queue subscriber on `policy.query.*` with canned answers.
async fn spawn_aggregate(nats: &async_nats::Client, live: LiveSeries) {
    let mut requests = nats
        .queue_subscribe(subjects::QUERY_WILDCARD, subjects::QUERY_QUEUE_GROUP.into())
        .await
        .unwrap();
    nats.flush().await.unwrap();
    let nats = nats.clone();
    tokio::spawn(async move {
        while let Some(request) = requests.next().await {
            let Some(reply) = request.reply.clone() else {
                continue;
            };
            let method = request.subject.rsplit('.').next().unwrap_or("").to_string();
            let payload = request.payload.as_ref();
            let answer: Result<Vec<u8>, (&str, String)> = match method.as_str() {
                "GetSeries" => {
                    let id = GetSeriesRequest::decode(payload).unwrap().id;
                    match id.as_str() {
                        "s-1" => Ok(series("s-1", 3).encode_to_vec()),
                        "live" => match live.lock().unwrap().clone() {
                            Some(series) => Ok(series.encode_to_vec()),
                            None => Err(("not_found", "series live not found".into())),
                        },
                        "broken" => Err(("internal", "the store is broken".into())),
                        // never answered: the gateway times out
                        "slow" => continue,
                        other => Err(("not_found", format!("series {other} not found"))),
                    }
                }
                "ListFacts" => {
                    let request = ListFactsRequest::decode(payload).unwrap();
                    if request.page_token == "garbage" {
                        Err(("invalid_argument", "invalid page token".into()))
                    } else {
                        Ok(ListFactsResponse {
                            facts: vec![actor_fact("d1", 0, "Li Qiang")],
                            next_page_token: String::new(),
                            total_size: 1,
                        }
                        .encode_to_vec())
                    }
                }
                "ListSeries" => Ok(ListSeriesResponse {
                    series: vec![series("s-1", 3)],
                    next_page_token: String::new(),
                    total_size: 1,
                }
                .encode_to_vec()),
                "ListEntities" => Ok(ListEntitiesResponse {
                    entities: vec![Entity {
                        id: "e-1".into(),
                        name: "Li Qiang".into(),
                        ..Default::default()
                    }],
                    next_page_token: String::new(),
                    total_size: 1,
                }
                .encode_to_vec()),
                "GetAttention" => Ok(GetAttentionResponse {
                    entity: Some(Entity {
                        id: "e-1".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }
                .encode_to_vec()),
                "GetDocument" => {
                    let doc_id = GetDocumentRequest::decode(payload).unwrap().doc_id;
                    Ok(GetDocumentResponse {
                        document: Some(DocumentSummary {
                            doc_id,
                            ..Default::default()
                        }),
                        facts: Vec::new(),
                    }
                    .encode_to_vec())
                }
                other => Err(("internal", format!("unknown method {other}"))),
            };
            match answer {
                Ok(body) => nats.publish(reply, body.into()).await.unwrap(),
                Err((code, message)) => {
                    let mut headers = async_nats::HeaderMap::new();
                    headers.insert(subjects::HEADER_ERROR, code);
                    nats.publish_with_headers(reply, headers, message.into())
                        .await
                        .unwrap();
                }
            }
        }
    });
}

#[tokio::test]
async fn health_is_serving_and_reflection_lists_the_api() {
    let harness = Harness::start().await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(harness.channel().await);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "policylens.v1.PolicyLens".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status;
    assert_eq!(status, serving());

    use tonic_reflection::pb::v1 as reflection;
    let mut client =
        reflection::server_reflection_client::ServerReflectionClient::new(harness.channel().await);
    let requests = futures::stream::iter([
        reflection::ServerReflectionRequest {
            host: String::new(),
            message_request: Some(
                reflection::server_reflection_request::MessageRequest::ListServices(String::new()),
            ),
        },
        reflection::ServerReflectionRequest {
            host: String::new(),
            message_request: Some(
                reflection::server_reflection_request::MessageRequest::FileContainingSymbol(
                    "grpc.health.v1.Health".into(),
                ),
            ),
        },
    ]);
    let mut responses = client
        .server_reflection_info(requests)
        .await
        .unwrap()
        .into_inner();
    let listed = responses.message().await.unwrap().unwrap();
    let Some(reflection::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        listed.message_response
    else {
        panic!("expected a service list, got {listed:?}");
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for wanted in [
        "policylens.v1.PolicyLens",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} not in {names:?}"
        );
    }
    let health_file = responses.message().await.unwrap().unwrap();
    assert!(
        matches!(
            health_file.message_response,
            Some(
                reflection::server_reflection_response::MessageResponse::FileDescriptorResponse(_)
            )
        ),
        "the health service is not described: {health_file:?}"
    );

    // grpcurl 1.8 asks the v1alpha service
    use tonic_reflection::pb::v1alpha;
    let mut client =
        v1alpha::server_reflection_client::ServerReflectionClient::new(harness.channel().await);
    let requests = futures::stream::iter([v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            v1alpha::server_reflection_request::MessageRequest::ListServices(String::new()),
        ),
    }]);
    let listed = client
        .server_reflection_info(requests)
        .await
        .unwrap()
        .into_inner()
        .message()
        .await
        .unwrap()
        .unwrap();
    let Some(v1alpha::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        listed.message_response
    else {
        panic!("expected a service list, got {listed:?}");
    };
    assert!(
        list.service
            .iter()
            .any(|s| s.name == "policylens.v1.PolicyLens")
    );
    harness.stop().await;
}

#[tokio::test]
async fn submit_lands_on_ingest_with_the_normalizer_doc_id() {
    let harness = Harness::start().await;
    let mut api = harness.api().await;
    let body = "Premier Li Qiang said the share of strategic emerging industries in GDP rose \
                from 7.6 percent in 2014 to over 13 percent in 2022.";
    let request = SubmitDocumentRequest {
        title: "Innovation drive".into(),
        published_at: "2024-03-05".into(),
        content: Some(Content::Body(body.into())),
        ..Default::default()
    };
    let response = api
        .submit_document(request.clone())
        .await
        .unwrap()
        .into_inner();

    let expected_envelope = Envelope {
        title: Some("Innovation drive".into()),
        published_at: Some("2024-03-05".into()),
        body: Some(body.into()),
        ..Envelope::default()
    };
    let expected = policylens_normalize::normalize(
        &serde_json::to_vec(&expected_envelope).unwrap(),
        &Meta {
            format: Some(Format::Json),
            ..Meta::default()
        },
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(response.doc_id, expected.doc_id);
    assert!(response.ingest_seq > 0);

    let js = async_nats::jetstream::new(harness.nats.clone());
    let stream = js.get_stream(subjects::INGEST_STREAM).await.unwrap();
    let stored = stream.get_raw_message(response.ingest_seq).await.unwrap();
    assert_eq!(stored.subject.as_str(), subjects::INGEST);
    let envelope: Envelope = serde_json::from_slice(&stored.payload).unwrap();
    assert_eq!(envelope, expected_envelope);
    assert_eq!(
        stored
            .headers
            .get(subjects::HEADER_FORMAT)
            .map(|v| v.to_string()),
        Some("json".to_string())
    );

    // the same document again is the same id, and the stream stores it once
    let again = api.submit_document(request).await.unwrap().into_inner();
    assert_eq!(again.doc_id, response.doc_id);
    assert_eq!(harness.ingest_count().await, 1);

    // a caller-chosen id wins
    let named = api
        .submit_document(SubmitDocumentRequest {
            id: "my-doc".into(),
            content: Some(Content::Html("<p>Hello <b>world</b></p>".into())),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(named.doc_id, "my-doc");
    assert_eq!(harness.ingest_count().await, 2);
    harness.stop().await;
}

#[tokio::test]
async fn invalid_submissions_are_invalid_argument_and_not_published() {
    let harness = Harness::start_with(|c| c.max_doc_bytes = 1000).await;
    let mut api = harness.api().await;
    let cases = [
        SubmitDocumentRequest::default(),
        SubmitDocumentRequest {
            content: Some(Content::Body("   \n ".into())),
            ..Default::default()
        },
        SubmitDocumentRequest {
            content: Some(Content::Body("x".repeat(2000))),
            ..Default::default()
        },
    ];
    for request in cases {
        let status = api.submit_document(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(!status.message().is_empty());
    }
    assert_eq!(harness.ingest_count().await, 0);
    harness.stop().await;
}

#[tokio::test]
async fn a_full_ingest_stream_refuses_with_resource_exhausted() {
    let harness = Harness::start_with(|c| c.streams.input_max_bytes = 4096).await;
    let mut api = harness.api().await;
    let mut refused = None;
    for n in 0..40 {
        let request = SubmitDocumentRequest {
            content: Some(Content::Body(format!(
                "document {n}: {}",
                "words ".repeat(100)
            ))),
            ..Default::default()
        };
        if let Err(status) = api.submit_document(request).await {
            refused = Some((n, status));
            break;
        }
    }
    let (n, status) = refused.expect("the stream never filled up");
    assert!(n > 0, "the first document was refused: {status:?}");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    harness.stop().await;
}

#[tokio::test]
async fn queries_are_forwarded_and_errors_mapped_to_statuses() {
    let harness = Harness::start_with(|c| c.request_timeout = Duration::from_millis(500)).await;
    spawn_aggregate(&harness.nats, LiveSeries::default()).await;
    let mut api = harness.api().await;

    let got = api
        .get_series(GetSeriesRequest { id: "s-1".into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, series("s-1", 3));
    let facts = api
        .list_facts(ListFactsRequest {
            kind: FactKind::Actor as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(facts.facts, vec![actor_fact("d1", 0, "Li Qiang")]);
    let listed = api
        .list_series(ListSeriesRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.total_size, 1);
    let entities = api
        .list_entities(ListEntitiesRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(entities.entities[0].name, "Li Qiang");
    let attention = api
        .get_attention(GetAttentionRequest {
            entity_id: "e-1".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(attention.entity.unwrap().id, "e-1");
    let document = api
        .get_document(GetDocumentRequest {
            doc_id: "d1".into(),
            include_body: false,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(document.document.unwrap().doc_id, "d1");

    let status = |id: &str| {
        let mut api = api.clone();
        let id = id.to_string();
        async move { api.get_series(GetSeriesRequest { id }).await.unwrap_err() }
    };
    let missing = status("nope").await;
    assert_eq!(missing.code(), Code::NotFound);
    assert_eq!(missing.message(), "series nope not found");
    assert_eq!(status("broken").await.code(), Code::Internal);
    assert_eq!(status("slow").await.code(), Code::DeadlineExceeded);
    // refused locally
    assert_eq!(status("").await.code(), Code::InvalidArgument);
    let bad_token = api
        .list_facts(ListFactsRequest {
            page_token: "garbage".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad_token.code(), Code::InvalidArgument);
    assert_eq!(bad_token.message(), "invalid page token");
    let bad_kind = api
        .list_facts(ListFactsRequest {
            kind: 42,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad_kind.code(), Code::InvalidArgument);
    let no_doc = api
        .get_document(GetDocumentRequest::default())
        .await
        .unwrap_err();
    assert_eq!(no_doc.code(), Code::InvalidArgument);
    harness.stop().await;
}

#[tokio::test]
async fn without_an_aggregate_queries_are_unavailable() {
    let harness = Harness::start().await;
    let mut api = harness.api().await;
    let status = api
        .list_series(ListSeriesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert_eq!(status.message(), "no aggregate is running");
    harness.stop().await;
}

#[tokio::test]
async fn watch_facts_delivers_each_applied_event_once_and_filters() {
    let harness = Harness::start().await;
    let mut api = harness.api().await;
    let mut actors = api
        .watch_facts(WatchFactsRequest {
            kind: FactKind::Actor as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut everything = api
        .watch_facts(WatchFactsRequest::default())
        .await
        .unwrap()
        .into_inner();

    let first = event(
        1,
        "d1",
        vec![actor_fact("d1", 0, "Li Qiang"), indicator_fact("d1", 1)],
        &[],
    );
    // two aggregate replicas publish the same event
    harness.publish_event(&first).await;
    harness.publish_event(&first).await;
    harness
        .publish_event(&event(2, "d2", vec![indicator_fact("d2", 0)], &[]))
        .await;
    harness
        .publish_event(&event(3, "d3", vec![actor_fact("d3", 0, "Wang Dan")], &[]))
        .await;

    let a = next(&mut actors).await;
    assert_eq!(a.fact.unwrap().id, "d1/0");
    assert_eq!(a.document.unwrap().doc_id, "d1");
    // had the duplicate or the indicator come through, it would arrive before d3's fact
    let b = next(&mut actors).await;
    assert_eq!(b.fact.unwrap().id, "d3/0");

    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(next(&mut everything).await.fact.unwrap().id);
    }
    assert_eq!(ids, ["d1/0", "d1/1", "d2/0", "d3/0"]);

    // an entity filter, case-insensitive
    let mut li = api
        .watch_facts(WatchFactsRequest {
            entity: "LI QIANG".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    harness
        .publish_event(&event(4, "d4", vec![actor_fact("d4", 0, "Wang Dan")], &[]))
        .await;
    harness
        .publish_event(&event(5, "d5", vec![actor_fact("d5", 0, "Li Qiang")], &[]))
        .await;
    assert_eq!(next(&mut li).await.fact.unwrap().id, "d5/0");

    let bad = api
        .watch_facts(WatchFactsRequest {
            kind: 99,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    harness.stop().await;
}

#[tokio::test]
async fn watch_series_streams_the_current_state_then_changes() {
    let harness = Harness::start().await;
    let live = LiveSeries::default();
    spawn_aggregate(&harness.nats, live.clone()).await;
    let mut api = harness.api().await;

    // not known yet: the watch waits instead of failing
    let mut watch = api
        .watch_series(WatchSeriesRequest { id: "live".into() })
        .await
        .unwrap()
        .into_inner();
    harness
        .publish_event(&event(1, "d1", Vec::new(), &["live"]))
        .await;
    *live.lock().unwrap() = Some(series("live", 1));
    harness
        .publish_event(&event(2, "d2", Vec::new(), &["other"]))
        .await;
    harness
        .publish_event(&event(3, "d3", Vec::new(), &["live"]))
        .await;
    assert_eq!(next(&mut watch).await, series("live", 1));
    *live.lock().unwrap() = Some(series("live", 2));
    harness
        .publish_event(&event(4, "d4", Vec::new(), &["other", "live"]))
        .await;
    assert_eq!(next(&mut watch).await, series("live", 2));

    // a new watch gets the current state first
    let mut late = api
        .watch_series(WatchSeriesRequest { id: "live".into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(next(&mut late).await, series("live", 2));

    let empty = api
        .watch_series(WatchSeriesRequest { id: " ".into() })
        .await
        .unwrap_err();
    assert_eq!(empty.code(), Code::InvalidArgument);
    harness.stop().await;
}

#[tokio::test]
async fn shutdown_ends_open_watches_and_stops_the_server() {
    let harness = Harness::start().await;
    let mut api = harness.api().await;
    let mut watch = api
        .watch_facts(WatchFactsRequest::default())
        .await
        .unwrap()
        .into_inner();
    harness.shutdown.cancel();
    let ended = tokio::time::timeout(DEADLINE, watch.message())
        .await
        .expect("the watch did not end on shutdown");
    assert!(matches!(ended, Ok(None)), "{ended:?}");
    harness.stop().await;
}

#[tokio::test]
async fn a_cancelled_watch_does_not_hold_up_shutdown() {
    let harness = Harness::start().await;
    let mut api = harness.api().await;
    let watch = api
        .watch_facts(WatchFactsRequest::default())
        .await
        .unwrap()
        .into_inner();
    drop(watch);
    harness
        .publish_event(&event(1, "d1", vec![actor_fact("d1", 0, "Li Qiang")], &[]))
        .await;
    let started = std::time::Instant::now();
    harness.stop().await;
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_watch_outlives_the_request_timeout() {
    let harness = Harness::start_with(|c| c.request_timeout = Duration::from_millis(200)).await;
    let mut api = harness.api().await;
    let mut watch = api
        .watch_facts(WatchFactsRequest::default())
        .await
        .unwrap()
        .into_inner();
    // well past the request timeout and its backstop (timeout + 1 s)
    tokio::time::sleep(Duration::from_millis(1600)).await;
    harness
        .publish_event(&event(1, "d1", vec![actor_fact("d1", 0, "Li Qiang")], &[]))
        .await;
    assert_eq!(next(&mut watch).await.fact.unwrap().id, "d1/0");
    harness.stop().await;
}

#[tokio::test]
async fn health_follows_the_nats_connection() {
    let mut harness = Harness::start().await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(harness.channel().await);
    // the server goes away: the gateway stops reporting SERVING
    drop(harness.server.take());
    let not_serving = tonic_health::pb::health_check_response::ServingStatus::NotServing as i32;
    wait_for("health to report NOT_SERVING", DEADLINE, || {
        let mut health = health.clone();
        async move {
            let status = health
                .check(tonic_health::pb::HealthCheckRequest::default())
                .await
                .ok()?
                .into_inner()
                .status;
            (status == not_serving).then_some(())
        }
    })
    .await;
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "policylens.v1.PolicyLens".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status;
    assert_eq!(status, not_serving);
    // and it still stops cleanly without NATS
    harness.stop().await;
}
