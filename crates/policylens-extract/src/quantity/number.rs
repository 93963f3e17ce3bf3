//! Numbers as written: digit strings with thousands separators and decimals, number words
//! ("two", "twenty-five"), and fractions read as percentages ("a third", "half", "one in five").

/// A number read at some position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: f64,
    /// Byte offset just past the number.
    pub end: usize,
    pub kind: NumberKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// Written in digits; `plain` when it has no separator and no decimals ("1987").
    Digits {
        plain: bool,
        len: usize,
    },
    Word,
    /// A fraction; its value is already a percentage.
    Fraction,
}

/// Reads a digit number starting exactly at `start`: `300,000`, `7.08`, `1,182.5`.
pub fn digits_at(text: &str, start: usize) -> Option<Number> {
    let bytes = text.as_bytes();
    let mut i = start;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if i == start {
        return None;
    }
    let mut plain = true;
    // thousands groups: exactly three digits after each comma
    while bytes.get(i) == Some(&b',')
        && i + 4 <= bytes.len()
        && bytes[i + 1..i + 4].iter().all(u8::is_ascii_digit)
        && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit())
    {
        i += 4;
        plain = false;
    }
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        plain = false;
    }
    let written = &text[start..i];
    let value = if plain || !written.contains(',') {
        written.parse()
    } else {
        written.replace(',', "").parse()
    };
    Some(Number {
        value: value.ok()?,
        end: i,
        kind: NumberKind::Digits {
            plain,
            len: i - start,
        },
    })
}

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// Where a number may start, in text order: `(start, end, is_word)` for each digit run and
/// each word that may open a number word or a fraction ("two", "twenty", "a", "half").
/// One byte pass, no regex: this runs over every byte of every document.
pub fn candidates(text: &str) -> Vec<(usize, usize, bool)> {
    let bytes = text.as_bytes();
    let class_at = |i: usize| CLASS[usize::from(bytes[i])];
    let mut out = Vec::new();
    let mut i = 0;
    // run by run: digits, letters, or anything else (skipped byte by byte)
    while i < bytes.len() {
        let class = class_at(i);
        if class == OTHER {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len() && class_at(i) == class {
            i += 1;
        }
        if class == DIGIT {
            out.push((start, i, false));
        } else if is_starter(&bytes[start..i])
            // a word glued to non-ASCII letters ("café") is not a number word
            && !((start > 0 && bytes[start - 1] >= 0x80) || bytes.get(i).is_some_and(|b| *b >= 0x80))
        {
            out.push((start, i, true));
        }
    }
    out
}

const OTHER: u8 = 0;
const DIGIT: u8 = 1;
const LETTER: u8 = 2;

/// The class of each byte for [`candidates`]: one table load per byte instead of range tests.
static CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        if byte.is_ascii_digit() {
            table[b] = DIGIT;
        } else if byte.is_ascii_alphabetic() {
            table[b] = LETTER;
        }
        b += 1;
    }
    table
};

/// The initials of the starters of each length, a bit per letter: a cheap test that turns away
/// most words ("the", "that", "said") before any comparison.
const STARTER_INITIALS: [u32; 10] = [
    0,
    initials(b"a"),
    0,
    initials(b"ots"),
    initials(b"hfn"),
    initials(b"tsef"),
    initials(b"etn"),
    initials(b"fs"),
    initials(b"tfen"),
    initials(b"s"),
];

fn is_starter(word: &[u8]) -> bool {
    let initial = word[0].to_ascii_lowercase().wrapping_sub(b'a');
    let Some(initials) = STARTER_INITIALS.get(word.len()) else {
        return false;
    };
    if initial >= 26 || initials & (1 << initial) == 0 {
        return false;
    }
    let mut lower = [0u8; 9];
    for (slot, b) in lower.iter_mut().zip(word) {
        *slot = b.to_ascii_lowercase();
    }
    matches!(
        &lower[..word.len()],
        b"a" | b"half"
            | b"one"
            | b"two"
            | b"three"
            | b"four"
            | b"five"
            | b"six"
            | b"seven"
            | b"eight"
            | b"nine"
            | b"ten"
            | b"eleven"
            | b"twelve"
            | b"thirteen"
            | b"fourteen"
            | b"fifteen"
            | b"sixteen"
            | b"seventeen"
            | b"eighteen"
            | b"nineteen"
            | b"twenty"
            | b"thirty"
            | b"forty"
            | b"fifty"
            | b"sixty"
            | b"seventy"
            | b"eighty"
            | b"ninety"
    )
}

