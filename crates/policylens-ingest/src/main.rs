//! `policylens-ingest` (placeholder).

fn main() {}
