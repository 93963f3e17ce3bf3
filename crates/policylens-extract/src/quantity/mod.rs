//! Quantity mentions: numbers with their magnitudes, units, qualifiers and directions, read by
//! the small recognisers of the submodules and joined into ranges, bracketed conversions and
//! units carried over from a sibling figure ("1.182 mln tonnes ... from 1.909 mln").

mod context;
mod number;
mod unit;

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::fact::{Fact, FactKind, Value};
use crate::period::floor_char_boundary;
use crate::text::Doc;
use number::{Number, NumberKind};

/// A quantity found in the text, before it becomes a fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Byte span in the document text, qualifier words included.
    pub span: Range<usize>,
    pub value: Value,
    pub unit: String,
    pub qualifier: &'static str,
    pub direction: &'static str,
    /// Written with a magnitude word ("mln", "bn", "billion").
    pub magnitude: bool,
    /// A bracketed restatement of the figure before it in another currency: "(£600m)".
    pub conversion: bool,
    /// The unit was not written but carried over from a sibling figure.
    pub inherited_unit: bool,
}

impl Mention {
    pub fn to_fact(&self, doc: &Doc<'_>) -> Fact {
        let (start, end, text, sentence) = doc.provenance(self.span.clone());
        Fact {
            kind: FactKind::Quantity {
                value: self.value,
                unit: self.unit.clone(),
                qualifier: self.qualifier.to_string(),
                direction: self.direction.to_string(),
            },
            start,
            end,
            text,
            sentence,
        }
    }
}

static RANGE_JOIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i-u)^\s*(?:-|–|to|and)\s*").expect("range pattern compiles"));

static FROM_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i-u)\bfrom\s+$").expect("from pattern compiles"));

static BETWEEN_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i-u)\bbetween\s+$").expect("between pattern compiles"));

static SIBLING_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(?:from|to|against|versus|and|or|with|than|at|of|was|were|totalled|totaled|reached)\s+(?:only\s+|just\s+|a\s+record\s+|a\s+budgeted\s+)?$")
        .expect("sibling pattern compiles")
});

/// One number with its magnitude and unit, before qualifiers and ranges.
#[derive(Debug, Clone)]
struct Figure {
    start: usize,
    end: usize,
    value: f64,
    unit: String,
    magnitude: bool,
    plain_dollar: bool,
    year_like: bool,
}

/// Reads the figure whose number starts at `start` (`word`: a number word or fraction).
fn figure_at(text: &str, start: usize, word: bool, check: bool) -> Option<Figure> {
    let num: Number = if word {
        number::fraction_at(text, start).or_else(|| number::word_number_at(text, start))?
    } else {
        number::digits_at(text, start)?
    };
    let mut fig = Figure {
        start,
        end: num.end,
        value: num.value,
        unit: String::new(),
        magnitude: false,
        plain_dollar: false,
        year_like: false,
    };
    if num.kind == NumberKind::Fraction {
        fig.unit = "percent".into();
        return Some(fig);
    }
    if !word && check && context::is_not_quantity(text, start, num.end) {
        return None;
    }
    if let Some((factor, end)) = unit::magnitude_at(text, fig.end) {
        fig.value *= factor;
        fig.end = end;
        fig.magnitude = true;
    }
    let currency = if word {
        None
    } else {
        unit::currency_before(text, start)
    };
    if let Some((code, sign_start)) = currency {
        fig.start = sign_start;
        fig.unit = code.to_string();
        if let Some((per, end)) = unit::per_at(text, fig.end) {
            fig.unit = format!("{code} per {per}");
            fig.end = end;
        }
    } else if let Some(u) = unit::unit_at(text, fig.end) {
        fig.unit = u.unit;
        fig.value /= u.divisor;
        fig.end = u.end;
        fig.plain_dollar = u.plain_dollar;
    }
    // letters glued to the number that no magnitude or unit explains: "4G", "14th", "mph"
    if text
        .as_bytes()
        .get(num.end)
        .is_some_and(u8::is_ascii_alphabetic)
        && fig.end == num.end
    {
        return None;
    }
    if let NumberKind::Digits {
        plain: true,
        len: 4,
    } = num.kind
    {
        // "in 2004", "2003's", "the 2005 model years": a year, not an amount
        fig.year_like = (1800.0..=2100.0).contains(&num.value)
            && (fig.unit.is_empty() || fig.unit == "years")
            && !fig.magnitude;
    }
    if word && fig.unit.is_empty() && !fig.magnitude {
        return None;
    }
    Some(fig)
}

