//! Single-threaded extraction throughput over the BBC corpus (`../shared/corpus/bbc`).

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use policylens_extract::{Extractor, Input};

fn corpus() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/bbc");
    let mut files = Vec::new();
    for category in ["business", "entertainment", "politics", "sport", "tech"] {
        let dir = root.join(category);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            panic!(
                "corpus not found at {}: run benches from a checkout beside ../shared",
                dir.display()
            );
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if let Ok(text) = std::fs::read_to_string(&path) {
                files.push(text);
            }
        }
    }
    files
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    let extractor = Extractor::builtin();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("bbc_corpus", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for text in &docs {
                n += extractor.extract(Input { text, date: None }).len();
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
