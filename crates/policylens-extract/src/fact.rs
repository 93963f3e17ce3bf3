//! The fact model the engine produces, serialised exactly as `eval/FORMAT.md` expects.

use serde::{Deserialize, Serialize};

/// A number, or a `[low, high]` range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Single(f64),
    Range([f64; 2]),
}

/// One fact with its provenance: char offsets `[start, end)` into the document text, the surface
/// text there, and the sentence it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    #[serde(flatten)]
    pub kind: FactKind,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub sentence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FactKind {
    Quantity {
        value: Value,
        /// `percent`, `pp`, ISO currency codes, `tonnes`, `people`, ...; empty for a bare count.
        unit: String,
        /// `exact`, `over`, `at_least`, `under`, `at_most`, `nearly`, `about`.
        qualifier: String,
        /// `up`, `down` or empty.
        direction: String,
    },
    Indicator {
        metric: String,
        jurisdiction: String,
        value: f64,
        unit: String,
        qualifier: String,
        period: String,
        /// `observed`, `projected` or `target`.
        status: String,
    },
    Actor {
        name: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        role: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        org: String,
    },
    Organization {
        name: String,
    },
    Initiative {
        name: String,
    },
    Sector {
        name: String,
    },
    Quote {
        speaker: String,
        quote: String,
    },
}

impl FactKind {
    /// Stable rank used to order facts at the same offset.
    pub fn rank(&self) -> u8 {
        match self {
            FactKind::Quantity { .. } => 0,
            FactKind::Indicator { .. } => 1,
            FactKind::Actor { .. } => 2,
            FactKind::Organization { .. } => 3,
            FactKind::Initiative { .. } => 4,
            FactKind::Sector { .. } => 5,
            FactKind::Quote { .. } => 6,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            FactKind::Quantity { .. } => "quantity",
            FactKind::Indicator { .. } => "indicator",
            FactKind::Actor { .. } => "actor",
            FactKind::Organization { .. } => "organization",
            FactKind::Initiative { .. } => "initiative",
            FactKind::Sector { .. } => "sector",
            FactKind::Quote { .. } => "quote",
        }
    }
}

/// Sorts facts into the engine's deterministic order: start, end, kind rank, then serialised form.
pub fn sort(facts: &mut [Fact]) {
    facts.sort_by(|a, b| {
        (a.start, a.end, a.kind.rank())
            .cmp(&(b.start, b.end, b.kind.rank()))
            .then_with(|| {
                let ka = serde_json::to_string(&a.kind).unwrap_or_default();
                let kb = serde_json::to_string(&b.kind).unwrap_or_default();
                ka.cmp(&kb)
            })
    });
}
