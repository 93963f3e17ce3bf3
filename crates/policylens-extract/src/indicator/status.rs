//! Status and tense of a statement: projected ("will", "expected", "forecast", "estimated to"),
//! target ("target", "aims to", "goal", "plans to"), otherwise observed; and whether a clause
//! reports the past or the present, which decides how a figure without a period is dated.

use std::sync::LazyLock;

use regex::Regex;

/// The status a clause gives its figures: the cue nearest the end of `clause` wins.
///
/// The cues, matched as whole ASCII words in any ASCII case (the modal verbs "could", "might"
/// and "may" only in lower case, as "May" is a month):
/// - target: `targets?`, `targeted`, `targeting`, `aiming`, `goals?`, `planned`, `must`,
///   `objectives?`, `quotas?`, and `aims? to|for|at`, `aimed to|at`, `plans? to`,
///   `planning to`, `hopes? to`, `hoped to`, `pledged? to`, `vows? to`, `vowed to`,
///   `seeks? to`, `intends? to`;
/// - projected: `will`, `would`, `shall`, `'ll` (after a word), `expects?`, `expected`,
///   `expectations?`, `forecasts?`, `forecasted`, `forecasting`, `projected`, `projections?`,
///   `predicts?`, `predicted`, `predictions?`, `estimating`, `likely`, `anticipated?`,
///   `outlook`, `could`, `might`, `may`, and `estimated to`, `set to`, `is seen`, `are seen`.
///
/// Written out rather than as a regex (it runs several times per figure): the words are
/// walked from the end and the first that opens a cue is the last cue. No cue starts inside
/// another (no second word of a cue is a cue), so this is the last match of a left-to-right
/// search.
pub fn status(clause: &str) -> Option<&'static str> {
    let b = clause.as_bytes();
    let mut end = b.len();
    while let Some(last) = b[..end].iter().rposition(|&c| is_word_byte(c)) {
        let start = b[..last]
            .iter()
            .rposition(|&c| !is_word_byte(c))
            .map_or(0, |p| p + 1);
        if may_open_cue(&b[start..=last])
            && let Some(status) = cue_at(b, start, last + 1)
        {
            return Some(status);
        }
        end = start;
    }
    None
}

/// A byte of a word as the regex `\b` sees it (ASCII, without Unicode).
fn is_word_byte(c: u8) -> bool {
    WORD_BYTES[usize::from(c)]
}

/// [`is_word_byte`] as a table: it runs for every byte of every clause.
const WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric() || b == b'_';
        c += 1;
    }
    table
};

/// The words that open a cue (see [`cue_at`]), all lower case.
const CUE_WORDS: &[&str] = &[
    "target",
    "targets",
    "targeted",
    "targeting",
    "aiming",
    "goal",
    "goals",
    "planned",
    "must",
    "objective",
    "objectives",
    "quota",
    "quotas",
    "aim",
    "aims",
    "aimed",
    "plan",
    "plans",
    "planning",
    "hope",
    "hopes",
    "hoped",
    "pledge",
    "pledged",
    "vow",
    "vows",
    "vowed",
    "seek",
    "seeks",
    "intend",
    "intends",
    "will",
    "would",
    "shall",
    "expect",
    "expects",
    "expected",
    "expectation",
    "expectations",
    "forecast",
    "forecasts",
    "forecasted",
    "forecasting",
    "projected",
    "projection",
    "projections",
    "predict",
    "predicts",
    "predicted",
    "prediction",
    "predictions",
    "estimating",
    "likely",
    "anticipate",
    "anticipated",
    "outlook",
    "could",
    "might",
    "may",
    "ll",
    "estimated",
    "set",
    "is",
    "are",
];

/// Per first letter, the lengths of the cue words starting with it (bit `n` for length `n`).
const CUE_SHAPES: [u16; 26] = {
    let mut shapes = [0u16; 26];
    let mut k = 0;
    while k < CUE_WORDS.len() {
        let w = CUE_WORDS[k].as_bytes();
        shapes[(w[0] - b'a') as usize] |= 1 << w.len();
        k += 1;
    }
    shapes
};

/// Whether a word may open a cue, by its first letter and length: a cheap filter before
/// [`cue_at`], which most words fail.
fn may_open_cue(word: &[u8]) -> bool {
    let first = word[0].to_ascii_lowercase();
    word.len() < 16
        && first.is_ascii_lowercase()
        && CUE_SHAPES[usize::from(first - b'a')] & (1 << word.len()) != 0
}

