//! `policylens facts | series | entities | watch | health grpc` (the built binary) against a real
//! gateway on a real nats-server, with a small stand-in aggregate answering `policy.query.*`.

use std::process::{Output, Stdio};
use std::time::Duration;

use futures::StreamExt as _;
use policylens_proto::subjects;
use policylens_proto::v1::{
    Actor, AppliedEvent, Claim, DocumentSummary, Entity, EntityKind, Fact, GetSeriesRequest,
    ListEntitiesResponse, ListFactsRequest, ListFactsResponse, ListSeriesResponse, PointSource,
    Provenance, Qualifier, Series, SeriesPoint, Status, fact,
};
use policylens_testkit::{NatsServer, wait_for};
use prost::Message as _;
use tokio::io::AsyncBufReadExt as _;
use tokio_util::sync::CancellationToken;

const DEADLINE: Duration = Duration::from_secs(20);

struct Stack {
    _server: NatsServer,
    nats: async_nats::Client,
    gateway: String,
    shutdown: CancellationToken,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn policylens(args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_policylens"))
        .args(args)
        .env_remove("POLICYLENS_GATEWAY")
        .output()
        .await
        .expect("failed to run policylens")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn actor(doc: &str, index: u32, name: &str, role: &str) -> Fact {
    Fact {
        id: format!("{doc}/{index}"),
        provenance: Some(Provenance {
            doc_id: doc.into(),
            ..Default::default()
        }),
        kind: Some(fact::Kind::Actor(Actor {
            name: name.into(),
            role: role.into(),
            org: String::new(),
        })),
    }
}

fn series() -> Series {
    let point = |period: &str, value: f64, qualifier: Qualifier| SeriesPoint {
        period: period.into(),
        status: Status::Observed as i32,
        value,
        qualifier: qualifier as i32,
        claims: vec![Claim {
            value,
            qualifier: qualifier as i32,
            sources: vec![PointSource {
                doc_id: "doc-1".into(),
                ..Default::default()
            }],
        }],
        conflict: false,
    };
    Series {
        id: "s-1".into(),
        metric: "GDP share of strategic emerging industries".into(),
        jurisdiction: "China".into(),
        unit: "percent".into(),
        surface_forms: vec!["GDP share of strategic emerging industries".into()],
        point_count: 2,
        source_count: 1,
        has_conflicts: false,
        points: vec![
            point("2014", 7.6, Qualifier::Exact),
            point("2022", 13.0, Qualifier::Over),
        ],
    }
}

/// Answers queries like an aggregate holding one document would; facts come in two pages.
async fn spawn_aggregate(nats: &async_nats::Client) {
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
            let payload = request.payload.as_ref();
            let answer: Result<Vec<u8>, String> =
                match request.subject.rsplit('.').next().unwrap_or("") {
                    "ListFacts" => {
                        let request = ListFactsRequest::decode(payload).unwrap();
                        let (fact, next) = if request.page_token.is_empty() {
                            (actor("doc-1", 0, "Li Qiang", "Premier"), "page-2")
                        } else {
                            (
                                actor(
                                    "doc-1",
                                    5,
                                    "Yin Hejun",
                                    "Minister of Science and Technology",
                                ),
                                "",
                            )
                        };
                        Ok(ListFactsResponse {
                            facts: vec![fact],
                            next_page_token: next.into(),
                            total_size: 2,
                        }
                        .encode_to_vec())
                    }
                    "ListSeries" => {
                        let mut listed = series();
                        listed.points.clear();
                        Ok(ListSeriesResponse {
                            series: vec![listed],
                            next_page_token: String::new(),
                            total_size: 1,
                        }
                        .encode_to_vec())
                    }
                    "GetSeries" => match GetSeriesRequest::decode(payload).unwrap().id.as_str() {
                        "s-1" => Ok(series().encode_to_vec()),
                        other => Err(format!("series {other} not found")),
                    },
                    "ListEntities" => Ok(ListEntitiesResponse {
                        entities: vec![Entity {
                            id: "e-1".into(),
                            kind: EntityKind::Actor as i32,
                            name: "Li Qiang".into(),
                            aliases: vec!["Premier Li".into()],
                            document_count: 3,
                            mention_count: 7,
                            roles: vec!["Premier".into()],
                        }],
                        next_page_token: String::new(),
                        total_size: 1,
                    }
                    .encode_to_vec()),
                    other => Err(format!("unexpected {other}")),
                };
            match answer {
                Ok(body) => nats.publish(reply, body.into()).await.unwrap(),
                Err(message) => {
                    let mut headers = async_nats::HeaderMap::new();
                    headers.insert(subjects::HEADER_ERROR, "not_found");
                    nats.publish_with_headers(reply, headers, message.into())
                        .await
                        .unwrap();
                }
            }
        }
    });
}

