//! Text repair: line endings, odd spaces and invisible characters, stray HTML entities and
//! escapes, wire sign-offs ("REUTER"), hard-wrapped lines joined back into paragraphs, and the
//! final layout (trimmed lines, single blank lines between paragraphs).

use std::sync::OnceLock;

use regex::Regex;

use crate::boilerplate;

/// Repairs plain text (a text payload or an envelope's `body`).
pub(crate) fn repair_text(text: &str) -> String {
    let text = normalize_newlines(text);
    let text = decode_entities(&text);
    let text = clean_chars(&text);
    let text = text.replace("\\\"", "\"").replace("\\'", "'");
    let text = strip_sign_off(&text);
    let text = join_hard_wraps(&text);
    finish(&text)
}

/// Repairs text produced from HTML (already entity-decoded and without hard wraps).
pub(crate) fn repair_html_text(text: &str) -> String {
    let text = clean_chars(&normalize_newlines(text));
    let text = strip_sign_off(&text);
    finish(&text)
}

/// Layout, boilerplate removal, layout again.
fn finish(text: &str) -> String {
    let text = layout(text);
    layout(&boilerplate::strip(&text))
}

fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Odd spaces become plain spaces; zero-width characters, soft hyphens and control characters
/// (but newlines and tabs) are removed.
fn clean_chars(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => Some(' '),
            '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => None,
            '\n' | '\t' => Some(c),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

fn entity_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,9}));")
            .expect("the entity pattern is valid")
    })
}

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" | "AMP" => "&",
        "lt" | "LT" => "<",
        "gt" | "GT" => ">",
        "quot" | "QUOT" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "pound" => "£",
        "euro" => "€",
        "yen" => "¥",
        "cent" => "¢",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "middot" => "·",
        "bull" => "•",
        "times" => "×",
        "divide" => "÷",
        "frac12" => "½",
        "frac14" => "¼",
        "frac34" => "¾",
        "shy" => "\u{ad}",
        _ => return None,
    })
}

/// Decodes the HTML entities that leak into text (`&amp;`, `&#39;`, `&#x27;`); unknown names and
/// invalid code points stay as written.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    entity_regex()
        .replace_all(text, |caps: &regex::Captures<'_>| {
            let whole = caps[0].to_string();
            let code = if let Some(dec) = caps.get(1) {
                dec.as_str().parse::<u32>().ok()
            } else if let Some(hex) = caps.get(2) {
                u32::from_str_radix(hex.as_str(), 16).ok()
            } else {
                return named_entity(&caps[3]).map_or(whole, str::to_string);
            };
            code.and_then(char::from_u32)
                .filter(|&c| c != '\0')
                .map_or(whole, |c| c.to_string())
        })
        .into_owned()
}

fn sign_off_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // The sign-off must stand apart: on its own line, after a sentence end, or after a gap.
        Regex::new(r#"(\n|[.!?"')\]]|\s\s)[ \t]*(?i:reuters?)[ \t]*(?:\^M)?(?:\.{2,3})?\s*$"#)
            .expect("the sign-off pattern is valid")
    })
}

/// Removes trailing wire sign-offs (" REUTER", "Reuter", "... said. REUTER"; some stories
/// carry two).
fn strip_sign_off(text: &str) -> String {
    let mut text = text.trim_end().to_string();
    for _ in 0..3 {
        let stripped = strip_one_sign_off(&text);
        if stripped == text {
            break;
        }
        text = stripped;
    }
    text
}

fn strip_one_sign_off(text: &str) -> String {
    let trimmed = text.trim_end();
    match sign_off_regex().captures(trimmed) {
        Some(caps) => {
            let (Some(whole), Some(keep)) = (caps.get(0), caps.get(1)) else {
                return trimmed.to_string();
            };
            let mut out = trimmed[..whole.start()].to_string();
            out.push_str(keep.as_str());
            out.trim_end().to_string()
        }
        None => trimmed.to_string(),
    }
}

/// The longest line (in chars) of hard-wrapped text.
const MAX_WRAPPED_LINE_CHARS: usize = 100;
/// Lines shorter than this are not wrap candidates.
const MIN_WRAPPED_LINE_CHARS: usize = 40;

fn is_indented(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}

fn char_len(line: &str) -> usize {
    line.trim().chars().count()
}

/// Lines that continue on the next line (both non-blank, the next not indented): the places a
/// hard wrap could be.
fn continuation_lengths(lines: &[&str]) -> Vec<usize> {
    lines
        .windows(2)
        .filter(|w| !w[0].trim().is_empty() && !w[1].trim().is_empty() && !is_indented(w[1]))
        .map(|w| char_len(w[0]))
        .collect()
}

