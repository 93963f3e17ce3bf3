//! The ingest service's configuration, from flags or environment (flags win).

use std::time::Duration;

use policylens_runtime::NatsArgs;
use policylens_runtime::streams::StreamLimits;

/// Reads documents from `policy.ingest`, normalises them onto DOCS, dead-letters bad input.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "policylens-ingest", version, about)]
pub struct Config {
    #[command(flatten)]
    pub nats: NatsArgs,
    #[command(flatten)]
    pub streams: StreamLimits,
    /// Largest document payload accepted, in bytes (at most STREAM_MAX_MSG_BYTES).
    #[arg(long, env = "MAX_DOC_BYTES", default_value_t = policylens_runtime::streams::DEFAULT_MAX_DOC_BYTES)]
    pub max_doc_bytes: usize,
    /// Messages processed concurrently.
    #[arg(long, env = "INGEST_CONCURRENCY", default_value_t = 16)]
    pub concurrency: usize,
    /// How long a document stays in the seen-set that keeps duplicates out of DOCS (0: forever).
    #[arg(long, env = "INGEST_SEEN_TTL", default_value = "720h", value_parser = policylens_runtime::humantime_duration)]
    pub seen_ttl: Duration,
    /// How long an in-flight message may take before JetStream redelivers it.
    #[arg(long, env = "INGEST_ACK_WAIT", default_value = "60s", value_parser = policylens_runtime::humantime_duration)]
    pub ack_wait: Duration,
}

impl Config {
    /// Checks the values that clap cannot check alone.
    pub fn validate(&self) -> Result<(), String> {
        let max_msg = usize::try_from(self.streams.max_msg_bytes).unwrap_or(0);
        if self.max_doc_bytes == 0 {
            return Err("MAX_DOC_BYTES must be positive".into());
        }
        if self.max_doc_bytes > max_msg {
            return Err(format!(
                "MAX_DOC_BYTES ({}) must not exceed STREAM_MAX_MSG_BYTES ({})",
                self.max_doc_bytes, self.streams.max_msg_bytes
            ));
        }
        if self.concurrency == 0 {
            return Err("INGEST_CONCURRENCY must be positive".into());
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
        let config = Config::try_parse_from(["policylens-ingest"]).unwrap();
        assert_eq!(
            config.max_doc_bytes,
            policylens_runtime::streams::DEFAULT_MAX_DOC_BYTES
        );
        config.validate().unwrap();
    }

    #[test]
    fn flags_are_parsed_and_checked() {
        let config = Config::try_parse_from([
            "policylens-ingest",
            "--max-doc-bytes",
            "2000000",
            "--nats-url",
            "nats://example:4222",
        ])
        .unwrap();
        assert_eq!(config.nats.nats_url, "nats://example:4222");
        assert!(
            config
                .validate()
                .unwrap_err()
                .contains("STREAM_MAX_MSG_BYTES")
        );
        let config = Config::try_parse_from(["policylens-ingest", "--concurrency", "0"]).unwrap();
        assert!(config.validate().is_err());
    }
}
