//! The extract service's configuration, from flags or environment (flags win).

use std::path::PathBuf;
use std::time::Duration;

use policylens_runtime::NatsArgs;
use policylens_runtime::streams::StreamLimits;

/// Extracts facts from the documents on DOCS; one fact bundle per document onto FACTS.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "policylens-extract", version, about)]
pub struct Config {
    #[command(flatten)]
    pub nats: NatsArgs,
    #[command(flatten)]
    pub streams: StreamLimits,
    /// Documents extracted at once, each on its own thread (0: one per core).
    #[arg(long, env = "EXTRACT_WORKERS", default_value_t = 0)]
    pub workers: usize,
    /// Folder of taxonomy files extending the built-in ones (see the extract crate's data/).
    #[arg(long, env = "POLICYLENS_TAXONOMY_DIR")]
    pub taxonomy_dir: Option<PathBuf>,
    /// Attempts at a document whose extraction fails before it goes to the DLQ.
    #[arg(long, env = "EXTRACT_MAX_ATTEMPTS", default_value_t = 3)]
    pub max_attempts: i64,
    /// How long JetStream waits for an ack before redelivering (extraction in progress extends it).
    #[arg(long, env = "EXTRACT_ACK_WAIT", default_value = "60s", value_parser = policylens_runtime::humantime_duration)]
    pub ack_wait: Duration,
}

impl Config {
    /// The number of extraction threads: `workers`, or one per core when it is 0.
    pub fn worker_count(&self) -> usize {
        match self.workers {
            0 => num_cpus::get().max(1),
            n => n,
        }
    }

    /// Checks the values that clap cannot check alone.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_attempts < 1 {
            return Err("EXTRACT_MAX_ATTEMPTS must be at least 1".into());
        }
        if self.ack_wait < Duration::from_secs(1) {
            return Err("EXTRACT_ACK_WAIT must be at least 1s".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    #[test]
    fn defaults_are_valid() {
        let config = Config::try_parse_from(["policylens-extract"]).unwrap();
        assert_eq!(config.workers, 0);
        assert_eq!(config.worker_count(), num_cpus::get().max(1));
        assert_eq!(config.taxonomy_dir, None);
        config.validate().unwrap();
    }

    #[test]
    fn flags_are_parsed_and_checked() {
        let config = Config::try_parse_from([
            "policylens-extract",
            "--workers",
            "3",
            "--taxonomy-dir",
            "/tmp/taxonomy",
        ])
        .unwrap();
        assert_eq!(config.workers, 3);
        assert_eq!(config.worker_count(), 3);
        assert_eq!(config.taxonomy_dir, Some(PathBuf::from("/tmp/taxonomy")));
        // 0 (as docker-compose.yml sets it) means one thread per core
        let config = Config::try_parse_from(["policylens-extract", "--workers", "0"]).unwrap();
        config.validate().unwrap();
        assert_eq!(config.worker_count(), num_cpus::get().max(1));
        let config = Config::try_parse_from(["policylens-extract", "--max-attempts", "0"]).unwrap();
        assert!(config.validate().is_err());
    }
}