/// Text is hard-wrapped when its lines are short and most lines that run into the next are near
/// one width (newswire bodies wrapped at about 65 chars).
fn looks_hard_wrapped(lines: &[&str]) -> bool {
    let non_blank: Vec<usize> = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| char_len(l))
        .collect();
    if non_blank.len() < 3 {
        return false;
    }
    let short = non_blank
        .iter()
        .filter(|&&n| n <= MAX_WRAPPED_LINE_CHARS)
        .count();
    if short * 10 < non_blank.len() * 9 {
        return false;
    }
    let candidates = continuation_lengths(lines);
    let in_band = candidates
        .iter()
        .filter(|&&n| (MIN_WRAPPED_LINE_CHARS..=MAX_WRAPPED_LINE_CHARS).contains(&n))
        .count();
    candidates.len() >= 2 && in_band * 10 >= candidates.len() * 6
}

/// The wrap width: the 90th percentile of the lengths of lines that run into the next.
fn wrap_width(lines: &[&str]) -> usize {
    let mut lengths = continuation_lengths(lines);
    lengths.sort_unstable();
    lengths
        .get(lengths.len() * 9 / 10)
        .or(lengths.last())
        .copied()
        .unwrap_or(MAX_WRAPPED_LINE_CHARS)
}

fn has_letters_but_no_lowercase(line: &str) -> bool {
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2 && !line.chars().any(char::is_lowercase)
}

/// Whether a paragraph ends after `line` although `next` follows without indentation: an
/// all-caps line (headline, table row), or a sentence end short enough that the next word would
/// have fit on it.
fn ends_paragraph(line: &str, next: &str, width: usize) -> bool {
    let line = line.trim();
    if has_letters_but_no_lowercase(line) {
        return true;
    }
    let next_word = next
        .split_whitespace()
        .next()
        .map_or(0, |w| w.chars().count());
    let sentence_end = line.ends_with(['.', '!', '?', ':', '"', '”']);
    sentence_end && line.chars().count() + 1 + next_word + 5 < width
}

