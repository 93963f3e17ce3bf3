//! ListFacts and ListEntities pagination over NATS request/reply (every page path, every order,
//! no repeats, no misses), filters, and client mistakes answered as `invalid_argument` or
//! `not_found`.

mod common;

use std::collections::BTreeSet;

use common::*;
use policylens_proto::query::ErrorCode;
use policylens_proto::subjects;
use policylens_proto::v1::*;
use policylens_testkit::NatsServer;

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
