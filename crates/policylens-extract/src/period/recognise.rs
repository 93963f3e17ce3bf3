//! The grammar of period expressions: one regex over a sentence, each match read into a
//! [`When`] with the [`Role`] its preposition gives it.

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

static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?xi-u)
        (?P<fy>\b(?:19|20)\d\d/(?:\d\d|(?:19|20)\d\d)\b)
        | (?P<span>\b(?P<sa>(?:19|20)\d\d)\s*(?:-|–)\s*(?P<sb>(?:19|20)\d\d)\b)
        | (?P<first>\bfirst\s+(?P<fn>two|three|four|five|six|seven|eight|nine|ten|eleven|\d{{1,2}})\s+months
            \s+of\s+(?:(?P<fy4>(?:19|20)\d\d)\b|(?P<frel>this|last|the\s+previous)\s+year))
        | (?P<mto>\b(?P<mton>three|six|nine|twelve|3|6|9|12)\s+months\s+(?:to|ending|ended)\s+(?:the\s+end\s+of\s+|end-)?(?P<mtom>{MONTH})\b\.?(?:\s+(?P<mtoy>(?:19|20)\d\d)\b)?)
        | (?P<yto>\b(?:the\s+)?(?:financial\s+|fiscal\s+)?year\s+(?:to|ending|ended)\s+(?:the\s+end\s+of\s+|end-)?{MONTH}\b\.?(?:\s+(?:19|20)\d\d\b)?)
        | (?P<qtr>\b(?:the\s+)?(?P<qn>first|second|third|fourth|final|1st|2nd|3rd|4th)\s+quarter
            (?:\s+of\s+(?:(?P<qy>(?:19|20)\d\d)\b|(?P<qrel>this|last|next|the\s+previous)\s+year))?)
        | (?P<qcode>\b(?:Q(?P<qc>[1-4])[\s-]*(?P<qcy>(?:19|20)\d\d)|(?P<qcy2>(?:19|20)\d\d)[\s-]*Q(?P<qc2>[1-4]))\b)
        | (?P<mspan>\b(?P<ma>{MONTH})(?:\s*-\s*to\s*-\s*|\s+to\s+|\s*-\s*|\s*–\s*)(?P<mb>{MONTH})\b(?:\s+(?P<msy>(?:19|20)\d\d)\b)?)
        | (?P<month>\b(?:(?P<medge>end|mid|late|early)[\s-]+)?(?P<mname>{MONTH})\b\.?
            (?:\s+(?P<mday>\d{{1,2}})\b,?)?(?:\s+(?P<my>(?:19|20)\d\d)\b)?)
        | (?P<rel>\b(?P<rw>last|this|next|the\s+previous|the\s+past|the\s+current)\s+(?P<ru>year|month)\b)
        | (?P<year>\b(?:(?P<yedge>end|mid|late|early)[\s-]+)?(?P<y>(?:19|20)\d\d)(?P<ysuf>'s|s)?\b)
        "
    );
    Regex::new(&pattern).expect("period grammar compiles")
});

/// The word before a period expression that sets its role.
static PREPOSITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(by|over|on|than|since|from|until|till|through|before|after|against|versus|vs\.?|with|to)\s+(?:the\s+)?(?:same\s+)?(?:calendar\s+|fiscal\s+)?$")
        .expect("preposition pattern compiles")
});

static COMPARED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(?:compared\s+(?:with|to)|as\s+against)\s+(?:the\s+)?(?:same\s+)?(?:period\s+(?:of|in)\s+)?$")
        .expect("comparison pattern compiles")
});

/// Every period expression in `text[range]`, in order, with spans in `text`.
pub fn find(text: &str, range: Range<usize>) -> Vec<PeriodMention> {
    let slice = &text[range.clone()];
    let mut out = Vec::new();
    for caps in PERIOD.captures_iter(slice) {
        let whole = caps.get(0).expect("match");
        let start = range.start + whole.start();
        let end = range.start + whole.end();
        let bytes = text.as_bytes();
        // glued to a number or a currency: part of a quantity or an identifier
        if start > 0
            && matches!(
                bytes[start - 1],
                b'$' | b'.' | b',' | b'/' | b'-' | b'0'..=b'9'
            )
            && (caps.name("month").is_none() || bytes[start - 1] != b'-')
        {
            continue;
        }
        // "(September-April)": a span of months inside a season, not a period of its own
        if caps.name("month").is_some() && caps.name("medge").is_none() {
            let after_dash = text[end..].starts_with(['-', '/'])
                && text[end + 1..].starts_with(|c: char| c.is_ascii_alphabetic());
            if after_dash || (start > 0 && matches!(bytes[start - 1], b'-' | b'/')) {
                continue;
            }
        }
        let Some(when) = read(&caps) else { continue };
        if is_dateline(text, end, &caps) {
            continue;
        }
        out.push(PeriodMention {
            span: start..end,
            when,
            role: role(text, start, &caps),
        });
    }
    out
}

