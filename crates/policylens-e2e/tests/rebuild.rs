//! The served state is the fold of the unique accepted documents: 500 real Reuters stories
//! published twice change no answer, and a fresh aggregate rebuilt from the FACTS stream serves
//! byte-identical answers (every series, entity, fact page and attention series).

use std::time::Duration;

use policylens_e2e::{Pipeline, wait_for_documents, wait_until_ingested};
use policylens_proto::policy_lens_client::PolicyLensClient;
use policylens_proto::{
    GetAttentionRequest, GetSeriesRequest, Granularity, ListEntitiesRequest, ListFactsRequest,
    ListSeriesRequest,
};
use policylens_testkit::{NatsServer, shared_dir, streams};
use prost::Message as _;
use tonic::transport::Channel;

/// Every answer of the API over the loaded state, encoded, in a deterministic order.
async fn snapshot(client: &mut PolicyLensClient<Channel>) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_series(ListSeriesRequest {
                page_size: 1000,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        out.push(("ListSeries".to_string(), page.encode_to_vec()));
        for series in &page.series {
            let full = client
                .get_series(GetSeriesRequest {
                    id: series.id.clone(),
                })
                .await
                .unwrap()
                .into_inner();
            out.push((format!("GetSeries {}", series.id), full.encode_to_vec()));
        }
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let mut token = String::new();
    let mut entities = Vec::new();
    loop {
        let page = client
            .list_entities(ListEntitiesRequest {
                page_size: 1000,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        out.push(("ListEntities".to_string(), page.encode_to_vec()));
        entities.extend(page.entities.iter().map(|e| e.id.clone()));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    for id in entities.iter().take(50) {
        let request = GetAttentionRequest {
            entity_id: id.clone(),
            granularity: Granularity::Week as i32,
            ..Default::default()
        };
        let attention = client.get_attention(request).await.unwrap().into_inner();
        out.push((format!("GetAttention {id}"), attention.encode_to_vec()));
    }
    let mut token = String::new();
    loop {
        let page = client
            .list_facts(ListFactsRequest {
                page_size: 1000,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        out.push(("ListFacts".to_string(), page.encode_to_vec()));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    out
}

fn assert_same(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: number of answers");
    for ((name_a, bytes_a), (name_b, bytes_b)) in a.iter().zip(b) {
        assert_eq!(name_a, name_b, "{what}");
        assert!(bytes_a == bytes_b, "{what}: {name_a} differs");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn republishing_changes_nothing_and_a_rebuild_from_facts_is_identical() {
    let nats = NatsServer::start();
    let pipeline = Pipeline::start(nats.url()).await.expect("pipeline starts");
    let mut client = pipeline.client().await.expect("gateway client");
    let publisher = async_nats::connect(nats.url()).await.unwrap();

    let corpus = std::fs::read_to_string(shared_dir().join("corpus/reuters21578.jsonl")).unwrap();
    let stories: Vec<&str> = corpus.lines().take(500).collect();
    let ids: Vec<String> = stories
        .iter()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for line in &stories {
        publisher
            .publish("policy.ingest", line.to_string().into())
            .await
            .unwrap();
    }
    publisher.flush().await.unwrap();
    wait_for_documents(&client, &ids, Duration::from_secs(180)).await;
    wait_until_ingested(&publisher, Duration::from_secs(120)).await;
    let first = snapshot(&mut client).await;
    assert!(first.len() > 100, "a real state: {} answers", first.len());

    // the same 500 stories again: no count, series or page changes
    for line in &stories {
        publisher
            .publish("policy.ingest", line.to_string().into())
            .await
            .unwrap();
    }
    publisher.flush().await.unwrap();
    wait_until_ingested(&publisher, Duration::from_secs(120)).await;
    let js = async_nats::jetstream::new(publisher.clone());
    let facts = streams::message_count(&js, "FACTS").await;
    assert_eq!(facts, 500, "one bundle per unique story on FACTS");
    assert_same(&first, &snapshot(&mut client).await, "after republishing");
    pipeline.stop().await.expect("clean shutdown");

    // a fresh aggregate (new state folder) folds FACTS from the start to the same answers
    let rebuilt = Pipeline::start(nats.url())
        .await
        .expect("pipeline restarts");
    let mut client = rebuilt.client().await.expect("gateway client");
    wait_for_documents(&client, &ids, Duration::from_secs(180)).await;
    assert_same(
        &first,
        &snapshot(&mut client).await,
        "after a rebuild from FACTS",
    );
    rebuilt.stop().await.expect("clean shutdown");
}