/// A bit per lowercase letter in `letters`.
const fn initials(letters: &[u8]) -> u32 {
    let mut bits = 0;
    let mut i = 0;
    while i < letters.len() {
        bits |= 1 << (letters[i] - b'a');
        i += 1;
    }
    bits
}

fn word_at(text: &str, start: usize) -> (&str, usize) {
    let end = text[start..]
        .find(|c: char| !c.is_ascii_alphabetic())
        .map_or(text.len(), |n| start + n);
    (&text[start..end], end)
}

fn small_value(word: &str) -> Option<f64> {
    if let Some(i) = UNITS.iter().position(|w| w.eq_ignore_ascii_case(word)) {
        return Some(i as f64);
    }
    TENS.iter()
        .position(|w| w.eq_ignore_ascii_case(word))
        .map(|i| (i as f64 + 2.0) * 10.0)
}

/// Reads a number word at `start`: "two", "twenty-five", "ninety nine", "two hundred".
pub fn word_number_at(text: &str, start: usize) -> Option<Number> {
    let (word, mut end) = word_at(text, start);
    let mut value = small_value(word)?;
    // "twenty-five", "twenty five"
    if value >= 20.0 && value % 10.0 == 0.0 {
        let rest = &text[end..];
        let skip = if rest.starts_with('-') || rest.starts_with(' ') {
            1
        } else {
            0
        };
        if skip == 1 {
            let (next, next_end) = word_at(text, end + 1);
            if let Some(v) = small_value(next).filter(|v| (1.0..10.0).contains(v)) {
                value += v;
                end = next_end;
            }
        }
    }
    if text[end..].starts_with(" hundred") {
        let (next, next_end) = word_at(text, end + 1);
        if next == "hundred" {
            value *= 100.0;
            end = next_end;
        }
    }
    Some(Number {
        value,
        end,
        kind: NumberKind::Word,
    })
}

/// Reads a fraction at `start` as a percentage: "a third" (33.33), "two-thirds", "a quarter
/// of", "half of", "one in five". "Half" and "quarter" only count where they measure a share
/// ("half of", "by half", "a quarter of"), never as "the first half" or "the third quarter".
pub fn fraction_at(text: &str, start: usize) -> Option<Number> {
    let (first, first_end) = word_at(text, start);
    if first.eq_ignore_ascii_case("half") {
        let before = text[..start].trim_end();
        let after = |w: &str| ends_with_ignore_case(before, w);
        // "the second half of this year", "the first half": a period, not a share
        if [
            "first", "second", "latter", "other", "the", "last", "next", "this",
        ]
        .into_iter()
        .any(after)
        {
            return None;
        }
        let measured = followed_by_of(&text[first_end..])
            || [
                " by", " than", " about", " nearly", " almost", " around", " some",
            ]
            .into_iter()
            .any(after);
        return measured.then_some(Number {
            value: 50.0,
            end: first_end,
            kind: NumberKind::Fraction,
        });
    }
    // "one in five"
    if first.eq_ignore_ascii_case("one") && in_follows(&text[first_end..]) {
        let (of, of_end) = word_at(text, first_end + 4);
        let n = small_value(of).filter(|n| (2.0..=20.0).contains(n))?;
        return Some(Number {
            value: 100.0 / n,
            end: of_end,
            kind: NumberKind::Fraction,
        });
    }
    let count = if first.eq_ignore_ascii_case("a") || first.eq_ignore_ascii_case("one") {
        1.0
    } else {
        small_value(first).filter(|v| (2.0..10.0).contains(v))?
    };
    let sep = text[first_end..].chars().next()?;
    if !(sep == ' ' || sep == '-' || sep == '\n') {
        return None;
    }
    let (denom, denom_end) = word_at(text, first_end + 1);
    let stem = denom.trim_end_matches(['s', 'S']);
    let (_, per) = [
        ("half", 2.0),
        ("halve", 2.0),
        ("third", 3.0),
        ("quarter", 4.0),
        ("fifth", 5.0),
        ("sixth", 6.0),
        ("tenth", 10.0),
    ]
    .into_iter()
    .find(|(w, _)| stem.eq_ignore_ascii_case(w))?;
    if per == 4.0 && !followed_by_of(&text[denom_end..]) {
        return None;
    }
    let value = (count / per * 100.0 * 100.0).round() / 100.0;
    Some(Number {
        value,
        end: denom_end,
        kind: NumberKind::Fraction,
    })
}