/// Every quantity mention in the document, in text order.
pub fn extract(doc: &Doc<'_>) -> Vec<Mention> {
    let text = doc.text;
    let mut out: Vec<Mention> = Vec::new();
    let mut plain_dollars: Vec<bool> = Vec::new();
    let mut cursor = 0usize;
    for (cand_start, cand_end, word) in number::candidates(text) {
        if cand_start < cursor {
            continue;
        }
        // a fraction may only open on "a", "one", ..., "half"; a number word on the rest
        if word
            && text[cand_start..cand_end].eq_ignore_ascii_case("a")
            && number::fraction_at(text, cand_start).is_none()
        {
            continue;
        }
        let Some(mut fig) = figure_at(text, cand_start, word, true) else {
            cursor = cand_end;
            continue;
        };
        if fig.year_like {
            cursor = fig.end;
            continue;
        }
        let mut value = Value::Single(fig.value);
        let mut end = fig.end;
        // ranges: "10 to 30 pct", "25 to 30 billion dollars", "between 2 and 3%", "10-15%"
        if let Some(join) = RANGE_JOIN.find(&text[fig.end..]) {
            let second_start = fig.end + join.end();
            let joined_by_and = join.as_str().trim().eq_ignore_ascii_case("and");
            let before = &text[floor_char_boundary(text, fig.start.saturating_sub(20))..fig.start];
            let allowed = if joined_by_and {
                BETWEEN_BEFORE.is_match(before)
            } else {
                !FROM_BEFORE.is_match(before)
            };
            let second = text[second_start..]
                .chars()
                .next()
                .filter(|c| c.is_ascii_digit() || *c == '$' || *c == '£' || *c == '€')
                .and_then(|_| {
                    let digits = text[second_start..]
                        .find(|c: char| c.is_ascii_digit())
                        .map(|n| second_start + n)?;
                    figure_at(text, digits, false, false)
                });
            if let Some(second) = second.filter(|s| allowed && !s.year_like) {
                let same_unit = fig.unit.is_empty() || fig.unit == second.unit;
                if same_unit && !second.unit.is_empty() && second.value > 0.0 {
                    // "25 to 30 billion": the low end shares the magnitude
                    let low = if fig.magnitude {
                        fig.value
                    } else {
                        fig.value * second.value
                            / text_number(text, &second).unwrap_or(second.value)
                    };
                    // "adding $1.89 to $48.62", "rose 3 to 95": a change and the level it
                    // reaches, not a range
                    let change_then_level = !joined_by_and
                        && !context::direction(text, fig.start, fig.end).is_empty()
                        && second.value > 5.0 * low;
                    if low < second.value && !change_then_level {
                        value = Value::Range([low, second.value]);
                        fig.unit = second.unit.clone();
                        fig.magnitude |= second.magnitude;
                        fig.plain_dollar = second.plain_dollar;
                        end = second.end;
                    }
                }
            }
        }
        let mut start = fig.start;
        let mut qualifier = "exact";
        if let Some((q, q_start)) = context::qualifier_before(text, start) {
            qualifier = q;
            start = q_start;
        }
        if let Some((q, q_end)) = context::qualifier_after(text, end) {
            qualifier = q;
            end = q_end;
        }
        let direction = context::direction(text, start, fig.end);
        let conversion = out
            .last()
            .is_some_and(|prev| is_conversion(text, prev, fig.start) && is_currency(&fig.unit));
        cursor = end;
        out.push(Mention {
            span: start..end,
            value,
            unit: fig.unit,
            qualifier,
            direction,
            magnitude: fig.magnitude,
            conversion,
            inherited_unit: false,
        });
        plain_dollars.push(fig.plain_dollar);
    }
    resolve_dollars(&mut out, &plain_dollars);
    inherit_units(doc, &mut out);
    out
}

/// The number of a figure as written, without its magnitude.
fn text_number(text: &str, fig: &Figure) -> Option<f64> {
    let digits = text[fig.start..]
        .find(|c: char| c.is_ascii_digit())
        .map(|n| fig.start + n)?;
    number::digits_at(text, digits).map(|n| n.value)
}

