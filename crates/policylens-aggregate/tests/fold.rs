//! The exactly-once fold against a real nats-server: redelivered bundles change nothing, a newer
//! extractor version replaces a document's facts everywhere, an older one is ignored, a restart
//! resumes from the redb checkpoint, a fresh replica rebuilt from FACTS answers identically, and
//! an undecodable message is dead-lettered without blocking the ones behind it.

mod common;

use std::time::Duration;

use common::snapshot::{assert_same, snapshot};
use common::*;
use futures::StreamExt as _;
use policylens_proto::dlq::{DeadLetter, Reason};
use policylens_proto::subjects;
use policylens_proto::v1::*;
use policylens_testkit::NatsServer;

async fn entity(client: &async_nats::Client, kind: EntityKind, name: &str) -> Option<Entity> {
    let list: ListEntitiesResponse = query(
        client,
        "ListEntities",
        &ListEntitiesRequest {
            kind: kind as i32,
            name_prefix: name.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    list.entities.into_iter().find(|e| e.name == name)
}

#[tokio::test]
async fn redelivery_replacement_restart_and_rebuild() {
    let server = NatsServer::start();
    let first_dir = tempfile::tempdir().unwrap();
    let aggregate = Aggregate::start(server.url(), first_dir.path());
    let (client, js) = connect(server.url()).await;

    let seed = seed();
    publish(&js, &seed.bundle("0.1.0"), true).await;
    publish(&js, &second_source().bundle("0.1.0"), true).await;
    publish(&js, &conflicting_source().bundle("0.1.0"), true).await;
    wait_for_doc(&client, "sei-doubts-2024", "0.1.0").await;
    let before = snapshot(&client).await;

    // the same bundles again, without msg ids (JetStream stores them): nothing changes
    publish(&js, &seed.bundle("0.1.0"), false).await;
    publish(&js, &second_source().bundle("0.1.0"), false).await;
    publish(&js, &filler(1).bundle("0.1.0"), true).await;
    wait_for_doc(&client, "filler-001", "0.1.0").await;
    let mut expected = before.clone();
    let after = snapshot(&client).await;
    // the filler adds its own series, entities and facts; everything about the seed is unchanged
    let merged = seed_series(&client, "strategic emerging").await;
    assert_eq!(merged.source_count, 3);
    let li = entity(&client, EntityKind::Actor, "Li Qiang")
        .await
        .unwrap();
    assert_eq!((li.document_count, li.mention_count), (1, 2));
    let facts: ListFactsResponse = query(&client, "ListFacts", &ListFactsRequest::default())
        .await
        .unwrap();
    assert_eq!(
        facts.total_size as usize,
        seed.facts.len() + second_source().facts.len() + conflicting_source().facts.len() + 5
    );
    expected.retain(|(name, _)| name.starts_with("GetDocument"));
    for (name, bytes) in &expected {
        let now = after.iter().find(|(n, _)| n == name).unwrap();
        assert!(&now.1 == bytes, "{name} changed after a redelivery");
    }

    // a newer extractor version replaces the seed's facts everywhere
    let mut revised = Doc::new(&seed.doc_id, &seed.title, &seed.published_at);
    revised
        .indicator(
            "GDP share of strategic emerging industries",
            "China",
            7.8,
            Qualifier::Exact,
            "2014",
            Status::Observed,
            SEED_2014,
        )
        .actor("Yin Hejun", "Minister", "Yin Hejun spoke.");
    publish(&js, &revised.bundle("0.10.0"), true).await;
    wait_for_doc(&client, &seed.doc_id, "0.10.0").await;
    let series = seed_series(&client, "strategic emerging").await;
    let p2014 = series.points.iter().find(|p| p.period == "2014").unwrap();
    assert_eq!(p2014.value, 7.8);
    assert_eq!(p2014.claims.len(), 1);
    assert!(
        !series.points.iter().any(|p| p.period == "2025"),
        "the old version's 2025 point is gone"
    );
    let p2022 = series.points.iter().find(|p| p.period == "2022").unwrap();
    assert_eq!(p2022.claims.len(), 2, "only the two other sources remain");
    assert!(p2022.conflict, "13.4 vs 11.2 still conflict");
    assert!(
        entity(&client, EntityKind::Actor, "Li Qiang")
            .await
            .is_none()
    );
    let yin = entity(&client, EntityKind::Actor, "Yin Hejun")
        .await
        .unwrap();
    assert_eq!((yin.document_count, yin.mention_count), (1, 1));
    assert_eq!(yin.roles, vec!["Minister".to_string()]);

    // an older version is ignored (and does not block what follows)
    publish(&js, &seed.bundle("0.9.9"), true).await;
    publish(&js, &filler(2).bundle("0.1.0"), true).await;
    wait_for_doc(&client, "filler-002", "0.1.0").await;
    let doc: GetDocumentResponse = query(
        &client,
        "GetDocument",
        &GetDocumentRequest {
            doc_id: seed.doc_id.clone(),
            include_body: true,
        },
    )
    .await
    .unwrap();
    let summary = doc.document.unwrap();
    assert_eq!(summary.extractor_version, "0.10.0");
    assert_eq!(summary.fact_count, 2);
    assert_eq!(summary.body, revised.body);

    // restart on the same DATA_DIR: same answers, resumes after the checkpoint
    let first = snapshot(&client).await;
    aggregate.stop().await;
    let aggregate = Aggregate::start(server.url(), first_dir.path());
    wait_for_doc(&client, "filler-002", "0.1.0").await;
    assert_same(&first, &snapshot(&client).await);
    publish(&js, &filler(3).bundle("0.1.0"), true).await;
    wait_for_doc(&client, "filler-003", "0.1.0").await;
    let resumed = snapshot(&client).await;
    let facts: ListFactsResponse = query(&client, "ListFacts", &ListFactsRequest::default())
        .await
        .unwrap();
    assert_eq!(
        facts.total_size as usize,
        2 + second_source().facts.len() + conflicting_source().facts.len() + 3 * 5
    );
    aggregate.stop().await;

    // a fresh replica on a new DATA_DIR rebuilt from FACTS answers exactly the same
    let second_dir = tempfile::tempdir().unwrap();
    let rebuilt = Aggregate::start(server.url(), second_dir.path());
    wait_for_doc(&client, "filler-003", "0.1.0").await;
    assert_same(&resumed, &snapshot(&client).await);
    rebuilt.stop().await;
}

#[tokio::test]
async fn undecodable_messages_are_dead_lettered_once_and_do_not_block() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let aggregate = Aggregate::start(server.url(), dir.path());
    let (client, js) = connect(server.url()).await;
    let mut dlq = client
        .subscribe(subjects::dlq_subject("aggregate"))
        .await
        .unwrap();
    client.flush().await.unwrap();

    let bad = publish_raw(&js, vec![0xff, 0x01, 0x02, 0x03], None).await;
    let no_doc = publish_raw(
        &js,
        prost::Message::encode_to_vec(&FactBundle::default()),
        None,
    )
    .await;
    publish(&js, &filler(9).bundle("1.0.0"), true).await;
    wait_for_doc(&client, "filler-009", "1.0.0").await;

    let mut letters = Vec::new();
    for _ in 0..2 {
        let message = tokio::time::timeout(WAIT, dlq.next())
            .await
            .unwrap()
            .unwrap();
        letters.push(serde_json::from_slice::<DeadLetter>(&message.payload).unwrap());
    }
    letters.sort_by_key(|l| l.source_seq);
    assert_eq!(letters[0].source_seq, bad);
    assert_eq!(letters[1].source_seq, no_doc);
    for letter in &letters {
        assert_eq!(letter.stage, "aggregate");
        assert_eq!(letter.reason, Reason::UndecodableMessage);
        assert_eq!(letter.source_stream, "FACTS");
    }

    // after a restart the checkpoint is past them: no second dead letter
    aggregate.stop().await;
    let aggregate = Aggregate::start(server.url(), dir.path());
    publish(&js, &filler(10).bundle("1.0.0"), true).await;
    wait_for_doc(&client, "filler-010", "1.0.0").await;
    assert!(
        tokio::time::timeout(Duration::from_millis(300), dlq.next())
            .await
            .is_err(),
        "a dead letter was published twice"
    );
    let stream = js.get_stream(subjects::DLQ_STREAM).await.unwrap();
    let info = stream.get_info().await.unwrap();
    assert_eq!(info.state.messages, 2);
    aggregate.stop().await;
}

#[tokio::test]
async fn replicas_fold_independently_and_share_the_query_load() {
    let server = NatsServer::start();
    let (client, js) = connect(server.url()).await;
    let mut events = client.subscribe(subjects::EVENTS_APPLIED).await.unwrap();
    client.flush().await.unwrap();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let replicas: Vec<Aggregate> = dirs
        .iter()
        .map(|d| Aggregate::start(server.url(), d.path()))
        .collect();

    let seq = publish(&js, &seed().bundle("0.1.0"), true).await;
    // each replica folds FACTS itself and announces the bundle with the same facts_seq
    for _ in 0..2 {
        let message = tokio::time::timeout(WAIT, events.next())
            .await
            .unwrap()
            .unwrap();
        let event: AppliedEvent = prost::Message::decode(message.payload).unwrap();
        assert_eq!(event.facts_seq, seq);
    }
    // whichever replica answers, the answer is the same
    let first = snapshot(&client).await;
    for _ in 0..5 {
        assert_same(&first, &snapshot(&client).await);
    }
    for replica in replicas {
        replica.stop().await;
    }
}

#[tokio::test]
async fn publishing_a_corpus_twice_changes_no_answer() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let aggregate = Aggregate::start(server.url(), dir.path());
    let (client, js) = connect(server.url()).await;
    let corpus: Vec<FactBundle> = (0..200).map(|i| filler(i).bundle("1.0.0")).collect();
    for bundle in &corpus {
        publish(&js, bundle, true).await;
    }
    wait_for_doc(&client, "filler-199", "1.0.0").await;
    let once = snapshot(&client).await;
    // the whole corpus again, without msg ids so JetStream stores every message a second time
    for bundle in &corpus {
        publish(&js, bundle, false).await;
    }
    let sentinel = Doc::new("sentinel", "after the second pass", "2006-01-01");
    publish(&js, &sentinel.bundle("1.0.0"), true).await;
    wait_for_doc(&client, "sentinel", "1.0.0").await;
    let mut twice = snapshot(&client).await;
    // the sentinel has no facts: only its own GetDocument answer is new
    twice.retain(|(name, _)| name != "GetDocument sentinel");
    assert_same(&once, &twice);
    aggregate.stop().await;
}

