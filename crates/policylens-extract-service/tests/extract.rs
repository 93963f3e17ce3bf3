//! The extract service against a real nats-server: one fact bundle per document on FACTS with
//! provenance offsets that slice the body, no second bundle on redelivery, undecodable documents
//! in the DLQ, and replicas sharing one consumer without duplicating work.

use std::time::Duration;

use async_nats::jetstream::{self, stream::Stream};
use clap::Parser as _;
use policylens_extract_service::{Config, run};
use policylens_normalize::{Limits, Meta};
use policylens_proto::dlq::{DeadLetter, Reason};
use policylens_proto::{Document, FactBundle, subjects};
use policylens_testkit::{NatsServer, shared_dir, streams, wait_for};
use prost::Message as _;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const DEADLINE: Duration = Duration::from_secs(30);
const SEED: &str = "china-innovation-drive-2024.txt";

struct Harness {
    server: NatsServer,
    js: jetstream::Context,
    shutdown: CancellationToken,
    services: Vec<JoinHandle<anyhow::Result<()>>>,
}

impl Harness {
    async fn start(replicas: usize) -> Harness {
        let server = NatsServer::start();
        let shutdown = CancellationToken::new();
        let client = async_nats::connect(server.url()).await.expect("connect");
        let js = jetstream::new(client);
        let mut harness = Harness {
            server,
            js,
            shutdown,
            services: Vec::new(),
        };
        for _ in 0..replicas {
            harness.start_replica();
        }
        wait_for("the extract consumer", DEADLINE, || {
            let js = harness.js.clone();
            async move {
                let stream = js.get_stream(subjects::DOCS_STREAM).await.ok()?;
                stream.consumer_info(subjects::EXTRACT_CONSUMER).await.ok()
            }
        })
        .await;
        harness
    }

    fn start_replica(&mut self) {
        let config = Config::try_parse_from([
            "policylens-extract",
            "--nats-url",
            self.server.url(),
            "--workers",
            "2",
        ])
        .expect("configuration parses");
        self.services
            .push(tokio::spawn(run(config, self.shutdown.clone())));
    }

    async fn publish_doc(&self, payload: Vec<u8>) {
        self.js
            .publish(subjects::DOCS, payload.into())
            .await
            .expect("publish")
            .await
            .expect("DOCS stores the document");
    }

    async fn stream(&self, name: &str) -> Stream {
        self.js.get_stream(name).await.expect("stream exists")
    }

    async fn wait_for_messages(
        &self,
        name: &str,
        count: u64,
    ) -> Vec<jetstream::message::StreamMessage> {
        streams::wait_for_messages(&self.js, name, count, DEADLINE).await
    }

    /// Waits until the extract consumer has acked every document published onto DOCS so far.
    async fn wait_until_settled(&self, published: u64) {
        streams::wait_until_settled(
            &self.js,
            subjects::DOCS_STREAM,
            subjects::EXTRACT_CONSUMER,
            published,
            DEADLINE,
        )
        .await;
    }

    async fn stop(self) {
        self.shutdown.cancel();
        for service in self.services {
            let result = tokio::time::timeout(DEADLINE, service)
                .await
                .expect("the service stops within the deadline")
                .expect("the service task does not panic");
            result.expect("the service stops cleanly");
        }
    }
}

/// The seed article as ingest would publish it.
fn seed_document() -> Document {
    let path = shared_dir().join("eval/dev/docs").join(SEED);
    let raw = std::fs::read(&path).expect("the seed article is readable");
    let meta = Meta {
        id: Some(SEED.to_string()),
        published_at: Some("2024-03-05".to_string()),
        ..Meta::default()
    };
    let doc = policylens_normalize::normalize(&raw, &meta, &Limits::default())
        .expect("the seed article normalises");
    Document {
        doc_id: doc.doc_id,
        title: doc.title,
        published_at: doc.published_at,
        body: doc.body,
        content_hash: doc.content_hash,
        ingested_at_ms: 1,
        ingest_seq: 1,
        format: doc.format.as_str().to_string(),
        ..Document::default()
    }
}