/// Joins hard-wrapped lines into paragraphs separated by blank lines; a blank line or an
/// indented line starts a new paragraph. Text that is not hard-wrapped is returned unchanged.
fn join_hard_wraps(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    if !looks_hard_wrapped(&lines) {
        return text.to_string();
    }
    let width = wrap_width(&lines);
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous: Option<&str> = None;
    for line in &lines {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            previous = None;
            continue;
        }
        let starts_paragraph = match previous {
            None => true,
            Some(prev) => is_indented(line) || ends_paragraph(prev, line, width),
        };
        if starts_paragraph {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else if !joins_hyphenated(&current, line) {
            current.push(' ');
        }
        current.push_str(line.trim());
        previous = Some(line);
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs.join("\n\n")
}

/// "five-" + "year" joins as "five-year", without a space.
fn joins_hyphenated(current: &str, next: &str) -> bool {
    let mut tail = current.chars().rev();
    tail.next() == Some('-')
        && tail.next().is_some_and(char::is_alphanumeric)
        && next.trim_start().starts_with(char::is_alphanumeric)
}

/// Trims lines, collapses runs of spaces and tabs, keeps at most one blank line between
/// paragraphs, and trims the text.
fn layout(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_pending = false;
    for line in text.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            blank_pending = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_pending { "\n\n" } else { "\n" });
        }
        blank_pending = false;
        for (i, word) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_and_spaces() {
        assert_eq!(repair_text("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(repair_text("a\u{a0}b\u{2009}c\u{3000}d"), "a b c d");
        assert_eq!(
            repair_text("zero\u{200b}width\u{feff} soft\u{ad}hyphen"),
            "zerowidth softhyphen"
        );
        assert_eq!(
            repair_text("  lots   of \t space  \n\n\n\nnext"),
            "lots of space\n\nnext"
        );
    }

    #[test]
    fn entities_in_text() {
        for (input, expected) in [
            ("AT&amp;T", "AT&T"),
            ("it&#39;s", "it's"),
            ("it&#x27;s", "it's"),
            ("&lt;b&gt;", "<b>"),
            ("&quot;q&quot;", "\"q\""),
            ("1&nbsp;000", "1 000"),
            ("&unknown; & &", "&unknown; & &"),
            ("&#0; &#99999999;", "&#0; &#99999999;"),
            ("&amp;amp;", "&amp;"),
        ] {
            assert_eq!(repair_text(input), expected, "{input:?}");
        }
    }

    #[test]
    fn escaped_quotes() {
        assert_eq!(
            repair_text(r#"\"Technological sovereignty\" is key"#),
            "\"Technological sovereignty\" is key"
        );
    }

    #[test]
    fn sign_offs() {
        for (input, expected) in [
            ("Two pct.\n REUTER\n", "Two pct."),
            ("Two pct.\n Reuter\n\u{3}", "Two pct."),
            ("Two pct. REUTER", "Two pct."),
            ("Two pct.\nREUTER^M", "Two pct."),
            ("Two pct.\n reuter...", "Two pct."),
            ("Two pct.  REUTER", "Two pct."),
            ("He told Reuters", "He told Reuters"),
            ("Sources said to Reuters.", "Sources said to Reuters."),
            ("REUTER", "REUTER"),
            (
                "Note: period ended January 31.\nREUTER\n Reuter\n",
                "Note: period ended January 31.",
            ),
        ] {
            assert_eq!(repair_text(input), expected, "{input:?}");
        }
    }

    #[test]
    fn joins_reuters_hard_wraps() {
        let text = "PEKING, March 13 - China has to decide if it will increase\n\
                    sugar imports this year to cover falling domestic output and\n\
                    rising demand, in view of market predictions that international\n\
                    sugar prices will remain firm this year, traders and the\n\
                    official press said.\n    \
                    He Kang, Minister of Agriculture, Animal Husbandry and\n\
                    Fisheries, said this week that China has adjusted prices.\n";
        assert_eq!(
            repair_text(text),
            "PEKING, March 13 - China has to decide if it will increase sugar imports this year \
             to cover falling domestic output and rising demand, in view of market predictions \
             that international sugar prices will remain firm this year, traders and the \
             official press said.\n\nHe Kang, Minister of Agriculture, Animal Husbandry and \
             Fisheries, said this week that China has adjusted prices."
        );
    }

    #[test]
    fn keeps_the_headline_separate() {
        let text = "CHINA FACES DILEMMA OVER SUGAR IMPORTS\n\
                    PEKING, March 13 - China has to decide if it will increase\n\
                    sugar imports this year to cover falling domestic output and\n\
                    rising demand, traders said.";
        let repaired = repair_text(text);
        assert!(
            repaired.starts_with("CHINA FACES DILEMMA OVER SUGAR IMPORTS\n\nPEKING, March 13"),
            "{repaired}"
        );
        let text = format!(
            "CHINA FACES DILEMMA\n\n{}",
            text.split_once('\n').unwrap().1
        );
        assert!(repair_text(&text).starts_with("CHINA FACES DILEMMA\n\nPEKING, March 13 - China"));
    }

    #[test]
    fn short_sentence_end_closes_a_paragraph() {
        let text = "The dry period means the temporao will be late this year and\n\
                    arrivals are down.\n\
                    Comissaria Smith said there is still some doubt as to how\n\
                    much old crop cocoa is still available as harvesting has\n\
                    practically come to an end.";
        let repaired = repair_text(text);
        assert!(
            repaired.contains("arrivals are down.\n\nComissaria Smith said there is"),
            "{repaired}"
        );
        assert!(repaired.contains("how much old crop"));
    }

    #[test]
    fn hyphenated_wraps() {
        let text = "The government announced on Monday a brand new five-\n\
                    year plan for the steel industry on Monday, with targets for\n\
                    output and exports through the end of the decade, officials said.";
        assert!(repair_text(text).contains("five-year plan"));
    }

    #[test]
    fn unwrapped_text_is_left_alone() {
        let bbc = "Ad sales boost Time Warner profit\n\n\
                   Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the three months to December, from $639m year-earlier.\n\n\
                   The firm, which is now one of the biggest investors in Google, benefited from sales of high-speed internet connections.";
        assert_eq!(repair_text(bbc), bbc);
        let list = "Name\nAddress line\nCity\nCountry";
        assert_eq!(repair_text(list), list);
        let long_lines = format!(
            "{}\n{}\n{}",
            "a ".repeat(80),
            "b ".repeat(80),
            "c ".repeat(80)
        );
        assert_eq!(repair_text(&long_lines).lines().count(), 3);
    }

    #[test]
    fn indented_table_rows_stay_apart() {
        let text = "Output of the main crops in the season was as follows, the\n\
                    agriculture ministry of the country said on Tuesday in its\n\
                    ministry said in its report on Tuesday, giving figures in tonnes.\n\
                    \x20   Wheat    150,000\n\
                    \x20   Maize    200,000\n";
        let repaired = repair_text(text);
        assert!(
            repaired.ends_with("tonnes.\n\nWheat 150,000\n\nMaize 200,000"),
            "{repaired}"
        );
    }

    #[test]
    fn html_text_is_not_entity_decoded_twice() {
        assert_eq!(repair_html_text("AT&amp;T\u{a0}Inc"), "AT&amp;T Inc");
    }
}
