//! The words around a number: qualifiers ("over", "about", "up to"), directions ("rose",
//! "fell by"), and the contexts that make a number something other than a quantity (dates,
//! clock times, ordinals, phone numbers, identifiers).

use std::sync::LazyLock;

use regex::Regex;

use crate::period::floor_char_boundary;

static QUALIFIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi-u)\b(
          more\s+than | over | above | in\s+excess\s+of | exceed(?:s|ed|ing)? | upwards\s+of | just\s+over | surpass(?:es|ed)?
        | at\s+least | no\s+less\s+than | a\s+minimum\s+of | not\s+less\s+than
        | just\s+under | just\s+below | under | less\s+than | below | fewer\s+than
        | up\s+to | at\s+most | as\s+much\s+as | as\s+many\s+as | as\s+high\s+as | no\s+more\s+than | a\s+maximum\s+of | not\s+more\s+than
        | nearly | almost | close\s+to | just\s+short\s+of
        | about | around | roughly | approximately | approx\.? | some | an\s+estimated | circa | more\s+or\s+less | something\s+like | an\s+average\s+of
        )\s+$",
    )
    .expect("qualifier pattern compiles")
});

/// The qualifier written just before `start`, and where it starts.
pub fn qualifier_before(text: &str, start: usize) -> Option<(&'static str, usize)> {
    let from = floor_char_boundary(text, start.saturating_sub(40));
    let before = &text[from..start];
    // most figures have no qualifier: a plain match test turns them away before the costlier
    // search for groups
    if !QUALIFIER.is_match(before) {
        return None;
    }
    let caps = QUALIFIER.captures(before)?;
    let m = caps.get(1).expect("group");
    let words = m.as_str().to_ascii_lowercase();
    let words: Vec<&str> = words.split_whitespace().collect();
    let qualifier = match words.as_slice() {
        ["just", "under" | "below"] | ["under" | "below"] | ["less" | "fewer", "than"] => "under",
        ["at", "least"] | ["no" | "not", "less", "than"] | ["a", "minimum", "of"] => "at_least",
        ["up", "to"]
        | ["at", "most"]
        | ["as", _, "as"]
        | ["no" | "not", "more", "than"]
        | ["a", "maximum", "of"] => "at_most",
        ["nearly" | "almost"] | ["close", "to"] | ["just", "short", "of"] => "nearly",
        ["more", "or", "less"] => "about",
        [first, ..]
            if [
                "about",
                "around",
                "roughly",
                "approximately",
                "approx",
                "approx.",
                "some",
                "an",
                "circa",
                "something",
            ]
            .contains(first) =>
        {
            "about"
        }
        _ => "over",
    };
    Some((qualifier, from + m.start()))
}

static QUALIFIER_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)^\s+or\s+(more|above|over|higher|less|fewer|below|lower)\b|^\s*\+")
        .expect("qualifier-after pattern compiles")
});

/// A qualifier written after a quantity ending at `end` ("or more", "or less").
pub fn qualifier_after(text: &str, end: usize) -> Option<(&'static str, usize)> {
    let caps = QUALIFIER_AFTER.captures(&text[end..])?;
    let whole = caps.get(0).expect("match");
    let lower = caps.get(1).is_none_or(|w| {
        matches!(
            w.as_str().to_ascii_lowercase().as_str(),
            "more" | "above" | "over" | "higher"
        )
    });
    Some((
        if lower { "at_least" } else { "at_most" },
        end + whole.end(),
    ))
}

static DIRECTION_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi-u)\b(
          (?P<up>rose|rise|rises|rising|risen|up|increased?|increases|increasing|grew|grow|grows|growing|grown
            |gained?|gains|climbed?|climbs|jumped?|jumps|surged?|surges|soared?|soars|expanded?|expands|widened|widens
            |advanced?|raised?|raises|boosted?|added|adding|adds|an?\s+(?:rise|increase|gain|jump|growth)\s+of|growth\s+of)
        | (?P<down>fell|fall|falls|falling|fallen|down|declined?|declines|declining|dropped|drop|drops|decreased?|decreases
            |cut|cuts|narrowed|narrows|shrank|shrunk|shrinks?|slumped?|slumps|slipped|slips|plunged?|plunges|tumbled?
            |eased?|eases|lost|reduced?|reduces|lowered|an?\s+(?:fall|drop|decline|decrease|cut|reduction)\s+of)
        )\s+(?:by\s+)?(?:a\s+further\s+|another\s+|an?\s+(?:[a-z-]+\s+)?)?$",
    )
    .expect("direction pattern compiles")
});

static DIRECTION_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)^\s+(?:(higher|more|above|up)|(lower|less|below|down))\b")
        .expect("direction-after pattern compiles")
});

