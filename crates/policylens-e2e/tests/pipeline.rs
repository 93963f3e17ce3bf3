//! End to end over a real nats-server: documents published with a plain core-NATS publish onto
//! `policy.ingest` come back over real gRPC as facts and series, each document exactly once, and
//! bad input lands in the DLQ without blocking the rest.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use policylens_e2e::{Pipeline, bbc_files, wait_for_documents, wait_until_ingested};
use policylens_normalize::{Limits, Meta, normalize};
use policylens_proto::policy_lens_client::PolicyLensClient;
use policylens_proto::{
    FactKind, GetDocumentRequest, GetSeriesRequest, ListFactsRequest, ListSeriesRequest, Qualifier,
    Status, fact,
};
use policylens_testkit::{NatsServer, shared_dir, streams, wait_for};
use tonic::transport::Channel;

fn doc_id_of(payload: &[u8]) -> String {
    normalize(payload, &Meta::default(), &Limits::default())
        .expect("corpus documents normalise")
        .doc_id
}

async fn all_facts(
    client: &mut PolicyLensClient<Channel>,
    request: ListFactsRequest,
) -> Vec<policylens_proto::Fact> {
    let mut out = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_facts(ListFactsRequest {
                page_size: 1000,
                page_token: token.clone(),
                ..request.clone()
            })
            .await
            .expect("ListFacts")
            .into_inner();
        out.extend(page.facts);
        if page.next_page_token.is_empty() {
            return out;
        }
        token = page.next_page_token;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn seed_article_yields_its_series_and_actors() {
    let nats = NatsServer::start();
    let pipeline = Pipeline::start(nats.url()).await.expect("pipeline starts");
    let mut client = pipeline.client().await.expect("gateway client");
    let seed =
        std::fs::read(shared_dir().join("eval/dev/docs/china-innovation-drive-2024.txt")).unwrap();
    let doc_id = doc_id_of(&seed);

    let publisher = async_nats::connect(nats.url()).await.unwrap();
    let published = Instant::now();
    publisher
        .publish("policy.ingest", seed.into())
        .await
        .unwrap();
    publisher.flush().await.unwrap();

    let series = wait_for(
        "the strategic emerging industries series",
        Duration::from_secs(60),
        || {
            let mut client = client.clone();
            async move {
                let request = ListSeriesRequest {
                    metric: "strategic emerging".into(),
                    ..Default::default()
                };
                let response = client.list_series(request).await.ok()?.into_inner();
                response.series.into_iter().find(|s| s.point_count >= 3)
            }
        },
    )
    .await;
    eprintln!(
        "seed article: publish -> queryable in {:?}",
        published.elapsed()
    );

    let series = client
        .get_series(GetSeriesRequest { id: series.id })
        .await
        .expect("GetSeries")
        .into_inner();
    assert_eq!(series.jurisdiction, "China", "{series:?}");
    assert_eq!(series.unit, "percent", "{series:?}");
    let point = |period: &str| {
        series
            .points
            .iter()
            .find(|p| p.period == period)
            .unwrap_or_else(|| panic!("no {period} point in {:?}", series.points))
    };
    let expect = [
        ("2014", 7.6, Qualifier::Exact, Status::Observed),
        ("2022", 13.0, Qualifier::Over, Status::Observed),
        ("2025", 17.0, Qualifier::Over, Status::Projected),
    ];
    for (period, value, qualifier, status) in expect {
        let p = point(period);
        assert!(
            (p.value - value).abs() < 1e-9,
            "{period}: value {} != {value}",
            p.value
        );
        assert_eq!(p.qualifier, qualifier as i32, "{period}: qualifier");
        assert_eq!(p.status, status as i32, "{period}: status");
        assert_eq!(p.claims.len(), 1, "{period}: one source, one claim");
        assert_eq!(p.claims[0].sources[0].doc_id, doc_id);
        assert!(!p.conflict);
    }

    let actors: BTreeMap<String, String> = all_facts(
        &mut client,
        ListFactsRequest {
            kind: FactKind::Actor as i32,
            doc_id: doc_id.clone(),
            ..Default::default()
        },
    )
    .await
    .into_iter()
    .filter_map(|f| match f.kind {
        Some(fact::Kind::Actor(a)) => Some((a.name, a.role)),
        _ => None,
    })
    .collect();
    assert_eq!(
        actors.get("Li Qiang").map(String::as_str),
        Some("Premier"),
        "{actors:?}"
    );
    assert!(actors.contains_key("Yin Hejun"), "{actors:?}");
    assert!(actors.contains_key("Wang Dan"), "{actors:?}");

    let document = client
        .get_document(GetDocumentRequest {
            doc_id: doc_id.clone(),
            include_body: true,
        })
        .await
        .expect("GetDocument")
        .into_inner();
    let summary = document.document.expect("document summary");
    assert!(
        !summary.body.contains("Leave a Reply"),
        "boilerplate is stripped"
    );
    // provenance offsets are char offsets into the normalised body
    let chars: Vec<char> = summary.body.chars().collect();
    for f in &document.facts {
        let p = f.provenance.as_ref().expect("provenance");
        let text: String = chars[p.start as usize..p.end as usize].iter().collect();
        assert_eq!(
            text.split_whitespace().collect::<Vec<_>>(),
            p.text.split_whitespace().collect::<Vec<_>>()
        );
    }
    pipeline.stop().await.expect("clean shutdown");
}

/// 200 BBC articles — every exact duplicate group of the corpus included — published twice, with
/// bad payloads in between: each unique document is queryable exactly once, the bad ones are in
/// the DLQ once each with their reason, and the streams hold one message per unique document.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bbc_200_documents_each_queryable_exactly_once() {
    let nats = NatsServer::start();
    let pipeline = Pipeline::start(nats.url()).await.expect("pipeline starts");
    let mut client = pipeline.client().await.expect("gateway client");

    // every file whose exact content appears more than once, then business articles up to 200
    let files = bbc_files(&shared_dir());
    let mut by_content: HashMap<Vec<u8>, Vec<std::path::PathBuf>> = HashMap::new();
    for path in &files {
        by_content
            .entry(std::fs::read(path).unwrap())
            .or_default()
            .push(path.clone());
    }
    let mut chosen: BTreeSet<std::path::PathBuf> = by_content
        .values()
        .filter(|paths| paths.len() > 1)
        .flatten()
        .take(40)
        .cloned()
        .collect();
    assert!(chosen.len() >= 2, "the corpus has exact duplicates");
    for path in &files {
        if chosen.len() >= 200 {
            break;
        }
        chosen.insert(path.clone());
    }
    let payloads: Vec<Vec<u8>> = chosen.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let expected: BTreeSet<String> = payloads.iter().map(|p| doc_id_of(p)).collect();
    assert!(
        expected.len() < payloads.len(),
        "duplicates collapse to one document"
    );

    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("invalid_utf8", b"caf\xe9 au lait \xff\xfe".to_vec()),
        ("empty", b"   \n\t ".to_vec()),
        ("binary", vec![0u8, 1, 2, 3, 0, 0, 159, 146, 150, 0, 7, 8]),
        (
            "malformed_json",
            br#"{"title": "x", "body": "unterminated"#.to_vec(),
        ),
    ];

    let publisher = async_nats::connect(nats.url()).await.unwrap();
    let started = Instant::now();
    for round in 0..2 {
        for (i, payload) in payloads.iter().enumerate() {
            publisher
                .publish("policy.ingest", payload.clone().into())
                .await
                .unwrap();
            if round == 0 && i % 50 == 10 {
                let (_, bytes) = &bad[i / 50];
                publisher
                    .publish("policy.ingest", bytes.clone().into())
                    .await
                    .unwrap();
            }
        }
        publisher.flush().await.unwrap();
    }

    let expected_ids: Vec<String> = expected.iter().cloned().collect();
    wait_for_documents(&client, &expected_ids, Duration::from_secs(180)).await;
    let elapsed = started.elapsed();
    eprintln!(
        "bbc: {} payloads ({} unique) queryable in {elapsed:?} ({:.1} unique docs/s)",
        payloads.len(),
        expected.len(),
        expected.len() as f64 / elapsed.as_secs_f64()
    );

    // every fact belongs to a known document, no fact twice, per-document counts agree
    let facts = all_facts(&mut client, ListFactsRequest::default()).await;
    let mut ids = BTreeSet::new();
    let mut per_doc: BTreeMap<String, u32> = BTreeMap::new();
    for f in &facts {
        assert!(ids.insert(f.id.clone()), "fact {} listed twice", f.id);
        let doc = f.provenance.as_ref().expect("provenance").doc_id.clone();
        assert!(expected.contains(&doc), "fact of unknown document {doc}");
        *per_doc.entry(doc).or_default() += 1;
    }
    for id in &expected {
        let summary = client
            .get_document(GetDocumentRequest {
                doc_id: id.clone(),
                include_body: false,
            })
            .await
            .expect("GetDocument")
            .into_inner()
            .document
            .expect("summary");
        assert_eq!(
            summary.fact_count,
            per_doc.get(id).copied().unwrap_or(0),
            "fact count of {id}"
        );
    }

    // the streams hold each unique document once, once everything published was processed
    wait_until_ingested(&publisher, Duration::from_secs(60)).await;
    let js = async_nats::jetstream::new(publisher.clone());
    let docs = streams::message_count(&js, "DOCS").await;
    assert_eq!(
        docs,
        expected.len() as u64,
        "DOCS holds each unique document once"
    );
    let mut dlq = js.get_stream("DLQ").await.unwrap();
    let dlq_count = dlq.info().await.unwrap().state.messages;
    assert_eq!(
        dlq_count,
        bad.len() as u64,
        "each bad payload is dead-lettered once"
    );
    let mut reasons = BTreeSet::new();
    for seq in 1..=dlq_count {
        let message = dlq.get_raw_message(seq).await.unwrap();
        let letter: serde_json::Value = serde_json::from_slice(&message.payload).unwrap();
        assert_eq!(letter["stage"], "ingest");
        assert!(letter["source_seq"].as_u64().unwrap() > 0);
        reasons.insert(letter["reason"].as_str().unwrap().to_string());
    }
    let want: BTreeSet<String> = bad.iter().map(|(r, _)| r.to_string()).collect();
    assert_eq!(reasons, want);
    pipeline.stop().await.expect("clean shutdown");
}

