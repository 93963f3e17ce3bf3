//! `policylens publish`: files, folders and JSONL corpora onto `policy.ingest` through JetStream
//! publishes, so every document is acknowledged by the INGEST stream and a refusal (a full
//! stream, an oversized message) is reported, with a bounded number of acks in flight.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use async_nats::jetstream::context::{PublishAckFuture, PublishErrorKind};
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::{self, context::PublishError};
use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use indicatif::{ProgressBar, ProgressStyle};
use policylens_normalize::{Envelope, Format};
use policylens_proto::subjects;
use tokio::sync::mpsc;

/// Refusals and failures printed one by one before only being counted.
const MAX_REPORTED: usize = 20;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Text (.txt), HTML (.html, .htm), JSON envelope (.json) and JSONL (.jsonl, one envelope per
    /// line) files, or folders of them (recursively). Other files are published raw.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// NATS server URL.
    #[arg(long, env = "NATS_URL", default_value = "nats://127.0.0.1:4222")]
    nats_url: String,
    /// How long to keep trying to connect to NATS.
    #[arg(long, default_value = "5s", value_parser = policylens_runtime::humantime_duration)]
    connect_timeout: Duration,
    /// Documents published but not yet acknowledged, at most.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=65536))]
    max_in_flight: u32,
    /// `PolicyLens-Source` header for raw text and HTML files (JSON envelopes carry their own).
    #[arg(long)]
    source: Option<String>,
}

/// One document to publish, or an input that is not one.
#[derive(Debug)]
enum Input {
    Doc {
        label: String,
        payload: Vec<u8>,
        format: Option<Format>,
        /// Input bytes this accounts for, for the progress bar.
        size: u64,
    },
    Bad {
        label: String,
        error: String,
        size: u64,
    },
    /// Not a document (a blank line); only its bytes count.
    Skip { size: u64 },
}

#[derive(Debug, Default)]
struct Summary {
    published: u64,
    duplicates: u64,
    refused: u64,
    failed: u64,
}

impl Summary {
    fn reported(&self) -> usize {
        (self.refused + self.failed) as usize
    }
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let files = crate::expand_paths(&args.paths)?;
    let total_bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    let nats = policylens_runtime::connect(
        &policylens_runtime::NatsArgs {
            nats_url: args.nats_url.clone(),
            nats_connect_timeout: args.connect_timeout,
        },
        "policylens-publish",
    )
    .await?;
    let js = jetstream::new(nats.clone());

