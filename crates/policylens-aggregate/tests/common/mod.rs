//! Shared helpers of the aggregate's integration tests: realistic fact bundles, a running
//! aggregate against a real nats-server, JetStream publishes and typed queries.
#![allow(dead_code)]

pub mod snapshot;

use std::path::Path;
use std::time::Duration;

use async_nats::jetstream;
use policylens_aggregate::Config;
use policylens_proto::query::ErrorCode;
use policylens_proto::subjects;
use policylens_proto::v1::{
    Actor, Document, Fact, FactBundle, GetDocumentRequest, GetDocumentResponse, GetSeriesRequest,
    Indicator, Initiative, ListSeriesRequest, ListSeriesResponse, Organization, Provenance,
    Qualifier, Sector, Series, Status, fact,
};
use policylens_runtime::NatsArgs;
use policylens_runtime::streams::StreamLimits;
use prost::Message;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub const WAIT: Duration = Duration::from_secs(30);

/// A running aggregate; cancel and await it with [`Aggregate::stop`].
pub struct Aggregate {
    pub shutdown: CancellationToken,
    pub task: JoinHandle<anyhow::Result<()>>,
}

impl Aggregate {
    pub fn start(url: &str, data_dir: &Path) -> Aggregate {
        // RUST_LOG=policylens_aggregate=debug shows the service's logs in a failing test
        policylens_runtime::init_tracing();
        let config = Config {
            nats: NatsArgs {
                nats_url: url.to_string(),
                nats_connect_timeout: Duration::from_secs(10),
            },
            data_dir: data_dir.to_path_buf(),
            limits: StreamLimits::default(),
            replica_id: "test".to_string(),
            max_batch: 64,
        };
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(policylens_aggregate::run(config, shutdown.clone()));
        Aggregate { shutdown, task }
    }

    pub async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the aggregate did not stop in time")
            .expect("the aggregate task panicked")
            .expect("the aggregate failed");
    }
}

pub async fn connect(url: &str) -> (async_nats::Client, jetstream::Context) {
    let client = async_nats::connect(url).await.expect("connect");
    let js = jetstream::new(client.clone());
    policylens_runtime::streams::ensure_streams(&js, &StreamLimits::default())
        .await
        .expect("ensure streams");
    (client, js)
}

/// Publishes bytes onto FACTS and waits for the stream's ack; returns the sequence.
pub async fn publish_raw(js: &jetstream::Context, payload: Vec<u8>, msg_id: Option<&str>) -> u64 {
    let mut headers = async_nats::HeaderMap::new();
    if let Some(id) = msg_id {
        headers.insert(subjects::HEADER_MSG_ID, id);
    }
    js.publish_with_headers(subjects::FACTS, headers, payload.into())
        .await
        .expect("publish")
        .await
        .expect("ack")
        .sequence
}

/// Publishes a bundle as the extract service does (`Nats-Msg-Id` `<doc_id>:<version>`), or
/// without a msg id to simulate a redelivery that JetStream does not dedupe.
pub async fn publish(js: &jetstream::Context, bundle: &FactBundle, with_msg_id: bool) -> u64 {
    let id = format!(
        "{}:{}",
        bundle.document.as_ref().unwrap().doc_id,
        bundle.extractor_version
    );
    publish_raw(
        js,
        bundle.encode_to_vec(),
        with_msg_id.then_some(id.as_str()),
    )
    .await
}