/// WatchFacts through the whole pipeline: a watcher subscribed before a document is published
/// receives that document's facts of the requested kind as they are aggregated.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn watch_facts_streams_a_new_documents_facts() {
    use futures::StreamExt as _;

    let nats = NatsServer::start();
    let pipeline = Pipeline::start(nats.url()).await.expect("pipeline starts");
    let mut client = pipeline.client().await.expect("gateway client");
    let request = policylens_proto::WatchFactsRequest {
        kind: FactKind::Actor as i32,
        ..Default::default()
    };
    let mut watch = client
        .watch_facts(request)
        .await
        .expect("WatchFacts")
        .into_inner();

    let seed =
        std::fs::read(shared_dir().join("eval/dev/docs/china-innovation-drive-2024.txt")).unwrap();
    let doc_id = doc_id_of(&seed);
    let publisher = async_nats::connect(nats.url()).await.unwrap();
    publisher
        .publish("policy.ingest", seed.into())
        .await
        .unwrap();
    publisher.flush().await.unwrap();

    let mut names = BTreeSet::new();
    while names.len() < 3 {
        let next = tokio::time::timeout(Duration::from_secs(60), watch.next())
            .await
            .expect("a watched fact within 60 s")
            .expect("the watch stays open")
            .expect("a fact, not an error");
        let fact = next.fact.expect("fact");
        assert_eq!(fact.provenance.as_ref().unwrap().doc_id, doc_id);
        assert_eq!(
            next.document.as_ref().map(|d| d.doc_id.as_str()),
            Some(doc_id.as_str())
        );
        match fact.kind {
            Some(fact::Kind::Actor(actor)) => names.insert(actor.name),
            other => panic!("only actors were asked for, got {other:?}"),
        };
    }
    assert!(
        names.contains("Li Qiang") && names.contains("Yin Hejun") && names.contains("Wang Dan"),
        "{names:?}"
    );
    pipeline.stop().await.expect("clean shutdown");
}
