//! `pipeline-bench`: the whole pipeline in one process against a real nats-server it spawns;
//! publishes a corpus with core-NATS publishes and reports publish→queryable latency, documents/s,
//! query latency (GetSeries, ListFacts), the aggregate's state size on disk and peak memory.
//!
//! `cargo run --release -p policylens-e2e --bin pipeline-bench -- --corpus reuters`

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use futures::StreamExt as _;
use policylens_e2e::{Pipeline, bbc_files};
use policylens_normalize::{Limits, Meta, normalize};
use policylens_proto::{AppliedEvent, GetSeriesRequest, ListFactsRequest, ListSeriesRequest};
use prost::Message as _;

#[derive(Debug, Parser)]
#[command(about = "Measure the whole pipeline on a corpus")]
struct Args {
    /// `bbc`, `reuters`, or a JSONL file of envelopes.
    #[arg(long, default_value = "bbc")]
    corpus: String,
    /// Publish at most this many documents (0: all).
    #[arg(long, default_value_t = 0)]
    limit: usize,
    /// Queries of each kind for the latency figures.
    #[arg(long, default_value_t = 500)]
    queries: usize,
    /// The shared folder (corpus); default: ../shared beside the checkout.
    #[arg(long)]
    shared: Option<PathBuf>,
    /// Documents held back from the burst and then published one at a time, each waited for,
    /// to measure publish -> queryable latency on a loaded but idle pipeline.
    #[arg(long, default_value_t = 50)]
    trickle: usize,
    /// Give up waiting for the pipeline after this many seconds.
    #[arg(long, default_value_t = 1800)]
    timeout_secs: u64,
}

struct Doc {
    id: String,
    payload: Vec<u8>,
}

fn load(args: &Args, shared: &Path) -> anyhow::Result<Vec<Doc>> {
    let jsonl = match args.corpus.as_str() {
        "bbc" => None,
        "reuters" => Some(shared.join("corpus/reuters21578.jsonl")),
        path => Some(PathBuf::from(path)),
    };
    let mut docs = Vec::new();
    let limits = Limits {
        max_bytes: 1024 * 1024,
    };
    match jsonl {
        None => {
            for path in bbc_files(shared) {
                let payload = std::fs::read(&path)
                    .with_context(|| format!("failed to read {}", path.display()))?;
                match normalize(&payload, &Meta::default(), &limits) {
                    Ok(doc) => docs.push(Doc {
                        id: doc.doc_id,
                        payload,
                    }),
                    Err(e) => eprintln!(
                        "skipping {} (ingest would dead-letter it): {e}",
                        path.display()
                    ),
                }
            }
        }
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("failed to read {}", path.display()))?;
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let payload = line.as_bytes().to_vec();
                match normalize(&payload, &Meta::default(), &limits) {
                    Ok(doc) => docs.push(Doc {
                        id: doc.doc_id,
                        payload,
                    }),
                    Err(e) => eprintln!("skipping a line that ingest would dead-letter: {e}"),
                }
            }
        }
    }
    if args.limit > 0 {
        docs.truncate(args.limit);
    }
    Ok(docs)
}

/// Prints what the streams hold when the pipeline stops making progress.
async fn report_stall(client: &async_nats::Client, missing: &HashMap<String, Instant>) {
    let js = async_nats::jetstream::new(client.clone());
    for name in ["INGEST", "DOCS", "FACTS", "DLQ"] {
        if let Ok(mut stream) = js.get_stream(name).await
            && let Ok(info) = stream.info().await
        {
            eprintln!("stream {name}: {} messages", info.state.messages);
        }
    }
    if let Ok(stream) = js.get_stream("DLQ").await {
        for seq in 1..=20 {
            let Ok(message) = stream.get_raw_message(seq).await else {
                break;
            };
            eprintln!(
                "dead letter {seq}: {}",
                String::from_utf8_lossy(&message.payload)
            );
        }
    }
    for id in missing.keys().take(5) {
        eprintln!("not applied: {id}");
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<28} n={:<6} p50={:>9.2?} p99={:>9.2?} max={:>9.2?}",
        samples.len(),
        percentile(&samples, 0.50),
        percentile(&samples, 0.99),
        samples.last().copied().unwrap_or_default()
    );
}

fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            total += if path.is_dir() {
                dir_size(&path)
            } else {
                entry.metadata().map_or(0, |m| m.len())
            };
        }
    }
    total
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let shared = args
        .shared
        .clone()
        .unwrap_or_else(policylens_testkit::shared_dir);
    let docs = load(&args, &shared)?;
    let bytes: usize = docs.iter().map(|d| d.payload.len()).sum();
    let unique: std::collections::HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    println!(
        "corpus: {} ({} documents, {} unique, {:.1} MB)",
        args.corpus,
        docs.len(),
        unique.len(),
        bytes as f64 / 1e6
    );

    let nats = policylens_testkit::NatsServer::start();
    let pipeline = Pipeline::start(nats.url()).await?;
    let mut client = pipeline.client().await?;
    let publisher = async_nats::connect(nats.url())
        .await
        .context("failed to connect to NATS")?;
    let mut events = publisher
        .subscribe(policylens_proto::subjects::EVENTS_APPLIED)
        .await
        .context("failed to subscribe to applied events")?;
    publisher.flush().await.context("failed to flush")?;

    // hold back the last documents whose ids occur once, for the trickle phase
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for doc in &docs {
        *counts.entry(doc.id.as_str()).or_default() += 1;
    }
    let mut held = Vec::new();
    let mut burst = Vec::new();
    for doc in docs.iter().rev() {
        if held.len() < args.trickle && counts[doc.id.as_str()] == 1 {
            held.push(doc);
        } else {
            burst.push(doc);
        }
    }
    burst.reverse();
    let mut published_at: HashMap<String, Instant> = HashMap::new();
    let start = Instant::now();
    for doc in &burst {
        published_at
            .entry(doc.id.clone())
            .or_insert_with(Instant::now);
        publisher
            .publish("policy.ingest", doc.payload.clone().into())
            .await
            .context("failed to publish")?;
    }
    publisher.flush().await.context("failed to flush")?;
    let publish_time = start.elapsed();

    let mut latencies = Vec::with_capacity(unique.len());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.timeout_secs);
    let mut last_applied = start;
    let mut last_report = Instant::now();
    while !published_at.is_empty() {
        if tokio::time::Instant::now() >= deadline {
            anyhow::bail!(
                "timed out with {} documents not applied",
                published_at.len()
            );
        }
        let next = tokio::time::timeout(Duration::from_secs(30), events.next()).await;
        if last_report.elapsed() > Duration::from_secs(10) {
            eprintln!(
                "... {} applied, {} to go",
                latencies.len(),
                published_at.len()
            );
            last_report = Instant::now();
        }
        let message = match next {
            Ok(Some(message)) => message,
            Ok(None) => anyhow::bail!("the applied-events subscription ended"),
            Err(_) => {
                report_stall(&publisher, &published_at).await;
                anyhow::bail!(
                    "no progress for 30 s with {} documents not applied",
                    published_at.len()
                );
            }
        };
        let Ok(event) = AppliedEvent::decode(message.payload) else {
            continue;
        };
        let Some(doc) = event.document else { continue };
        if let Some(sent) = published_at.remove(&doc.doc_id) {
            last_applied = Instant::now();
            latencies.push(last_applied - sent);
        }
        pipeline.check_running()?;
    }
    let total = last_applied - start;
    let burst_unique = unique.len() - held.len();
    let burst_bytes: usize = burst.iter().map(|d| d.payload.len()).sum();
    println!(
        "burst: published in {publish_time:.2?}; all {burst_unique} unique documents queryable after {total:.2?}: {:.1} docs/s, {:.2} MB/s",
        burst_unique as f64 / total.as_secs_f64(),
        burst_bytes as f64 / 1e6 / total.as_secs_f64()
    );
    summary("burst publish -> queryable", latencies);

    let mut trickle = Vec::new();
    for doc in held {
        let sent = Instant::now();
        publisher
            .publish("policy.ingest", doc.payload.clone().into())
            .await
            .context("failed to publish")?;
        publisher.flush().await.context("failed to flush")?;
        loop {
            let message = tokio::time::timeout(Duration::from_secs(30), events.next())
                .await
                .context("a trickled document was not applied within 30 s")?
                .context("the applied-events subscription ended")?;
            let Ok(event) = AppliedEvent::decode(message.payload) else {
                continue;
            };
            if event.document.is_some_and(|d| d.doc_id == doc.id) {
                trickle.push(sent.elapsed());
                break;
            }
        }
    }
    summary("one-at-a-time -> queryable", trickle);

    // query latency over the loaded state
    let mut series_ids = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_series(ListSeriesRequest {
                page_size: 1000,
                page_token: token.clone(),
                ..Default::default()
            })
            .await?
            .into_inner();
        series_ids.extend(page.series.into_iter().map(|s| s.id));
        if page.next_page_token.is_empty() || series_ids.len() >= 5000 {
            break;
        }
        token = page.next_page_token;
    }
    println!("series: {}", series_ids.len());
    if !series_ids.is_empty() {
        let mut samples = Vec::new();
        for i in 0..args.queries {
            let id = series_ids[(i * 7919) % series_ids.len()].clone();
            let t = Instant::now();
            client.get_series(GetSeriesRequest { id }).await?;
            samples.push(t.elapsed());
        }
        summary("GetSeries", samples);
    }
    let filters = ["", "china", "oil", "trade", "bank"];
    let mut samples = Vec::new();
    let mut total_facts = 0;
    for i in 0..args.queries {
        let request = ListFactsRequest {
            entity: filters[i % filters.len()].to_string(),
            page_size: 100,
            ..Default::default()
        };
        let t = Instant::now();
        let page = client.list_facts(request).await?.into_inner();
        samples.push(t.elapsed());
        total_facts = total_facts.max(page.total_size);
    }
    summary("ListFacts (page of 100)", samples);
    println!("facts (largest filtered total): {total_facts}");
    println!(
        "aggregate state on disk: {:.1} MB",
        dir_size(&pipeline.data_dir) as f64 / 1e6
    );
    if let Some(kib) = peak_rss_kib() {
        println!(
            "peak RSS of the bench process (all four services): {:.1} MB",
            kib as f64 / 1024.0
        );
    }
    pipeline.stop().await?;
    Ok(())
}
