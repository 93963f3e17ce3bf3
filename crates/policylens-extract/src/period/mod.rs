//! Periods: dates, years, quarters, months, fiscal and crop years, spans, and relative
//! expressions ("last year", "the third quarter") resolved against an anchor date.

mod recognise;

pub use recognise::{PeriodMention, Role, find};

use std::fmt;

/// The largest char boundary at or before byte `i`.
pub(crate) fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A calendar date (month and day may be unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an RFC 3339 timestamp (its date part).
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let date = s.split(['T', ' ']).next()?;
        let mut parts = date.split('-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month = match parts.next() {
            Some(m) => Some(m.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(d.parse::<u8>().ok().filter(|d| (1..=31).contains(d))?),
            None => None,
        };
        Some(Date { year, month, day })
    }
}

/// A resolved period, printed as `eval/FORMAT.md` writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Year(i32),
    /// Year and quarter 1–4: `2004-Q4`.
    Quarter(i32, u8),
    /// Year and month: `2005-01`.
    Month(i32, u8),
    /// A run of months in one year: `1987-01/1987-02`.
    Months(i32, u8, u8),
    /// A fiscal or crop year by its starting year: `1987/88`.
    Fiscal(i32),
    /// A span of years: `2021-2025`.
    Span(i32, i32),
}

impl Period {
    /// The last (year, month) the period covers.
    pub fn last_month(self) -> (i32, u8) {
        match self {
            Period::Year(y) => (y, 12),
            Period::Quarter(y, q) => (y, q * 3),
            Period::Month(y, m) => (y, m),
            Period::Months(y, _, to) => (y, to),
            Period::Fiscal(y) => (y + 1, 8),
            Period::Span(_, y) => (y, 12),
        }
    }

    /// The year a relative expression in the same text would count from.
    pub fn year(self) -> i32 {
        match self {
            Period::Year(y)
            | Period::Quarter(y, _)
            | Period::Month(y, _)
            | Period::Months(y, _, _)
            | Period::Span(_, y) => y,
            Period::Fiscal(y) => y + 1,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::Months(y, a, b) => write!(f, "{y}-{a:02}/{y}-{b:02}"),
            Period::Fiscal(y) => write!(f, "{y}/{:02}", (y + 1).rem_euclid(100)),
            Period::Span(a, b) => write!(f, "{a}-{b}"),
        }
    }
}

/// A period as written: fixed, or relative to the anchor it must be resolved against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Fixed(Period),
    /// `this year` (0), `last year` (-1), `next year` (1).
    Year(i32),
    /// `this month` (0), `last month` (-1).
    Month(i32),
    /// A month named without its year: `in December`, `end-January`.
    BareMonth(u8),
    /// A quarter named without its year, with a year offset: `the third quarter` (0).
    Quarter(u8, i32),
    /// The first `n` months of a year offset: `the first two months of this year`.
    FirstMonths(u8, i32),
    /// `n` months to a month, of a year if written: `the three months to September`.
    MonthsTo(u8, u8, Option<i32>),
    /// A period no calendar label fits ("the year to March"): it dates its figures, unknowably.
    Unlabelled,
}

/// What a relative period is resolved against: the document date, or a year the text states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    pub year: i32,
    /// Known for a document date; unknown for a year taken from the text.
    pub month: Option<u8>,
}

impl From<Date> for Anchor {
    fn from(date: Date) -> Self {
        Anchor {
            year: date.year,
            month: date.month,
        }
    }
}

impl When {
    pub fn is_relative(self) -> bool {
        !matches!(self, When::Fixed(_) | When::MonthsTo(_, _, Some(_)))
    }