/// The direction of change a quantity states: `up` for "rose 25%" / "24.4% above", `down` for
/// "fell by 3 pct" / "5% lower"; empty for a level.
pub fn direction(text: &str, start: usize, end: usize) -> &'static str {
    let from = floor_char_boundary(text, start.saturating_sub(40));
    let before = &text[from..start];
    // most figures state no direction: a plain match test turns them away before the
    // costlier search for groups
    if DIRECTION_BEFORE.is_match(before) {
        let caps = DIRECTION_BEFORE.captures(before).expect("matched");
        return if caps.name("up").is_some() {
            "up"
        } else {
            "down"
        };
    }
    let after = &text[end..];
    if DIRECTION_AFTER.is_match(after) {
        let caps = DIRECTION_AFTER.captures(after).expect("matched");
        return if caps.get(1).is_some() { "up" } else { "down" };
    }
    ""
}

static DATE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)(?:\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?|\b(?i:No|Nos|Number|Article|Section|Chapter|Page|Room|Flight|Route|Boeing|Airbus|Model|Type|Class|Grade|Level|Phase|Stage|Tier|Version)\.?)\s+$")
        .expect("date-before pattern compiles")
});

static DATE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)^(?:\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\b|(?i:\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock|gmt\b|hrs\b|bst\b|est\b))|[:/]\d|-\d+-|(?i:st|nd|rd|th)\b|-(?i:[a-z]))")
        .expect("date-after pattern compiles")
});

/// Whether the number at `start..end` is a date, a clock time, an ordinal, a fiscal-year
/// half, a phone number, a numbered thing ("No. 1", "Boeing 747") or part of an identifier.
pub fn is_not_quantity(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    if start > 0 {
        let prev = bytes[start - 1];
        // identifiers ("C919", "G20"), second halves ("1987/88", "10:30"), signs of phones
        if prev.is_ascii_alphanumeric() || matches!(prev, b'/' | b':' | b'+' | b'#' | b'_') {
            return true;
        }
        if prev == b'-' && start > 1 && bytes[start - 2].is_ascii_digit() {
            return true;
        }
    }
    // phone numbers: "020 7946 0000", "0800 123"
    if bytes[start] == b'0' && end - start >= 3 && !text[start..end].contains('.') {
        return true;
    }
    let digit_group_before =
        start >= 2 && bytes[start - 1] == b' ' && bytes[start - 2].is_ascii_digit();
    let digit_group_after = bytes.get(end) == Some(&b' ')
        && bytes[end + 1..]
            .iter()
            .take(3)
            .filter(|b| b.is_ascii_digit())
            .count()
            == 3;
    if digit_group_before || digit_group_after {
        return true;
    }
    let from = floor_char_boundary(text, start.saturating_sub(20));
    DATE_BEFORE.is_match(&text[from..start]) || DATE_AFTER.is_match(&text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` holds one `|` where the number starts and one `^` where it ends.
    fn split(text: &str) -> (String, usize, usize) {
        let start = text.find('|').expect("start marker");
        let clean = text.replacen('|', "", 1);
        let end = clean.find('^').expect("end marker");
        (clean.replacen('^', "", 1), start, end)
    }

    #[test]
    fn qualifiers() {
        for (text, expect) in [
            ("over |13^ percent", Some("over")),
            ("more than |a third^ of", Some("over")),
            ("projections to exceed |17^ percent", Some("over")),
            ("at least |$190bn^", Some("at_least")),
            ("worth up to |$120m^", Some("at_most")),
            ("as much as |40%^", Some("at_most")),
            ("by nearly |30%^", Some("nearly")),
            ("just under |2%^", Some("under")),
            ("around |5^ percent", Some("about")),
            ("roughly |30%^ higher", Some("about")),
            ("of about |14^ mln", Some("about")),
            ("rose |12.3%^", None),
            ("turnover |5^", None),
        ] {
            let (clean, start, _) = split(text);
            assert_eq!(
                qualifier_before(&clean, start).map(|q| q.0),
                expect,
                "{text}"
            );
        }
        assert_eq!(
            qualifier_after("10 pct or more", 6).map(|q| q.0),
            Some("at_least")
        );
    }

    #[test]
    fn directions() {
        for (text, expect) in [
            ("rose |25%^", "up"),
            ("fell by |3 pct^", "down"),
            ("up |30.5%^ at", "up"),
            ("narrowed by |4.9%^", "down"),
            ("was |24.4%^ above", "up"),
            ("rose to |558,089 tonnes^", ""),
            ("rose 12.3% to |$1.15 trillion^", ""),
            ("a rise of |5%^", "up"),
            ("the |5%^ stake", ""),
        ] {
            let (clean, start, end) = split(text);
            assert_eq!(direction(&clean, start, end), expect, "{text}");
        }
    }

    #[test]
    fn numbers_that_are_not_quantities() {
        for (text, expect) in [
            ("PEKING, March |13^ - China", true),
            ("on |8^ December", true),
            ("at |5^ pm", true),
            ("at |10^:30", true),
            ("the |14^th National", true),
            ("the |4^th generation", true),
            ("the C|919^ aircraft", true),
            ("No. |10^ Downing", true),
            ("call |020^ 7946", true),
            ("a |10^-year bond", true),
            ("1987/|88^", true),
            ("rose |25^%", false),
            ("|300,000^ tonnes", false),
        ] {
            let (clean, start, end) = split(text);
            assert_eq!(is_not_quantity(&clean, start, end), expect, "{text}");
        }
    }
}