/// Whether `s` ends with the lowercase ASCII `suffix`, in any case.
fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Whether `rest` opens with " in " (any white space around "in", any case).
fn in_follows(rest: &str) -> bool {
    let mut chars = rest.chars();
    chars.next().is_some_and(char::is_whitespace)
        && chars.next().is_some_and(|c| c.eq_ignore_ascii_case(&'i'))
        && chars.next().is_some_and(|c| c.eq_ignore_ascii_case(&'n'))
        && chars.next().is_some_and(char::is_whitespace)
}

fn followed_by_of(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.starts_with("of") && !rest[2..].starts_with(|c: char| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(read: fn(&str, usize) -> Option<Number>, text: &str, expect: Option<(f64, &str)>) {
        let got = read(text, 0).map(|n| (n.value, &text[..n.end]));
        assert_eq!(got, expect, "number at the start of {text:?}");
    }

    #[test]
    fn digits() {
        check(digits_at, "300,000 tonnes", Some((300000.0, "300,000")));
        check(digits_at, "7.08 billion", Some((7.08, "7.08")));
        check(digits_at, "1,182.5 mln", Some((1182.5, "1,182.5")));
        check(digits_at, "1987/88", Some((1987.0, "1987")));
        check(digits_at, "12, 13 and 14", Some((12.0, "12")));
        check(digits_at, "25,1650", Some((25.0, "25")));
        check(digits_at, "6.2.", Some((6.2, "6.2")));
        check(digits_at, "pct", None);
    }

    #[test]
    fn candidate_starts() {
        let text = "A third, 25 and twenty-five; someone 4G";
        let got: Vec<&str> = candidates(text)
            .iter()
            .map(|&(s, e, _)| &text[s..e])
            .collect();
        assert_eq!(got, ["A", "25", "twenty", "five", "4"]);
    }

    #[test]
    fn number_words() {
        check(word_number_at, "two million", Some((2.0, "two")));
        check(word_number_at, "twenty-five", Some((25.0, "twenty-five")));
        check(word_number_at, "two hundred", Some((200.0, "two hundred")));
        check(word_number_at, "fourth-generation", None);
        check(word_number_at, "someone", None);
    }

    #[test]
    fn fractions_are_percentages() {
        check(fraction_at, "a third of the oil", Some((33.33, "a third")));
        check(fraction_at, "two-thirds of", Some((66.67, "two-thirds")));
        check(fraction_at, "a quarter of", Some((25.0, "a quarter")));
        check(
            fraction_at,
            "one in five loans",
            Some((20.0, "one in five")),
        );
        check(fraction_at, "half of", Some((50.0, "half")));
        check(fraction_at, "half the", None);
        assert_eq!(fraction_at("in the second half of this year", 14), None);
        check(fraction_at, "a quarter earlier", None);
        check(fraction_at, "a thirdparty", None);
        assert_eq!(
            fraction_at("cut it by half", 10).map(|n| n.value),
            Some(50.0)
        );
    }
}
