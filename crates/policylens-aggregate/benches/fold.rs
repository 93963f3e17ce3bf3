//! Fold and query benchmark on a Reuters-sized synthetic corpus (default 19,000 documents, set
//! `BENCH_DOCS`): documents/s folded into redb (batches of 512, as the service does), redelivered
//! and rebuilt at start-up; in-process GetSeries / ListFacts latency (p50/p99); the same over NATS
//! request/reply after a real nats-server → FACTS → aggregate run; the state's size on disk.
//!
//! `cargo bench -p policylens-aggregate --bench fold`

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use policylens_aggregate::fold::{self, Folder};
use policylens_aggregate::query;
use policylens_proto::subjects;
use policylens_proto::v1::*;
use prost::Message;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const METRICS: &[&str] = &[
    "GDP growth",
    "exports growth",
    "imports growth",
    "inflation",
    "unemployment rate",
    "trade surplus",
    "industrial output growth",
    "retail sales growth",
    "steel output",
    "crude oil imports",
    "share of services in GDP",
    "GDP share of manufacturing",
    "coffee exports",
    "grain harvest",
    "budget deficit",
];
const PLACES: &[&str] = &[
    "China",
    "Japan",
    "United States",
    "Brazil",
    "India",
    "Germany",
    "France",
    "Britain",
    "Canada",
    "Mexico",
    "Australia",
    "South Korea",
    "Taiwan",
    "Russia",
    "Italy",
    "Spain",
];
const SURNAMES: &[&str] = &[
    "Baker",
    "Volcker",
    "Nakasone",
    "Kohl",
    "Lawson",
    "Sumita",
    "Stoltenberg",
    "Miyazawa",
    "Delors",
    "Mulroney",
    "Sarney",
    "Yeutter",
    "Wright",
    "Reagan",
    "Thatcher",
    "Chirac",
];
const ORGS: &[&str] = &[
    "Federal Reserve",
    "Bank of Japan",
    "Bundesbank",
    "International Monetary Fund",
    "World Bank",
    "OPEC",
    "European Community",
    "Commerce Department",
    "Finance Ministry",
    "National Bureau of Statistics",
];
const SECTORS: &[&str] = &[
    "steel",
    "oil",
    "grain",
    "coffee",
    "banking",
    "semiconductors",
    "autos",
    "shipping",
];

fn synthetic(i: usize, rng: &mut Rng) -> FactBundle {
    let doc_id = format!("doc-{i:06}");
    let day = 1 + rng.below(28);
    let month = 1 + rng.below(12);
    let mut body = String::new();
    let mut facts = Vec::new();
    let mut push = |body: &mut String, kind: fact::Kind, sentence: String| {
        let start = body.chars().count() as u32;
        body.push_str(&sentence);
        body.push(' ');
        let index = facts.len();
        facts.push(Fact {
            id: format!("{doc_id}/{index}"),
            provenance: Some(Provenance {
                doc_id: doc_id.clone(),
                start,
                end: start + 10,
                text: sentence.chars().take(10).collect(),
                sentence,
            }),
            kind: Some(kind),
        });
    };
    for _ in 0..3 {
        let metric = METRICS[rng.below(METRICS.len())];
        let place = PLACES[rng.below(PLACES.len())];
        let year = 1980 + rng.below(8);
        let value = (rng.below(200) as f64) / 10.0;
        let sentence = format!("{place}'s {metric} was {value} percent in {year}, officials said.");
        push(
            &mut body,
            fact::Kind::Indicator(Indicator {
                metric: metric.to_string(),
                jurisdiction: place.to_string(),
                value,
                unit: "percent".into(),
                qualifier: Qualifier::Exact as i32,
                period: year.to_string(),
                status: Status::Observed as i32,
            }),
            sentence,
        );
    }
    for _ in 0..3 {
        let name = SURNAMES[rng.below(SURNAMES.len())];
        push(
            &mut body,
            fact::Kind::Actor(Actor {
                name: format!("James {name}"),
                role: "minister".into(),
                org: String::new(),
            }),
            format!("Minister James {name} told reporters the outlook was uncertain."),
        );
    }
    for _ in 0..2 {
        let org = ORGS[rng.below(ORGS.len())];
        push(
            &mut body,
            fact::Kind::Organization(Organization { name: org.into() }),
            format!("The {org} said it would monitor markets closely."),
        );
    }
    let sector = SECTORS[rng.below(SECTORS.len())];
    push(
        &mut body,
        fact::Kind::Sector(Sector {
            name: sector.into(),
        }),
        format!("Analysts said {sector} shares were under pressure."),
    );
    for _ in 0..4 {
        let value = rng.below(1000);
        push(
            &mut body,
            fact::Kind::Quantity(Quantity {
                value: value as f64,
                high: None,
                unit: "USD".into(),
                qualifier: Qualifier::About as i32,
                direction: 0,
            }),
            format!("The deal was worth about {value} million dlrs, traders said."),
        );
    }
    body.push_str(&"Filler text of a typical wire story. ".repeat(20));
    FactBundle {
        document: Some(Document {
            doc_id: doc_id.clone(),
            title: format!("Story {i}"),
            url: String::new(),
            source: "reuters".into(),
            published_at: format!("1987-{month:02}-{day:02}"),
            language: "en".into(),
            content_hash: blake3::hash(body.as_bytes()).to_hex().to_string(),
            body,
            ingested_at_ms: 0,
            ingest_seq: i as u64 + 1,
            format: "text".into(),
        }),
        extractor_version: "1.0.0".into(),
        facts,
    }
}

