//! Named things: actors (with role and organisation), organisations, initiatives, sectors and
//! quotes. (Owner: names helper — placeholder until implemented.)

use crate::fact::Fact;
use crate::taxonomy::Taxonomy;
use crate::text::Doc;

pub fn extract(_doc: &Doc<'_>, _taxonomy: &Taxonomy) -> Vec<Fact> {
    Vec::new()
}
