//! Gazetteers and taxonomies (sectors, initiatives, roles, organisation keywords, places) as data
//! files: the built-in set under `data/`, extendable at run time from a directory.

use std::path::Path;

/// Why a taxonomy directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    #[error("failed to read taxonomy file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Taxonomy {}

impl Taxonomy {
    /// The taxonomy shipped with the crate (`data/*.txt`, compiled in).
    pub fn builtin() -> Self {
        Self {}
    }

    /// The built-in taxonomy extended with the files of `dir` (same names and format as `data/`).
    pub fn with_dir(dir: &Path) -> Result<Self, TaxonomyError> {
        let _ = dir;
        Ok(Self::builtin())
    }
}
