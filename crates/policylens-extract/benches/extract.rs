//! Single-threaded extraction throughput over the BBC corpus (`../shared/corpus/bbc`), with the
//! system allocator: the library's own speed. `extract_mimalloc` runs the same with the allocator
//! the extract service and the CLI use.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    common::bench_bbc(c, "bbc_corpus");
}

criterion_group!(benches, bench);
criterion_main!(benches);
