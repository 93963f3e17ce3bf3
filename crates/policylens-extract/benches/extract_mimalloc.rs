//! Single-threaded extraction throughput over the BBC corpus with mimalloc, the allocator of the
//! extract service and the CLI (see `extract` for the system allocator).

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    common::bench_bbc(c, "bbc_corpus_mimalloc");
}

criterion_group!(benches, bench);
criterion_main!(benches);
