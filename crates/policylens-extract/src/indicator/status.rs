//! Status and tense of a statement: projected ("will", "expected", "forecast", "estimated to"),
//! target ("target", "aims to", "goal", "plans to"), otherwise observed; and whether a clause
//! reports the past or the present, which decides how a figure without a period is dated.

use std::sync::LazyLock;

use regex::Regex;

static CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi-u)\b(?:
          (?P<target>targets?|targeted|targeting|aims?\s+(?:to|for|at)|aimed\s+(?:to|at)|aiming|goals?|plans?\s+to|planned|planning\s+to
            |hopes?\s+to|hoped\s+to|must|pledged?\s+to|vows?\s+to|vowed\s+to|objectives?|quotas?|seeks?\s+to|intends?\s+to)
        | (?P<projected>will|would|shall|'ll|expects?|expected|expectations?|forecasts?|forecasted|forecasting|projected|projections?
            |predicts?|predicted|predictions?|estimated\s+to|estimating|likely|set\s+to|anticipated?|outlook|(?-i:could|might|may)|is\s+seen|are\s+seen)
        )\b",
    )
    .expect("status cues compile")
});

/// The status a clause gives its figures: the cue nearest the end of `clause` wins.
pub fn status(clause: &str) -> Option<&'static str> {
    // groups only for the last cue: a plain search finds it for a fraction of the cost
    let last = CUE.find_iter(clause).last()?;
    let caps = CUE.captures_at(clause, last.start())?;
    Some(if caps.name("target").is_some() {
        "target"
    } else {
        "projected"
    })
}

static PAST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u)\b(?:was|were|had|rose|fell|grew|totalled|totaled|reached|hit|stood|amounted|increased|decreased|declined|dropped|jumped|surged|climbed|narrowed|widened|gained|lost|slumped|soared|reported|posted|recorded|earned|went|shared|produced|exported|imported|accounted|risen|fallen|grown|expanded|shrank|plunged|tumbled|eased|topped|cut|raised|saw|made|took|had|won|paid)\b",
    )
    .expect("past cues compile")
});

static PRESENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(?:is|are|has|have|owns|holds|employs|accounts|stands|remains|sells|produces|controls)\b")
        .expect("present cues compile")
});

/// How a clause places its figures in time when it names no period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    Past,
    Present,
    Other,
}

pub fn tense(sentence: &str) -> Tense {
    if PAST.is_match(sentence) {
        Tense::Past
    } else if PRESENT.is_match(sentence) {
        Tense::Present
    } else {
        Tense::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_cues() {
        for (clause, expect) in [
            ("China's oil imports will be", Some("projected")),
            ("with projections to exceed", Some("projected")),
            ("in China they are estimating", Some("projected")),
            ("the government aims to raise output to", Some("target")),
            ("the plan's goal is", Some("target")),
            ("exports rose", None),
            ("A trader estimated stocks at", None),
            ("bankers said it could appreciate", Some("projected")),
            ("In May exports rose", None),
        ] {
            assert_eq!(status(clause), expect, "{clause}");
        }
    }

    #[test]
    fn tenses() {
        assert_eq!(tense("Deposits rose to 680 mln dlrs"), Tense::Past);
        assert_eq!(tense("China has 521 sugar mills."), Tense::Present);
        assert_eq!(tense("Illva will pay 481.42m yuan"), Tense::Other);
    }
}
