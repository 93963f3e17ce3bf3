//! Quantity mentions: the grammar of numbers, magnitudes, units, qualifiers and directions.
//! (Owner: numbers helper — placeholder until implemented.)

use std::ops::Range;

use crate::fact::{Fact, FactKind, Value};
use crate::text::Doc;

/// A quantity found in the text, before it becomes a fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Byte span in the document text, qualifier words included.
    pub span: Range<usize>,
    pub value: Value,
    pub unit: String,
    pub qualifier: &'static str,
    pub direction: &'static str,
}

impl Mention {
    pub fn to_fact(&self, doc: &Doc<'_>) -> Fact {
        let (start, end, text, sentence) = doc.provenance(self.span.clone());
        Fact {
            kind: FactKind::Quantity {
                value: self.value,
                unit: self.unit.clone(),
                qualifier: self.qualifier.to_string(),
                direction: self.direction.to_string(),
            },
            start,
            end,
            text,
            sentence,
        }
    }
}

/// Every quantity mention in the document, in text order.
pub fn extract(_doc: &Doc<'_>) -> Vec<Mention> {
    Vec::new()
}