/// Resident memory of this process in MB (Linux), 0 elsewhere.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, samples: &mut [Duration]) {
    let p50 = percentile(samples, 0.50);
    let p99 = percentile(samples, 0.99);
    println!(
        "{name:<58} p50 {p50:>10.1?}  p99 {p99:>10.1?}  (n={})",
        samples.len()
    );
}

fn fold_all(folder: &mut Folder, payloads: &[Vec<u8>], seq_base: u64) -> Duration {
    let started = Instant::now();
    for (chunk_index, chunk) in payloads.chunks(512).enumerate() {
        let base = seq_base + (chunk_index * 512) as u64;
        let batch: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(i, p)| fold::decode(base + i as u64 + 1, p).expect("decodes"))
            .collect();
        let high = base + chunk.len() as u64;
        folder.apply_batch(batch, high).expect("batch applies");
    }
    started.elapsed()
}

/// (label, method, payload): GetSeries and four ListFacts shapes.
fn requests(
    rng: &mut Rng,
    series_ids: &[String],
    n: usize,
) -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut out = Vec::with_capacity(n * 2);
    for i in 0..n {
        let id = series_ids[rng.below(series_ids.len())].clone();
        out.push((
            "GetSeries",
            "GetSeries",
            GetSeriesRequest { id }.encode_to_vec(),
        ));
        let (label, list) = match i % 4 {
            0 => ("ListFacts no filter", ListFactsRequest::default()),
            1 => (
                "ListFacts indicators from 1984, period order",
                ListFactsRequest {
                    kind: FactKind::Indicator as i32,
                    order: FactOrder::Period as i32,
                    period_from: "1984".into(),
                    ..Default::default()
                },
            ),
            2 => (
                "ListFacts one actor, newest first",
                ListFactsRequest {
                    entity: format!("James {}", SURNAMES[rng.below(SURNAMES.len())]),
                    order: FactOrder::Newest as i32,
                    ..Default::default()
                },
            ),
            _ => (
                "ListFacts sentence text",
                ListFactsRequest {
                    text: "coffee".into(),
                    ..Default::default()
                },
            ),
        };
        out.push((label, "ListFacts", list.encode_to_vec()));
    }
    out
}

