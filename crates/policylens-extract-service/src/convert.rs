//! Engine facts (`policylens_extract::Fact`) to wire facts (`policylens_proto::Fact`): ids,
//! provenance, the string qualifiers, statuses and directions mapped onto the proto enums, and
//! quantity ranges split into `value` and `high`.

use policylens_extract::{Fact, FactKind, Value};
use policylens_proto as proto;
use policylens_proto::fact::Kind;

/// Converts one document's facts, in order; fact ids are `<doc_id>/<index>`.
pub fn facts(doc_id: &str, facts: &[Fact]) -> Vec<proto::Fact> {
    facts
        .iter()
        .enumerate()
        .map(|(index, fact)| self::fact(doc_id, index, fact))
        .collect()
}

/// Converts one fact at `index` in its document's bundle.
pub fn fact(doc_id: &str, index: usize, fact: &Fact) -> proto::Fact {
    proto::Fact {
        id: format!("{doc_id}/{index}"),
        provenance: Some(proto::Provenance {
            doc_id: doc_id.to_string(),
            start: offset(fact.start),
            end: offset(fact.end),
            text: fact.text.clone(),
            sentence: fact.sentence.clone(),
        }),
        kind: Some(kind(&fact.kind)),
    }
}

/// Char offsets fit in u32 for any document a stream accepts; saturate rather than wrap.
fn offset(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn kind(kind: &FactKind) -> Kind {
    match kind {
        FactKind::Quantity {
            value,
            unit,
            qualifier: q,
            direction: d,
        } => {
            let (value, high) = match *value {
                Value::Single(v) => (v, None),
                Value::Range([low, high]) => (low, Some(high)),
            };
            Kind::Quantity(proto::Quantity {
                value,
                high,
                unit: unit.clone(),
                qualifier: qualifier(q) as i32,
                direction: direction(d) as i32,
            })
        }
        FactKind::Indicator {
            metric,
            jurisdiction,
            value,
            unit,
            qualifier: q,
            period,
            status: s,
        } => Kind::Indicator(proto::Indicator {
            metric: metric.clone(),
            jurisdiction: jurisdiction.clone(),
            value: *value,
            unit: unit.clone(),
            qualifier: qualifier(q) as i32,
            period: period.clone(),
            status: status(s) as i32,
        }),
        FactKind::Actor { name, role, org } => Kind::Actor(proto::Actor {
            name: name.clone(),
            role: role.clone(),
            org: org.clone(),
        }),
        FactKind::Organization { name } => {
            Kind::Organization(proto::Organization { name: name.clone() })
        }
        FactKind::Initiative { name } => Kind::Initiative(proto::Initiative { name: name.clone() }),
        FactKind::Sector { name } => Kind::Sector(proto::Sector { name: name.clone() }),
        FactKind::Quote { speaker, quote } => Kind::Quote(proto::Quote {
            speaker: speaker.clone(),
            text: quote.clone(),
        }),
    }
}

/// `exact`, `over`, `at_least`, `under`, `at_most`, `nearly`, `about`; anything else is
/// unspecified.
pub fn qualifier(text: &str) -> proto::Qualifier {
    match text {
        "exact" => proto::Qualifier::Exact,
        "over" => proto::Qualifier::Over,
        "at_least" => proto::Qualifier::AtLeast,
        "under" => proto::Qualifier::Under,
        "at_most" => proto::Qualifier::AtMost,
        "nearly" => proto::Qualifier::Nearly,
        "about" => proto::Qualifier::About,
        _ => proto::Qualifier::Unspecified,
    }
}

/// `observed`, `projected`, `target`; anything else is unspecified.
pub fn status(text: &str) -> proto::Status {
    match text {
        "observed" => proto::Status::Observed,
        "projected" => proto::Status::Projected,
        "target" => proto::Status::Target,
        _ => proto::Status::Unspecified,
    }
}

/// `up`, `down`; empty (or anything else) is unspecified.
pub fn direction(text: &str) -> proto::Direction {
    match text {
        "up" => proto::Direction::Up,
        "down" => proto::Direction::Down,
        _ => proto::Direction::Unspecified,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine_fact(kind: FactKind) -> Fact {
        Fact {
            kind,
            start: 4,
            end: 13,
            text: "7.6 percent".to_string(),
            sentence: "from 7.6 percent in 2014".to_string(),
        }
    }

    #[test]
    fn ids_and_provenance() {
        let converted = facts(
            "doc-1",
            &[
                engine_fact(FactKind::Sector {
                    name: "hydrogen power".into(),
                }),
                engine_fact(FactKind::Initiative {
                    name: "AI Plus".into(),
                }),
            ],
        );
        assert_eq!(converted.len(), 2);
        assert_eq!(converted[0].id, "doc-1/0");
        assert_eq!(converted[1].id, "doc-1/1");
        let provenance = converted[0].provenance.as_ref().unwrap();
        assert_eq!(provenance.doc_id, "doc-1");
        assert_eq!((provenance.start, provenance.end), (4, 13));
        assert_eq!(provenance.text, "7.6 percent");
        assert_eq!(provenance.sentence, "from 7.6 percent in 2014");
        assert_eq!(
            converted[1].kind,
            Some(Kind::Initiative(proto::Initiative {
                name: "AI Plus".into()
            }))
        );
    }

    #[test]
    fn single_quantities() {
        let converted = fact(
            "d",
            0,
            &engine_fact(FactKind::Quantity {
                value: Value::Single(7.6),
                unit: "percent".into(),
                qualifier: "exact".into(),
                direction: String::new(),
            }),
        );
        assert_eq!(
            converted.kind,
            Some(Kind::Quantity(proto::Quantity {
                value: 7.6,
                high: None,
                unit: "percent".into(),
                qualifier: proto::Qualifier::Exact as i32,
                direction: proto::Direction::Unspecified as i32,
            }))
        );
    }

    #[test]
    fn ranges_become_value_and_high() {
        let converted = fact(
            "d",
            0,
            &engine_fact(FactKind::Quantity {
                value: Value::Range([25e9, 30e9]),
                unit: "USD".into(),
                qualifier: "about".into(),
                direction: "up".into(),
            }),
        );
        let Some(Kind::Quantity(quantity)) = converted.kind else {
            panic!("not a quantity: {converted:?}");
        };
        assert_eq!(quantity.value, 25e9);
        assert_eq!(quantity.high, Some(30e9));
        assert_eq!(quantity.qualifier(), proto::Qualifier::About);
        assert_eq!(quantity.direction(), proto::Direction::Up);
    }

    #[test]
    fn indicators() {
        let converted = fact(
            "d",
            0,
            &engine_fact(FactKind::Indicator {
                metric: "GDP share of strategic emerging industries".into(),
                jurisdiction: "China".into(),
                value: 17.0,
                unit: "percent".into(),
                qualifier: "over".into(),
                period: "2025".into(),
                status: "projected".into(),
            }),
        );
        assert_eq!(
            converted.kind,
            Some(Kind::Indicator(proto::Indicator {
                metric: "GDP share of strategic emerging industries".into(),
                jurisdiction: "China".into(),
                value: 17.0,
                unit: "percent".into(),
                qualifier: proto::Qualifier::Over as i32,
                period: "2025".into(),
                status: proto::Status::Projected as i32,
            }))
        );
    }

    #[test]
    fn names_and_quotes() {
        let cases = [
            (
                FactKind::Actor {
                    name: "Li Qiang".into(),
                    role: "Premier".into(),
                    org: String::new(),
                },
                Kind::Actor(proto::Actor {
                    name: "Li Qiang".into(),
                    role: "Premier".into(),
                    org: String::new(),
                }),
            ),
            (
                FactKind::Organization {
                    name: "Hang Seng Bank".into(),
                },
                Kind::Organization(proto::Organization {
                    name: "Hang Seng Bank".into(),
                }),
            ),
            (
                FactKind::Quote {
                    speaker: "Wang Dan".into(),
                    quote: "Technological sovereignty".into(),
                },
                Kind::Quote(proto::Quote {
                    speaker: "Wang Dan".into(),
                    text: "Technological sovereignty".into(),
                }),
            ),
        ];
        for (engine, expected) in cases {
            assert_eq!(fact("d", 0, &engine_fact(engine)).kind, Some(expected));
        }
    }

    #[test]
    fn enum_strings() {
        for (text, expected) in [
            ("exact", proto::Qualifier::Exact),
            ("over", proto::Qualifier::Over),
            ("at_least", proto::Qualifier::AtLeast),
            ("under", proto::Qualifier::Under),
            ("at_most", proto::Qualifier::AtMost),
            ("nearly", proto::Qualifier::Nearly),
            ("about", proto::Qualifier::About),
            ("", proto::Qualifier::Unspecified),
            ("roughly", proto::Qualifier::Unspecified),
        ] {
            assert_eq!(qualifier(text), expected, "{text:?}");
        }
        assert_eq!(status("observed"), proto::Status::Observed);
        assert_eq!(status("target"), proto::Status::Target);
        assert_eq!(status("projected"), proto::Status::Projected);
        assert_eq!(status("maybe"), proto::Status::Unspecified);
        assert_eq!(direction("down"), proto::Direction::Down);
        assert_eq!(direction(""), proto::Direction::Unspecified);
    }

    #[test]
    fn huge_offsets_saturate() {
        assert_eq!(offset(usize::MAX), u32::MAX);
        assert_eq!(offset(12), 12);
    }
}