fn slice_chars(text: &str, start: u32, end: u32) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[tokio::test]
async fn one_bundle_per_document_with_provenance() {
    let harness = Harness::start(1).await;
    let document = seed_document();
    harness.publish_doc(document.encode_to_vec()).await;

    let bundles = harness.wait_for_messages(subjects::FACTS_STREAM, 1).await;
    assert_eq!(bundles.len(), 1);
    let message = &bundles[0];
    assert_eq!(
        message
            .headers
            .get(subjects::HEADER_MSG_ID)
            .map(|v| v.as_str().to_string()),
        Some(format!(
            "{SEED}:{}:{}",
            policylens_extract::EXTRACTOR_VERSION,
            &document.content_hash[..32]
        ))
    );
    let bundle = FactBundle::decode(message.payload.clone()).expect("a FactBundle");
    assert_eq!(
        bundle.extractor_version,
        policylens_extract::EXTRACTOR_VERSION
    );
    assert_eq!(bundle.document.as_ref(), Some(&document));
    assert!(!bundle.facts.is_empty(), "the seed article states facts");
    for (index, fact) in bundle.facts.iter().enumerate() {
        assert_eq!(fact.id, format!("{SEED}/{index}"));
        assert!(fact.kind.is_some(), "{fact:?}");
        let provenance = fact.provenance.as_ref().expect("provenance");
        assert_eq!(provenance.doc_id, SEED);
        assert!(provenance.start < provenance.end, "{fact:?}");
        assert_eq!(
            slice_chars(&document.body, provenance.start, provenance.end),
            provenance.text,
            "offsets slice the body: {fact:?}"
        );
    }

    // A redelivered (here: re-published) document does not store a second bundle.
    harness.publish_doc(document.encode_to_vec()).await;
    harness.wait_until_settled(2).await;
    let bundles = streams::read_all(&harness.stream(subjects::FACTS_STREAM).await).await;
    assert_eq!(bundles.len(), 1);
    harness.stop().await;
}

#[tokio::test]
async fn undecodable_documents_go_to_the_dlq() {
    let harness = Harness::start(1).await;
    harness
        .publish_doc(b"\xff\xfe not a protobuf document".to_vec())
        .await;
    let valid = Document {
        doc_id: "doc-valid".into(),
        body: "Exports rose 12 percent in 2023.".into(),
        content_hash: "0".repeat(64),
        ..Document::default()
    };
    harness.publish_doc(valid.encode_to_vec()).await;

    let letters = harness.wait_for_messages(subjects::DLQ_STREAM, 1).await;
    let bundles = harness.wait_for_messages(subjects::FACTS_STREAM, 1).await;
    harness.wait_until_settled(2).await;
    assert_eq!(
        streams::read_all(&harness.stream(subjects::DLQ_STREAM).await)
            .await
            .len(),
        1
    );
    assert_eq!(letters[0].subject.as_str(), "policy.dlq.extract");
    let letter: DeadLetter = serde_json::from_slice(&letters[0].payload).expect("a dead letter");
    assert_eq!(letter.reason, Reason::UndecodableMessage);
    assert_eq!(letter.stage, "extract");
    assert_eq!(letter.source_stream, subjects::DOCS_STREAM);
    assert_eq!(letter.source_seq, 1);
    let bundle = FactBundle::decode(bundles[0].payload.clone()).unwrap();
    assert_eq!(bundle.document.unwrap().doc_id, "doc-valid");
    harness.stop().await;
}

