//! Boilerplate removal: page and blog chrome ("Leave a Reply", "Back To Top", cookie notices)
//! matched line by line against the data-driven patterns in `data/boilerplate.txt`.

use std::sync::OnceLock;

use regex::RegexSet;

/// The patterns, one `<action> <regex>` per line (see the file's header).
const PATTERNS: &str = include_str!("../data/boilerplate.txt");
/// Longer lines are article text, never chrome.
const MAX_CHROME_LINE_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Drop the line.
    Line,
    /// Drop the line and everything after it (when in the second half of the document).
    Tail,
}

struct Patterns {
    set: RegexSet,
    actions: Vec<Action>,
}

/// Parses the pattern file; a malformed line is a bug in the shipped data, caught by the tests.
fn parse(source: &str) -> Result<Patterns, String> {
    let mut regexes = Vec::new();
    let mut actions = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (action, pattern) = line
            .split_once(' ')
            .ok_or_else(|| format!("line {}: expected `<action> <regex>`", n + 1))?;
        let action = match action {
            "line" => Action::Line,
            "tail" => Action::Tail,
            other => return Err(format!("line {}: unknown action {other:?}", n + 1)),
        };
        regexes.push(format!("(?i)^(?:{})$", pattern.trim()));
        actions.push(action);
    }
    let set = RegexSet::new(&regexes).map_err(|e| e.to_string())?;
    Ok(Patterns { set, actions })
}

fn patterns() -> &'static Patterns {
    static PATTERNS_CELL: OnceLock<Patterns> = OnceLock::new();
    PATTERNS_CELL.get_or_init(|| {
        parse(PATTERNS).unwrap_or_else(|e| panic!("data/boilerplate.txt is invalid: {e}"))
    })
}

fn classify(patterns: &Patterns, line: &str) -> Option<Action> {
    if line.is_empty() || line.chars().count() > MAX_CHROME_LINE_CHARS {
        return None;
    }
    let matched = patterns.set.matches(line);
    let mut action = None;
    for index in matched.iter() {
        match patterns.actions[index] {
            Action::Tail => return Some(Action::Tail),
            Action::Line => action = Some(Action::Line),
        }
    }
    action
}

/// Removes chrome lines; a `tail` line in the second half of the text cuts the rest.
pub(crate) fn strip(text: &str) -> String {
    strip_with(patterns(), text)
}

fn strip_with(patterns: &Patterns, text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        match classify(patterns, line.trim()) {
            None => kept.push(line),
            Some(Action::Line) => {}
            Some(Action::Tail) => {
                let has_text_before = kept.iter().any(|l| !l.trim().is_empty());
                if index * 2 >= lines.len() && has_text_before {
                    break;
                }
            }
        }
    }
    kept.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_patterns_parse() {
        let parsed = parse(PATTERNS).unwrap();
        assert!(parsed.actions.len() > 10);
    }

    #[test]
    fn bad_pattern_files_are_reported() {
        assert!(parse("drop x").is_err());
        assert!(parse("line").is_err());
        assert!(parse("line (unclosed").is_err());
    }

    #[test]
    fn blog_chrome_is_removed() {
        let text = "Title\n\nThe article text is here.\n\nShare this:\n\nMore article text.\n\n\
                    Back To Top\n\nLeave a Reply\n\nYour email address will not be published. \
                    Required fields are marked *\n\nComment\n\nName *\n\nPost Comment";
        assert_eq!(
            strip(text),
            "Title\n\nThe article text is here.\n\n\nMore article text.\n\n"
        );
    }

    #[test]
    fn cookie_notices_are_removed() {
        let text = "We use cookies to improve your experience. By continuing you agree.\n\
                    Accept all cookies\nStory text.";
        assert_eq!(strip(text), "Story text.");
    }

    #[test]
    fn article_sentences_are_kept() {
        for line in [
            "The company said it would share this year's profits with staff.",
            "Shares in the firm rose 5% to a record high.",
            "He told reporters the plan was back to the drawing board.",
            "Readers were asked to leave a reply on the website by Friday, the paper said.",
            "We use cookies",
        ] {
            let text = format!("Intro.\n{line}");
            let expected = if line == "We use cookies" {
                "Intro.".to_string()
            } else {
                text.clone()
            };
            assert_eq!(strip(&text), expected, "{line:?}");
        }
    }

    #[test]
    fn a_tail_pattern_early_only_drops_its_line() {
        let text = "Leave a Reply\nFirst paragraph.\nSecond paragraph.\nThird paragraph.";
        assert_eq!(
            strip(text),
            "First paragraph.\nSecond paragraph.\nThird paragraph."
        );
    }

    #[test]
    fn long_lines_are_never_chrome() {
        let line = format!("We use cookies{}", " and more".repeat(30));
        assert_eq!(strip(&line), line);
    }
}