/// The status of the cue opened by the word `b[start..end]`, if it opens one.
fn cue_at(b: &[u8], start: usize, end: usize) -> Option<&'static str> {
    let raw = &b[start..end];
    if raw.len() > 12 {
        return None;
    }
    let mut buf = [0u8; 12];
    let word = &mut buf[..raw.len()];
    word.copy_from_slice(raw);
    word.make_ascii_lowercase();
    let word: &[u8] = word;
    // the word after this one, if only white space stands between them
    let next = || {
        let gap = b[end..]
            .iter()
            .take_while(|c| matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' '))
            .count();
        let from = end + gap;
        let len = b[from..].iter().take_while(|&&c| is_word_byte(c)).count();
        (gap > 0).then_some(&b[from..from + len])
    };
    let next_is = |words: &[&str]| {
        next().is_some_and(|n| words.iter().any(|w| n.eq_ignore_ascii_case(w.as_bytes())))
    };
    let target = match word {
        b"target" | b"targets" | b"targeted" | b"targeting" | b"aiming" | b"goal" | b"goals"
        | b"planned" | b"must" | b"objective" | b"objectives" | b"quota" | b"quotas" => true,
        b"aim" | b"aims" => next_is(&["to", "for", "at"]),
        b"aimed" => next_is(&["to", "at"]),
        b"plan" | b"plans" | b"planning" | b"hope" | b"hopes" | b"hoped" | b"pledge"
        | b"pledged" | b"vow" | b"vows" | b"vowed" | b"seek" | b"seeks" | b"intend"
        | b"intends" => next_is(&["to"]),
        _ => false,
    };
    if target {
        return Some("target");
    }
    let projected = match word {
        b"will" | b"would" | b"shall" | b"expect" | b"expects" | b"expected" | b"expectation"
        | b"expectations" | b"forecast" | b"forecasts" | b"forecasted" | b"forecasting"
        | b"projected" | b"projection" | b"projections" | b"predict" | b"predicts"
        | b"predicted" | b"prediction" | b"predictions" | b"estimating" | b"likely"
        | b"anticipate" | b"anticipated" | b"outlook" => true,
        b"could" | b"might" | b"may" => raw == word,
        // "they'll"
        b"ll" => start >= 2 && b[start - 1] == b'\'' && is_word_byte(b[start - 2]),
        b"estimated" | b"set" => next_is(&["to"]),
        b"is" | b"are" => next_is(&["seen"]),
        _ => false,
    };
    projected.then_some("projected")
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
    fn cue_words_pass_the_filter() {
        for w in CUE_WORDS {
            assert!(may_open_cue(w.as_bytes()), "{w}");
            assert!(may_open_cue(w.to_ascii_uppercase().as_bytes()), "{w}");
        }
        assert!(!may_open_cue(b"rose"));
    }

    #[test]
    fn status_cues_are_the_regex_ones() {
        let cue = regex::Regex::new(
            r"(?xi-u)\b(?:
              (?P<target>targets?|targeted|targeting|aims?\s+(?:to|for|at)|aimed\s+(?:to|at)|aiming|goals?|plans?\s+to|planned|planning\s+to
                |hopes?\s+to|hoped\s+to|must|pledged?\s+to|vows?\s+to|vowed\s+to|objectives?|quotas?|seeks?\s+to|intends?\s+to)
            | (?P<projected>will|would|shall|'ll|expects?|expected|expectations?|forecasts?|forecasted|forecasting|projected|projections?
                |predicts?|predicted|predictions?|estimated\s+to|estimating|likely|set\s+to|anticipated?|outlook|(?-i:could|might|may)|is\s+seen|are\s+seen)
            )\b",
        )
        .unwrap();
        let by_regex = |clause: &str| {
            let last = cue.find_iter(clause).last()?;
            let caps = cue.captures_at(clause, last.start())?;
            Some(if caps.name("target").is_some() {
                "target"
            } else {
                "projected"
            })
        };
        for clause in [
            "",
            "'ll",
            "they'll rise",
            "THEY'LL",
            "it May rise",
            "it may rise",
            "it MAY",
            "aims to",
            "aims top",
            "aims\n\tfor",
            "aim_to",
            "plans",
            "plans to",
            "plans  TO rise but will",
            "will plans to",
            "is seen",
            "is seenx",
            "set  to",
            "offset to",
            "targets_",
            "targeted projections",
            "estimated at",
            "estimated to",
            "caf\u{e9}will",
            "x'll",
            "anticipate anticipated anticipates",
            "expectations3",
            "the outlook-must",
        ] {
            assert_eq!(status(clause), by_regex(clause), "{clause:?}");
        }
    }

    #[test]
    fn tenses() {
        assert_eq!(tense("Deposits rose to 680 mln dlrs"), Tense::Past);
        assert_eq!(tense("China has 521 sugar mills."), Tense::Present);
        assert_eq!(tense("Illva will pay 481.42m yuan"), Tense::Other);
    }
}
