//! Indicator statements: a quantity tied to its metric, jurisdiction, period and status.
//! (Owner: numbers helper — placeholder until implemented.)

use crate::fact::Fact;
use crate::period::Date;
use crate::quantity::Mention;
use crate::taxonomy::Taxonomy;
use crate::text::Doc;

/// Indicator facts of the document, built on its quantity mentions.
pub fn extract(
    _doc: &Doc<'_>,
    _quantities: &[Mention],
    _date: Option<Date>,
    _taxonomy: &Taxonomy,
) -> Vec<Fact> {
    Vec::new()
}
