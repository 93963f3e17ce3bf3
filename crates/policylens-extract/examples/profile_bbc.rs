//! Profiling driver: extracts every document of a directory (default: BBC business) twice, a
//! warm-up pass (lazy regex caches, first allocations) and then the `measured` pass, which is
//! what the benchmark repeats. Steady-state instruction counts:
//!
//! `valgrind --tool=callgrind --toggle-collect='profile_bbc::measured' target/release/examples/profile_bbc`

use policylens_extract::{Extractor, Input};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/work/shared/corpus/bbc/business".to_string());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let docs: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let extractor = Extractor::builtin();
    let warm: usize = docs
        .iter()
        .map(|text| extractor.extract(Input { text, date: None }).len())
        .sum();
    let n = measured(&extractor, &docs);
    assert_eq!(warm, n, "extraction is deterministic");
    println!("{} docs, {n} facts", docs.len());
}

#[inline(never)]
fn measured(extractor: &Extractor, docs: &[String]) -> usize {
    docs.iter()
        .map(|text| extractor.extract(Input { text, date: None }).len())
        .sum()
}