fn read(caps: &Captures<'_>) -> Option<When> {
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<i32>().ok());
    if let Some(m) = caps.name("fy") {
        let (a, b) = m.as_str().split_once('/')?;
        let a: i32 = a.parse().ok()?;
        let b: i32 = b.parse().ok()?;
        let next = if b < 100 { a / 100 * 100 + b } else { b };
        // "1987/88", "1999/00", "2003/2004"; anything else is not a fiscal year
        if next != a + 1 && !(b < 100 && (a + 1) % 100 == b) {
            return None;
        }
        return Some(When::Fixed(Period::Fiscal(a)));
    }
    if caps.name("span").is_some() {
        let (a, b) = (num("sa")?, num("sb")?);
        return (b > a && b - a <= 30).then_some(When::Fixed(Period::Span(a, b)));
    }
    if caps.name("first").is_some() {
        let n = number_word(caps.name("fn")?.as_str())?;
        if !(2..=11).contains(&n) {
            return None;
        }
        if let Some(y) = num("fy4") {
            return Some(When::Fixed(Period::Months(y, 1, n)));
        }
        return Some(When::FirstMonths(n, offset(caps.name("frel")?.as_str())));
    }
    if caps.name("mto").is_some() {
        let n = number_word(caps.name("mton")?.as_str()).or_else(|| {
            match caps.name("mton")?.as_str() {
                "twelve" | "12" => Some(12),
                _ => None,
            }
        })?;
        let m = month_number(caps.name("mtom")?.as_str())?;
        return Some(When::MonthsTo(n, m, num("mtoy")));
    }
    if caps.name("yto").is_some() {
        // "the year to March": a twelve-month period across two years, not a calendar one
        return Some(When::Unlabelled);
    }
    if caps.name("qtr").is_some() {
        let q = match caps.name("qn")?.as_str().to_ascii_lowercase().as_str() {
            "first" | "1st" => 1,
            "second" | "2nd" => 2,
            "third" | "3rd" => 3,
            _ => 4,
        };
        if let Some(y) = num("qy") {
            return Some(When::Fixed(Period::Quarter(y, q)));
        }
        let off = caps.name("qrel").map_or(0, |m| offset(m.as_str()));
        return Some(When::Quarter(q, off));
    }
    if caps.name("qcode").is_some() {
        let q = num("qc").or_else(|| num("qc2"))? as u8;
        let y = num("qcy").or_else(|| num("qcy2"))?;
        return Some(When::Fixed(Period::Quarter(y, q)));
    }
    if caps.name("mspan").is_some() {
        // "October-to-December": a run of months in one year; "September-April" crosses a
        // year (a crop season) and names no period of its own
        let a = month_number(caps.name("ma")?.as_str())?;
        let b = month_number(caps.name("mb")?.as_str())?;
        return (a < b).then(|| When::MonthsTo(b - a + 1, b, num("msy")));
    }
    if caps.name("month").is_some() {
        let m = month_number(caps.name("mname")?.as_str())?;
        return Some(match num("my") {
            Some(y) => When::Fixed(Period::Month(y, m)),
            None => When::BareMonth(m),
        });
    }
    if caps.name("rel").is_some() {
        let off = offset(caps.name("rw")?.as_str());
        return Some(if caps.name("ru")?.as_str().eq_ignore_ascii_case("year") {
            When::Year(off)
        } else {
            When::Month(off)
        });
    }
    // a decade ("1990s", "the 1950's") is not a period a value can be tied to
    let y = num("y")?;
    let suffix = caps.name("ysuf").map_or("", |m| m.as_str());
    if suffix == "s" || (suffix == "'s" && y % 10 == 0) {
        return None;
    }
    Some(When::Fixed(Period::Year(y)))
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

/// Story datelines ("PEKING, March 13 -") name the filing date, not a period of any value.
fn is_dateline(text: &str, end: usize, caps: &Captures<'_>) -> bool {
    caps.name("mday").is_some() && text[end..].trim_start().starts_with('-')
}

fn role(text: &str, start: usize, caps: &Captures<'_>) -> Role {
    let from = floor_char_boundary(text, start.saturating_sub(40));
    let before = &text[from..start];
    if COMPARED.is_match(before) {
        return Role::Base;
    }
    let Some(prep) = PREPOSITION.captures(before) else {
        return Role::Point;
    };
    match prep[1].to_ascii_lowercase().as_str() {
        "by" => Role::By,
        // "on 20 October", "to March 1987": a date, still the time of the value
        "on" | "to" | "with" if caps.name("month").is_some() => Role::Point,
        "to" | "with" => Role::Point,
        _ => Role::Base,
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
