//! The ingest service against a real nats-server: documents in every format reach DOCS with the
//! right fields, every class of bad input lands in DLQ exactly once without blocking the valid
//! documents behind it, and the same content published twice is one document.

use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::{self, stream::Stream};
use clap::Parser as _;
use policylens_ingest::{Config, run};
use policylens_proto::dlq::{DeadLetter, Reason};
use policylens_proto::{Document, subjects};
use policylens_testkit::{NatsServer, streams, wait_for};
use prost::Message as _;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const DEADLINE: Duration = Duration::from_secs(20);

struct Harness {
    server: NatsServer,
    client: async_nats::Client,
    js: jetstream::Context,
    shutdown: CancellationToken,
    service: JoinHandle<anyhow::Result<()>>,
}

impl Harness {
    /// Starts a server and the ingest service, and waits until its consumer exists (so core
    /// publishes are captured and consumed).
    async fn start(configure: impl FnOnce(&mut Config)) -> Harness {
        let server = NatsServer::start();
        let mut config = Config::try_parse_from(["policylens-ingest", "--nats-url", server.url()])
            .expect("default configuration parses");
        configure(&mut config);
        let shutdown = CancellationToken::new();
        let service = tokio::spawn(run(config, shutdown.clone()));
        let client = async_nats::connect(server.url()).await.expect("connect");
        let js = jetstream::new(client.clone());
        wait_for("the ingest consumer", DEADLINE, || {
            let js = js.clone();
            async move {
                let stream = js.get_stream(subjects::INGEST_STREAM).await.ok()?;
                stream.consumer_info(subjects::INGEST_CONSUMER).await.ok()
            }
        })
        .await;
        Harness {
            server,
            client,
            js,
            shutdown,
            service,
        }
    }

    async fn publish(&self, payload: impl Into<bytes::Bytes>) {
        self.client
            .publish(subjects::INGEST, payload.into())
            .await
            .expect("publish");
        self.client.flush().await.expect("flush");
    }

    async fn publish_with_headers(&self, headers: HeaderMap, payload: impl Into<bytes::Bytes>) {
        self.client
            .publish_with_headers(subjects::INGEST, headers, payload.into())
            .await
            .expect("publish");
        self.client.flush().await.expect("flush");
    }

    async fn stream(&self, name: &str) -> Stream {
        self.js.get_stream(name).await.expect("stream exists")
    }

    /// Waits until the stream holds `count` messages and returns them.
    async fn wait_for_messages(
        &self,
        name: &str,
        count: u64,
    ) -> Vec<jetstream::message::StreamMessage> {
        streams::wait_for_messages(&self.js, name, count, DEADLINE).await
    }

    /// Waits until ingest has settled (acked) every message published so far.
    async fn wait_until_settled(&self, published: u64) {
        streams::wait_until_settled(
            &self.js,
            subjects::INGEST_STREAM,
            subjects::INGEST_CONSUMER,
            published,
            DEADLINE,
        )
        .await;
    }

    async fn stop(self) {
        self.shutdown.cancel();
        let result = tokio::time::timeout(DEADLINE, self.service)
            .await
            .expect("the service stops within the deadline")
            .expect("the service task does not panic");
        result.expect("the service stops cleanly");
    }
}

fn documents(messages: &[jetstream::message::StreamMessage]) -> Vec<Document> {
    messages
        .iter()
        .map(|m| Document::decode(m.payload.clone()).expect("a Document"))
        .collect()
}

