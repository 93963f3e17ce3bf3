//! The engine over every real document we have (BBC 2004-05, Reuters 1987, the dev set): it never
//! panics, every fact's char offsets lie inside the text and slice out the fact's surface text,
//! values are finite, and the same text gives the same facts.

use std::path::PathBuf;

use policylens_extract::{Date, Extractor, Fact, FactKind, Input, Value};

fn shared() -> PathBuf {
    let dir = std::env::var_os("POLICYLENS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(
        dir.join("corpus").is_dir(),
        "../shared not found at {}",
        dir.display()
    );
    dir
}

/// (name, text, date) of every corpus document.
fn documents() -> Vec<(String, String, Option<Date>)> {
    let root = shared();
    let mut docs = Vec::new();
    for category in ["business", "entertainment", "politics", "sport", "tech"] {
        let dir = root.join("corpus/bbc").join(category);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            // one BBC file is not valid UTF-8; ingest dead-letters it, the lossy text still must not panic
            let bytes = std::fs::read(&path).unwrap();
            docs.push((
                path.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
                None,
            ));
        }
    }
    let reuters = std::fs::read_to_string(root.join("corpus/reuters21578.jsonl")).unwrap();
    for line in reuters.lines() {
        let story: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = format!(
            "{}\n\n{}",
            story["title"].as_str().unwrap_or(""),
            story["body"].as_str().unwrap_or("")
        );
        let date = story["published_at"].as_str().and_then(Date::parse);
        docs.push((story["id"].as_str().unwrap().to_string(), text, date));
    }
    docs
}

fn check_fact(name: &str, text: &str, chars: &[char], fact: &Fact) {
    assert!(
        fact.start <= fact.end && fact.end <= chars.len(),
        "{name}: offsets {}..{} outside the text",
        fact.start,
        fact.end
    );
    let slice: String = chars[fact.start..fact.end].iter().collect();
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        fold(&slice),
        fold(&fact.text),
        "{name}: surface text of {fact:?}"
    );
    assert!(
        !fact.sentence.is_empty(),
        "{name}: no sentence for {fact:?}"
    );
    let finite = match &fact.kind {
        FactKind::Quantity {
            value: Value::Single(v),
            ..
        } => v.is_finite(),
        FactKind::Quantity {
            value: Value::Range([a, b]),
            ..
        } => a.is_finite() && b.is_finite() && a <= b,
        FactKind::Indicator { value, .. } => value.is_finite(),
        _ => true,
    };
    assert!(finite, "{name}: bad value in {fact:?}");
    let _ = text;
}

#[test]
fn every_corpus_document_extracts_cleanly_and_deterministically() {
    let extractor = Extractor::builtin();
    let docs = documents();
    assert!(docs.len() > 20_000, "the whole corpus: {}", docs.len());
    let mut facts_total = 0usize;
    for (i, (name, text, date)) in docs.iter().enumerate() {
        let input = Input { text, date: *date };
        let facts = std::panic::catch_unwind(|| extractor.extract(input))
            .unwrap_or_else(|_| panic!("extraction panicked on {name}"));
        let chars: Vec<char> = text.chars().collect();
        for fact in &facts {
            check_fact(name, text, &chars, fact);
        }
        if i % 97 == 0 {
            assert_eq!(
                facts,
                extractor.extract(input),
                "{name}: same text, same facts"
            );
        }
        facts_total += facts.len();
    }
    assert!(facts_total > docs.len(), "facts are found: {facts_total}");
}
