//! Snapshots of every answer an aggregate gives, to compare two aggregates' states exactly.

use prost::Message;

use super::query;

/// Every answer the aggregate gives about its state, encoded: all series pages and each series,
/// all entities and each entity's attention, all facts, every document.
pub async fn snapshot(client: &async_nats::Client) -> Vec<(String, Vec<u8>)> {
    use policylens_proto::v1::*;
    let mut out = Vec::new();
    let mut token = String::new();
    let mut series_ids = Vec::new();
    loop {
        let page: ListSeriesResponse = query(
            client,
            "ListSeries",
            &ListSeriesRequest {
                page_size: 2,
                page_token: token.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        series_ids.extend(page.series.iter().map(|s| s.id.clone()));
        token = page.next_page_token.clone();
        out.push(("ListSeries".to_string(), page.encode_to_vec()));
        if token.is_empty() {
            break;
        }
    }
    for id in series_ids {
        let series: Series = query(client, "GetSeries", &GetSeriesRequest { id: id.clone() })
            .await
            .unwrap();
        out.push((format!("GetSeries {id}"), series.encode_to_vec()));
    }
    let entities: ListEntitiesResponse = query(
        client,
        "ListEntities",
        &ListEntitiesRequest {
            page_size: 1000,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    out.push(("ListEntities".to_string(), entities.encode_to_vec()));
    for entity in &entities.entities {
        let attention: GetAttentionResponse = query(
            client,
            "GetAttention",
            &GetAttentionRequest {
                entity_id: entity.id.clone(),
                granularity: Granularity::Day as i32,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        out.push((
            format!("GetAttention {}", entity.id),
            attention.encode_to_vec(),
        ));
    }
    let facts: ListFactsResponse = query(
        client,
        "ListFacts",
        &ListFactsRequest {
            page_size: 1000,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut doc_ids: Vec<String> = facts
        .facts
        .iter()
        .filter_map(|f| f.provenance.as_ref().map(|p| p.doc_id.clone()))
        .collect();
    doc_ids.dedup();
    out.push(("ListFacts".to_string(), facts.encode_to_vec()));
    for doc_id in doc_ids {
        let doc: GetDocumentResponse = query(
            client,
            "GetDocument",
            &GetDocumentRequest {
                doc_id: doc_id.clone(),
                include_body: true,
            },
        )
        .await
        .unwrap();
        out.push((format!("GetDocument {doc_id}"), doc.encode_to_vec()));
    }
    out
}

/// Asserts two snapshots are equal, naming the first differing answer.
pub fn assert_same(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) {
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(a),
        names(b),
        "the two states answer different queries"
    );
    for ((name, x), (_, y)) in a.iter().zip(b) {
        assert!(x == y, "{name} differs");
    }
}
