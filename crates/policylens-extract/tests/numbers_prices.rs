//! Data-driven cases for prices per unit, metric synonyms and company anaphora: each row is a
//! text and the (metric, value, unit) its indicator facts must include, or a metric they must
//! not carry.

mod common;

use policylens_extract::FactKind;

/// (metric, value, unit) of the indicator facts of `text`.
fn indicators(text: &str, date: Option<&str>) -> Vec<(String, f64, String)> {
    common::facts(text, date)
        .into_iter()
        .filter_map(|f| match f.kind {
            FactKind::Indicator {
                metric,
                value,
                unit,
                ..
            } => Some((metric, value, unit)),
            _ => None,
        })
        .collect()
}

/// A failure line when no indicator of `text` has `expected`'s metric, value and unit.
fn check(text: &str, expected: (&str, f64, &str)) -> Option<String> {
    let found = indicators(text, Some("1987-03-13"));
    let (metric, value, unit) = expected;
    let hit = found
        .iter()
        .any(|(m, v, u)| m == metric && (v - value).abs() < 1e-9 && u == unit);
    (!hit).then(|| format!("{text:?}: expected {expected:?}, found {found:?}"))
}

const CASES: &[(&str, (&str, f64, &str))] = &[
    // prices per unit: the unit folds "a"/"per", cents are a hundredth of a dollar
    (
        "Opec raised its reference price to 18 dlrs a barrel in 1986.",
        ("Opec reference price", 18.0, "USD per barrel"),
    ),
    (
        "Wheat prices rose to 5.30 dlrs per bushel in 1986.",
        ("Wheat prices", 5.3, "USD per bushel"),
    ),
    (
        "The average copper price was 65 cents a lb in 1986.",
        ("average copper price", 0.65, "USD per lb"),
    ),
    (
        "The company paid a dividend of 2.50 pounds a share in 1986.",
        ("dividend", 2.5, "GBP per share"),
    ),
    // synonyms keep their owner
    (
        "The US trade gap widened to 15.1 billion dlrs in 1986.",
        ("US trade deficit", 15.1e9, "USD"),
    ),
    (
        "The gap between US exports and imports hit 170 billion dlrs in 1986.",
        ("US trade deficit", 170e9, "USD"),
    ),
    (
        "The trade deficit was 24.4% above the previous record - 1985's imbalance of $148.5bn.",
        ("trade deficit", 148.5e9, "USD"),
    ),
    // "the group's" is the organisation named before
    (
        "Xiamen International Bank reported a net profit of 14 mln dlrs in 1986. \
         The manager said the group's outstanding loans totalled 620 mln dlrs in 1986.",
        ("Xiamen International Bank outstanding loans", 620e6, "USD"),
    ),
    // "The group had earnings": the subject is the organisation named before
    (
        "A stake in finance company BAII Holdings SA was sold, a spokesman said. \
         The group had earnings of 15.4 mln dlrs in 1985.",
        ("BAII Holdings SA earnings", 15.4e6, "USD"),
    ),
];

/// Metrics the rules must leave alone: unrelated words stay distinct.
const UNCHANGED: &[(&str, &str)] = &[
    (
        "Industrial output rose to 5.2 mln tonnes in 1986.",
        "output",
    ),
    (
        "Sugar production fell to 4.8 mln tonnes in 1986.",
        "production",
    ),
];

#[test]
fn prices_synonyms_and_companies() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|&(text, expected)| check(text, expected))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn distinct_measures_stay_distinct() {
    for &(text, word) in UNCHANGED {
        let found = indicators(text, None);
        assert!(
            found.iter().any(|(m, _, _)| m.contains(word)),
            "{text:?}: expected a metric with {word:?}, found {found:?}"
        );
    }
}
