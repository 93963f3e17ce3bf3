//! Queries over NATS request/reply against a real nats-server: merged series with conflicts and
//! syndicated copies, entities, attention, applied events.

mod common;

use common::*;
use futures::StreamExt as _;
use policylens_proto::subjects;
use policylens_proto::v1::*;
use policylens_testkit::NatsServer;
use prost::Message as _;

fn point<'a>(series: &'a Series, period: &str, status: Status) -> &'a SeriesPoint {
    series
        .points
        .iter()
        .find(|p| p.period == period && p.status == status as i32)
        .unwrap_or_else(|| panic!("no point {period} {status:?} in {series:#?}"))
}

#[tokio::test]
async fn phrasings_merge_into_one_series_with_conflicts_and_syndicated_copies() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let aggregate = Aggregate::start(server.url(), dir.path());
    let (client, js) = connect(server.url()).await;
    let mut events = client.subscribe(subjects::EVENTS_APPLIED).await.unwrap();

    let seq = publish(&js, &seed().bundle("0.1.0"), true).await;
    publish(&js, &second_source().bundle("0.1.0"), true).await;
    publish(&js, &syndicated_copy().bundle("0.1.0"), true).await;
    wait_for_doc(&client, "china-innovation-drive-2024", "0.1.0").await;
    wait_for_doc(&client, "sei-share-2024", "0.1.0").await;
    wait_for_doc(&client, "syndicated-innovation-drive", "0.1.0").await;

    // the first applied event is the seed's, with its series
    let event = tokio::time::timeout(WAIT, events.next())
        .await
        .unwrap()
        .unwrap();
    let event = AppliedEvent::decode(event.payload).unwrap();
    assert_eq!(event.facts_seq, seq);
    assert_eq!(
        event.document.unwrap().doc_id,
        "china-innovation-drive-2024"
    );
    assert_eq!(event.facts.len(), seed().facts.len());
    assert_eq!(event.series_ids.len(), 1);

    let series = seed_series(&client, "GDP share of strategic emerging industries").await;
    assert_eq!(series.id, event.series_ids[0]);
    assert_eq!(series.jurisdiction, "China");
    assert_eq!(series.unit, "percent");
    assert_eq!(series.point_count, 3);
    assert!(
        series
            .surface_forms
            .contains(&"GDP share of strategic emerging industries".into())
    );
    assert!(
        series
            .surface_forms
            .contains(&"strategic emerging industries accounted for 13.4% of China's GDP".into())
    );
    // the syndicated copy is not an independent source
    assert_eq!(series.source_count, 2, "{series:#?}");
    assert!(
        !series.has_conflicts,
        "13.4 satisfies 'over 13': {series:#?}"
    );

    let p2014 = point(&series, "2014", Status::Observed);
    assert_eq!(
        (p2014.value, p2014.qualifier),
        (7.6, Qualifier::Exact as i32)
    );
    let p2025 = point(&series, "2025", Status::Projected);
    assert_eq!(
        (p2025.value, p2025.qualifier),
        (17.0, Qualifier::Over as i32)
    );
    let p2022 = point(&series, "2022", Status::Observed);
    assert!(!p2022.conflict);
    assert_eq!(p2022.claims.len(), 2);
    // tie on independent sources → the earliest: the seed's "over 13"
    assert_eq!(
        (p2022.value, p2022.qualifier),
        (13.0, Qualifier::Over as i32)
    );
    let over = &p2022.claims[0];
    assert_eq!(over.sources.len(), 2);
    assert_eq!(over.sources[0].doc_id, "china-innovation-drive-2024");
    assert_eq!(over.sources[0].sentence, SEED_2022);
    assert_eq!(over.sources[0].duplicate_of, "");
    assert_eq!(over.sources[1].doc_id, "syndicated-innovation-drive");
    assert_eq!(over.sources[1].duplicate_of, "china-innovation-drive-2024");
    assert_eq!(p2022.claims[1].value, 13.4);
    assert_eq!(p2022.claims[1].sources[0].doc_id, "sei-share-2024");

    // a third, incompatible source → conflict with both values and their sources
    publish(&js, &conflicting_source().bundle("0.1.0"), true).await;
    wait_for_doc(&client, "sei-doubts-2024", "0.1.0").await;
    let series = seed_series(&client, "GDP share of strategic emerging industries").await;
    assert!(series.has_conflicts);
    assert_eq!(series.source_count, 3);
    assert_eq!(series.surface_forms.len(), 3);
    let p2022 = point(&series, "2022", Status::Observed);
    assert!(p2022.conflict);
    let values: Vec<f64> = p2022.claims.iter().map(|c| c.value).collect();
    assert_eq!(values, vec![13.0, 13.4, 11.2]);
    assert_eq!(p2022.claims[2].sources[0].doc_id, "sei-doubts-2024");
    let conflicted: ListSeriesResponse = query(
        &client,
        "ListSeries",
        &ListSeriesRequest {
            has_conflicts: true,
            jurisdiction: "chinese".into(),
            unit: "%".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(conflicted.total_size, 1);
    assert_eq!(conflicted.series[0].id, series.id);

    // entities: Premier Li Qiang / Li Qiang / Li are one actor; NBS is the bureau
    let actors: ListEntitiesResponse = query(
        &client,
        "ListEntities",
        &ListEntitiesRequest {
            kind: EntityKind::Actor as i32,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let names: Vec<&str> = actors.entities.iter().map(|e| e.name.as_str()).collect();
    // most documents first: Wang Dan is in the seed, its copy and the third source
    assert_eq!(
        names,
        vec!["Wang Dan", "Li Qiang", "Yin Hejun"],
        "{actors:#?}"
    );
    assert_eq!(actors.entities[0].document_count, 3);
    assert_eq!(actors.entities[0].roles, vec!["economist".to_string()]);
    let li = &actors.entities[1];
    assert_eq!(li.document_count, 2);
    assert_eq!(li.mention_count, 4);
    assert_eq!(li.roles, vec!["Premier".to_string()]);
    assert!(li.aliases.contains(&"Premier Li Qiang".to_string()));
    assert!(li.aliases.contains(&"Li".to_string()));
    let orgs: ListEntitiesResponse = query(
        &client,
        "ListEntities",
        &ListEntitiesRequest {
            kind: EntityKind::Organization as i32,
            name_prefix: "nb".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(orgs.total_size, 1);
    assert_eq!(orgs.entities[0].name, "National Bureau of Statistics");
    assert_eq!(orgs.entities[0].document_count, 3);

    // attention by document date, with co-mentions of other kinds
    let attention: GetAttentionResponse = query(
        &client,
        "GetAttention",
        &GetAttentionRequest {
            entity_id: li.id.clone(),
            granularity: Granularity::Week as i32,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let buckets: Vec<(&str, u32)> = attention
        .buckets
        .iter()
        .map(|b| (b.period.as_str(), b.documents))
        .collect();
    assert_eq!(buckets, vec![("2024-W10", 2)]);
    let co: Vec<(&str, u32)> = attention
        .co_mentions
        .iter()
        .map(|c| (c.entity.as_ref().unwrap().name.as_str(), c.documents))
        .collect();
    assert!(co.contains(&("artificial intelligence", 2)), "{co:?}");
    assert!(co.contains(&("Made in China 2025", 2)), "{co:?}");
    assert!(
        !co.iter().any(|(n, _)| *n == "Wang Dan"),
        "same kind is not a co-mention"
    );
    let sector = attention
        .co_mentions
        .iter()
        .find(|c| c.entity.as_ref().unwrap().name == "artificial intelligence")
        .unwrap();
    let monthly: GetAttentionResponse = query(
        &client,
        "GetAttention",
        &GetAttentionRequest {
            entity_id: sector.entity.as_ref().unwrap().id.clone(),
            from: "2024-03-06".into(),
            to: "2024-12-31".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let buckets: Vec<(&str, u32)> = monthly
        .buckets
        .iter()
        .map(|b| (b.period.as_str(), b.documents))
        .collect();
    assert_eq!(buckets, vec![("2024-03", 1), ("2024-04", 1)]);

    // ListFacts by entity alias and by metric
    let by_alias: ListFactsResponse = query(
        &client,
        "ListFacts",
        &ListFactsRequest {
            entity: "nbs".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_alias.total_size, 5, "{by_alias:#?}");
    let by_period: ListFactsResponse = query(
        &client,
        "ListFacts",
        &ListFactsRequest {
            kind: FactKind::Indicator as i32,
            period_from: "2022".into(),
            period_to: "2022".into(),
            order: FactOrder::Newest as i32,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let docs: Vec<&str> = by_period
        .facts
        .iter()
        .map(|f| f.provenance.as_ref().unwrap().doc_id.as_str())
        .collect();
    assert_eq!(
        docs,
        vec![
            "sei-doubts-2024",
            "sei-share-2024",
            "syndicated-innovation-drive",
            "china-innovation-drive-2024"
        ]
    );

    aggregate.stop().await;
}