#[tokio::test]
async fn text_html_and_envelopes_become_documents() {
    let harness = Harness::start(|_| {}).await;

    let mut headers = HeaderMap::new();
    headers.insert(subjects::HEADER_PUBLISHED_AT, "2024-03-05");
    headers.insert(subjects::HEADER_SOURCE, "wire");
    harness
        .publish_with_headers(
            headers,
            "Steel output rises\n\nChina's steel output rose 5 percent in 2023.\r\n",
        )
        .await;
    harness
        .publish(
            "<html><head><title>Chip subsidies</title><script>x()</script></head><body>\
             <nav>Home</nav><p>The EU agreed 43 billion euros for chips.</p></body></html>",
        )
        .await;
    let mut headers = HeaderMap::new();
    headers.insert(subjects::HEADER_SOURCE, "header-source");
    headers.insert(subjects::HEADER_TITLE, "header title loses");
    harness
        .publish_with_headers(
            headers,
            r#"{"id": "env-1", "title": "Envelope title", "url": "https://example.org/1",
                "published_at": "1987-02-26", "language": "en", "topics": ["cocoa"],
                "body": "Cocoa arrivals were 155,221 bags."}"#,
        )
        .await;

    let mut docs = documents(&harness.wait_for_messages(subjects::DOCS_STREAM, 3).await);
    docs.sort_by_key(|d| d.ingest_seq);
    assert_eq!(docs.len(), 3);
    let text = &docs[0];
    assert_eq!(text.format, "text");
    assert_eq!(text.title, "Steel output rises");
    assert_eq!(
        text.body,
        "Steel output rises\n\nChina's steel output rose 5 percent in 2023."
    );
    assert_eq!(text.published_at, "2024-03-05");
    assert_eq!(text.source, "wire");
    assert_eq!(text.ingest_seq, 1);
    assert_eq!(text.content_hash.len(), 64);
    assert_eq!(text.doc_id, format!("doc-{}", &text.content_hash[..32]));
    assert!(text.ingested_at_ms > 0);

    let html = &docs[1];
    assert_eq!(html.format, "html");
    assert_eq!(html.title, "Chip subsidies");
    assert_eq!(html.body, "The EU agreed 43 billion euros for chips.");
    assert_eq!(html.ingest_seq, 2);

    let json = &docs[2];
    assert_eq!(json.format, "json");
    assert_eq!(json.doc_id, "env-1");
    assert_eq!(json.title, "Envelope title");
    assert_eq!(json.url, "https://example.org/1");
    assert_eq!(json.source, "header-source");
    assert_eq!(json.published_at, "1987-02-26");
    assert_eq!(json.language, "en");
    assert_eq!(json.body, "Cocoa arrivals were 155,221 bags.");
    assert_eq!(json.ingest_seq, 3);

    harness.wait_until_settled(3).await;
    let dlq = harness.stream(subjects::DLQ_STREAM).await;
    assert_eq!(dlq.get_info().await.unwrap().state.messages, 0);
    harness.stop().await;
}