/// One query; `Err` carries the error code and message.
/// The one series whose metric mentions `metric`, with its points (GetSeries).
pub async fn seed_series(client: &async_nats::Client, metric: &str) -> Series {
    let list: ListSeriesResponse = query(
        client,
        "ListSeries",
        &ListSeriesRequest {
            metric: metric.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(list.total_size, 1, "{list:?}");
    assert!(
        list.series[0].points.is_empty(),
        "ListSeries leaves points out"
    );
    query(
        client,
        "GetSeries",
        &GetSeriesRequest {
            id: list.series[0].id.clone(),
        },
    )
    .await
    .unwrap()
}

pub async fn query<Req: Message, Resp: Message + Default>(
    client: &async_nats::Client,
    method: &str,
    request: &Req,
) -> Result<Resp, (ErrorCode, String)> {
    let reply = tokio::time::timeout(
        WAIT,
        client.request(
            subjects::query_subject(method),
            request.encode_to_vec().into(),
        ),
    )
    .await
    .expect("query timed out")
    .expect("query failed");
    if let Some(code) = reply
        .headers
        .as_ref()
        .and_then(|h| h.get(subjects::HEADER_ERROR))
    {
        let code: ErrorCode = code.as_str().parse().expect("known error code");
        return Err((code, String::from_utf8_lossy(&reply.payload).to_string()));
    }
    Ok(Resp::decode(reply.payload).expect("response decodes"))
}

/// Waits until the aggregate serves `doc_id` at `version`.
pub async fn wait_for_doc(client: &async_nats::Client, doc_id: &str, version: &str) {
    let request = GetDocumentRequest {
        doc_id: doc_id.to_string(),
        include_body: false,
    };
    policylens_testkit::wait_for(&format!("{doc_id} at {version}"), WAIT, || async {
        let reply = tokio::time::timeout(
            Duration::from_secs(2),
            client.request(
                subjects::query_subject("GetDocument"),
                request.encode_to_vec().into(),
            ),
        )
        .await
        .ok()?
        .ok()?;
        if reply
            .headers
            .is_some_and(|h| h.get(subjects::HEADER_ERROR).is_some())
        {
            return None;
        }
        let response = GetDocumentResponse::decode(reply.payload).ok()?;
        (response.document?.extractor_version == version).then_some(())
    })
    .await;
}

// ---- bundle builders ----

pub struct Doc {
    pub doc_id: String,
    pub title: String,
    pub published_at: String,
    pub content_hash: String,
    pub body: String,
    pub facts: Vec<Fact>,
}

impl Doc {
    pub fn new(doc_id: &str, title: &str, published_at: &str) -> Doc {
        Doc {
            doc_id: doc_id.to_string(),
            title: title.to_string(),
            published_at: published_at.to_string(),
            content_hash: format!("hash-{doc_id}"),
            body: String::new(),
            facts: Vec::new(),
        }
    }

    /// Same text as `other` (a syndicated copy): same content hash and body.
    pub fn copy_of(mut self, other: &Doc) -> Doc {
        self.content_hash = other.content_hash.clone();
        self.body = other.body.clone();
        self
    }

    fn push(&mut self, kind: fact::Kind, sentence: &str, text: &str) -> &mut Self {
        if !self.body.contains(sentence) {
            if !self.body.is_empty() {
                self.body.push(' ');
            }
            self.body.push_str(sentence);
        }
        let sentence_start = self.body.find(sentence).unwrap();
        let offset = sentence.find(text).unwrap_or(0);
        let start = self.body[..sentence_start + offset].chars().count() as u32;
        let end = start + text.chars().count() as u32;
        let index = self.facts.len();
        self.facts.push(Fact {
            id: format!("{}/{index}", self.doc_id),
            provenance: Some(Provenance {
                doc_id: self.doc_id.clone(),
                start,
                end,
                text: text.to_string(),
                sentence: sentence.to_string(),
            }),
            kind: Some(kind),
        });
        self
    }

    #[allow(clippy::too_many_arguments)]
    pub fn indicator(
        &mut self,
        metric: &str,
        jurisdiction: &str,
        value: f64,
        qualifier: Qualifier,
        period: &str,
        status: Status,
        sentence: &str,
    ) -> &mut Self {
        let kind = fact::Kind::Indicator(Indicator {
            metric: metric.to_string(),
            jurisdiction: jurisdiction.to_string(),
            value,
            unit: "percent".to_string(),
            qualifier: qualifier as i32,
            period: period.to_string(),
            status: status as i32,
        });
        self.push(kind, sentence, &format!("{value}"))
    }

    pub fn actor(&mut self, name: &str, role: &str, sentence: &str) -> &mut Self {
        let kind = fact::Kind::Actor(Actor {
            name: name.to_string(),
            role: role.to_string(),
            org: String::new(),
        });
        self.push(kind, sentence, name)
    }

    pub fn org(&mut self, name: &str, sentence: &str) -> &mut Self {
        let kind = fact::Kind::Organization(Organization {
            name: name.to_string(),
        });
        self.push(kind, sentence, name)
    }

    pub fn sector(&mut self, name: &str, sentence: &str) -> &mut Self {
        let kind = fact::Kind::Sector(Sector {
            name: name.to_string(),
        });
        self.push(kind, sentence, name)
    }

    pub fn initiative(&mut self, name: &str, sentence: &str) -> &mut Self {
        let kind = fact::Kind::Initiative(Initiative {
            name: name.to_string(),
        });
        self.push(kind, sentence, name)
    }

    pub fn bundle(&self, version: &str) -> FactBundle {
        FactBundle {
            document: Some(Document {
                doc_id: self.doc_id.clone(),
                title: self.title.clone(),
                url: format!("https://example.org/{}", self.doc_id),
                source: "test".to_string(),
                published_at: self.published_at.clone(),
                language: "en".to_string(),
                body: self.body.clone(),
                content_hash: self.content_hash.clone(),
                ingested_at_ms: 1_732_000_000_000,
                ingest_seq: 1,
                format: "text".to_string(),
            }),
            extractor_version: version.to_string(),
            facts: self.facts.clone(),
        }
    }
}

pub const SEED_2014: &str = "The added value of strategic emerging industries accounted for 7.6 percent of GDP in 2014, according to the National Bureau of Statistics.";
pub const SEED_2022: &str =
    "The GDP share of strategic emerging industries rose to over 13 percent in 2022, the NBS said.";
pub const SEED_2025: &str =
    "It is projected to exceed 17 percent by 2025, Premier Li Qiang told lawmakers.";

/// The seed article: "GDP share of strategic emerging industries" (China) with 7.6 percent in
/// 2014, over 13 percent in 2022 and over 17 percent projected for 2025; Li Qiang, Yin Hejun,
/// Wang Dan; NBS.
pub fn seed() -> Doc {
    let mut doc = Doc::new(
        "china-innovation-drive-2024",
        "China doubles down on innovation drive",
        "2024-03-05",
    );
    let metric = "GDP share of strategic emerging industries";
    doc.indicator(
        metric,
        "China",
        7.6,
        Qualifier::Exact,
        "2014",
        Status::Observed,
        SEED_2014,
    )
    .indicator(
        metric,
        "China",
        13.0,
        Qualifier::Over,
        "2022",
        Status::Observed,
        SEED_2022,
    )
    .indicator(
        metric,
        "China",
        17.0,
        Qualifier::Over,
        "2025",
        Status::Projected,
        SEED_2025,
    )
    .org("National Bureau of Statistics", SEED_2014)
    .org("NBS", SEED_2022)
    .actor("Premier Li Qiang", "Premier", SEED_2025)
    .actor(
        "Yin Hejun",
        "Minister of Science and Technology",
        "Minister of Science and Technology Yin Hejun said basic research would get more money.",
    )
    .actor(
        "Li",
        "",
        "Li said new quality productive forces would drive growth.",
    )
    .actor(
        "Wang Dan",
        "",
        "Wang Dan, an economist, said the targets were ambitious.",
    )
    .sector(
        "new energy vehicles",
        "Exports of new energy vehicles and artificial intelligence grew fast.",
    )
    .sector(
        "artificial intelligence",
        "Exports of new energy vehicles and artificial intelligence grew fast.",
    )
    .initiative(
        "Made in China 2025",
        "The Made in China 2025 plan set the course a decade ago.",
    );
    doc
}

/// A second source phrasing the metric differently: 13.4 % in 2022 (agrees with "over 13").
pub fn second_source() -> Doc {
    let mut doc = Doc::new("sei-share-2024", "Strategic industries grow", "2024-04-01");
    doc.indicator(
        "strategic emerging industries accounted for 13.4% of China's GDP",
        "",
        13.4,
        Qualifier::Exact,
        "2022",
        Status::Observed,
        "Strategic emerging industries accounted for 13.4% of China's GDP in 2022.",
    )
    .org(
        "National Bureau of Statistics",
        "The National Bureau of Statistics published the figures.",
    )
    .sector(
        "artificial intelligence",
        "Artificial intelligence firms led the gains.",
    );
    doc
}

/// A third source with an incompatible value for 2022.
pub fn conflicting_source() -> Doc {
    let mut doc = Doc::new("sei-doubts-2024", "Doubts over industry data", "2024-05-01");
    doc.indicator(
        "share of strategic emerging industries in GDP",
        "China",
        11.2,
        Qualifier::Exact,
        "2022",
        Status::Observed,
        "Independent estimates put the share of strategic emerging industries in GDP at 11.2 percent in 2022.",
    )
    .actor(
        "Wang Dan",
        "economist",
        "Wang Dan questioned the official figures.",
    );
    doc
}

/// A syndicated copy of the seed under another id (same content hash and sentences).
pub fn syndicated_copy() -> Doc {
    let seed = seed();
    let mut doc = Doc::new(
        "syndicated-innovation-drive",
        "China doubles down on innovation drive (wire)",
        "2024-03-06",
    )
    .copy_of(&seed);
    doc.facts = seed
        .facts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut f = f.clone();
            f.id = format!("syndicated-innovation-drive/{i}");
            if let Some(p) = f.provenance.as_mut() {
                p.doc_id = "syndicated-innovation-drive".to_string();
            }
            f
        })
        .collect();
    doc
}

/// A small synthetic document with five facts (two indicators with periods).
pub fn filler(i: usize) -> Doc {
    let mut doc = Doc::new(
        &format!("filler-{i:03}"),
        &format!("Filler {i}"),
        &format!("2005-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
    );
    let s1 = format!("Steel output rose {i} percent in {}.", 1990 + i % 20);
    let s2 = format!(
        "Exports grew {} percent in {}-Q{}.",
        i % 7,
        2000 + i % 10,
        1 + i % 4
    );
    doc.indicator(
        "steel output growth",
        "Japan",
        i as f64,
        Qualifier::Exact,
        &format!("{}", 1990 + i % 20),
        Status::Observed,
        &s1,
    )
    .indicator(
        "exports growth",
        "Japan",
        (i % 7) as f64,
        Qualifier::Exact,
        &format!("{}-Q{}", 2000 + i % 10, 1 + i % 4),
        Status::Observed,
        &s2,
    )
    .actor(
        &format!("Taro Person{}", i % 5),
        "minister",
        &format!("Minister Taro Person{} spoke.", i % 5),
    )
    .org("Bank of Japan", "The Bank of Japan held rates.")
    .sector("steel", &s1);
    doc
}
