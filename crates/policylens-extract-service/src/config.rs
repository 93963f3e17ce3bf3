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
    /// Documents extracted at once, each on its own thread (default: the number of cores).
    #[arg(long, env = "EXTRACT_WORKERS", default_value_t = num_cpus::get())]
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
    /// Checks the values that clap cannot check alone.
    pub fn validate(&self) -> Result<(), String> {
        if self.workers == 0 {
            return Err("EXTRACT_WORKERS must be positive".into());
        }
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
        assert!(config.workers >= 1);
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
        assert_eq!(config.taxonomy_dir, Some(PathBuf::from("/tmp/taxonomy")));
        let config = Config::try_parse_from(["policylens-extract", "--workers", "0"]).unwrap();
        assert!(config.validate().is_err());
        let config = Config::try_parse_from(["policylens-extract", "--max-attempts", "0"]).unwrap();
        assert!(config.validate().is_err());
    }
}
