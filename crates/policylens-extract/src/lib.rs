//! The extraction engine: a pure, deterministic library from a document's text to policy facts
//! (quantities, indicators, actors, organisations, initiatives, sectors, quotes), each with char
//! offsets and the sentence it came from. No I/O beyond loading taxonomy files on request, no async.

pub mod fact;
pub mod indicator;
pub mod names;
pub mod period;
pub mod places;
pub mod quantity;
pub mod taxonomy;
pub mod text;

pub use fact::{Fact, FactKind, Value};
pub use period::Date;
pub use taxonomy::{Taxonomy, TaxonomyError};

/// Version of the extraction rules; bump it when the output for some input changes, so the
/// aggregate replaces older bundles of re-extracted documents.
pub const EXTRACTOR_VERSION: &str = "0.2.0";

/// A document as the extractor sees it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Normalised text; fact offsets are char offsets into it.
    pub text: &'a str,
    /// The document's date, which relative periods ("last year") resolve against.
    pub date: Option<Date>,
}

/// The extractor: the taxonomy it matches against, compiled once, shared across threads.
#[derive(Debug)]
pub struct Extractor {
    taxonomy: Taxonomy,
}

impl Extractor {
    pub fn new(taxonomy: Taxonomy) -> Self {
        Self { taxonomy }
    }

    /// An extractor over the taxonomy shipped with the crate.
    pub fn builtin() -> Self {
        Self::new(Taxonomy::builtin())
    }

    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// All facts of one document, in a deterministic order (by start offset, then kind).
    pub fn extract(&self, input: Input<'_>) -> Vec<Fact> {
        let doc = text::Doc::new(input.text);
        let mut facts = Vec::new();
        let quantities = quantity::extract(&doc);
        facts.extend(names::extract(&doc, &self.taxonomy));
        facts.extend(indicator::extract(
            &doc,
            &quantities,
            input.date,
            &self.taxonomy,
        ));
        facts.extend(quantities.iter().map(|q| q.to_fact(&doc)));
        fact::sort(&mut facts);
        facts
    }
}
