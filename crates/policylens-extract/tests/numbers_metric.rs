//! Data-driven cases for metric phrases on unseen text: each row is a sentence and the metric
//! its first indicator must carry (or `None` when no measurable noun phrase can be found and the
//! figure stays a bare quantity).

mod common;

use policylens_extract::FactKind;

/// The metrics of the indicator facts of `text`.
fn metrics(text: &str, date: Option<&str>) -> Vec<String> {
    common::facts(text, date)
        .into_iter()
        .filter_map(|f| match f.kind {
            FactKind::Indicator { metric, .. } => Some(metric),
            _ => None,
        })
        .collect()
}

/// A failure line when the first metric of `text` is not `expected`.
fn check(text: &str, expected: Option<&str>) -> Option<String> {
    let found = metrics(text, None);
    (found.first().map(String::as_str) != expected)
        .then(|| format!("{text:?}: expected {expected:?}, found {found:?}"))
}

const CASES: &[(&str, Option<&str>)] = &[
    // a verb inside the walked phrase: the measure is its object
    (
        "In 2005 the economy is forecast to slow, implying GDP growth of 2.9%.",
        Some("GDP growth"),
    ),
    (
        "The firm plans to lift its dividend payment to 70 euros in 2004.",
        Some("dividend payment"),
    ),
    (
        "Nestle forecasts organic earnings growth of 5% in 2005.",
        Some("Nestle organic earnings growth"),
    ),
    // a participle that is no verb stays: "operating", "generating", "outstanding"
    (
        "Operating profits fell 46% to 1.6bn euros in 2003.",
        Some("Operating profits decline"),
    ),
    (
        "China's generating capacity rose 12.6% in 2004.",
        Some("China's generating capacity growth"),
    ),
    // leading conjunctions and adverbs go
    (
        "In 2003 house prices rose and mortgage lending grew by 4%.",
        Some("mortgage lending growth"),
    ),
    // a trailing time phrase goes
    (
        "Pre-tax earnings in the fourth quarter of 2003 were 77m euros.",
        Some("Pre-tax earnings"),
    ),
    (
        "The cumulative deficit for the first eleven months of 2004 was £36.3bn.",
        Some("cumulative deficit"),
    ),
    (
        "China's exports at a six-year high rose 35% in 2004.",
        Some("China's exports growth"),
    ),
    // an adjective of the figure itself: the subject is further left
    (
        "China's economy has expanded by a breakneck 9.5% during 2004.",
        Some("China's economy growth"),
    ),
    // no measurable head: the figure is no indicator
    (
        "Brent crude also rose in London trading in 2004, adding $1.89 at the close.",
        None,
    ),
    ("In 2003, the US was ahead with 20.5%.", None),
    (
        "The data for the first six months of 2005 showed 60%.",
        None,
    ),
    // a named body or place only: dropped, unless a verb or a count names the measure
    (
        "China accounted for 20.1% of Japan's trade in 2004.",
        Some("China share of Japan's trade"),
    ),
    // a change noun after a premodifying figure: the change of what follows "in"
    (
        "In 2003, Barclays reported a 20% rise in pre-tax profits to £3.8bn.",
        Some("Barclays pre-tax profits growth"),
    ),
    (
        "In 1987 the State Council has spent one billion yuan on irrigation.",
        Some("State Council spending"),
    ),
    (
        "For the whole of 2004, GM earned $3.7bn.",
        Some("GM earnings"),
    ),
    (
        "In 1987 China has 521 sugar mills.",
        Some("China sugar mills"),
    ),
    // a body is no measure
    ("In 2004 the Swiss firm paid $2bn.", None),
    // an infinitive after "has to" is no metric
    (
        "In 1987 China has to feed one quarter of the world's population.",
        None,
    ),
    // a dashed aside between subject and figure
    (
        "Growth in industrial output - the main target of government efforts to impose curbs on \
         credit and investments - was 11.5% in 2004.",
        Some("Growth in industrial output"),
    ),
    // "it" opening a sentence stands for the one metric the sentence before stated
    (
        "Inflation rose to 2.3% in December 2004. It was 2.1% in November 2004.",
        Some("Inflation"),
    ),
    // a comparison is no part of the measure
    (
        "In 2004 Renault sales rose 4% more than rivals.",
        Some("Renault sales growth"),
    ),
];

#[test]
fn metrics_are_noun_phrases() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|(text, expected)| check(text, *expected))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Periods of the indicator facts of `text` as `value period status`.
fn periods(text: &str) -> Vec<String> {
    common::facts(text, None)
        .into_iter()
        .filter_map(|f| match f.kind {
            FactKind::Indicator {
                value,
                period,
                status,
                ..
            } => Some(format!("{value} {period} {status}")),
            _ => None,
        })
        .collect()
}

#[test]
fn it_takes_the_previous_metric_only_when_safe() {
    let found = metrics(
        "Inflation rose to 2.3% in December 2004. It was 2.1% in November 2004.",
        None,
    );
    assert_eq!(found, ["Inflation", "Inflation"]);
    // two metrics before: "it" is left unresolved
    let found = metrics("Sales rose 5% to $10bn in 2004. It was 2.1% in 2003.", None);
    assert!(!found.iter().any(|m| m.contains("2.1")), "{found:?}");
    assert_eq!(found.len(), 2, "{found:?}");
    // a different unit: no
    let found = metrics("Inflation rose to 2.3% in 2004. It was $5bn in 2004.", None);
    assert_eq!(found, ["Inflation"]);
}

#[test]
fn a_change_target_takes_the_story_period_not_its_base_period() {
    let text = "The report sees EC imports falling to 91.7 mln tonnes in 2000 from 123.6 mln in \
                1985. Imports to South East Asia are seen rising to 58.6 mln from 32.6 mln \
                tonnes in 1985.";
    let found = periods(text);
    assert!(
        found.contains(&"58600000 2000 projected".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"32600000 1985 observed".to_string()),
        "{found:?}"
    );
}
