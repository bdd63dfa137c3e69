//! `cargo bench --bench spec_corpus`: how long it takes to parse, lint and compare with the
//! built-in spec every generated document in ../shared/spec (the 1,152-document corpus and the
//! spec's history). The files are read once; each run works from memory. Prints the median
//! and slowest of several runs, or a notice when ../shared is absent.

use std::path::Path;
use std::time::{Duration, Instant};

use dataflow_qa::spec::{self, builtin, drift, lint};

const RUNS: usize = 7;

fn main() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec");
    let mut documents = Vec::new();
    for folder in ["corpus", "history"] {
        let Ok(entries) = std::fs::read_dir(shared.join(folder)) else { continue };
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "rst") {
                documents.push(std::fs::read(entry.path()).expect("a readable document"));
            }
        }
    }
    if documents.is_empty() {
        println!("spec_corpus: skipped, no generated documents under {}", shared.display());
        return;
    }
    let bytes: usize = documents.iter().map(Vec::len).sum();
    let base = builtin::zendesk_powerofficego();
    let mut runs: Vec<(Duration, Duration)> = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let parsed: Vec<spec::Spec> =
            documents.iter().map(|d| spec::parse(d).expect("every document parses")).collect();
        let parse_only = started.elapsed();
        for doc in &parsed {
            std::hint::black_box(lint::lint(doc));
            std::hint::black_box(drift::drift(&base, doc));
        }
        runs.push((parse_only, started.elapsed()));
    }
    runs.sort();
    let (parse, all) = runs[RUNS / 2];
    let slowest = runs.iter().map(|r| r.1).max().unwrap_or_default();
    println!(
        "spec_corpus: {} documents ({:.1} MiB): parse {:.1} ms, parse + lint + drift {:.1} ms (median of {RUNS}; slowest {:.1} ms)",
        documents.len(),
        bytes as f64 / (1024.0 * 1024.0),
        parse.as_secs_f64() * 1000.0,
        all.as_secs_f64() * 1000.0,
        slowest.as_secs_f64() * 1000.0
    );
}
