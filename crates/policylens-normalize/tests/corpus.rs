//! Normalisation over the real corpora in `../shared/corpus`: every Reuters story and BBC
//! article is accepted, hard wraps are joined, sign-offs are gone, BBC text keeps its layout.

use std::path::Path;

use policylens_normalize::{Envelope, Format, Limits, Meta, normalize};
use policylens_testkit::shared_dir;

fn json_meta() -> Meta {
    Meta {
        format: Some(Format::Json),
        ..Meta::default()
    }
}

#[test]
fn reuters_stories_are_unwrapped_and_signed_off() {
    let path = shared_dir().join("corpus/reuters21578.jsonl");
    let text = std::fs::read_to_string(&path).expect("the Reuters corpus is readable");
    let mut stories = 0;
    let mut wrapped_lines = 0usize;
    let mut lines_total = 0usize;
    for line in text.lines().take(3000) {
        let envelope: Envelope = serde_json::from_str(line).unwrap();
        let doc = match normalize(line.as_bytes(), &json_meta(), &Limits::default()) {
            Ok(doc) => doc,
            Err(e) => {
                // A handful of stories have no text beyond a sign-off.
                assert_eq!(e.reason.as_str(), "empty", "{:?}: {e}", envelope.id);
                continue;
            }
        };
        stories += 1;
        assert_eq!(Some(doc.doc_id.as_str()), envelope.id.as_deref());
        let upper = doc.body.trim_end().to_ascii_uppercase();
        assert!(
            !upper.ends_with("REUTER"),
            "{}: {:?}",
            doc.doc_id,
            &doc.body
        );
        for line in doc.body.lines() {
            lines_total += 1;
            let n = line.chars().count();
            if (55..=75).contains(&n) && !line.ends_with(['.', ':', '"']) {
                wrapped_lines += 1;
            }
        }
    }
    assert!(stories > 2900, "{stories}");
    // Before repair most lines are ~65-char wrap fragments; after, few lines look like one.
    assert!(
        wrapped_lines * 20 < lines_total,
        "{wrapped_lines} of {lines_total} lines still look hard-wrapped"
    );
}

fn bbc_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn bbc_articles_keep_their_paragraphs() {
    let dir = shared_dir().join("corpus/bbc/business");
    for path in bbc_files(&dir).into_iter().take(200) {
        let raw = std::fs::read(&path).unwrap();
        let doc = normalize(&raw, &Meta::default(), &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(doc.format, Format::Text);
        let headline = String::from_utf8_lossy(&raw)
            .lines()
            .next()
            .unwrap()
            .trim()
            .to_string();
        assert_eq!(doc.title, headline, "{}", path.display());
        let paragraphs_in = String::from_utf8_lossy(&raw)
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .count();
        let paragraphs_out = doc.body.split("\n\n").count();
        assert_eq!(paragraphs_in, paragraphs_out, "{}", path.display());
    }
}

#[test]
fn the_dev_set_normalises() {
    let dir = shared_dir().join("eval/dev/docs");
    for path in bbc_files(&dir) {
        let raw = std::fs::read(&path).unwrap();
        let doc = normalize(&raw, &Meta::default(), &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!doc.body.contains("\\\""), "{}", path.display());
        assert!(!doc.body.ends_with("REUTER"), "{}", path.display());
    }
}
