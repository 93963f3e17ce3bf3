//! `policylens` (placeholder).

fn main() {}
