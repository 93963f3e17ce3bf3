//! `policylens-aggregate` (placeholder).

fn main() {}