#[tokio::test]
async fn replicas_share_the_work_without_duplicates() {
    let harness = Harness::start(3).await;
    let count = 12u64;
    for i in 0..count {
        let document = Document {
            doc_id: format!("doc-{i}"),
            body: format!("Output grew {i} percent in 2023, the bureau said."),
            content_hash: format!("{i:064}"),
            ..Document::default()
        };
        harness.publish_doc(document.encode_to_vec()).await;
    }
    harness.wait_until_settled(count).await;
    let bundles = streams::read_all(&harness.stream(subjects::FACTS_STREAM).await).await;
    let mut ids: Vec<String> = bundles
        .iter()
        .map(|m| {
            FactBundle::decode(m.payload.clone())
                .unwrap()
                .document
                .unwrap()
                .doc_id
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(bundles.len() as u64, count);
    assert_eq!(ids.len() as u64, count);
    harness.stop().await;
}

#[tokio::test]
async fn a_bundle_too_large_for_facts_is_dead_lettered() {
    let server = NatsServer::start();
    let shutdown = CancellationToken::new();
    let config = Config::try_parse_from([
        "policylens-extract",
        "--nats-url",
        server.url(),
        "--max-msg-bytes",
        "16384",
    ])
    .unwrap();
    let service = tokio::spawn(run(config, shutdown.clone()));
    let js = jetstream::new(async_nats::connect(server.url()).await.unwrap());
    wait_for("the extract consumer", DEADLINE, || {
        let js = js.clone();
        async move {
            let stream = js.get_stream(subjects::DOCS_STREAM).await.ok()?;
            stream.consumer_info(subjects::EXTRACT_CONSUMER).await.ok()
        }
    })
    .await;
    let document = Document {
        doc_id: "doc-big".into(),
        body: "Exports rose 12 percent in 2023. ".repeat(450),
        content_hash: "0".repeat(64),
        ..Document::default()
    };
    js.publish(subjects::DOCS, document.encode_to_vec().into())
        .await
        .unwrap()
        .await
        .expect("DOCS stores the document");
    let dlq = js.get_stream(subjects::DLQ_STREAM).await.unwrap();
    wait_for("a dead letter", DEADLINE, || {
        let dlq = dlq.clone();
        async move { (dlq.get_info().await.ok()?.state.messages == 1).then_some(()) }
    })
    .await;
    let letter: DeadLetter =
        serde_json::from_slice(&dlq.get_raw_message(1).await.unwrap().payload).unwrap();
    assert_eq!(letter.reason, Reason::ProcessingFailed);
    assert!(letter.detail.contains("exceeds"), "{}", letter.detail);
    let facts = js.get_stream(subjects::FACTS_STREAM).await.unwrap();
    assert_eq!(facts.get_info().await.unwrap().state.messages, 0);
    shutdown.cancel();
    service.await.unwrap().unwrap();
}

#[tokio::test]
async fn survives_a_nats_server_restart() {
    let mut harness = Harness::start(1).await;
    let document = |i: u32| Document {
        doc_id: format!("doc-{i}"),
        body: format!("Output grew {i} percent in 2023."),
        content_hash: format!("{i:064}"),
        ..Document::default()
    };
    harness.publish_doc(document(1).encode_to_vec()).await;
    harness.wait_for_messages(subjects::FACTS_STREAM, 1).await;

    harness.server.restart();
    // Retried until the restarted server has loaded its streams.
    wait_for(
        "DOCS to store a document after the restart",
        DEADLINE,
        || {
            let js = harness.js.clone();
            let payload = document(2).encode_to_vec();
            async move {
                let ack = js.publish(subjects::DOCS, payload.into()).await.ok()?;
                ack.await.ok()
            }
        },
    )
    .await;
    let bundles = harness.wait_for_messages(subjects::FACTS_STREAM, 2).await;
    assert_eq!(bundles.len(), 2);
    harness.stop().await;
}

#[tokio::test]
async fn a_document_whose_extraction_keeps_panicking_is_dead_lettered() {
    let server = NatsServer::start();
    let shutdown = CancellationToken::new();
    let config = Config::try_parse_from([
        "policylens-extract",
        "--nats-url",
        server.url(),
        "--max-attempts",
        "2",
    ])
    .unwrap();
    let extractor = policylens_extract::Extractor::builtin();
    let engine: policylens_extract_service::Engine = std::sync::Arc::new(move |input| {
        assert!(
            !input.text.contains("POISON"),
            "the engine cannot handle this"
        );
        extractor.extract(input)
    });
    let service = tokio::spawn(policylens_extract_service::run_with_engine(
        config,
        engine,
        shutdown.clone(),
    ));
    let js = jetstream::new(async_nats::connect(server.url()).await.unwrap());
    wait_for("the extract consumer", DEADLINE, || {
        let js = js.clone();
        async move {
            let stream = js.get_stream(subjects::DOCS_STREAM).await.ok()?;
            stream.consumer_info(subjects::EXTRACT_CONSUMER).await.ok()
        }
    })
    .await;
    for (id, body) in [
        ("doc-poison", "POISON pill."),
        ("doc-fine", "Exports rose 12 percent."),
    ] {
        let document = Document {
            doc_id: id.into(),
            body: body.into(),
            content_hash: "0".repeat(64),
            ..Document::default()
        };
        js.publish(subjects::DOCS, document.encode_to_vec().into())
            .await
            .unwrap()
            .await
            .unwrap();
    }
    let dlq = js.get_stream(subjects::DLQ_STREAM).await.unwrap();
    wait_for("a dead letter", DEADLINE, || {
        let dlq = dlq.clone();
        async move { (dlq.get_info().await.ok()?.state.messages == 1).then_some(()) }
    })
    .await;
    let letter: DeadLetter =
        serde_json::from_slice(&dlq.get_raw_message(1).await.unwrap().payload).unwrap();
    assert_eq!(letter.reason, Reason::ProcessingFailed);
    assert_eq!(letter.source_seq, 1);
    assert!(letter.detail.contains("panicked"), "{}", letter.detail);

    let docs = js.get_stream(subjects::DOCS_STREAM).await.unwrap();
    wait_for("every document settled", DEADLINE, || {
        let docs = docs.clone();
        async move {
            let info = docs.consumer_info(subjects::EXTRACT_CONSUMER).await.ok()?;
            (info.ack_floor.stream_sequence >= 2 && info.num_ack_pending == 0).then_some(info)
        }
    })
    .await;
    let facts = streams::read_all(&js.get_stream(subjects::FACTS_STREAM).await.unwrap()).await;
    assert_eq!(
        facts.len(),
        1,
        "the document behind the poison one is extracted"
    );
    let bundle = FactBundle::decode(facts[0].payload.clone()).unwrap();
    assert_eq!(bundle.document.unwrap().doc_id, "doc-fine");
    assert_eq!(dlq.get_info().await.unwrap().state.messages, 1);
    shutdown.cancel();
    service.await.unwrap().unwrap();
}
