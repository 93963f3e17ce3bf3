//! `policylens-gateway` (placeholder).

fn main() {}
