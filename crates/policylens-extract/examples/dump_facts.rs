//! Regression driver for output-preserving work (speed-ups, refactors): extracts every BBC file
//! and every Reuters story (title + body, dated) and prints one JSON line of facts per document.
//! Diff its output before and after a change; any byte of difference is a behaviour change.
//!
//! `cargo run --release -p policylens-extract --example dump_facts [SHARED_DIR] > facts.jsonl`

use std::path::{Path, PathBuf};

use policylens_extract::{Date, Extractor, Input};

fn main() {
    let shared = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let extractor = Extractor::builtin();
    let mut out = String::new();
    let mut emit = |name: &str, text: &str, date: Option<Date>| {
        let facts = extractor.extract(Input { text, date });
        out.push_str(name);
        out.push('\t');
        out.push_str(&serde_json::to_string(&facts).expect("facts serialise"));
        out.push('\n');
    };
    for (name, text) in bbc(&shared.join("corpus/bbc")) {
        emit(&name, &text, None);
    }
    let reuters = std::fs::read_to_string(shared.join("corpus/reuters21578.jsonl"))
        .expect("reuters corpus beside the checkout");
    for line in reuters.lines() {
        let story: serde_json::Value = serde_json::from_str(line).expect("corpus line is JSON");
        let field = |k: &str| story.get(k).and_then(|v| v.as_str()).unwrap_or("");
        let text = format!("{}\n\n{}", field("title"), field("body"));
        emit(field("id"), &text, Date::parse(field("published_at")));
    }
    print!("{out}");
}

fn bbc(root: &Path) -> Vec<(String, String)> {
    let mut docs = Vec::new();
    for category in ["business", "entertainment", "politics", "sport", "tech"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(category))
            .expect("bbc corpus beside the checkout")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        for path in paths {
            if let Ok(text) = std::fs::read_to_string(&path) {
                let file = path.file_name().unwrap_or_default().to_string_lossy();
                docs.push((format!("{category}/{file}"), text));
            }
        }
    }
    docs
}
