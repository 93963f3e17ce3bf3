//! The exactly-once fold: decodes FACTS messages, applies a batch of bundles to the in-memory
//! state and commits their documents with the new checkpoint in one redb transaction; rebuilds the
//! in-memory state from redb at start-up.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock, RwLockReadGuard};

use policylens_proto::v1::{AppliedEvent, FactBundle};
use prost::Message as _;

use crate::state::{self, Decision, State, Touched};
use crate::store::{Store, StoreError, StoredDoc};

#[derive(Debug, thiserror::Error)]
pub enum FoldError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored bundle of {doc_id} does not decode: {source}")]
    StoredBundle {
        doc_id: String,
        source: prost::DecodeError,
    },
    #[error("the state lock is poisoned")]
    Poisoned,
}

/// A FACTS message that decoded into an applicable bundle.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub seq: u64,
    pub bundle: FactBundle,
    pub bundle_hash: [u8; 32],
    pub raw: Vec<u8>,
}

/// Decodes a FACTS payload; the error is the dead-letter detail.
pub fn decode(seq: u64, payload: &[u8]) -> Result<Decoded, String> {
    let bundle =
        FactBundle::decode(payload).map_err(|e| format!("fact bundle does not decode: {e}"))?;
    let doc_id = bundle.document.as_ref().map_or("", |d| d.doc_id.as_str());
    if doc_id.trim().is_empty() {
        return Err("fact bundle has no document id".to_string());
    }
    Ok(Decoded {
        seq,
        bundle,
        bundle_hash: *blake3::hash(payload).as_bytes(),
        raw: payload.to_vec(),
    })
}

/// What happened to one bundle of a batch.
#[derive(Debug, Clone)]
pub enum Outcome {
    Applied(Box<AppliedEvent>),
    Unchanged {
        doc_id: String,
    },
    Stale {
        doc_id: String,
        applied_version: String,
    },
}

/// The redb store and the in-memory state it backs.
pub struct Folder {
    store: Arc<Store>,
    state: Arc<RwLock<State>>,
    checkpoint: u64,
}

impl Folder {
    /// Opens the store under `dir` and rebuilds the in-memory state from it.
    pub fn open(dir: &Path) -> Result<Folder, FoldError> {
        let store = Store::open(dir)?;
        let checkpoint = store.checkpoint()?;
        let mut state = State::default();
        let mut touched = Touched::default();
        let mut rebuild_error = None;
        store.for_each_doc(|doc| {
            match FactBundle::decode(doc.bundle.as_slice()) {
                Ok(bundle) => touched.extend(state.apply_deferred(bundle, doc.bundle_hash)),
                Err(source) => {
                    rebuild_error.get_or_insert(FoldError::StoredBundle {
                        doc_id: doc.doc_id,
                        source,
                    });
                }
            }
            Ok(())
        })?;
        if let Some(e) = rebuild_error {
            return Err(e);
        }
        state.refresh(&touched);
        Ok(Folder {
            store: Arc::new(store),
            state: Arc::new(RwLock::new(state)),
            checkpoint,
        })
    }

    /// The last committed FACTS sequence.
    pub fn checkpoint(&self) -> u64 {
        self.checkpoint
    }

    /// A handle on the store for query tasks (document bodies).
    pub fn store(&self) -> Arc<Store> {
        self.store.clone()
    }

    pub fn read(&self) -> Result<RwLockReadGuard<'_, State>, FoldError> {
        self.state.read().map_err(|_| FoldError::Poisoned)
    }

    /// Applies decoded bundles in order and commits them with `checkpoint` (the highest sequence
    /// of the batch, undecodable messages included) in one transaction, then updates the
    /// in-memory state, so queries never see a document the store does not hold yet. If the
    /// commit fails nothing changed: the caller stops, and a restart re-reads FACTS from the
    /// checkpoint.
    pub fn apply_batch(
        &mut self,
        batch: Vec<Decoded>,
        checkpoint: u64,
    ) -> Result<Vec<Outcome>, FoldError> {
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut writes = Vec::new();
        let mut to_apply = Vec::new();
        {
            let state = self.read()?;
            // decisions against the state plus the bundles earlier in this batch
            let mut pending: HashMap<String, (String, u64, [u8; 32])> = HashMap::new();
            for decoded in batch {
                let doc_id = decoded
                    .bundle
                    .document
                    .as_ref()
                    .map(|d| d.doc_id.clone())
                    .unwrap_or_default();
                let version = &decoded.bundle.extractor_version;
                let ingest_seq = decoded.bundle.document.as_ref().map_or(0, |d| d.ingest_seq);
                let incoming = state::Revision {
                    extractor_version: version,
                    ingest_seq,
                    bundle_hash: &decoded.bundle_hash,
                };
                let decision = match pending.get(&doc_id) {
                    Some((v, seq, h)) => state::decide(
                        Some(state::Revision {
                            extractor_version: v,
                            ingest_seq: *seq,
                            bundle_hash: h,
                        }),
                        incoming,
                    ),
                    None => state.decide(&doc_id, incoming),
                };
                match decision {
                    Decision::Unchanged => outcomes.push(Outcome::Unchanged { doc_id }),
                    Decision::Stale { applied_version } => outcomes.push(Outcome::Stale {
                        doc_id,
                        applied_version,
                    }),
                    Decision::Apply => {
                        pending.insert(
                            doc_id.clone(),
                            (version.clone(), ingest_seq, decoded.bundle_hash),
                        );
                        writes.push(StoredDoc {
                            doc_id,
                            bundle_hash: decoded.bundle_hash,
                            bundle: decoded.raw.clone(),
                        });
                        // placeholder, replaced by the event once applied
                        outcomes.push(Outcome::Applied(Box::default()));
                        to_apply.push((outcomes.len() - 1, decoded));
                    }
                }
            }
        }
        self.store.commit(&writes, checkpoint)?;
        self.checkpoint = checkpoint;
        let mut state = self.state.write().map_err(|_| FoldError::Poisoned)?;
        let mut touched = Touched::default();
        let mut applied = Vec::with_capacity(to_apply.len());
        for (index, decoded) in to_apply {
            let doc_id = decoded
                .bundle
                .document
                .as_ref()
                .map(|d| d.doc_id.clone())
                .unwrap_or_default();
            let facts = decoded.bundle.facts.clone();
            let changed = state.apply_deferred(decoded.bundle, decoded.bundle_hash);
            let summary = state.docs.get(&doc_id).map(|d| d.summary.clone());
            let event = AppliedEvent {
                facts_seq: decoded.seq,
                document: summary,
                facts,
                series_ids: changed.series.iter().cloned().collect(),
            };
            touched.extend(changed);
            applied.push((index, event));
        }
        state.refresh(&touched);
        for (index, event) in applied {
            outcomes[index] = Outcome::Applied(Box::new(event));
        }
        Ok(outcomes)
    }

    /// A handle on the state for query tasks.
    pub fn shared_state(&self) -> Arc<RwLock<State>> {
        self.state.clone()
    }
}
