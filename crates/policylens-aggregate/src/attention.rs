//! Document dates and attention buckets: a document's day (publication date when parseable, else
//! ingest time), and per-day counts rolled up to days, ISO weeks or months at query time.

use std::collections::BTreeMap;

use policylens_proto::v1::{AttentionBucket, Granularity};
use time::{Date, Month, OffsetDateTime, format_description::well_known::Rfc3339};

/// The document's date in milliseconds since the epoch: `published_at` (RFC 3339, or a plain
/// `YYYY-MM-DD` at midnight UTC) when it parses, else `ingested_at_ms`.
pub fn document_date_ms(published_at: &str, ingested_at_ms: i64) -> i64 {
    let text = published_at.trim();
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return (at.unix_timestamp_nanos() / 1_000_000) as i64;
    }
    if let Some(date) = parse_date(text.get(..10).unwrap_or(text)) {
        return date.midnight().assume_utc().unix_timestamp() * 1000;
    }
    ingested_at_ms
}

/// The Julian day of a date in milliseconds since the epoch.
pub fn julian_day(date_ms: i64) -> i32 {
    const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
    (UNIX_EPOCH_JULIAN_DAY + date_ms.div_euclid(86_400_000)) as i32
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    if text.len() != 10 {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// The bucket label of a day: `2005-01-17`, `2005-W03` or `2005-01`.
pub fn bucket_label(date: Date, granularity: Granularity) -> String {
    match granularity {
        Granularity::Day => format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            date.month() as u8,
            date.day()
        ),
        Granularity::Week => {
            let (year, week, _) = date.to_iso_week_date();
            format!("{year:04}-W{week:02}")
        }
        Granularity::Month | Granularity::Unspecified => {
            format!("{:04}-{:02}", date.year(), date.month() as u8)
        }
    }
}

/// Rolls per-day document counts within `[from, to]` (Julian days) up to buckets, in order.
pub fn buckets(
    days: &BTreeMap<i32, u32>,
    granularity: Granularity,
    from: Option<i32>,
    to: Option<i32>,
) -> Vec<AttentionBucket> {
    let mut out: Vec<AttentionBucket> = Vec::new();
    let range = days.range(from.unwrap_or(i32::MIN)..=to.unwrap_or(i32::MAX));
    for (&day, &documents) in range {
        let Ok(date) = Date::from_julian_day(day) else {
            continue;
        };
        let period = bucket_label(date, granularity);
        match out.last_mut() {
            Some(last) if last.period == period => last.documents += documents,
            _ => out.push(AttentionBucket { period, documents }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_fall_back() {
        let day = document_date_ms("2005-01-17", 0);
        assert_eq!(day, 1_105_920_000_000);
        assert_eq!(
            document_date_ms("2005-01-17T10:00:00Z", 0),
            day + 36_000_000
        );
        assert_eq!(document_date_ms("sometime", 42), 42);
        assert_eq!(document_date_ms("", 42), 42);
        assert_eq!(
            julian_day(day),
            parse_date("2005-01-17").unwrap().to_julian_day()
        );
    }

    #[test]
    fn buckets_roll_up_by_granularity() {
        let d = |s: &str| parse_date(s).unwrap().to_julian_day();
        let days = BTreeMap::from([
            (d("2005-01-17"), 2),
            (d("2005-01-18"), 1),
            (d("2005-02-01"), 4),
        ]);
        let month = buckets(&days, Granularity::Unspecified, None, None);
        assert_eq!(month.len(), 2);
        assert_eq!(
            (month[0].period.as_str(), month[0].documents),
            ("2005-01", 3)
        );
        let week = buckets(&days, Granularity::Week, None, None);
        assert_eq!(week[0].period, "2005-W03");
        assert_eq!(week[0].documents, 3);
        let day = buckets(&days, Granularity::Day, Some(d("2005-01-18")), None);
        assert_eq!(day.len(), 2);
        assert_eq!(day[0].period, "2005-01-18");
    }
}