#[tokio::test]
async fn bad_input_lands_in_the_dlq_once_and_never_blocks() {
    const MAX_DOC_BYTES: usize = 64 * 1024;
    let harness = Harness::start(|config| config.max_doc_bytes = MAX_DOC_BYTES).await;

    let bad: Vec<(Reason, Vec<u8>)> = vec![
        (Reason::InvalidUtf8, b"caf\xc3\x28 au lait".to_vec()),
        (Reason::Empty, b"  \n\t ".to_vec()),
        (
            Reason::Binary,
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(),
        ),
        (Reason::TooLarge, vec![b'a'; MAX_DOC_BYTES + 1]),
        (Reason::MalformedJson, b"{\"body\": \"unterminated".to_vec()),
        (Reason::InvalidEnvelope, br#"{"title": "no body"}"#.to_vec()),
        (
            Reason::InvalidEnvelope,
            br#"{"body": "text", "title": ["not", "a", "string"]}"#.to_vec(),
        ),
    ];
    for (_, payload) in &bad {
        harness.publish(payload.clone()).await;
    }
    // Unknown fields are accepted, and a valid document behind the bad ones still arrives.
    harness
        .publish(
            r#"{"id": "reuters-7", "date": "26-FEB-1987", "places": ["usa"], "topics": [],
                "body": "Unknown fields are ignored."}"#,
        )
        .await;
    harness
        .publish("A valid document after the bad ones.")
        .await;
    let published = bad.len() as u64 + 2;

    let mut docs = documents(&harness.wait_for_messages(subjects::DOCS_STREAM, 2).await);
    docs.sort_by_key(|d| d.ingest_seq);
    let letters = harness
        .wait_for_messages(subjects::DLQ_STREAM, bad.len() as u64)
        .await;
    harness.wait_until_settled(published).await;

    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].doc_id, "reuters-7");
    assert_eq!(docs[0].body, "Unknown fields are ignored.");
    assert_eq!(docs[1].body, "A valid document after the bad ones.");

    // Exactly one dead letter per bad message, even after everything settled.
    let letters_after = streams::read_all(&harness.stream(subjects::DLQ_STREAM).await).await;
    assert_eq!(letters_after.len(), bad.len());
    let mut letters: Vec<DeadLetter> = letters
        .iter()
        .map(|m| {
            assert_eq!(m.subject.as_str(), "policy.dlq.ingest");
            serde_json::from_slice(&m.payload).expect("a dead letter")
        })
        .collect();
    letters.sort_by_key(|l| l.source_seq);
    for (index, ((reason, payload), letter)) in bad.iter().zip(&letters).enumerate() {
        assert_eq!(letter.reason, *reason, "{letter:?}");
        assert_eq!(letter.source_seq, index as u64 + 1, "{letter:?}");
        assert_eq!(letter.stage, "ingest");
        assert_eq!(letter.source_stream, subjects::INGEST_STREAM);
        assert_eq!(letter.size_bytes, payload.len() as u64);
        assert_eq!(
            letter.content_hash,
            blake3_hex(payload),
            "the dead letter carries the hash of the raw payload"
        );
        assert!(!letter.detail.is_empty());
        assert!(letter.excerpt.len() <= 256 * 3);
    }
    assert!(
        letters[0].detail.contains("byte 3"),
        "{}",
        letters[0].detail
    );
    assert!(
        letters[4].detail.contains("line 1 column"),
        "{}",
        letters[4].detail
    );
    harness.stop().await;
}

fn blake3_hex(bytes: &[u8]) -> String {
    policylens_runtime::content_hash(bytes)
}

#[tokio::test]
async fn same_content_twice_is_one_document() {
    let harness = Harness::start(|_| {}).await;
    let story = "Exports rose 12 percent in 2023, the ministry said.";
    harness.publish(story).await;
    harness.publish(story).await;
    // Same body after normalisation: still the same document.
    harness.publish(format!("  {story}\r\n\r\n")).await;
    harness.wait_until_settled(3).await;
    let docs = documents(&streams::read_all(&harness.stream(subjects::DOCS_STREAM).await).await);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].body, story);
    harness.stop().await;
}

#[tokio::test]
async fn duplicates_outside_the_dedupe_window_are_not_republished() {
    let window = Duration::from_secs(1);
    let harness = Harness::start(|config| config.streams.duplicate_window = window).await;
    let story = "Imports fell 3 percent in 2022, customs data showed.";
    harness.publish(story).await;
    harness.wait_until_settled(1).await;
    // Let the DOCS de-duplication window pass: only the seen-set can catch the repeat now.
    tokio::time::sleep(window + Duration::from_millis(500)).await;
    harness.publish(story).await;
    harness.wait_until_settled(2).await;
    let docs = streams::read_all(&harness.stream(subjects::DOCS_STREAM).await).await;
    assert_eq!(docs.len(), 1);
    let seen = harness
        .js
        .get_key_value(policylens_ingest::SEEN_BUCKET)
        .await
        .expect("the seen-set bucket exists");
    let keys: Vec<String> = futures::TryStreamExt::try_collect(seen.keys().await.unwrap())
        .await
        .unwrap();
    assert_eq!(keys.len(), 1);
    harness.stop().await;
}

