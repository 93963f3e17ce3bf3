//! `policylens`: the command line. `extract` runs the extraction library offline over files and
//! JSONL corpora; `publish` sends documents onto `policy.ingest`; `facts`, `series`, `watch`
//! query the gateway.

mod extract_cmd;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract_cmd::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
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
