//! The grammar of period expressions: one regex of all its alternatives over a sentence, each
//! match read by the alternative that matched into a [`When`] with the [`Role`] its
//! preposition gives it.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::{Period, When, floor_char_boundary};

/// How a period relates to the values around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The time a value refers to: "in 2004", "at end-1986", "2003's", "the 1986/87 season".
    Point,
    /// A deadline: "by 2025".
    By,
    /// A base of comparison or a bound: "over 1985", "on the previous year", "since 1945".
    Base,
}

/// A period expression found in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodMention {
    /// Byte range in the document text.
    pub span: Range<usize>,
    pub when: When,
    pub role: Role,
}

const MONTH: &str = r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)";

/// Which expression an alternative of the grammar reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A fiscal or crop year: "1987/88".
    FiscalYear,
    /// A span of years: "2021-2025".
    YearSpan,
    /// "the first two months of this year".
    FirstMonths,
    /// "the three months to September".
    MonthsTo,
    /// "the year to March".
    YearTo,
    /// "the third quarter".
    Quarter,
    /// "Q4 2004", "2004-Q4".
    QuarterCode,
    /// A run of months: "October-to-December".
    MonthSpan,
    /// A month: "end-January", "March 13", "September 1986".
    Month,
    /// "last year", "this month".
    Relative,
    /// A year: "2003's", "end-1986".
    Year,
}

/// One alternative of the period grammar.
struct Alternative {
    kind: Kind,
    pattern: String,
    /// A test that every match of the pattern passes: a cheap way to skip the alternatives
    /// that cannot have matched an expression.
    hint: fn(&str) -> bool,
}

/// The grammar's alternatives, in the order it tries them.
fn alternatives() -> [Alternative; 11] {
    [
        Alternative {
            kind: Kind::FiscalYear,
            pattern: r"\b(?:19|20)\d\d/(?:\d\d|(?:19|20)\d\d)\b".to_string(),
            hint: |t| t.contains('/'),
        },
        Alternative {
            kind: Kind::YearSpan,
            pattern: r"\b(?P<sa>(?:19|20)\d\d)\s*(?:-|–)\s*(?P<sb>(?:19|20)\d\d)\b".to_string(),
            hint: |t| t.contains(['-', '–']),
        },
        Alternative {
            kind: Kind::FirstMonths,
            pattern: r"\bfirst\s+(?P<fn>two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2})\s+months
                \s+of\s+(?:(?P<fy4>(?:19|20)\d\d)\b|(?P<frel>this|last|the\s+previous)\s+year)"
                .to_string(),
            hint: |t| contains_ignore_case(t, "months"),
        },
        Alternative {
            kind: Kind::MonthsTo,
            pattern: format!(
                r"\b(?P<mton>three|six|nine|twelve|3|6|9|12)\s+months\s+(?:to|ending|ended)\s+(?:the\s+end\s+of\s+|end-)?(?P<mtom>{MONTH})\b\.?(?:\s+(?P<mtoy>(?:19|20)\d\d)\b)?"
            ),
            hint: |t| contains_ignore_case(t, "months"),
        },
        Alternative {
            kind: Kind::YearTo,
            pattern: format!(
                r"\b(?:the\s+)?(?:financial\s+|fiscal\s+)?year\s+(?:to|ending|ended)\s+(?:the\s+end\s+of\s+|end-)?{MONTH}\b\.?(?:\s+(?:19|20)\d\d\b)?"
            ),
            hint: |t| contains_ignore_case(t, "year"),
        },
        Alternative {
            kind: Kind::Quarter,
            pattern: r"\b(?:the\s+)?(?P<qn>first|second|third|fourth|final|1st|2nd|3rd|4th)\s+quarter
                (?:\s+of\s+(?:(?P<qy>(?:19|20)\d\d)\b|(?P<qrel>this|last|next|the\s+previous)\s+year))?"
                .to_string(),
            hint: |t| contains_ignore_case(t, "quarter"),
        },
        Alternative {
            kind: Kind::QuarterCode,
            pattern: r"\b(?:Q(?P<qc>[1-4])[\s-]*(?P<qcy>(?:19|20)\d\d)|(?P<qcy2>(?:19|20)\d\d)[\s-]*Q(?P<qc2>[1-4]))\b"
                .to_string(),
            hint: |t| contains_ignore_case(t, "q"),
        },
        Alternative {
            kind: Kind::MonthSpan,
            pattern: format!(
                r"\b(?P<ma>{MONTH})(?:\s*-\s*to\s*-\s*|\s+to\s+|\s*-\s*|\s*–\s*)(?P<mb>{MONTH})\b(?:\s+(?P<msy>(?:19|20)\d\d)\b)?"
            ),
            // month names are written capitalised
            hint: |t| capitals(t) >= 2,
        },
        Alternative {
            kind: Kind::Month,
            pattern: format!(
                r"\b(?:(?P<medge>end|mid|late|early)[\s-]+)?(?P<mname>{MONTH})\b\.?
                (?:\s+(?P<mday>\d{{1,2}})\b,?)?(?:\s+(?P<my>(?:19|20)\d\d)\b)?"
            ),
            hint: |t| capitals(t) >= 1,
        },
        Alternative {
            kind: Kind::Relative,
            pattern: r"\b(?P<rw>last|this|next|the\s+previous|the\s+past|the\s+current)\s+(?P<ru>year|month)\b"
                .to_string(),
            hint: |t| contains_ignore_case(t, "year") || contains_ignore_case(t, "month"),
        },
        Alternative {
            kind: Kind::Year,
            pattern: r"\b(?:(?P<yedge>end|mid|late|early)[\s-]+)?(?P<y>(?:19|20)\d\d)(?P<ysuf>'s|s)?\b"
                .to_string(),
            hint: |t| t.bytes().any(|b| b.is_ascii_digit()),
        },
    ]
}

