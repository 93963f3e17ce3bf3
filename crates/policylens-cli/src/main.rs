//! `policylens`: the command line. `extract` runs the extraction library offline over files and
//! JSONL corpora; `publish` sends documents onto `policy.ingest`; `facts`, `series`, `entities`,
//! `watch` query the gateway; `health` probes the services for container healthchecks.

mod extract_cmd;
mod health_cmd;
mod proto_json;
mod publish_cmd;
mod query_cmd;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "policylens",
    version,
    about = "PolicyLens: policy facts from a stream of news"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Extract facts offline from text files, HTML files, folders and JSONL corpora (one ingest
    /// envelope per line); prints one JSON line per document in the `eval/FORMAT.md` format.
    Extract(extract_cmd::Args),
    /// Publish text, HTML and JSON files, folders and JSONL corpora onto `policy.ingest`, each
    /// acknowledged by the INGEST stream; prints a summary.
    Publish(publish_cmd::Args),
    /// List facts across documents (filtered, paginated).
    Facts(query_cmd::FactsArgs),
    /// List the indicator series, or show one series with its points (`series ID`).
    Series(query_cmd::SeriesArgs),
    /// List entities (actors, organisations, initiatives, sectors) by mentions.
    Entities(query_cmd::EntitiesArgs),
    /// Stream facts as they are aggregated.
    Watch(query_cmd::WatchArgs),
    /// Probe a service for container healthchecks (exit 0 when healthy).
    Health(health_cmd::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract_cmd::run(args),
        Command::Publish(args) => block_on(publish_cmd::run(args)),
        Command::Facts(args) => block_on(query_cmd::facts(args)),
        Command::Series(args) => block_on(query_cmd::series(args)),
        Command::Entities(args) => block_on(query_cmd::entities(args)),
        Command::Watch(args) => block_on(query_cmd::watch(args)),
        Command::Health(args) => block_on(health_cmd::run(args)),
    };
    match result {
        Ok(code) => code,
        // output piped into `head` and closed: not an error
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Runs an async command on a fresh runtime.
fn block_on<F: std::future::Future<Output = anyhow::Result<ExitCode>>>(
    future: F,
) -> anyhow::Result<ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("failed to start the async runtime: {e}"))?
        .block_on(future)
}

/// Expands folders (recursively, sorted) into files.
pub(crate) fn expand_paths(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| anyhow::anyhow!("failed to read folder {}: {e}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            out.extend(expand_paths(&entries)?);
        } else if path.exists() {
            out.push(path.clone());
        } else {
            anyhow::bail!("no such file or folder: {}", path.display());
        }
    }
    Ok(out)
}
