//! Plumbing every PolicyLens service shares: connecting to NATS, creating the JetStream streams
//! idempotently (one definition for all services), publishing dead letters, tracing and graceful
//! shutdown. No domain logic lives here.

pub mod consume;
pub mod streams;

use std::time::Duration;

use anyhow::Context as _;
use async_nats::jetstream;
use policylens_proto::dlq::DeadLetter;
use policylens_proto::subjects;
use tokio_util::sync::CancellationToken;

pub use tokio_util::sync::CancellationToken as Shutdown;

/// The NATS connection settings every service takes.
#[derive(Debug, Clone, clap::Args)]
pub struct NatsArgs {
    /// NATS server URL.
    #[arg(long, env = "NATS_URL", default_value = "nats://127.0.0.1:4222")]
    pub nats_url: String,
    /// How long to keep retrying the first connection before giving up.
    #[arg(long, env = "NATS_CONNECT_TIMEOUT", default_value = "30s", value_parser = humantime_duration)]
    pub nats_connect_timeout: Duration,
}

/// Parses "30s", "2m", "500ms".
pub fn humantime_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = s
        .find(|c: char| !c.is_ascii_digit())
        .map_or((s, "s"), |i| (&s[..i], &s[i..]));
    let n: u64 = number
        .parse()
        .map_err(|_| format!("invalid duration {s:?} (try 30s, 2m, 500ms)"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3600)),
        _ => Err(format!(
            "invalid duration unit in {s:?} (use ms, s, m or h)"
        )),
    }
}

/// Connects to NATS, retrying until `args.nats_connect_timeout` so services may start before the
/// server is up.
pub async fn connect(args: &NatsArgs, name: &str) -> anyhow::Result<async_nats::Client> {
    let timed_out = || {
        anyhow::anyhow!(
            "failed to connect to NATS at {} within {:?}",
            args.nats_url,
            args.nats_connect_timeout
        )
    };
    let deadline = tokio::time::Instant::now() + args.nats_connect_timeout;
    let attempt = async_nats::ConnectOptions::new()
        .name(name)
        .retry_on_initial_connect()
        .connection_timeout(Duration::from_secs(5))
        .connect(&args.nats_url);
    let client = tokio::time::timeout_at(deadline, attempt)
        .await
        .map_err(|_| timed_out())?
        .map_err(|e| anyhow::anyhow!(e))
        .with_context(|| format!("failed to connect to NATS at {}", args.nats_url))?;
    // with retry_on_initial_connect the client returns at once; wait for the first connection
    let connected = async {
        while client.connection_state() != async_nats::connection::State::Connected {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout_at(deadline, connected)
        .await
        .map_err(|_| timed_out())?;
    Ok(client)
}

/// Publishes a dead letter onto `policy.dlq.<stage>` and waits for the stream's ack. The
/// `Nats-Msg-Id` makes a retried publish of the same dead letter a no-op.
pub async fn publish_dead_letter(
    js: &jetstream::Context,
    letter: &DeadLetter,
) -> anyhow::Result<()> {
    let mut headers = async_nats::HeaderMap::new();
    headers.insert(subjects::HEADER_MSG_ID, letter.msg_id().as_str());
    headers.insert("PolicyLens-Reason", letter.reason.as_str());
    let payload = serde_json::to_vec(letter).context("failed to encode a dead letter")?;
    js.publish_with_headers(
        subjects::dlq_subject(&letter.stage),
        headers,
        payload.into(),
    )
    .await
    .map_err(|e| anyhow::anyhow!(e))
    .context("failed to publish a dead letter")?
    .await
    .map_err(|e| anyhow::anyhow!(e))
    .context("the DLQ stream refused a dead letter")?;
    Ok(())
}

/// blake3 hex of bytes.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Up to `max` bytes of a payload, lossily decoded, for humans reading a dead letter.
pub fn excerpt(bytes: &[u8], max: usize) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(max)])
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Initialises `tracing` from `RUST_LOG` (default `info`); `LOG_FORMAT=json` for JSON lines.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f == "json") {
        let _ = builder.json().try_init();
    } else {
        let _ = builder.try_init();
    }
}

/// A token cancelled on SIGINT or SIGTERM.
pub fn shutdown_on_signal() -> CancellationToken {
    let token = CancellationToken::new();
    let child = token.clone();
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(term) => term,
                    Err(_) => {
                        let _ = ctrl_c.await;
                        child.cancel();
                        return;
                    }
                };
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutdown requested");
        child.cancel();
    });
    token
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