async fn start() -> Stack {
    let server = NatsServer::start();
    let config = policylens_gateway::Config::new(server.url());
    let listener = policylens_gateway::bind(&config).await.unwrap();
    let gateway = format!("http://{}", listener.local_addr().unwrap());
    let shutdown = CancellationToken::new();
    tokio::spawn(policylens_gateway::run(config, listener, shutdown.clone()));
    let nats = async_nats::connect(server.url()).await.unwrap();
    spawn_aggregate(&nats).await;
    // the health probe is how compose knows the gateway is up; it is how the test knows too
    wait_for("the gateway to report SERVING", DEADLINE, || {
        let gateway = gateway.clone();
        async move {
            let out = policylens(&["health", "grpc", "--gateway", &gateway]).await;
            out.status.success().then_some(())
        }
    })
    .await;
    Stack {
        _server: server,
        nats,
        gateway,
        shutdown,
    }
}

#[tokio::test]
async fn facts_series_and_entities_print_tables_and_json() {
    let stack = start().await;
    let gw = stack.gateway.as_str();

    let out = policylens(&["facts", "--gateway", gw]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "ID       KIND   FACT\n\
         doc-1/0  actor  Li Qiang (Premier)\n\
         doc-1/5  actor  Yin Hejun (Minister of Science and Technology)\n\
         2 of 2 facts\n"
    );
    // --limit stops paging early
    let out = policylens(&["facts", "--gateway", gw, "--limit", "1"]).await;
    assert!(
        text(&out.stdout).ends_with("1 of 2 facts\n"),
        "{}",
        text(&out.stdout)
    );

    let out = policylens(&["facts", "--gateway", gw, "--json", "--kind", "actor"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["actor"]["name"], "Yin Hejun");
    assert_eq!(lines[1]["provenance"]["doc_id"], "doc-1");

    let out = policylens(&["series", "--gateway", gw]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("ID   METRIC"), "{stdout}");
    assert!(
        stdout.contains(
            "s-1  GDP share of strategic emerging industries  China         percent  2       1"
        ),
        "{stdout}"
    );

    let out = policylens(&["series", "s-1", "--gateway", gw]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("2014    observed  7.6 percent"), "{stdout}");
    assert!(
        stdout.contains("2022    observed  over 13 percent"),
        "{stdout}"
    );
    assert!(stdout.contains("over 13 [doc-1]"), "{stdout}");

    let out = policylens(&["series", "s-1", "--gateway", gw, "--json"]).await;
    let json: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(json["points"][1]["qualifier"], "QUALIFIER_OVER");

    let out = policylens(&["series", "nope", "--gateway", gw]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: gateway: not found: series nope not found\n"
    );

    let out = policylens(&["entities", "--gateway", gw, "--kind", "actor"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("e-1  actor  Li Qiang  3     7         Premier"),
        "{stdout}"
    );
}

#[tokio::test]
async fn watch_prints_facts_as_they_are_applied() {
    let stack = start().await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_policylens"))
        .args(["watch", "--gateway", &stack.gateway, "--kind", "actor"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    // printed once the gateway accepted the watch
    let ready = tokio::time::timeout(DEADLINE, stderr.next_line())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ready.as_deref(), Some("watching facts (ctrl-c to stop)"));

    let event = AppliedEvent {
        facts_seq: 1,
        document: Some(DocumentSummary {
            doc_id: "doc-9".into(),
            title: "China's innovation drive".into(),
            ..Default::default()
        }),
        facts: vec![actor("doc-9", 0, "Wang Dan", "chief economist")],
        series_ids: Vec::new(),
    };
    stack
        .nats
        .publish(subjects::EVENTS_APPLIED, event.encode_to_vec().into())
        .await
        .unwrap();
    stack.nats.flush().await.unwrap();

    let mut lines = Vec::new();
    while lines.len() < 2 {
        let line = tokio::time::timeout(DEADLINE, stdout.next_line())
            .await
            .expect("no output within the deadline")
            .unwrap()
            .expect("watch exited");
        lines.push(line);
    }
    assert!(lines[0].starts_with("KIND"), "{lines:?}");
    assert!(
        lines[1].starts_with("actor          China's innovation drive"),
        "{lines:?}"
    );
    assert!(
        lines[1].ends_with("Wang Dan (chief economist)"),
        "{lines:?}"
    );
    child.kill().await.unwrap();
}

#[tokio::test]
async fn series_watch_prints_the_current_state_first() {
    let stack = start().await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_policylens"))
        .args([
            "series",
            "s-1",
            "--watch",
            "--json",
            "--gateway",
            &stack.gateway,
        ])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(DEADLINE, stdout.next_line())
        .await
        .expect("no output within the deadline")
        .unwrap()
        .expect("watch exited");
    let json: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(json["id"], "s-1");
    assert_eq!(json["point_count"], 2);
    child.kill().await.unwrap();
}
