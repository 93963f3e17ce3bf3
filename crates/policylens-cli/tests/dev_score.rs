//! Quality gate: `policylens extract` over the dev set, scored by the official
//! `../shared/eval/score.py`, stays above the extraction issue's acceptance thresholds
//! (overall F1 ≥ 0.85, indicator strict F1 ≥ 0.75). The thresholds are the product's promise,
//! not the current figures; the current figures are printed.

use std::process::Command;

#[test]
fn dev_set_scores_above_the_acceptance_thresholds() {
    let shared = policylens_testkit::shared_dir();
    let out = tempfile::NamedTempFile::new().unwrap();
    let extracted = Command::new(env!("CARGO_BIN_EXE_policylens"))
        .arg("extract")
        .arg(shared.join("eval/dev/docs.jsonl"))
        .output()
        .expect("run policylens extract");
    assert!(
        extracted.status.success(),
        "{}",
        String::from_utf8_lossy(&extracted.stderr)
    );
    std::fs::write(out.path(), &extracted.stdout).unwrap();
    let scored = Command::new("python3")
        .arg(shared.join("eval/score.py"))
        .arg(shared.join("eval/dev/gold.jsonl"))
        .arg(out.path())
        .arg("--json")
        .output()
        .expect("python3 is needed to run ../shared/eval/score.py");
    assert!(
        scored.status.success(),
        "{}",
        String::from_utf8_lossy(&scored.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&scored.stdout).unwrap();
    let f1 = |kind: &str| result[kind]["f1"].as_f64().unwrap_or(0.0);
    eprintln!(
        "dev set: overall F1 {:.3}, indicator (strict) F1 {:.3}",
        f1("overall"),
        f1("indicator")
    );
    assert_eq!(result["docs_missing_from_system"], 0);
    assert!(f1("overall") >= 0.85, "overall F1 {} < 0.85", f1("overall"));
    assert!(
        f1("indicator") >= 0.75,
        "indicator F1 {} < 0.75",
        f1("indicator")
    );
}
