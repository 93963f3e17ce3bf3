//! Shared by the data-driven test files: one extractor per test binary (building the taxonomy's
//! automata is the slow part) and the facts of a small text.

use std::sync::OnceLock;

use policylens_extract::{Date, Extractor, Fact, Input};

/// The built-in extractor, built once.
pub fn extractor() -> &'static Extractor {
    static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
    EXTRACTOR.get_or_init(Extractor::builtin)
}

/// The facts of `text`, dated `date` (`YYYY-MM-DD`) when given.
pub fn facts(text: &str, date: Option<&str>) -> Vec<Fact> {
    let date = date.and_then(Date::parse);
    extractor().extract(Input { text, date })
}
