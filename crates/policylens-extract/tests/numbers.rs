//! Data-driven cases for the numeric half of the engine, through the public extractor: the
//! quantity and indicator facts of small texts, including every peer failure of issue 3.

mod common;

use policylens_extract::{FactKind, Value};

/// Indicator facts of `text` as `metric | value unit qualifier period status`.
fn indicators(text: &str, date: Option<&str>) -> Vec<String> {
    common::facts(text, date)
        .into_iter()
        .filter_map(|f| match f.kind {
            FactKind::Indicator {
                metric,
                value,
                unit,
                qualifier,
                period,
                status,
                ..
            } => Some(format!(
                "{metric} | {value} {unit} {qualifier} {period} {status}"
            )),
            _ => None,
        })
        .collect()
}

/// Quantity facts of `text` as `value unit qualifier direction`.
fn quantities(text: &str) -> Vec<String> {
    common::facts(text, None)
        .into_iter()
        .filter_map(|f| match f.kind {
            FactKind::Quantity {
                value,
                unit,
                qualifier,
                direction,
            } => {
                let value = match value {
                    Value::Single(v) => format!("{v}"),
                    Value::Range([a, b]) => format!("[{a}, {b}]"),
                };
                let line = format!("{value} {unit} {qualifier} {direction}");
                Some(line.split_whitespace().collect::<Vec<_>>().join(" "))
            }
            _ => None,
        })
        .collect()
}

fn check(text: &str, date: Option<&str>, expect: &[&str]) {
    assert_eq!(indicators(text, date), expect, "indicators of {text:?}");
}

#[test]
fn a_sentence_holds_a_series() {
    check(
        "Data shows a steady increase in the GDP share of strategic emerging industries in China, \
         growing from 7.6 percent in 2014 to over 13 percent in 2022, with projections to exceed \
         17 percent by 2025.",
        None,
        &[
            "GDP share of strategic emerging industries in China | 7.6 percent exact 2014 observed",
            "GDP share of strategic emerging industries in China | 13 percent over 2022 observed",
            "GDP share of strategic emerging industries in China | 17 percent over 2025 projected",
        ],
    );
}

#[test]
fn growth_and_level_from_one_verb() {
    check(
        "For all of 2004, US exports rose 12.3% to $1.15 trillion.",
        None,
        &[
            "US exports growth | 12.3 percent exact 2004 observed",
            "US exports | 1150000000000 USD exact 2004 observed",
        ],
    );
}

#[test]
fn conversions_count_once() {
    check(
        "The gap hit an all-time high of $1.13bn (£600m) in 2004.",
        None,
        &["gap | 1130000000 USD exact 2004 observed"],
    );
}

#[test]
fn ranges_give_two_bounds() {
    check(
        "China plans to borrow 25 to 30 billion dollars in 1987.",
        None,
        &[
            "China borrowing | 25000000000 USD at_least 1987 target",
            "China borrowing | 30000000000 USD at_most 1987 target",
        ],
    );
}

#[test]
fn elided_units_and_hard_wraps() {
    check(
        "Customs figures show imports fell to 1.182 mln\ntonnes in 1986 from 1.909 mln in 1985.",
        Some("1987-03-13"),
        &[
            "imports | 1182000 tonnes exact 1986 observed",
            "imports | 1909000 tonnes exact 1985 observed",
        ],
    );
}

#[test]
fn fiscal_years_are_periods_not_fractions() {
    check(
        "The paper put 1986/87 output at 4.82 mln tonnes, down from 5.24 mln in 1985/86.",
        Some("1987-03-13"),
        &[
            "output | 4820000 tonnes exact 1986/87 projected",
            "output | 5240000 tonnes exact 1985/86 observed",
        ],
    );
}

#[test]
fn relative_periods_follow_the_document_date() {
    check(
        "China's trade deficit totalled 700 mln dlrs in the first two months of this year.",
        Some("1987-03-16"),
        &["China's trade deficit | 700000000 USD exact 1987-01/1987-02 observed"],
    );
    check(
        "The share had been cut last year to 49 pct.",
        Some("1987-03-25"),
        &["share | 49 percent exact 1986 observed"],
    );
    check(
        "He estimated stocks at more than three mln tonnes at end-January.",
        Some("1987-03-13"),
        &["stocks | 3000000 tonnes over 1987-01 observed"],
    );
}

#[test]
fn parallel_base_values_share_their_period() {
    check(
        "Tian put 1986 state income at 226.03 billion yuan, up from 186.6 billion in 1985, \
         and 1986 spending at 233.08 billion, up from 184.5 billion.",
        Some("1987-06-16"),
        &[
            "state income | 226030000000 CNY exact 1986 observed",
            "state income | 186600000000 CNY exact 1985 observed",
            "spending | 233080000000 CNY exact 1986 observed",
            "spending | 184500000000 CNY exact 1985 observed",
        ],
    );
}

#[test]
fn verbs_of_trade_name_their_metric() {
    check(
        "Thailand exported 18,367 tonnes in 1986, up from 17,359 in 1985.",
        Some("1987-04-08"),
        &[
            "Thailand exports | 18367 tonnes exact 1986 observed",
            "Thailand exports | 17359 tonnes exact 1985 observed",
        ],
    );
    check(
        "Customs figures show that China imported 7.73 mln tonnes of grain in 1986.",
        Some("1987-03-20"),
        &["China grain imports | 7730000 tonnes exact 1986 observed"],
    );
}

#[test]
fn periods_are_not_fractions() {
    check(
        "The office was likely to open in the second half of this year.",
        Some("1987-04-01"),
        &[],
    );
    assert_eq!(
        quantities("sales in the first half of 2004"),
        Vec::<String>::new()
    );
}

#[test]
fn unanchored_values_are_left_out() {
    check(
        "The state will raise the price by 10 pct.",
        Some("1987-03-13"),
        &[],
    );
    check("The unemployment rate is 12%.", None, &[]);
    check(
        "Growth is likely to peak this year at just under 2%.",
        None,
        &[],
    );
}

#[test]
fn present_tense_takes_the_document_year() {
    check(
        "China has 521 sugar mills.",
        Some("1987-03-13"),
        &["China sugar mills | 521 mills exact 1987 observed"],
    );
}

#[test]
fn years_and_ordinals_are_not_quantities() {
    assert_eq!(
        quantities("the 14th National People's Congress in 2024"),
        Vec::<String>::new()
    );
    assert_eq!(
        quantities("the world's first fourth-generation plant and a 4th generation one"),
        Vec::<String>::new()
    );
    assert_eq!(quantities("around 5 percent"), ["5 percent about"]);
    assert_eq!(
        quantities("$162bn and 3bn yuan"),
        ["162000000000 USD exact", "3000000000 CNY exact"]
    );
    assert_eq!(quantities("1987/88"), Vec::<String>::new());
}

#[test]
fn abbreviations_of_wire_copy() {
    assert_eq!(
        quantities("rose 10.9 pct to 700 mln U.S. dlrs in Jan. 1987"),
        ["10.9 percent exact up", "700000000 USD exact"]
    );
    assert_eq!(
        quantities("profit of 14 mln Hong Kong dlrs"),
        ["14000000 HKD exact"]
    );
}