fn is_currency(unit: &str) -> bool {
    unit.len() == 3 && unit.bytes().all(|b| b.is_ascii_uppercase())
}

/// "$1.13bn (£600m)", "481.42m yuan ($58.16m; £30.7m)": a currency figure restated in brackets.
fn is_conversion(text: &str, prev: &Mention, start: usize) -> bool {
    if prev.span.end > start {
        return false;
    }
    let gap = text[prev.span.end..start].trim();
    let prev_currency = is_currency(prev.unit.split(' ').next().unwrap_or(""));
    (gap == "(" && prev_currency) || ((gap == ";" || gap == ",") && prev.conversion)
}

/// A plain "dlrs" in a story that named another dollar ("Hong Kong dlrs") means that dollar.
fn resolve_dollars(mentions: &mut [Mention], plain: &[bool]) {
    let mut current = "USD";
    for (m, &is_plain) in mentions.iter_mut().zip(plain) {
        let code = m.unit.split(' ').next().unwrap_or("");
        let is_dollar = matches!(code, "USD" | "HKD" | "AUD" | "CAD" | "NZD" | "SGD" | "TWD");
        if !is_dollar {
            continue;
        }
        if is_plain {
            if current != "USD" {
                m.unit = m.unit.replacen("USD", current, 1);
            }
        } else {
            current = match code {
                "HKD" => "HKD",
                "AUD" => "AUD",
                "CAD" => "CAD",
                "NZD" => "NZD",
                "SGD" => "SGD",
                "TWD" => "TWD",
                _ => "USD",
            };
        }
    }
}

/// Gives a unit-less figure the unit of a sibling: "from 1.909 mln" after "1.182 mln tonnes",
/// "from 347,026" after "558,089 tonnes", "4.82 mln ... six mln tonnes".
fn inherit_units(doc: &Doc<'_>, mentions: &mut [Mention]) {
    let text = doc.text;
    for i in 0..mentions.len() {
        if !mentions[i].unit.is_empty() || mentions[i].conversion {
            continue;
        }
        let start = mentions[i].span.start;
        if text[..start].trim_end().ends_with('(') {
            continue;
        }
        let before = &text[floor_char_boundary(text, start.saturating_sub(30))..start];
        let linked = SIBLING_LINK.is_match(before);
        if !linked {
            continue;
        }
        let sentence = doc.sentence_of(start);
        let magnitude = mentions[i].magnitude;
        let value = match mentions[i].value {
            Value::Single(v) | Value::Range([_, v]) => v,
        };
        let after_to = before.trim_end().to_ascii_lowercase().ends_with(" to");
        let fits = |m: &Mention| {
            // a percentage carries over only to a share ("rose to 23.5 pct from 15"), not to a
            // level after a growth rate ("grow 16% to 250,000")
            let percent_ok =
                m.unit != "percent" || (value <= 100.0 && (m.direction.is_empty() || !after_to));
            !m.unit.is_empty()
                && !m.inherited_unit
                && m.magnitude == magnitude
                && !m.conversion
                && percent_ok
        };
        let in_sentence = |m: &Mention| sentence.contains(&m.span.start);
        let found = mentions[..i]
            .iter()
            .rev()
            .find(|m| in_sentence(m) && fits(m))
            .or_else(|| {
                // "grew 8% to 4.7 million": a "to" figure pairs with the one before it only,
                // unless its base follows at once ("rising to 58.6 mln from 32.6 mln tonnes")
                if after_to {
                    let end = mentions[i].span.end;
                    return mentions.get(i + 1).filter(|m| {
                        m.span.start >= end
                            && text[end..m.span.start].trim().eq_ignore_ascii_case("from")
                            && fits(m)
                    });
                }
                mentions[i + 1..].iter().find(|m| in_sentence(m) && fits(m))
            })
            .or_else(|| {
                // an elided "mln" figure may lean on the previous sentence
                if after_to {
                    return None;
                }
                let previous = doc.sentence_of(sentence.start.saturating_sub(1));
                mentions[..i]
                    .iter()
                    .rev()
                    .find(|m| magnitude && m.span.start >= previous.start && fits(m))
            })
            .map(|m| m.unit.clone());
        if let Some(unit) = found {
            mentions[i].unit = unit;
            mentions[i].inherited_unit = true;
        }
    }
}

#[cfg(test)]
mod tests;
