//! The durable state in redb: every applied document's bundle (with the hash of its encoded
//! bytes) and the FACTS checkpoint, always written in one transaction.

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

/// doc_id → 32-byte blake3 of the encoded bundle, then the encoded `FactBundle`.
const DOCS: TableDefinition<&str, &[u8]> = TableDefinition::new("docs");
/// "facts_seq" → last applied FACTS stream sequence.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
const CHECKPOINT_KEY: &str = "facts_seq";
/// redb page cache.
const CACHE_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("failed to create the data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("redb: {0}")]
    Redb(#[from] redb::Error),
    #[error("corrupt stored document {doc_id}: {detail}")]
    Corrupt { doc_id: String, detail: String },
}

fn redb_err(e: impl Into<redb::Error>) -> StoreError {
    StoreError::Redb(e.into())
}

/// One stored document: the hash of its encoded bundle and the bytes.
#[derive(Debug, Clone)]
pub struct StoredDoc {
    pub doc_id: String,
    pub bundle_hash: [u8; 32],
    pub bundle: Vec<u8>,
}

/// The redb database under `DATA_DIR`.
pub struct Store {
    db: Database,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) `<dir>/aggregate.redb` and its tables.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join("aggregate.redb");
        // the state is served from memory: redb's page cache only helps writes and the odd
        // document body, so keep it small (redb's default is 1 GiB)
        let db = redb::Builder::new()
            .set_cache_size(CACHE_BYTES)
            .create(&path)
            .map_err(redb_err)?;
        let txn = db.begin_write().map_err(redb_err)?;
        {
            txn.open_table(DOCS).map_err(redb_err)?;
            txn.open_table(META).map_err(redb_err)?;
        }
        txn.commit().map_err(redb_err)?;
        Ok(Store { db, path })
    }

    /// The database file, for reporting its size.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last applied FACTS sequence (0: nothing applied yet).
    pub fn checkpoint(&self) -> Result<u64, StoreError> {
        let txn = self.db.begin_read().map_err(redb_err)?;
        let table = txn.open_table(META).map_err(redb_err)?;
        let value = table.get(CHECKPOINT_KEY).map_err(redb_err)?;
        Ok(value.map_or(0, |v| v.value()))
    }

    /// Calls `f` for every stored document, in doc_id order.
    pub fn for_each_doc(
        &self,
        mut f: impl FnMut(StoredDoc) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let txn = self.db.begin_read().map_err(redb_err)?;
        let table = txn.open_table(DOCS).map_err(redb_err)?;
        for entry in table.iter().map_err(redb_err)? {
            let (key, value) = entry.map_err(redb_err)?;
            f(decode(key.value(), value.value())?)?;
        }
        Ok(())
    }

    /// One stored document.
    pub fn get(&self, doc_id: &str) -> Result<Option<StoredDoc>, StoreError> {
        let txn = self.db.begin_read().map_err(redb_err)?;
        let table = txn.open_table(DOCS).map_err(redb_err)?;
        let value = table.get(doc_id).map_err(redb_err)?;
        value.map(|v| decode(doc_id, v.value())).transpose()
    }

    /// Writes the documents of a batch and the new checkpoint in one transaction.
    pub fn commit(&self, docs: &[StoredDoc], checkpoint: u64) -> Result<(), StoreError> {
        let txn = self.db.begin_write().map_err(redb_err)?;
        {
            let mut table = txn.open_table(DOCS).map_err(redb_err)?;
            let mut value = Vec::new();
            for doc in docs {
                value.clear();
                value.extend_from_slice(&doc.bundle_hash);
                value.extend_from_slice(&doc.bundle);
                table
                    .insert(doc.doc_id.as_str(), value.as_slice())
                    .map_err(redb_err)?;
            }
            let mut meta = txn.open_table(META).map_err(redb_err)?;
            meta.insert(CHECKPOINT_KEY, checkpoint).map_err(redb_err)?;
        }
        txn.commit().map_err(redb_err)?;
        Ok(())
    }
}

fn decode(doc_id: &str, value: &[u8]) -> Result<StoredDoc, StoreError> {
    if value.len() < 32 {
        return Err(StoreError::Corrupt {
            doc_id: doc_id.to_string(),
            detail: format!("value of {} bytes is shorter than its hash", value.len()),
        });
    }
    let mut bundle_hash = [0u8; 32];
    bundle_hash.copy_from_slice(&value[..32]);
    Ok(StoredDoc {
        doc_id: doc_id.to_string(),
        bundle_hash,
        bundle: value[32..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_and_checkpoint_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            assert_eq!(store.checkpoint().unwrap(), 0);
            let doc = StoredDoc {
                doc_id: "d1".into(),
                bundle_hash: [7; 32],
                bundle: vec![1, 2, 3],
            };
            store.commit(&[doc], 42).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.checkpoint().unwrap(), 42);
        let doc = store.get("d1").unwrap().unwrap();
        assert_eq!(doc.bundle, vec![1, 2, 3]);
        assert_eq!(doc.bundle_hash, [7; 32]);
        let mut seen = Vec::new();
        store
            .for_each_doc(|d| {
                seen.push(d.doc_id);
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, vec!["d1".to_string()]);
        assert!(store.get("missing").unwrap().is_none());
    }
}