fn main() {
    let docs: usize = std::env::var("BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(19_000);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let payloads: Vec<Vec<u8>> = (0..docs)
        .map(|i| synthetic(i, &mut rng).encode_to_vec())
        .collect();
    let bytes: usize = payloads.iter().map(Vec::len).sum();
    println!(
        "{docs} synthetic documents, {} facts each, {:.1} MB of bundles",
        13,
        bytes as f64 / 1e6
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let rss_before = rss_mb();
    let mut folder = Folder::open(dir.path()).expect("open");
    let elapsed = fold_all(&mut folder, &payloads, 0);
    println!(
        "fold into redb (batches of 512)          {:>8.0} docs/s  ({elapsed:.2?})",
        docs as f64 / elapsed.as_secs_f64()
    );
    println!(
        "memory of the folded state               {:>8.0} MB resident",
        rss_mb() - rss_before
    );
    let elapsed = fold_all(&mut folder, &payloads, docs as u64);
    println!(
        "redelivery of every bundle (no change)   {:>8.0} docs/s  ({elapsed:.2?})",
        docs as f64 / elapsed.as_secs_f64()
    );
    let size = std::fs::metadata(folder.store().path())
        .map(|m| m.len())
        .unwrap_or(0);
    drop(folder);
    let started = Instant::now();
    let folder = Folder::open(dir.path()).expect("reopen");
    let elapsed = started.elapsed();
    println!(
        "resident memory after rebuild            {:>8.0} MB (includes the bench's own bundles)",
        rss_mb()
    );
    println!(
        "rebuild from redb at start-up            {:>8.0} docs/s  ({elapsed:.2?})",
        docs as f64 / elapsed.as_secs_f64()
    );
    println!(
        "state on disk                            {:>8.1} MB",
        size as f64 / 1e6
    );

    let state = folder.shared_state();
    let store = folder.store();
    let series_ids: Vec<String> = {
        let state = state.read().expect("lock");
        println!(
            "state: {} documents, {} facts, {} series, {} entities",
            state.docs.len(),
            state.facts.len(),
            state.series.len(),
            state.entities.len()
        );
        state.series.iter().map(|s| s.id.clone()).collect()
    };
    let mut samples: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    for (label, method, payload) in requests(&mut rng, &series_ids, 1000) {
        let started = Instant::now();
        let state = state.read().expect("lock");
        query::handle(method, &payload, &state, &store).expect("query succeeds");
        samples.entry(label).or_default().push(started.elapsed());
    }
    for (label, samples) in &mut samples {
        report(&format!("in-process {label}"), samples);
    }
    drop(folder);

    over_nats(&payloads, &series_ids, &mut rng);
}

/// Publishes every bundle onto FACTS of a real nats-server, runs the aggregate, waits for the
/// last document, then measures request/reply latency.
fn over_nats(payloads: &[Vec<u8>], series_ids: &[String], rng: &mut Rng) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = policylens_testkit::NatsServer::start();
        let client = async_nats::connect(server.url()).await.expect("connect");
        let js = async_nats::jetstream::new(client.clone());
        let limits = policylens_runtime::streams::StreamLimits::default();
        policylens_runtime::streams::ensure_streams(&js, &limits)
            .await
            .expect("streams");
        let dir = tempfile::tempdir().expect("tempdir");
        let shutdown = tokio_util::sync::CancellationToken::new();
        let config = policylens_aggregate::Config {
            nats: policylens_runtime::NatsArgs {
                nats_url: server.url().to_string(),
                nats_connect_timeout: Duration::from_secs(10),
            },
            data_dir: dir.path().to_path_buf(),
            limits,
            replica_id: "bench".into(),
            max_batch: 512,
        };
        let started = Instant::now();
        let aggregate = tokio::spawn(policylens_aggregate::run(config, shutdown.clone()));
        let mut acks = Vec::with_capacity(payloads.len());
        for payload in payloads {
            let ack = js
                .publish(subjects::FACTS, payload.clone().into())
                .await
                .expect("publish");
            acks.push(ack);
            if acks.len() >= 512 {
                for ack in acks.drain(..) {
                    ack.await.expect("ack");
                }
            }
        }
        for ack in acks.drain(..) {
            ack.await.expect("ack");
        }
        let published = started.elapsed();
        let last = format!("doc-{:06}", payloads.len() - 1);
        let request = GetDocumentRequest {
            doc_id: last,
            include_body: false,
        }
        .encode_to_vec();
        policylens_testkit::wait_for("the last document", Duration::from_secs(600), || {
            let client = client.clone();
            let request = request.clone();
            async move {
                let reply = client
                    .request(subjects::query_subject("GetDocument"), request.into())
                    .await
                    .ok()?;
                reply
                    .headers
                    .is_none_or(|h| h.get(subjects::HEADER_ERROR).is_none())
                    .then_some(())
            }
        })
        .await;
        let elapsed = started.elapsed();
        println!(
            "NATS: publish → all applied               {:>8.0} docs/s  ({elapsed:.2?}, publishing took {published:.2?})",
            payloads.len() as f64 / elapsed.as_secs_f64()
        );
        let mut samples: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
        for (label, method, payload) in requests(rng, series_ids, 500) {
            let started = Instant::now();
            let reply = client
                .request(subjects::query_subject(method), payload.into())
                .await
                .expect("reply");
            samples.entry(label).or_default().push(started.elapsed());
            assert!(reply.headers.is_none(), "{method} failed");
        }
        for (label, samples) in &mut samples {
            report(&format!("NATS {label}"), samples);
        }
        shutdown.cancel();
        let _ = aggregate.await;
    });
}
