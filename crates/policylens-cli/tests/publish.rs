//! `policylens publish` as a user runs it (the built binary) against a real nats-server.

use std::path::Path;
use std::process::Output;

use policylens_proto::subjects;
use policylens_runtime::streams::{StreamLimits, ensure_streams};
use policylens_testkit::NatsServer;

async fn policylens(args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_policylens"))
        .args(args)
        .env_remove("NATS_URL")
        .env_remove("POLICYLENS_GATEWAY")
        .output()
        .await
        .expect("failed to run policylens")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn jetstream(server: &NatsServer, limits: &StreamLimits) -> async_nats::jetstream::Context {
    let nats = async_nats::connect(server.url()).await.unwrap();
    let js = async_nats::jetstream::new(nats);
    ensure_streams(&js, limits).await.unwrap();
    js
}

async fn ingest_count(js: &async_nats::jetstream::Context) -> u64 {
    policylens_testkit::streams::message_count(js, subjects::INGEST_STREAM).await
}

fn write(path: &Path, content: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, content).unwrap();
}

const JSONL: &str = concat!(
    r#"{"id": "reuters-1", "title": "COCOA", "published_at": "1987-02-26T15:01:01Z", "date": "26-FEB-1987", "places": ["usa"], "topics": ["cocoa"], "body": "Showers continued throughout the week."}"#,
    "\n",
    r#"{"id": "reuters-2", "body": "Exports rose 7.6 percent in 1986."}"#,
    "\n\n",
    r#"{"html": "<p>Imports fell <b>3 pct</b>.</p>"}"#,
    "\n",
);

#[tokio::test]
async fn publishes_folders_and_jsonl_corpora_each_acknowledged() {
    let server = NatsServer::start();
    let js = jetstream(&server, &StreamLimits::default()).await;
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("a.txt"),
        "China's economy grew 5.2 percent in 2023.",
    );
    write(
        &dir.path().join("b.html"),
        "<html><body><p>Premier Li Qiang spoke.</p></body></html>",
    );
    write(
        &dir.path().join("nested/c.txt"),
        "Strategic emerging industries exceed 13 percent of GDP.",
    );
    write(&dir.path().join("corpus.jsonl"), JSONL);

    let dir_arg = dir.path().to_str().unwrap();
    let out = policylens(&["publish", dir_arg, "--nats-url", server.url()]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("published 6 (0 already in the stream), refused 0, failed 0"),
        "{stdout}"
    );
    assert_eq!(ingest_count(&js).await, 6);

    // every JSONL line is published as it is, marked as JSON
    let stream = js.get_stream(subjects::INGEST_STREAM).await.unwrap();
    let mut formats = Vec::new();
    let mut payloads = Vec::new();
    for seq in 1..=6 {
        let message = stream.get_raw_message(seq).await.unwrap();
        formats.push(
            message
                .headers
                .get(subjects::HEADER_FORMAT)
                .map(|v| v.to_string()),
        );
        payloads.push(text(&message.payload));
    }
    let first_line = JSONL.lines().next().unwrap();
    assert!(payloads.iter().any(|p| p == first_line), "{payloads:?}");
    let count = |format: &str| {
        formats
            .iter()
            .filter(|f| f.as_deref() == Some(format))
            .count()
    };
    assert_eq!((count("json"), count("html"), count("text")), (3, 1, 2));

    // publishing the same files again stores nothing twice
    let out = policylens(&["publish", dir_arg, "--nats-url", server.url()]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("published 6 (6 already in the stream)"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(ingest_count(&js).await, 6);
}

#[tokio::test]
async fn a_line_that_is_not_an_envelope_is_reported_and_the_rest_published() {
    let server = NatsServer::start();
    let js = jetstream(&server, &StreamLimits::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.jsonl");
    write(
        &file,
        "{\"body\": \"one\"}\nthis is not json\n{\"body\": \"three\"}\n",
    );
    let out = policylens(&[
        "publish",
        file.to_str().unwrap(),
        "--nats-url",
        server.url(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("bad.jsonl:2: not an envelope"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).starts_with("published 2 (0 already in the stream), refused 0, failed 1")
    );
    assert_eq!(ingest_count(&js).await, 2);
}

#[tokio::test]
async fn a_full_stream_refusal_is_reported() {
    let server = NatsServer::start();
    let limits = StreamLimits {
        input_max_bytes: 4096,
        ..StreamLimits::default()
    };
    let js = jetstream(&server, &limits).await;
    let dir = tempfile::tempdir().unwrap();
    for n in 0..20 {
        write(
            &dir.path().join(format!("{n:02}.txt")),
            &format!("document {n}: {}", "words ".repeat(100)),
        );
    }
    let out = policylens(&[
        "publish",
        dir.path().to_str().unwrap(),
        "--nats-url",
        server.url(),
        "--max-in-flight",
        "1",
    ])
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stored = ingest_count(&js).await;
    assert!(stored > 0 && stored < 20, "{stored} stored");
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "published {stored} (0 already in the stream), refused {}, failed 0",
            20 - stored
        )),
        "{stdout}"
    );
    assert!(
        text(&out.stderr).contains("maximum bytes exceeded"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn without_an_ingest_stream_publish_says_what_to_do() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.txt"), "some text");
    let out = policylens(&[
        "publish",
        dir.path().to_str().unwrap(),
        "--nats-url",
        server.url(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no JetStream stream captures policy.ingest"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn an_unreachable_gateway_is_one_clear_line() {
    let out = policylens(&["facts", "--gateway", "http://127.0.0.1:1"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot reach the gateway at http://127.0.0.1:1"),
        "{stderr}"
    );
}