    /// The period this expression names, given an anchor for relative expressions.
    pub fn resolve(self, anchor: Option<Anchor>) -> Option<Period> {
        if let When::Fixed(p) = self {
            return Some(p);
        }
        if let When::MonthsTo(n, month, Some(year)) = self {
            return months_to(n, month, year);
        }
        let anchor = anchor?;
        let period = match self {
            When::Fixed(p) => p,
            When::Year(offset) => Period::Year(anchor.year + offset),
            When::Month(offset) => {
                let month = i32::from(anchor.month?) - 1 + offset;
                Period::Month(
                    anchor.year + month.div_euclid(12),
                    (month.rem_euclid(12) + 1) as u8,
                )
            }
            When::BareMonth(m) => match anchor.month {
                Some(now) if m > now => Period::Month(anchor.year - 1, m),
                _ => Period::Month(anchor.year, m),
            },
            When::Quarter(q, offset) => match anchor.month {
                Some(now) if offset == 0 && (q - 1) * 3 + 1 > now => {
                    Period::Quarter(anchor.year - 1, q)
                }
                _ => Period::Quarter(anchor.year + offset, q),
            },
            When::FirstMonths(n, offset) => Period::Months(anchor.year + offset, 1, n),
            When::Unlabelled => return None,
            When::MonthsTo(n, month, _) => {
                let year = match anchor.month {
                    Some(now) if month > now => anchor.year - 1,
                    _ => anchor.year,
                };
                return months_to(n, month, year);
            }
        };
        Some(period)
    }
}

/// `n` months ending with `month`: a calendar quarter, a run of months, or a year.
fn months_to(n: u8, month: u8, year: i32) -> Option<Period> {
    match n {
        3 if month.is_multiple_of(3) => Some(Period::Quarter(year, month / 3)),
        12 if month == 12 => Some(Period::Year(year)),
        _ if n >= 2 && n <= month => Some(Period::Months(year, month + 1 - n, month)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(year: i32, month: u8) -> Option<Anchor> {
        Some(Anchor {
            year,
            month: Some(month),
        })
    }

    #[test]
    fn parses_document_dates() {
        let d = Date::parse("1987-03-13T00:50:19Z").unwrap();
        assert_eq!((d.year, d.month, d.day), (1987, Some(3), Some(13)));
        assert_eq!(Date::parse("2004").unwrap().month, None);
        assert_eq!(Date::parse("1987-13"), None);
    }

    #[test]
    fn prints_periods_as_the_format_writes_them() {
        for (p, s) in [
            (Period::Year(2014), "2014"),
            (Period::Quarter(2004, 4), "2004-Q4"),
            (Period::Month(2005, 1), "2005-01"),
            (Period::Months(1987, 1, 2), "1987-01/1987-02"),
            (Period::Fiscal(1987), "1987/88"),
            (Period::Fiscal(1999), "1999/00"),
            (Period::Span(2021, 2025), "2021-2025"),
        ] {
            assert_eq!(p.to_string(), s);
        }
    }

    #[test]
    fn resolves_relative_periods_against_the_anchor() {
        let cases = [
            (When::Year(-1), at(1987, 3), Some(Period::Year(1986))),
            (When::Year(0), at(1987, 3), Some(Period::Year(1987))),
            (When::Month(-1), at(1987, 1), Some(Period::Month(1986, 12))),
            (
                When::BareMonth(1),
                at(1987, 3),
                Some(Period::Month(1987, 1)),
            ),
            (
                When::BareMonth(9),
                at(1987, 3),
                Some(Period::Month(1986, 9)),
            ),
            (
                When::Quarter(3, 0),
                at(1987, 3),
                Some(Period::Quarter(1986, 3)),
            ),
            (
                When::Quarter(1, 0),
                at(1987, 6),
                Some(Period::Quarter(1987, 1)),
            ),
            (
                When::FirstMonths(2, 0),
                at(1987, 3),
                Some(Period::Months(1987, 1, 2)),
            ),
            (When::Year(-1), None, None),
            (
                When::Month(-1),
                Some(Anchor {
                    year: 2004,
                    month: None,
                }),
                None,
            ),
            (
                When::BareMonth(12),
                Some(Anchor {
                    year: 2004,
                    month: None,
                }),
                Some(Period::Month(2004, 12)),
            ),
        ];
        for (when, anchor, expect) in cases {
            assert_eq!(when.resolve(anchor), expect, "{when:?} at {anchor:?}");
        }
    }
}
