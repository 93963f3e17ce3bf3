//! The one definition of every JetStream stream (INGEST, DOCS, FACTS, DLQ) and its limits. Every
//! service calls [`ensure_streams`] at start-up, so services start in any order against a fresh
//! server; set the limits identically for all services (compose does, through one anchor).

use std::time::Duration;

use anyhow::Context as _;
use async_nats::jetstream::{self, stream};
use policylens_proto::subjects;

/// Default largest document ingest and the gateway accept: half the default message limit, because
/// a document's fact bundle carries its body plus the sentences of its facts, and must still fit
/// under `STREAM_MAX_MSG_BYTES` on FACTS.
pub const DEFAULT_MAX_DOC_BYTES: usize = 512 * 1024;

const DEFAULT_MAX_MSG_BYTES: i32 = 1024 * 1024;
const DEFAULT_INPUT_MAX_BYTES: i64 = 1024 * 1024 * 1024;
const DEFAULT_FACTS_MAX_BYTES: i64 = 4 * 1024 * 1024 * 1024;
const DEFAULT_DLQ_MAX_BYTES: i64 = 256 * 1024 * 1024;
const DEFAULT_REPLICAS: usize = 1;

/// Stream limits, from flags or environment. Input streams refuse new messages when full
/// (discard-new), so a publisher sees the refusal instead of old data being dropped.
#[derive(Debug, Clone, clap::Args)]
pub struct StreamLimits {
    /// Largest message any stream accepts, in bytes (must not exceed the server's max_payload).
    #[arg(long, env = "STREAM_MAX_MSG_BYTES", default_value_t = DEFAULT_MAX_MSG_BYTES)]
    pub max_msg_bytes: i32,
    /// Capacity of INGEST and DOCS, in bytes.
    #[arg(long, env = "STREAM_INPUT_MAX_BYTES", default_value_t = DEFAULT_INPUT_MAX_BYTES)]
    pub input_max_bytes: i64,
    /// Capacity of FACTS (the replayable changelog), in bytes.
    #[arg(long, env = "STREAM_FACTS_MAX_BYTES", default_value_t = DEFAULT_FACTS_MAX_BYTES)]
    pub facts_max_bytes: i64,
    /// Capacity of DLQ, in bytes.
    #[arg(long, env = "STREAM_DLQ_MAX_BYTES", default_value_t = DEFAULT_DLQ_MAX_BYTES)]
    pub dlq_max_bytes: i64,
    /// How long INGEST and DOCS keep messages (0: forever).
    #[arg(long, env = "STREAM_INPUT_MAX_AGE", default_value = "7d", value_parser = parse_age)]
    pub input_max_age: Duration,
    /// Window in which a repeated `Nats-Msg-Id` is not stored again.
    #[arg(long, env = "STREAM_DUPLICATE_WINDOW", default_value = "10m", value_parser = parse_age)]
    pub duplicate_window: Duration,
    /// Stream replicas (3 on a NATS cluster).
    #[arg(long, env = "STREAM_REPLICAS", default_value_t = DEFAULT_REPLICAS)]
    pub replicas: usize,
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self {
            max_msg_bytes: DEFAULT_MAX_MSG_BYTES,
            input_max_bytes: DEFAULT_INPUT_MAX_BYTES,
            facts_max_bytes: DEFAULT_FACTS_MAX_BYTES,
            dlq_max_bytes: DEFAULT_DLQ_MAX_BYTES,
            input_max_age: Duration::from_secs(7 * 24 * 3600),
            duplicate_window: Duration::from_secs(600),
            replicas: DEFAULT_REPLICAS,
        }
    }
}

fn parse_age(s: &str) -> Result<Duration, String> {
    if let Some(days) = s.strip_suffix('d') {
        let n: u64 = days
            .parse()
            .map_err(|_| format!("invalid duration {s:?}"))?;
        return Ok(Duration::from_secs(n * 24 * 3600));
    }
    crate::humantime_duration(s)
}

/// The stream configurations, in creation order.
pub fn configs(limits: &StreamLimits) -> Vec<stream::Config> {
    let base = |name: &str, subject: &str, max_bytes: i64| stream::Config {
        name: name.to_string(),
        subjects: vec![subject.to_string()],
        max_bytes,
        max_message_size: limits.max_msg_bytes,
        discard: stream::DiscardPolicy::New,
        retention: stream::RetentionPolicy::Limits,
        storage: stream::StorageType::File,
        num_replicas: limits.replicas,
        duplicate_window: limits.duplicate_window,
        ..Default::default()
    };
    vec![
        stream::Config {
            max_age: limits.input_max_age,
            ..base(
                subjects::INGEST_STREAM,
                subjects::INGEST,
                limits.input_max_bytes,
            )
        },
        stream::Config {
            max_age: limits.input_max_age,
            ..base(
                subjects::DOCS_STREAM,
                subjects::DOCS,
                limits.input_max_bytes,
            )
        },
        base(
            subjects::FACTS_STREAM,
            subjects::FACTS,
            limits.facts_max_bytes,
        ),
        base(
            subjects::DLQ_STREAM,
            subjects::DLQ_WILDCARD,
            limits.dlq_max_bytes,
        ),
    ]
}

/// Creates every stream, or updates it to these limits; idempotent.
pub async fn ensure_streams(js: &jetstream::Context, limits: &StreamLimits) -> anyhow::Result<()> {
    for config in configs(limits) {
        let name = config.name.clone();
        js.create_or_update_stream(config)
            .await
            .map_err(|e| anyhow::anyhow!(e))
            .with_context(|| format!("failed to create or update stream {name}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    #[derive(Debug, clap::Parser)]
    struct Flags {
        #[command(flatten)]
        limits: StreamLimits,
    }

    #[test]
    fn default_equals_the_flag_defaults() {
        // no flags: clap falls back to its defaults (assumes no STREAM_* variable is set, as in CI)
        let parsed = Flags::try_parse_from(["test"]).unwrap().limits;
        let default = StreamLimits::default();
        assert_eq!(format!("{parsed:?}"), format!("{default:?}"));
    }
}