fn capitals(text: &str) -> usize {
    text.bytes().filter(u8::is_ascii_uppercase).count()
}

fn contains_ignore_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

const FLAGS: &str = "(?xi-u)";

/// The period grammar, run in two steps: one regex of all the alternatives finds each
/// expression, then the alternative that matched it runs alone to read its groups. Reading
/// groups is a backtracking search, far cheaper over one small alternative than over the whole
/// grammar.
struct Grammar {
    scan: Regex,
    /// Each alternative anchored at the start of the haystack.
    alternatives: Vec<(Alternative, Regex)>,
}

static GRAMMAR: LazyLock<Grammar> = LazyLock::new(|| {
    let alternatives = alternatives();
    let scan = alternatives
        .iter()
        .map(|a| format!("(?:{})", a.pattern))
        .collect::<Vec<_>>()
        .join("|");
    Grammar {
        scan: Regex::new(&format!("{FLAGS}{scan}")).expect("period grammar compiles"),
        alternatives: alternatives
            .into_iter()
            .map(|a| {
                let anchored = Regex::new(&format!("{FLAGS}^(?:{})", a.pattern))
                    .expect("period alternative compiles");
                (a, anchored)
            })
            .collect(),
    }
});

/// An expression as the grammar reads it.
struct Reading {
    /// `None` for an expression that names no period ("the 1990s").
    when: Option<When>,
    /// Written with a month: "March", "end-January", "20 October".
    month: bool,
    /// A month with an edge word: "end-January", "mid-March".
    month_edge: bool,
    /// A month with a day: "March 13".
    month_day: bool,
}

impl Grammar {
    /// Reads `found`, an expression the grammar found at the start of `rest` (the text from
    /// there to the end of the searched range). The grammar takes the first alternative that
    /// matches at a position, so the one that matched is the first whose hint allows `found`
    /// and that matches `rest`.
    fn read(&self, found: &str, rest: &str) -> Reading {
        // the commonest expression, a bare year ("in 2004"), needs no groups
        if found.len() == 4 && found.bytes().all(|b| b.is_ascii_digit()) {
            return Reading {
                when: found.parse().ok().map(|y| When::Fixed(Period::Year(y))),
                month: false,
                month_edge: false,
                month_day: false,
            };
        }
        let (kind, caps) = self
            .alternatives
            .iter()
            .filter(|(alternative, _)| (alternative.hint)(found))
            .find_map(|(alternative, regex)| Some((alternative.kind, regex.captures(rest)?)))
            .expect("a period expression matches one of the alternatives");
        debug_assert_eq!(caps.get(0).map(|m| m.len()), Some(found.len()));
        let month = kind == Kind::Month;
        Reading {
            when: read(kind, &caps),
            month,
            month_edge: month && caps.name("medge").is_some(),
            month_day: month && caps.name("mday").is_some(),
        }
    }
}

/// The word before a period expression that sets its role.
static PREPOSITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(?:by|over|on|than|since|from|until|till|through|before|after|against|versus|vs\.?|with|to)\s+(?:the\s+)?(?:same\s+)?(?:calendar\s+|fiscal\s+)?$")
        .expect("preposition pattern compiles")
});

static COMPARED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(?:compared\s+(?:with|to)|as\s+against)\s+(?:the\s+)?(?:same\s+)?(?:period\s+(?:of|in)\s+)?$")
        .expect("comparison pattern compiles")
});

