//! Data-driven cases for the quantity grammar: each text and the mentions it must yield.

use super::*;

/// Each mention as `value unit qualifier direction` (value `[low, high]` for a range).
fn check(text: &str, expect: &[&str]) {
    let doc = Doc::new(text);
    let got: Vec<String> = extract(&doc)
        .iter()
        .map(|m| {
            let value = match m.value {
                Value::Single(v) => format!("{v}"),
                Value::Range([a, b]) => format!("[{a}, {b}]"),
            };
            let conv = if m.conversion { "(conversion)" } else { "" };
            [value.as_str(), &m.unit, m.qualifier, m.direction, conv]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(got, expect, "quantities of {text:?}");
}

#[test]
fn currencies_and_magnitudes() {
    check("a deficit of $162bn", &["162000000000 USD exact"]);
    check("3bn yuan", &["3000000000 CNY exact"]);
    check("7.08 billion yuan", &["7080000000 CNY exact"]);
    check("700 mln dlrs", &["700000000 USD exact"]);
    check("1.2 trillion yuan", &["1200000000000 CNY exact"]);
    check("£600m", &["600000000 GBP exact"]);
    check("14 mln Hong Kong dlrs", &["14000000 HKD exact"]);
    check("two million people", &["2000000 people exact"]);
    check("HK$5bn", &["5000000000 HKD exact"]);
}

#[test]
fn peer_failure_dollar_bit_newton() {
    // "$162bn" is neither 162 dollars nor "dollar bit newton"
    check(
        "up 30.5% at $162bn, was",
        &["30.5 percent exact up", "162000000000 USD exact"],
    );
}

#[test]
fn conversions_in_brackets() {
    check(
        "$1.13bn (£600m)",
        &["1130000000 USD exact", "600000000 GBP exact (conversion)"],
    );
    check(
        "481.42m yuan ($58.16m; £30.7m)",
        &[
            "481420000 CNY exact",
            "58160000 USD exact (conversion)",
            "30700000 GBP exact (conversion)",
        ],
    );
}

#[test]
fn measures_and_counts() {
    check("300,000 tonnes", &["300000 tonnes exact"]);
    check("110m tons", &["110000000 tonnes exact"]);
    check("120,000 barrels of fuel oil", &["120000 barrels exact"]);
    check("560 yuan a tonne", &["560 CNY per tonne exact"]);
    check("China has 521 sugar mills.", &["521 mills exact"]);
    check("employs 2,000 staff", &["2000 people exact"]);
    check("up to three times more", &["3 times at_most up"]);
}

#[test]
fn qualifiers_keep_their_words() {
    check("over 13 percent", &["13 percent over"]);
    check("to exceed 17 percent by 2025", &["17 percent over"]);
    check("around 5 percent", &["5 percent about"]);
    check("at least $190bn", &["190000000000 USD at_least"]);
    check("by nearly 30%", &["30 percent nearly"]);
    check("just under 2%", &["2 percent under"]);
    check("more than a third of the oil", &["33.33 percent over"]);
    check("10 pct or more", &["10 percent at_least"]);
}

#[test]
fn directions() {
    check("exports rose 25%", &["25 percent exact up"]);
    check("output fell by 3 pct", &["3 percent exact down"]);
    check(
        "rose 12.3% to $1.15 trillion",
        &["12.3 percent exact up", "1150000000000 USD exact"],
    );
    // bare present-tense stems as well as their past and third-person forms
    check("profits slump 27%", &["27 percent exact down"]);
    check("shares gained 5%", &["5 percent exact up"]);
    // bare "gain" before an amount is the accounting noun, not a change
    check("net includes gain 500,000 dlrs", &["500000 USD exact"]);
    check("sales jump 40%", &["40 percent exact up"]);
    check("output may climb 2 pct", &["2 percent exact up"]);
    check("exports soar 30%", &["30 percent exact up"]);
    check("the plan would boost wages 10%", &["10 percent exact"]);
    check(
        "the levy boosts revenue, which boosts 10%",
        &["10 percent exact up"],
    );
    check("firms expand 8%", &["8 percent exact up"]);
    // a misspelled stem is no direction word
    check("gaine 5%", &["5 percent exact"]);
}

#[test]
fn fractions() {
    check("a third of the economy", &["33.33 percent exact"]);
    check("cut unemployment by half", &["50 percent exact"]);
    check("one in five loans", &["20 percent exact"]);
    check("the third quarter and the second half", &[]);
}

#[test]
fn ranges() {
    check(
        "25 to 30 billion dollars",
        &["[25000000000, 30000000000] USD exact"],
    );
    check("has risen by 10 to 30 pct", &["[10, 30] percent exact up"]);
    check("between 2 and 3%", &["[2, 3] percent exact"]);
    check("10-15%", &["[10, 15] percent exact"]);
    check(
        "cut from 75% to 60%",
        &["75 percent exact", "60 percent exact"],
    );
    check("150 or 200 people", &["150 exact", "200 people exact"]);
    // a change and the level it reaches
    check(
        "Brent crude also rose, adding $1.89 to $48.62 at the close.",
        &["1.89 USD exact up", "48.62 USD exact"],
    );
}

#[test]
fn not_quantities() {
    check("in 2004 and 1987/88", &[]);
    check("the 14th National People's Congress", &[]);
    check("fourth-generation and 4th generation plants", &[]);
    check("PEKING, June 16 - on March 13 and 8 December", &[]);
    check("at 10:30 or 5 pm", &[]);
    check("call 020 7946 0000", &[]);
    check("the C919 large aircraft and 4G", &[]);
    check("No. 1 and a 10-year bond", &[]);
    check("around 5 percent", &["5 percent about"]);
}

#[test]
fn years_are_never_unitless_quantities() {
    check("2003's imbalance of $496.5bn", &["496500000000 USD exact"]);
    check("from 1985 to 1986", &[]);
    check("the 2005 model years", &[]);
    check("2,000 staff", &["2000 people exact"]);
}

#[test]
fn hard_wrapped_wire_copy() {
    check(
        "imports fell to 1.182 mln\ntonnes in 1986 from 1.909 mln in 1985",
        &["1182000 tonnes exact", "1909000 tonnes exact"],
    );
    check("7.05 billion\nyuan", &["7050000000 CNY exact"]);
    check(
        "exports rose to 558,089 tonnes in calendar 1986 from 347,026 in 1985.",
        &["558089 tonnes exact", "347026 tonnes exact"],
    );
}

#[test]
fn levels_after_growth_keep_no_percent() {
    check(
        "expects its sales to grow 16% to 250,000 in 2005",
        &["16 percent exact up", "250000 exact"],
    );
    check(
        "rose to 23.5 pct from 15",
        &["23.5 percent exact", "15 percent exact"],
    );
}

#[test]
fn units_carry_to_siblings() {
    check(
        "the group's loans totalled 620 mln Hong Kong dlrs. Deposits rose to 680 mln dlrs from 550 mln.",
        &[
            "620000000 HKD exact",
            "680000000 HKD exact",
            "550000000 HKD exact",
        ],
    );
    check(
        "profit fell to 117 yuan a tonne from 217.9, it added.",
        &["117 CNY per tonne exact", "217.9 CNY per tonne exact"],
    );
}
