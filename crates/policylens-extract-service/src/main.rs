//! `policylens-extract` (placeholder).

fn main() {}