/// Every period expression in `text[range]`, in order, with spans in `text`.
pub fn find(text: &str, range: Range<usize>) -> Vec<PeriodMention> {
    let grammar = &*GRAMMAR;
    let slice = &text[range.clone()];
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for found in grammar.scan.find_iter(slice) {
        let start = range.start + found.start();
        let end = range.start + found.end();
        let reading = grammar.read(found.as_str(), &text[start..range.end]);
        // glued to a number or a currency: part of a quantity or an identifier
        if start > 0
            && matches!(
                bytes[start - 1],
                b'$' | b'.' | b',' | b'/' | b'-' | b'0'..=b'9'
            )
            && (!reading.month || bytes[start - 1] != b'-')
        {
            continue;
        }
        // "(September-April)": a span of months inside a season, not a period of its own
        if reading.month && !reading.month_edge {
            let after_dash = text[end..].starts_with(['-', '/'])
                && text[end + 1..].starts_with(|c: char| c.is_ascii_alphabetic());
            if after_dash || (start > 0 && matches!(bytes[start - 1], b'-' | b'/')) {
                continue;
            }
        }
        let Some(when) = reading.when else { continue };
        // story datelines ("PEKING, March 13 -") name the filing date, not a period of any value
        if reading.month_day && text[end..].trim_start().starts_with('-') {
            continue;
        }
        out.push(PeriodMention {
            span: start..end,
            when,
            role: role(text, start, reading.month),
        });
    }
    out
}

fn read(kind: Kind, caps: &Captures<'_>) -> Option<When> {
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<i32>().ok());
    let text = |name: &str| caps.name(name).map(|m| m.as_str());
    match kind {
        Kind::FiscalYear => {
            let (a, b) = caps.get(0)?.as_str().split_once('/')?;
            let a: i32 = a.parse().ok()?;
            let b: i32 = b.parse().ok()?;
            let next = if b < 100 { a / 100 * 100 + b } else { b };
            // "1987/88", "1999/00", "2003/2004"; anything else is not a fiscal year
            if next != a + 1 && !(b < 100 && (a + 1) % 100 == b) {
                return None;
            }
            Some(When::Fixed(Period::Fiscal(a)))
        }
        Kind::YearSpan => {
            let (a, b) = (num("sa")?, num("sb")?);
            (b > a && b - a <= 30).then_some(When::Fixed(Period::Span(a, b)))
        }
        Kind::FirstMonths => {
            let n = number_word(text("fn")?)?;
            if !(2..=11).contains(&n) {
                return None;
            }
            if let Some(y) = num("fy4") {
                return Some(When::Fixed(Period::Months(y, 1, n)));
            }
            Some(When::FirstMonths(n, offset(text("frel")?)))
        }
        Kind::MonthsTo => {
            let n = number_word(text("mton")?).or_else(|| match text("mton")? {
                "twelve" | "12" => Some(12),
                _ => None,
            })?;
            let m = month_number(text("mtom")?)?;
            Some(When::MonthsTo(n, m, num("mtoy")))
        }
        // "the year to March": a twelve-month period across two years, not a calendar one
        Kind::YearTo => Some(When::Unlabelled),
        Kind::Quarter => {
            let q = match text("qn")?.to_ascii_lowercase().as_str() {
                "first" | "1st" => 1,
                "second" | "2nd" => 2,
                "third" | "3rd" => 3,
                _ => 4,
            };
            if let Some(y) = num("qy") {
                return Some(When::Fixed(Period::Quarter(y, q)));
            }
            let off = text("qrel").map_or(0, offset);
            Some(When::Quarter(q, off))
        }
        Kind::QuarterCode => {
            let q = num("qc").or_else(|| num("qc2"))? as u8;
            let y = num("qcy").or_else(|| num("qcy2"))?;
            Some(When::Fixed(Period::Quarter(y, q)))
        }
        Kind::MonthSpan => {
            // "October-to-December": a run of months in one year; "September-April" crosses a
            // year (a crop season) and names no period of its own
            let a = month_number(text("ma")?)?;
            let b = month_number(text("mb")?)?;
            (a < b).then(|| When::MonthsTo(b - a + 1, b, num("msy")))
        }
        Kind::Month => {
            let m = month_number(text("mname")?)?;
            Some(match num("my") {
                Some(y) => When::Fixed(Period::Month(y, m)),
                None => When::BareMonth(m),
            })
        }
        Kind::Relative => {
            let off = offset(text("rw")?);
            Some(if text("ru")?.eq_ignore_ascii_case("year") {
                When::Year(off)
            } else {
                When::Month(off)
            })
        }
        Kind::Year => {
            // a decade ("1990s", "the 1950's") is not a period a value can be tied to
            let y = num("y")?;
            let suffix = text("ysuf").unwrap_or("");
            if suffix == "s" || (suffix == "'s" && y % 10 == 0) {
                return None;
            }
            Some(When::Fixed(Period::Year(y)))
        }
    }
}