#[tokio::test]
async fn a_changed_document_under_the_same_id_is_published_again() {
    let harness = Harness::start(|_| {}).await;
    harness
        .publish(r#"{"id": "press-release-1", "body": "First version."}"#)
        .await;
    harness
        .publish(r#"{"id": "press-release-1", "body": "Corrected version."}"#)
        .await;
    let mut docs = documents(&harness.wait_for_messages(subjects::DOCS_STREAM, 2).await);
    docs.sort_by_key(|d| d.ingest_seq);
    assert_eq!(docs[0].doc_id, docs[1].doc_id);
    assert_eq!(docs[0].body, "First version.");
    assert_eq!(docs[1].body, "Corrected version.");
    harness.stop().await;
}

#[tokio::test]
async fn refuses_a_document_limit_above_the_stream_limit() {
    let server = NatsServer::start();
    let config = Config::try_parse_from([
        "policylens-ingest",
        "--nats-url",
        server.url(),
        "--max-doc-bytes",
        "2000000",
    ])
    .unwrap();
    let err = run(config, CancellationToken::new()).await.unwrap_err();
    assert!(
        format!("{err:#}").contains("STREAM_MAX_MSG_BYTES"),
        "{err:#}"
    );
}

#[tokio::test]
async fn a_full_docs_stream_delays_documents_without_losing_them() {
    let harness = Harness::start(|config| {
        config.streams.max_msg_bytes = 8 * 1024;
        config.streams.input_max_bytes = 64 * 1024;
        config.max_doc_bytes = 4 * 1024;
    })
    .await;
    // Fill DOCS until it refuses even small messages (discard-new).
    let mut stored = 0;
    for size in [4096, 512, 64, 1] {
        loop {
            let publish = harness
                .js
                .publish(subjects::DOCS, vec![b'x'; size].into())
                .await
                .expect("publish");
            if publish.await.is_err() {
                break;
            }
            stored += 1;
            assert!(stored < 1000, "DOCS never filled up");
        }
    }

    harness.publish("Held back while DOCS is full.").await;
    let ingest = harness.stream(subjects::INGEST_STREAM).await;
    wait_for("ingest to be refused by DOCS and retry", DEADLINE, || {
        let ingest = ingest.clone();
        async move {
            let info = ingest.consumer_info(subjects::INGEST_CONSUMER).await.ok()?;
            (info.delivered.stream_sequence >= 1
                && info.ack_floor.stream_sequence == 0
                && info.num_redelivered > 0)
                .then_some(())
        }
    })
    .await;
    assert_eq!(
        streams::read_all(&harness.stream(subjects::DLQ_STREAM).await)
            .await
            .len(),
        0,
        "a full stream is not a bad document"
    );

    // Room again: the redelivered document gets through.
    harness
        .stream(subjects::DOCS_STREAM)
        .await
        .purge()
        .await
        .expect("purge DOCS");
    let docs = documents(&harness.wait_for_messages(subjects::DOCS_STREAM, 1).await);
    assert_eq!(docs[0].body, "Held back while DOCS is full.");
    harness.wait_until_settled(1).await;
    harness.stop().await;
}

#[tokio::test]
async fn survives_a_nats_server_restart() {
    let mut harness = Harness::start(|_| {}).await;
    harness.publish("Before the restart.").await;
    harness.wait_for_messages(subjects::DOCS_STREAM, 1).await;

    harness.server.restart();
    // A JetStream publish (retried until the restarted server has loaded its streams), so the
    // test knows the document is stored in INGEST; the service must then pick it up.
    wait_for(
        "INGEST to store a publish after the restart",
        DEADLINE,
        || {
            let js = harness.js.clone();
            async move {
                let ack = js
                    .publish(subjects::INGEST, "After the restart.".into())
                    .await
                    .ok()?;
                ack.await.ok()
            }
        },
    )
    .await;
    let mut docs = documents(&harness.wait_for_messages(subjects::DOCS_STREAM, 2).await);
    docs.sort_by_key(|d| d.ingest_seq);
    assert_eq!(docs[0].body, "Before the restart.");
    assert_eq!(docs[1].body, "After the restart.");
    harness.stop().await;
}
