//! Cross-document reasoning on real news through the whole pipeline: Reuters 1987 and BBC 2004
//! stories that state overlapping figures merge into one series per metric, corroborating
//! sources share a claim, disagreeing sources raise a conflict with both values, a syndicated
//! copy is not a second independent source, and attention counts documents per month.

use std::collections::BTreeSet;
use std::time::Duration;

use policylens_e2e::{Pipeline, wait_for_documents};
use policylens_proto::policy_lens_client::PolicyLensClient;
use policylens_proto::{
    EntityKind, GetAttentionRequest, GetSeriesRequest, Granularity, ListEntitiesRequest,
    ListSeriesRequest, Series, Status,
};
use policylens_testkit::{NatsServer, shared_dir};
use tonic::transport::Channel;

fn reuters_envelopes(ids: &[&str]) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(shared_dir().join("corpus/reuters21578.jsonl")).unwrap();
    let mut out = Vec::new();
    for line in text.lines() {
        let story: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = story["id"].as_str().unwrap();
        if ids.contains(&id) {
            let envelope = serde_json::json!({
                "id": id,
                "title": story["title"],
                "published_at": story["published_at"],
                "source": "Reuters",
                "body": story["body"],
            });
            out.push((id.to_string(), envelope.to_string()));
        }
    }
    assert_eq!(out.len(), ids.len(), "all stories found");
    out
}

/// The series of `jurisdiction` and `unit` whose metric mentions `words`, with a point at `period`.
async fn series_with(
    client: &mut PolicyLensClient<Channel>,
    words: &str,
    jurisdiction: &str,
    unit: &str,
    period: &str,
) -> Series {
    let listed = client
        .list_series(ListSeriesRequest {
            metric: words.into(),
            jurisdiction: jurisdiction.into(),
            unit: unit.into(),
            page_size: 100,
            ..Default::default()
        })
        .await
        .expect("ListSeries")
        .into_inner();
    for summary in listed.series {
        let series = client
            .get_series(GetSeriesRequest { id: summary.id })
            .await
            .expect("GetSeries")
            .into_inner();
        if series.points.iter().any(|p| p.period == period) {
            return series;
        }
    }
    panic!("no {jurisdiction} {unit} series mentioning {words:?} with a {period} point");
}

fn source_docs(series: &Series, period: &str) -> Vec<(f64, BTreeSet<String>)> {
    let point = series
        .points
        .iter()
        .find(|p| p.period == period && p.status == Status::Observed as i32)
        .unwrap();
    point
        .claims
        .iter()
        .map(|c| {
            (
                c.value,
                c.sources.iter().map(|s| s.doc_id.clone()).collect(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn real_stories_merge_corroborate_conflict_and_count_attention() {
    let nats = NatsServer::start();
    let pipeline = Pipeline::start(nats.url()).await.expect("pipeline starts");
    let mut client = pipeline.client().await.expect("gateway client");
    let publisher = async_nats::connect(nats.url()).await.unwrap();

    // 9691 (March) and 18439 (June): the 1985 budget surplus as 2.82 and as 2.1 billion yuan;
    // 3488 and 9194: the same 1986 trade deficit, 11.9 billion dlrs, in two independent stories.
    let mut envelopes = reuters_envelopes(&[
        "reuters-9691",
        "reuters-18439",
        "reuters-3488",
        "reuters-9194",
    ]);
    // a syndicated copy of 9194 under another id
    let copy = envelopes
        .iter()
        .find(|(id, _)| id == "reuters-9194")
        .unwrap()
        .1
        .replace("\"reuters-9194\"", "\"syndicated-9194\"");
    envelopes.push(("syndicated-9194".into(), copy));
    for (_, envelope) in &envelopes {
        publisher
            .publish("policy.ingest", envelope.clone().into())
            .await
            .unwrap();
    }
    // two BBC stories (no dates) both put China's 2004 generating-capacity growth at 12.6%
    let mut bbc_ids = Vec::new();
    for file in ["282.txt", "472.txt"] {
        let payload = std::fs::read(shared_dir().join("corpus/bbc/business").join(file)).unwrap();
        let limits = policylens_normalize::Limits::default();
        bbc_ids.push(
            policylens_normalize::normalize(&payload, &Default::default(), &limits)
                .unwrap()
                .doc_id,
        );
        publisher
            .publish("policy.ingest", payload.into())
            .await
            .unwrap();
    }
    publisher.flush().await.unwrap();

    let all: Vec<String> = envelopes
        .iter()
        .map(|(id, _)| id.clone())
        .chain(bbc_ids.clone())
        .collect();
    wait_for_documents(&client, &all, Duration::from_secs(60)).await;

    // disagreement: one point, two claims, each with its own source
    let surplus = series_with(&mut client, "surplus", "China", "CNY", "1985").await;
    let point = surplus.points.iter().find(|p| p.period == "1985").unwrap();
    assert!(point.conflict, "{point:?}");
    assert!(surplus.has_conflicts);
    let claims = source_docs(&surplus, "1985");
    assert!(
        claims.contains(&(2.82e9, BTreeSet::from(["reuters-9691".to_string()]))),
        "{claims:?}"
    );
    assert!(
        claims.contains(&(2.1e9, BTreeSet::from(["reuters-18439".to_string()]))),
        "{claims:?}"
    );

    // corroboration: one claim, two independent sources, plus the syndicated copy marked as such
    let deficit = series_with(&mut client, "trade deficit", "China", "USD", "1986").await;
    let claims = source_docs(&deficit, "1986");
    assert_eq!(claims.len(), 1, "{claims:?}");
    assert_eq!(claims[0].0, 11.9e9);
    assert!(claims[0].1.is_superset(&BTreeSet::from([
        "reuters-3488".to_string(),
        "reuters-9194".to_string()
    ])));
    let point = deficit.points.iter().find(|p| p.period == "1986").unwrap();
    assert!(!point.conflict);
    let sources = &point.claims[0].sources;
    let copy = sources
        .iter()
        .find(|s| s.doc_id == "syndicated-9194")
        .expect("the copy is listed as a source");
    assert_eq!(
        copy.duplicate_of, "reuters-9194",
        "the copy points at its original"
    );
    assert_eq!(
        deficit.source_count, 2,
        "the syndicated copy is not an independent source"
    );

    // two undated BBC stories corroborate a figure too
    let capacity = series_with(
        &mut client,
        "generating capacity",
        "China",
        "percent",
        "2004",
    )
    .await;
    let claims = source_docs(&capacity, "2004");
    assert_eq!(claims, vec![(12.6, bbc_ids.iter().cloned().collect())]);

    // attention: the National People's Congress in 9691, 9194 and its copy, all March 1987
    let npc = client
        .list_entities(ListEntitiesRequest {
            kind: EntityKind::Organization as i32,
            name_prefix: "National People".into(),
            ..Default::default()
        })
        .await
        .expect("ListEntities")
        .into_inner()
        .entities
        .into_iter()
        .next()
        .expect("the NPC is an entity");
    let attention = client
        .get_attention(GetAttentionRequest {
            entity_id: npc.id.clone(),
            granularity: Granularity::Month as i32,
            ..Default::default()
        })
        .await
        .expect("GetAttention")
        .into_inner();
    let march = attention
        .buckets
        .iter()
        .find(|b| b.period == "1987-03")
        .expect("a March 1987 bucket");
    assert_eq!(march.documents, 3, "{:?}", attention.buckets);
    assert_eq!(npc.document_count, 3);
    pipeline.stop().await.expect("clean shutdown");
}
