//! The metric of a price per unit ("560 yuan a tonne") that no subject names: the goods the
//! sentence sells or buys at it ("sell grain on the free market at 560 yuan a tonne" is the
//! free-market grain price), or the goods named right after it ("70 yuan a tonne for
//! sugarcane").

use std::sync::LazyLock;

use regex::Regex;

/// "sell grain on the free market at", "bought wheat at about": the goods before the figure.
static SOLD_AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u)\b(?:sell|sells|sold|selling|buy|buys|bought|buying|priced|pay|pays|paid|offered|offer|offers)\s+([a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}?)\s+(?:(?:on|in)\s+the\s+([a-z-]+)\s+market\s+)?at\s+(?:[a-z]+\s+){0,2}$",
    )
    .expect("sold-at pattern compiles")
});

/// "70 yuan a tonne for sugarcane": the goods after the figure.
static FOR_GOODS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)^\s+for\s+([a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}?)\s*(?:[,.;)]|$|\s+(?:in|and|at|on|from|against|last|this|next)\b)")
        .expect("for-goods pattern compiles")
});

/// Words that are no goods: determiners, pronouns, time words.
const NOT_GOODS: &[&str] = &[
    "a", "an", "the", "it", "them", "its", "their", "this", "that", "these", "those", "one",
    "each", "all", "some", "more", "less", "delivery", "shipment", "now", "least", "most",
    "example", "instance", "years", "months", "the", "up", "out", "off", "back", "down",
];

/// The price metric of a per-unit figure from the text of its clause before it (`head`) and
/// after it (`tail`).
pub fn metric(head: &str, tail: &str) -> Option<String> {
    let clean = |goods: &str| {
        let words: Vec<&str> = goods.split_whitespace().collect();
        (!words.is_empty()
            && !words
                .iter()
                .any(|w| NOT_GOODS.contains(&w.to_ascii_lowercase().as_str())))
        .then(|| words.join(" ").to_ascii_lowercase())
    };
    if let Some(caps) = FOR_GOODS.captures(tail)
        && let Some(goods) = clean(&caps[1])
    {
        return Some(format!("{goods} price"));
    }
    let caps = SOLD_AT.captures(head)?;
    let goods = clean(&caps[1])?;
    Some(match caps.get(2) {
        Some(market) => format!(
            "{}-market {goods} price",
            market.as_str().to_ascii_lowercase()
        ),
        None => format!("{goods} price"),
    })
}

/// Whether a walked subject phrase is only the goods of a price ("grain on the free market").
pub fn names_goods(price: &str, phrase: &str) -> bool {
    let goods = price.trim_end_matches(" price");
    let goods = goods.split_once("-market ").map_or(goods, |(_, g)| g);
    let phrase = phrase.to_ascii_lowercase();
    phrase == goods || phrase.starts_with(&format!("{goods} on the "))
}

#[cfg(test)]
mod tests {
    use super::{metric, names_goods};

    #[test]
    fn goods_of_a_price() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "He could sell grain on the free market at ",
                ", against only",
                Some("free-market grain price"),
            ),
            ("against only ", " for sugarcane.", Some("sugarcane price")),
            (
                "Traders bought wheat at about ",
                " last week",
                Some("wheat price"),
            ),
            ("It sold it at ", ".", None),
            ("The price rose to ", " for delivery in May", None),
            ("Output was ", ".", None),
        ];
        for &(head, tail, expected) in cases {
            assert_eq!(
                metric(head, tail).as_deref(),
                expected,
                "{head:?} / {tail:?}"
            );
        }
        assert!(names_goods(
            "free-market grain price",
            "grain on the free market"
        ));
        assert!(!names_goods("grain price", "Grain output"));
    }
}
