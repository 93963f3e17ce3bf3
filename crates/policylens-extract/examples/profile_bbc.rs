//! Profiling driver: extracts every document of a directory once (default: BBC business).

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
    let n: usize = docs
        .iter()
        .map(|text| extractor.extract(Input { text, date: None }).len())
        .sum();
    println!("{} docs, {n} facts", docs.len());
}
