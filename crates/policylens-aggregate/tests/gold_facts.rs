//! The fold over real annotated facts: the dev set's gold facts (`../shared/eval/dev`), turned into
//! fact bundles, give the expected merged series and entities, and the same answers whatever
//! order the documents arrive in.

use std::collections::BTreeMap;

use policylens_aggregate::query;
use policylens_aggregate::state::State;
use policylens_proto::v1::*;
use prost::Message as _;
use serde_json::Value;

fn qualifier(text: &str) -> Qualifier {
    match text {
        "over" => Qualifier::Over,
        "at_least" => Qualifier::AtLeast,
        "under" => Qualifier::Under,
        "at_most" => Qualifier::AtMost,
        "nearly" => Qualifier::Nearly,
        "about" => Qualifier::About,
        _ => Qualifier::Exact,
    }
}

fn status(text: &str) -> Status {
    match text {
        "projected" => Status::Projected,
        "target" => Status::Target,
        _ => Status::Observed,
    }
}

fn text(fact: &Value, field: &str) -> String {
    fact.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// One bundle per gold document, dated by the dev envelopes' `published_at`.
fn gold_bundles() -> Vec<FactBundle> {
    let dev = policylens_testkit::shared_dir().join("eval/dev");
    let mut dates = BTreeMap::new();
    for line in std::fs::read_to_string(dev.join("docs.jsonl"))
        .unwrap()
        .lines()
    {
        let envelope: Value = serde_json::from_str(line).unwrap();
        dates.insert(text(&envelope, "id"), text(&envelope, "published_at"));
    }
    let mut bundles = Vec::new();
    for line in std::fs::read_to_string(dev.join("gold.jsonl"))
        .unwrap()
        .lines()
    {
        let gold: Value = serde_json::from_str(line).unwrap();
        let doc_id = text(&gold, "doc");
        let mut facts = Vec::new();
        for fact in gold["facts"].as_array().unwrap() {
            let kind = match fact["kind"].as_str().unwrap() {
                "indicator" => fact::Kind::Indicator(Indicator {
                    metric: text(fact, "metric"),
                    jurisdiction: text(fact, "jurisdiction"),
                    value: fact["value"].as_f64().unwrap(),
                    unit: text(fact, "unit"),
                    qualifier: qualifier(&text(fact, "qualifier")) as i32,
                    period: text(fact, "period"),
                    status: status(&text(fact, "status")) as i32,
                }),
                "actor" => fact::Kind::Actor(Actor {
                    name: text(fact, "name"),
                    role: text(fact, "role"),
                    org: text(fact, "org"),
                }),
                "organization" => fact::Kind::Organization(Organization {
                    name: text(fact, "name"),
                }),
                "initiative" => fact::Kind::Initiative(Initiative {
                    name: text(fact, "name"),
                }),
                "sector" => fact::Kind::Sector(Sector {
                    name: text(fact, "name"),
                }),
                _ => continue,
            };
            facts.push(Fact {
                id: format!("{doc_id}/{}", facts.len()),
                provenance: Some(Provenance {
                    doc_id: doc_id.clone(),
                    ..Default::default()
                }),
                kind: Some(kind),
            });
        }
        bundles.push(FactBundle {
            document: Some(Document {
                published_at: dates.get(&doc_id).cloned().unwrap_or_default(),
                content_hash: format!("hash-{doc_id}"),
                doc_id,
                ..Default::default()
            }),
            extractor_version: "1.0.0".to_string(),
            facts,
        });
    }
    assert_eq!(bundles.len(), 12);
    bundles
}

fn fold(bundles: impl IntoIterator<Item = FactBundle>) -> State {
    let mut state = State::default();
    for bundle in bundles {
        let hash = *blake3::hash(&bundle.encode_to_vec()).as_bytes();
        state.apply(bundle, hash);
    }
    state
}

fn series(state: &State, metric: &str, jurisdiction: &str) -> Vec<Series> {
    let list = query::list_series(
        ListSeriesRequest {
            metric: metric.into(),
            jurisdiction: jurisdiction.into(),
            page_size: 1000,
            ..Default::default()
        },
        state,
    )
    .unwrap();
    list.series
        .iter()
        .map(|s| query::get_series(GetSeriesRequest { id: s.id.clone() }, state).unwrap())
        .collect()
}

fn points(series: &Series) -> Vec<(String, Status, f64)> {
    series
        .points
        .iter()
        .map(|p| {
            (
                p.period.clone(),
                Status::try_from(p.status).unwrap(),
                p.value,
            )
        })
        .collect()
}

#[test]
fn gold_facts_fold_into_the_expected_series_and_entities() {
    let state = fold(gold_bundles());

    let seed = series(&state, "strategic emerging", "");
    assert_eq!(seed.len(), 1);
    assert_eq!(seed[0].jurisdiction, "China");
    assert_eq!(
        points(&seed[0]),
        vec![
            ("2014".into(), Status::Observed, 7.6),
            ("2022".into(), Status::Observed, 13.0),
            ("2025".into(), Status::Projected, 17.0),
        ]
    );

    let cotton = series(&state, "cotton output", "China");
    assert_eq!(cotton.len(), 1, "{cotton:#?}");
    assert_eq!(cotton[0].unit, "tonnes");
    let periods: Vec<(String, Status)> = points(&cotton[0])
        .into_iter()
        .map(|(p, s, _)| (p, s))
        .collect();
    assert_eq!(
        periods,
        vec![
            ("1984".into(), Status::Observed),
            ("1985".into(), Status::Observed),
            ("1986".into(), Status::Observed),
            ("1987".into(), Status::Target),
        ]
    );

    // "US trade deficit" in dollars: 2003 and 2004, without the deficit with China or the growth
    let deficits = series(&state, "US trade deficit", "United States");
    let level = deficits
        .iter()
        .find(|s| s.metric == "US trade deficit")
        .expect("the US trade deficit series");
    assert_eq!(level.unit, "USD");
    assert_eq!(
        points(level),
        vec![
            ("2003".into(), Status::Observed, 496.5e9),
            ("2004".into(), Status::Observed, 671.7e9),
        ]
    );
    let names: Vec<&str> = deficits.iter().map(|s| s.metric.as_str()).collect();
    assert!(names.contains(&"US trade deficit with China"), "{names:?}");
    assert!(names.contains(&"US trade deficit growth"), "{names:?}");

    // metrics naming other jurisdictions are not merged by stripping them
    let venezuela = series(&state, "oil output sold", "Venezuela");
    assert_eq!(venezuela.len(), 1);
    assert!(venezuela[0].surface_forms[0].contains("United States"));

    let li = query::list_entities(
        ListEntitiesRequest {
            kind: EntityKind::Actor as i32,
            name_prefix: "li q".into(),
            ..Default::default()
        },
        &state,
    )
    .unwrap();
    assert_eq!(li.entities.len(), 1);
    assert_eq!(li.entities[0].roles, vec!["Premier".to_string()]);
}

/// Every answer about series and entities, encoded.
fn answers(state: &State) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let list = query::list_series(
        ListSeriesRequest {
            page_size: 1000,
            ..Default::default()
        },
        state,
    )
    .unwrap();
    out.push(list.encode_to_vec());
    for s in &list.series {
        let full = query::get_series(GetSeriesRequest { id: s.id.clone() }, state).unwrap();
        out.push(full.encode_to_vec());
    }
    let entities = query::list_entities(
        ListEntitiesRequest {
            page_size: 1000,
            ..Default::default()
        },
        state,
    )
    .unwrap();
    out.push(entities.encode_to_vec());
    for e in &entities.entities {
        let attention = query::get_attention(
            GetAttentionRequest {
                entity_id: e.id.clone(),
                granularity: Granularity::Day as i32,
                ..Default::default()
            },
            state,
        )
        .unwrap();
        out.push(attention.encode_to_vec());
    }
    let facts = query::list_facts(
        ListFactsRequest {
            page_size: 1000,
            order: FactOrder::Period as i32,
            ..Default::default()
        },
        state,
    )
    .unwrap();
    out.push(facts.encode_to_vec());
    out
}

#[test]
fn answers_do_not_depend_on_arrival_order() {
    let bundles = gold_bundles();
    let forward = fold(bundles.clone());
    let reverse = fold(bundles.iter().rev().cloned());
    let mut shuffled = bundles.clone();
    shuffled.rotate_left(5);
    shuffled.swap(0, 3);
    let shuffled = fold(shuffled);
    // a replaced document ends where a fresh fold does
    let mut replaced = fold(bundles.clone());
    for bundle in &bundles {
        let mut newer = bundle.clone();
        newer.extractor_version = "1.1.0".into();
        let hash = *blake3::hash(&newer.encode_to_vec()).as_bytes();
        replaced.apply(newer, hash);
    }
    let expected = answers(&forward);
    assert!(expected == answers(&reverse), "reverse order differs");
    assert!(expected == answers(&shuffled), "shuffled order differs");
    assert!(
        expected == answers(&replaced),
        "re-extraction differs from a fresh fold"
    );
}