    let progress = ProgressBar::with_draw_target(
        Some(total_bytes),
        indicatif::ProgressDrawTarget::stderr_with_hz(10),
    );
    progress.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
        )
        .context("invalid progress bar template")?,
    );

    // files are read on a blocking thread, a bounded channel ahead of the publisher
    let (tx, mut rx) = mpsc::channel::<Input>(1024);
    let reader = std::thread::spawn(move || read_inputs(&files, &tx));

    let started = Instant::now();
    let mut summary = Summary::default();
    let mut in_flight = FuturesUnordered::new();
    let max_in_flight = args.max_in_flight as usize;
    while let Some(input) = rx.recv().await {
        let (label, payload, format, size) = match input {
            Input::Doc {
                label,
                payload,
                format,
                size,
            } => (label, payload, format, size),
            Input::Bad { label, error, size } => {
                report(&progress, &summary, &format!("skipped {label}: {error}"));
                summary.failed += 1;
                progress.inc(size);
                continue;
            }
            Input::Skip { size } => {
                progress.inc(size);
                continue;
            }
        };
        while in_flight.len() >= max_in_flight {
            if let Some(acked) = in_flight.next().await {
                settle(&progress, &mut summary, acked)?;
            }
        }
        let message = publish_message(payload, format, args.source.as_deref());
        match js.send_publish(subjects::INGEST, message).await {
            Ok(ack) => in_flight.push(await_ack(label, size, ack)),
            Err(e) => settle(
                &progress,
                &mut summary,
                Acked {
                    label,
                    size,
                    outcome: Err(e),
                },
            )?,
        }
    }
    while let Some(acked) = in_flight.next().await {
        settle(&progress, &mut summary, acked)?;
    }
    progress.finish_and_clear();
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("the file reader panicked"))??;
    let _ = nats.drain().await;

    let elapsed = started.elapsed().as_secs_f64();
    let rate = if elapsed > 0.0 {
        summary.published as f64 / elapsed
    } else {
        0.0
    };
    println!(
        "published {} ({} already in the stream), refused {}, failed {} in {:.1}s ({:.0} docs/s)",
        summary.published, summary.duplicates, summary.refused, summary.failed, elapsed, rate
    );
    if summary.refused + summary.failed > 0 {
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// The message for one payload: the format when known, a content-derived `Nats-Msg-Id` so a
/// re-run within the stream's duplicate window stores nothing twice.
fn publish_message(
    payload: Vec<u8>,
    format: Option<Format>,
    source: Option<&str>,
) -> PublishMessage {
    let mut headers = async_nats::HeaderMap::new();
    headers.insert(
        subjects::HEADER_MSG_ID,
        policylens_runtime::content_hash(&payload).as_str(),
    );
    if let Some(format) = format {
        headers.insert(subjects::HEADER_FORMAT, format.as_str());
    }
    if let (Some(source), Some(Format::Text | Format::Html) | None) = (source, format) {
        headers.insert(subjects::HEADER_SOURCE, source);
    }
    PublishMessage::build()
        .payload(payload.into())
        .headers(headers)
}

/// A publish's outcome, once the stream answered.
struct Acked {
    label: String,
    size: u64,
    outcome: Result<jetstream::publish::PublishAck, PublishError>,
}

async fn await_ack(label: String, size: u64, ack: PublishAckFuture) -> Acked {
    Acked {
        label,
        size,
        outcome: ack.await,
    }
}

/// Counts one outcome; a missing stream ends the run, as nothing could be published.
fn settle(progress: &ProgressBar, summary: &mut Summary, acked: Acked) -> anyhow::Result<()> {
    let Acked {
        label,
        size,
        outcome,
    } = acked;
    progress.inc(size);
    match outcome {
        Ok(ack) => {
            summary.published += 1;
            if ack.duplicate {
                summary.duplicates += 1;
            }
        }
        Err(e) if e.kind() == PublishErrorKind::StreamNotFound => {
            progress.abandon();
            anyhow::bail!(
                "no JetStream stream captures {}: start the PolicyLens services first (they create the streams)",
                subjects::INGEST
            );
        }
        Err(e) if is_refusal(&e) => {
            report(
                progress,
                summary,
                &format!("refused {label}: {}", cause(&e)),
            );
            summary.refused += 1;
        }
        Err(e) => {
            report(progress, summary, &format!("failed {label}: {e}"));
            summary.failed += 1;
        }
    }
    progress.set_message(format!("{} docs", summary.published));
    Ok(())
}

/// The stream or the server said no (full, too large), as opposed to a transport failure.
fn is_refusal(error: &PublishError) -> bool {
    match error.kind() {
        PublishErrorKind::MaxPayloadExceeded => true,
        PublishErrorKind::Other => std::error::Error::source(error)
            .is_some_and(|s| s.downcast_ref::<jetstream::Error>().is_some()),
        _ => false,
    }
}

fn cause(error: &PublishError) -> String {
    std::error::Error::source(error).map_or_else(|| error.to_string(), |s| s.to_string())
}

fn report(progress: &ProgressBar, summary: &Summary, line: &str) {
    match summary.reported() {
        n if n < MAX_REPORTED => progress.suspend(|| eprintln!("{line}")),
        MAX_REPORTED => progress.suspend(|| eprintln!("… further problems are only counted")),
        _ => {}
    }
}

/// Reads every file into inputs, in order; stops early when the publisher has gone.
fn read_inputs(files: &[PathBuf], tx: &mpsc::Sender<Input>) -> anyhow::Result<()> {
    for path in files {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let sent = if ext == "jsonl" {
            read_jsonl(path, tx)?
        } else {
            let label = path.display().to_string();
            let input = match std::fs::read(path) {
                Ok(payload) => Input::Doc {
                    size: payload.len() as u64,
                    label,
                    payload,
                    format: match ext.as_str() {
                        "json" => Some(Format::Json),
                        "html" | "htm" => Some(Format::Html),
                        "txt" | "text" => Some(Format::Text),
                        _ => None,
                    },
                },
                Err(e) => Input::Bad {
                    label,
                    error: format!("failed to read: {e}"),
                    size: 0,
                },
            };
            tx.blocking_send(input).is_ok()
        };
        if !sent {
            break;
        }
    }
    Ok(())
}

/// One input per non-blank line; a line that is not an envelope is reported, not published.
/// Returns false when the publisher has gone.
fn read_jsonl(path: &Path, tx: &mpsc::Sender<Input>) -> anyhow::Result<bool> {
    let file =
        std::fs::File::open(path).with_context(|| format!("failed to open {}", path.display()))?;
    for (n, line) in std::io::BufReader::new(file).split(b'\n').enumerate() {
        let line = line.with_context(|| format!("failed to read {}", path.display()))?;
        let size = line.len() as u64 + 1;
        let label = format!("{}:{}", path.display(), n + 1);
        let input = if line.iter().all(u8::is_ascii_whitespace) {
            Input::Skip { size }
        } else {
            match serde_json::from_slice::<Envelope>(&line) {
                Ok(_) => Input::Doc {
                    label,
                    payload: line,
                    format: Some(Format::Json),
                    size,
                },
                Err(e) => Input::Bad {
                    label,
                    error: format!("not an envelope: {e}"),
                    size,
                },
            }
        };
        if tx.blocking_send(input).is_err() {
            return Ok(false);
        }
    }
    Ok(true)
}
