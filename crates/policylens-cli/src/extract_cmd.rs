//! `policylens extract`: the extraction library over files, offline, through the same
//! normalisation as the ingest service.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use policylens_extract::{Date, Extractor, Fact, Input, Taxonomy};
use policylens_normalize::{Envelope, Format, Limits, Meta};
use serde::Serialize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Text (.txt), HTML (.html, .htm) and JSONL (.jsonl, one envelope per line) files or folders.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Folder of taxonomy files extending the built-in ones (see the extract crate's data/).
    #[arg(long, env = "POLICYLENS_TAXONOMY_DIR")]
    taxonomy: Option<PathBuf>,
    /// Largest document accepted, in bytes.
    #[arg(long, default_value_t = 8 * 1024 * 1024)]
    max_bytes: usize,
}

struct Job {
    name: String,
    payload: Vec<u8>,
    meta: Meta,
}

#[derive(Serialize)]
struct Line<'a> {
    doc: &'a str,
    facts: &'a [Fact],
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let taxonomy = match &args.taxonomy {
        Some(dir) => Taxonomy::with_dir(dir).context("failed to load the taxonomy")?,
        None => Taxonomy::builtin(),
    };
    let extractor = Extractor::new(taxonomy);
    let limits = Limits {
        max_bytes: args.max_bytes,
    };
    let mut failures = 0usize;
    let mut jobs = Vec::new();
    for path in crate::expand_paths(&args.paths)? {
        match read_jobs(&path, &mut jobs) {
            Ok(bad) => failures += bad,
            Err(e) => {
                eprintln!("error: {e:#}");
                failures += 1;
            }
        }
    }
    let results = run_parallel(&extractor, &limits, &jobs);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok(facts) => {
                serde_json::to_writer(
                    &mut out,
                    &Line {
                        doc: &job.name,
                        facts: &facts,
                    },
                )?;
                out.write_all(b"\n")?;
            }
            Err(e) => {
                eprintln!("error: {}: {e}", job.name);
                failures += 1;
            }
        }
    }
    out.flush()?;
    if failures > 0 {
        eprintln!("{failures} input(s) could not be extracted");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads one file into jobs; returns how many JSONL lines were bad (reported on stderr).
fn read_jobs(path: &Path, jobs: &mut Vec<Job>) -> anyhow::Result<usize> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "jsonl" {
        let file = std::fs::File::open(path)
            .with_context(|| format!("failed to open {}", path.display()))?;
        let mut bad = 0;
        for (n, line) in std::io::BufReader::new(file).split(b'\n').enumerate() {
            let line = line.with_context(|| format!("failed to read {}", path.display()))?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let envelope: Envelope = match serde_json::from_slice(&line) {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("error: {}:{}: not an envelope: {e}", path.display(), n + 1);
                    bad += 1;
                    continue;
                }
            };
            let doc = envelope
                .id
                .clone()
                .unwrap_or_else(|| format!("{name}:{}", n + 1));
            jobs.push(Job {
                name: doc,
                payload: line,
                meta: Meta {
                    format: Some(Format::Json),
                    ..Meta::default()
                },
            });
        }
        return Ok(bad);
    }
    let payload =
        std::fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
    let format = match ext.as_str() {
        "html" | "htm" => Some(Format::Html),
        "txt" | "text" => Some(Format::Text),
        _ => None,
    };
    jobs.push(Job {
        name: name.clone(),
        payload,
        meta: Meta {
            id: Some(name),
            format,
            ..Meta::default()
        },
    });
    Ok(0)
}

fn extract_one(extractor: &Extractor, limits: &Limits, job: &Job) -> Result<Vec<Fact>, String> {
    let doc = policylens_normalize::normalize(&job.payload, &job.meta, limits)
        .map_err(|e| e.to_string())?;
    let date = Date::parse(&doc.published_at);
    Ok(extractor.extract(Input {
        text: &doc.body,
        date,
    }))
}

/// Extracts every job on all cores, keeping the input order.
fn run_parallel(
    extractor: &Extractor,
    limits: &Limits,
    jobs: &[Job],
) -> Vec<Result<Vec<Fact>, String>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len().max(1));
    let chunk = jobs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|j| extract_one(extractor, limits, j))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec![Err("extraction panicked".to_string())])
            })
            .collect()
    })
}