fn offset(word: &str) -> i32 {
    let word = word.to_ascii_lowercase();
    if word.starts_with("last") || word.ends_with("previous") || word.ends_with("past") {
        -1
    } else if word.starts_with("next") {
        1
    } else {
        0
    }
}

/// The role a preposition before `start` gives a period (`month`: one written with a month).
fn role(text: &str, start: usize, month: bool) -> Role {
    let from = floor_char_boundary(text, start.saturating_sub(40));
    let before = &text[from..start];
    if COMPARED.is_match(before) {
        return Role::Base;
    }
    let Some(prep) = PREPOSITION.find(before) else {
        return Role::Point;
    };
    // the match opens with the preposition, which white space ends
    let word = prep
        .as_str()
        .split(|c: char| c.is_ascii_whitespace() || c == '\x0b')
        .next()
        .unwrap_or("");
    let is = |w: &str| word.eq_ignore_ascii_case(w);
    if is("by") {
        Role::By
    } else if is("to") || is("with") || (is("on") && month) {
        // "on 20 October", "to March 1987": a date, still the time of the value
        Role::Point
    } else {
        Role::Base
    }
}

fn month_number(name: &str) -> Option<u8> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_ascii_lowercase();
    NAMES
        .iter()
        .position(|n| lower.starts_with(n))
        .map(|i| i as u8 + 1)
}

fn number_word(word: &str) -> Option<u8> {
    const WORDS: [&str; 12] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven",
    ];
    let lower = word.to_ascii_lowercase();
    WORDS
        .iter()
        .position(|w| *w == lower)
        .map(|i| i as u8)
        .or_else(|| lower.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each period in `text` as `label:role`; relative ones resolved against March 1987.
    fn check(text: &str, expect: &[&str]) {
        let anchor = Some(super::super::Anchor {
            year: 1987,
            month: Some(3),
        });
        let got: Vec<String> = find(text, 0..text.len())
            .into_iter()
            .map(|p| {
                let label = p
                    .when
                    .resolve(anchor)
                    .map_or("?".to_string(), |p| p.to_string());
                format!("{label}:{:?}", p.role)
            })
            .collect();
        assert_eq!(got, expect, "periods of {text:?}");
    }

    #[test]
    fn years_and_their_roles() {
        check("grew from 7.6 percent in 2014", &["2014:Point"]);
        check("to exceed 17 percent by 2025", &["2025:By"]);
        check(
            "Demand in 1986 rose 10.9 pct over 1985.",
            &["1986:Point", "1985:Base"],
        );
        check("2003's imbalance", &["2003:Point"]);
        check("loans at end-1986 totalled", &["1986:Point"]);
        check("not hired since 1945", &["1945:Base"]);
    }

    #[test]
    fn decades_amounts_and_numbers_are_not_years() {
        check("since the mid 1990's and the 1950s", &[]);
        check("$2005bn and 1,2004 and 3.2004", &[]);
    }

    #[test]
    fn fiscal_and_crop_years_are_not_fractions() {
        check("the 1986/87 crushing season", &["1986/87:Point"]);
        check("1987/88 and 1999/2000", &["1987/88:Point", "1999/00:Point"]);
        check("a ratio of 1987/12", &[]);
    }

    #[test]
    fn spans_quarters_and_months() {
        check("the 2021-2025 plan", &["2021-2025:Point"]);
        check("in the third quarter", &["1986-Q3:Point"]);
        check(
            "the first quarter of 2004 and Q4 2004",
            &["2004-Q1:Point", "2004-Q4:Point"],
        );
        check(
            "in January 1987 from 54,000 in January 1986",
            &["1987-01:Point", "1986-01:Point"],
        );
        check("at end-January", &["1987-01:Point"]);
        check("stocks in September 1986", &["1986-09:Point"]);
        check(
            "in the first two months of this year",
            &["1987-01/1987-02:Point"],
        );
    }

    #[test]
    fn relative_periods() {
        check("cut last year to 49 pct", &["1986:Point"]);
        check("up 21% on the previous year", &["1986:Base"]);
        check("the paper last month said", &["1987-02:Point"]);
    }

    #[test]
    fn datelines_and_modal_may_are_not_periods() {
        check("PEKING, March 13 - China may import", &[]);
        check("on 20 October", &["1986-10:Point"]);
        check("the 1986/87 season (September-April)", &["1986/87:Point"]);
        check("the October/September wheat year", &[]);
        check("in the three months to September 2004", &["2004-Q3:Point"]);
        check("in the six months to June", &["1986-01/1986-06:Point"]);
        check("in the year to March 2005", &["?:Point"]);
        check("in the October-to-December quarter", &["1986-Q4:Point"]);
        check("in January-February 1987", &["1987-01/1987-02:Point"]);
        check("up 5% compared with 2003", &["2003:Base"]);
    }
}
