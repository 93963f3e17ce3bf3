//! The aggregate service: an exactly-once fold of the FACTS stream into documents, facts,
//! indicator series, entities and attention, kept in redb under `DATA_DIR` and served over NATS
//! request/reply (`policy.query.<Method>`, queue group `aggregate`).
//!
//! Module map: [`store`] (redb: bundles + checkpoint), [`fold`] (decode, batch, commit),
//! [`state`] (in-memory indexes, incremental per document), [`canonical`], [`series`] and
//! [`claims`] (series keys, points, claims, conflicts), [`entities`] and [`attention`] (resolution, counts, dates),
//! [`facts`] (ListFacts orders), [`query`], [`list_facts`] and [`cursor`] (handlers,
//! page tokens), [`service`]
//! (NATS shell).
//!
//! Invariants:
//! - a batch of bundles and the FACTS checkpoint are committed in one redb transaction, and the
//!   in-memory state is updated only after the commit; re-applying a bundle with the same
//!   extractor version and bytes changes nothing, an older version is ignored, a newer one
//!   replaces the document's facts everywhere;
//! - every derived view depends only on the set of applied documents, not on their arrival
//!   order, so a restart (rebuild from redb) or a fresh replica (fold of FACTS) answers exactly
//!   the same;
//! - undecodable FACTS messages are dead-lettered (stage `aggregate`) and skipped.
//!
//! Known limits: entity resolution is per document (an "NBS" in a document that never spells out
//! the bureau stays its own organisation), and taxonomy alias files are not read here.

pub mod attention;
pub mod canonical;
pub mod claims;
pub mod cursor;
pub mod entities;
pub mod facts;
pub mod fold;
pub mod list_facts;
pub mod query;
pub mod series;
pub mod service;
pub mod state;
pub mod store;

use std::path::PathBuf;

use policylens_runtime::NatsArgs;
use policylens_runtime::streams::StreamLimits;

pub use service::run;

/// The aggregate's configuration, parsed once at start-up.
#[derive(Debug, Clone)]
pub struct Config {
    pub nats: NatsArgs,
    /// Where the redb state lives (one directory per replica).
    pub data_dir: PathBuf,
    pub limits: StreamLimits,
    /// Names this replica in logs and its NATS connection.
    pub replica_id: String,
    /// Most FACTS messages committed in one transaction.
    pub max_batch: usize,
}