#[tokio::test]
async fn the_fold_survives_a_nats_server_restart() {
    let mut server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let aggregate = Aggregate::start(server.url(), dir.path());
    let (client, js) = connect(server.url()).await;
    publish(&js, &filler(1).bundle("1.0.0"), true).await;
    wait_for_doc(&client, "filler-001", "1.0.0").await;

    server.restart();
    // publish once the clients have reconnected to the restarted server
    let bundle = prost::Message::encode_to_vec(&filler(2).bundle("1.0.0"));
    policylens_testkit::wait_for("a publish after the restart", WAIT, || {
        let (js, bundle) = (js.clone(), bundle.clone());
        async move {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(subjects::HEADER_MSG_ID, "filler-002:1.0.0");
            let ack = js
                .publish_with_headers(subjects::FACTS, headers, bundle.into())
                .await
                .ok()?;
            ack.await.ok().map(|_| ())
        }
    })
    .await;
    wait_for_doc(&client, "filler-002", "1.0.0").await;
    wait_for_doc(&client, "filler-001", "1.0.0").await;
    aggregate.stop().await;
}

/// Two revisions of one document (same id, same extractor version, different text) reach FACTS
/// in the opposite order of their ingest: the later ingest is the current one either way, and a
/// fresh replica folding the same stream agrees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_latest_ingest_of_a_document_wins_whatever_the_facts_order() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let aggregate = Aggregate::start(server.url(), dir.path());
    let (client, js) = connect(server.url()).await;

    let mut first = Doc::new("revised-doc", "Budget", "1987-06-16");
    first.org(
        "Ministry of Finance",
        "The Ministry of Finance published the budget.",
    );
    let mut corrected = Doc::new("revised-doc", "Budget (corrected)", "1987-06-16");
    corrected.org(
        "State Statistical Bureau",
        "The State Statistical Bureau published the budget.",
    );
    let mut early = first.bundle("0.1.0");
    early.document.as_mut().unwrap().ingest_seq = 3;
    let mut late = corrected.bundle("0.1.0");
    late.document.as_mut().unwrap().ingest_seq = 7;

    // the corrected revision first, then the earlier one, then a marker to wait on
    publish(&js, &late, false).await;
    publish(&js, &early, false).await;
    publish(&js, &filler(1).bundle("0.1.0"), true).await;
    wait_for_doc(&client, "filler-001", "0.1.0").await;

    let document: GetDocumentResponse = query(
        &client,
        "GetDocument",
        &GetDocumentRequest {
            doc_id: "revised-doc".into(),
            include_body: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(document.document.unwrap().title, "Budget (corrected)");
    let names: Vec<String> = document
        .facts
        .iter()
        .filter_map(|f| match &f.kind {
            Some(fact::Kind::Organization(o)) => Some(o.name.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["State Statistical Bureau"]);
    assert!(
        entity(&client, EntityKind::Organization, "Ministry of Finance")
            .await
            .is_none()
    );
    let before = snapshot(&client).await;
    aggregate.stop().await;

    // a fresh replica folding the same stream from the start reaches the same state
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = Aggregate::start(server.url(), fresh_dir.path());
    wait_for_doc(&client, "filler-001", "0.1.0").await;
    assert_same(&before, &snapshot(&client).await);
    fresh.stop().await;
}
