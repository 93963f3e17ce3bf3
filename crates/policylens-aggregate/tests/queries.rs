//! Queries over NATS request/reply against a real nats-server: merged series with conflicts and
//! syndicated copies, entities, attention, applied events, ListFacts pagination and errors.

mod common;

use std::collections::BTreeSet;

use common::*;
use futures::StreamExt as _;
use policylens_proto::query::ErrorCode;
use policylens_proto::subjects;
use policylens_proto::v1::*;
use policylens_testkit::NatsServer;
use prost::Message as _;

async fn seed_series(client: &async_nats::Client) -> Series {
    let list: ListSeriesResponse = query(
        client,
        "ListSeries",
        &ListSeriesRequest {
            metric: "GDP share of strategic emerging industries".into(),
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

    let series = seed_series(&client).await;
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
    let series = seed_series(&client).await;
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

#[tokio::test]
async fn list_facts_pages_cover_everything_once_and_bad_requests_are_client_errors() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let aggregate = Aggregate::start(server.url(), dir.path());
    let (client, js) = connect(server.url()).await;
    let docs: Vec<Doc> = (0..40).map(filler).collect();
    for doc in &docs {
        publish(&js, &doc.bundle("1.0.0"), true).await;
    }
    wait_for_doc(&client, "filler-039", "1.0.0").await;
    let all: BTreeSet<String> = docs
        .iter()
        .flat_map(|d| d.facts.iter().map(|f| f.id.clone()))
        .collect();
    assert_eq!(all.len(), 200);

    for order in [FactOrder::Unspecified, FactOrder::Newest, FactOrder::Period] {
        let mut seen = Vec::new();
        let mut token = String::new();
        let mut pages = 0;
        loop {
            let page: ListFactsResponse = query(
                &client,
                "ListFacts",
                &ListFactsRequest {
                    page_size: 7,
                    page_token: token.clone(),
                    order: order as i32,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            assert_eq!(page.total_size, 200);
            assert!(page.facts.len() <= 7);
            seen.extend(page.facts.iter().map(|f| f.id.clone()));
            pages += 1;
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        assert_eq!(pages, 29, "{order:?}");
        let unique: BTreeSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "{order:?}: a fact was repeated");
        assert_eq!(unique, all, "{order:?}: a fact was missed");
    }

    // period order: ascending period starts, facts without a period last
    let page: ListFactsResponse = query(
        &client,
        "ListFacts",
        &ListFactsRequest {
            page_size: 1000,
            order: FactOrder::Period as i32,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let periods: Vec<String> = page
        .facts
        .iter()
        .map(|f| match &f.kind {
            Some(fact::Kind::Indicator(i)) => i.period.replace("-Q1", "-01"),
            _ => "~".to_string(),
        })
        .collect();
    assert!(periods[0].starts_with("1990"));
    assert_eq!(periods.last().unwrap(), "~");

    // filters: kind, doc, text, period range on the period's start
    let filtered: ListFactsResponse = query(
        &client,
        "ListFacts",
        &ListFactsRequest {
            kind: FactKind::Indicator as i32,
            period_from: "2003-Q2".into(),
            period_to: "2003-Q3".into(),
            text: "EXPORTS GREW".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // fillers 13 and 33: "2003-Q2"; 3 and 23 are 2003-Q4
    assert_eq!(filtered.total_size, 2, "{filtered:#?}");
    // every index path (full scan, period range, per-document and per-entity candidates) gives
    // the same facts in every order, page after page
    let shapes = [
        ListFactsRequest {
            period_from: "1995".into(),
            period_to: "2003-Q3".into(),
            ..Default::default()
        },
        ListFactsRequest {
            period_to: "1994".into(),
            kind: FactKind::Indicator as i32,
            ..Default::default()
        },
        ListFactsRequest {
            entity: "Taro Person3".into(),
            ..Default::default()
        },
        ListFactsRequest {
            entity: "STEEL OUTPUT GROWTH".into(),
            period_from: "2000".into(),
            ..Default::default()
        },
        ListFactsRequest {
            doc_id: "filler-011".into(),
            text: "steel".into(),
            ..Default::default()
        },
    ];
    for shape in shapes {
        let mut sets = Vec::new();
        for order in [FactOrder::Document, FactOrder::Newest, FactOrder::Period] {
            let mut ids = BTreeSet::new();
            let mut token = String::new();
            let mut total;
            loop {
                let page: ListFactsResponse = query(
                    &client,
                    "ListFacts",
                    &ListFactsRequest {
                        page_size: 3,
                        page_token: token.clone(),
                        order: order as i32,
                        ..shape.clone()
                    },
                )
                .await
                .unwrap();
                total = page.total_size;
                for fact in page.facts {
                    assert!(ids.insert(fact.id), "{shape:?} {order:?}: repeated");
                }
                token = page.next_page_token;
                if token.is_empty() {
                    break;
                }
            }
            assert_eq!(total as usize, ids.len(), "{shape:?} {order:?}");
            sets.push(ids);
        }
        assert!(!sets[0].is_empty(), "{shape:?} matches nothing");
        assert_eq!(sets[0], sets[1], "{shape:?}");
        assert_eq!(sets[0], sets[2], "{shape:?}");
    }
    let one_doc: ListFactsResponse = query(
        &client,
        "ListFacts",
        &ListFactsRequest {
            doc_id: "filler-007".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(one_doc.total_size, 5);

    // client mistakes
    for request in [
        ListFactsRequest {
            page_size: 1001,
            ..Default::default()
        },
        ListFactsRequest {
            page_size: -1,
            ..Default::default()
        },
        ListFactsRequest {
            page_token: "garbage".into(),
            ..Default::default()
        },
        ListFactsRequest {
            page_token: hex("facts.3\u{1f}x\u{1f}y\u{1f}1"),
            order: FactOrder::Newest as i32,
            ..Default::default()
        },
        ListFactsRequest {
            period_from: "someday".into(),
            ..Default::default()
        },
    ] {
        let error = query::<_, ListFactsResponse>(&client, "ListFacts", &request)
            .await
            .unwrap_err();
        assert_eq!(
            error.0,
            ErrorCode::InvalidArgument,
            "{request:?}: {error:?}"
        );
    }
    let missing = query::<_, GetDocumentResponse>(
        &client,
        "GetDocument",
        &GetDocumentRequest {
            doc_id: "nope".into(),
            include_body: false,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(missing.0, ErrorCode::NotFound);
    let missing = query::<_, Series>(&client, "GetSeries", &GetSeriesRequest { id: "s-0".into() })
        .await
        .unwrap_err();
    assert_eq!(missing.0, ErrorCode::NotFound);
    let bad_date = query::<_, GetAttentionResponse>(
        &client,
        "GetAttention",
        &GetAttentionRequest {
            entity_id: "e-x".into(),
            from: "2005/01/01".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(bad_date.0, ErrorCode::InvalidArgument);
    for (subject, payload) in [
        ("ListSeries", vec![0xff, 0xff, 0xff]),
        ("NoSuchMethod", Vec::new()),
    ] {
        let reply = client
            .request(subjects::query_subject(subject), payload.into())
            .await
            .unwrap();
        let code = reply
            .headers
            .as_ref()
            .unwrap()
            .get(subjects::HEADER_ERROR)
            .unwrap();
        assert_eq!(code.as_str(), "invalid_argument", "{subject}");
    }

    // entities paginate by document count, then name
    let mut token = String::new();
    let mut names = Vec::new();
    loop {
        let page: ListEntitiesResponse = query(
            &client,
            "ListEntities",
            &ListEntitiesRequest {
                page_size: 2,
                page_token: token.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        names.extend(
            page.entities
                .iter()
                .map(|e| (e.document_count, e.name.clone())),
        );
        token = page.next_page_token;
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(names.len(), 7, "{names:?}");
    assert_eq!(names[0], (40, "Bank of Japan".to_string()));
    assert_eq!(names[1], (40, "steel".to_string()));
    assert!(names.windows(2).all(|w| w[0].0 >= w[1].0));

    aggregate.stop().await;
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}
