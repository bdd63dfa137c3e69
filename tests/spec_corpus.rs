//! Every generated document of the spec's history and of its sibling corpus parses, lints and
//! drifts without an error or a panic. The documents live outside the project (../shared); on
//! a machine without them the test says so and passes, so the project's own tests stay
//! self-contained.

use std::path::{Path, PathBuf};
use std::time::Instant;

use dataflow_qa::spec::{self, builtin, drift, lint};

fn documents(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "rst"));
    files.sort();
    files
}

#[test]
fn every_document_of_the_corpus_and_the_history_parses() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec");
    let (corpus, history) = (documents(&shared.join("corpus")), documents(&shared.join("history")));
    if corpus.is_empty() && history.is_empty() {
        let mut stderr = std::io::stderr().lock();
        let _ = std::io::Write::write_all(
            &mut stderr,
            format!("note: skipped, no generated documents under {}\n", shared.display()).as_bytes(),
        );
        return;
    }
    let base = builtin::zendesk_powerofficego();
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut sections = 0;
    for path in corpus.iter().chain(&history) {
        let bytes = std::fs::read(path).unwrap();
        match spec::parse(&bytes) {
            Ok(parsed) => {
                sections += parsed.sections.len();
                lint::lint(&parsed);
                drift::drift(&base, &parsed);
            }
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    let elapsed = started.elapsed();
    assert!(failures.is_empty(), "{} document(s) did not parse:\n{}", failures.len(), failures.join("\n"));
    let mut stderr = std::io::stderr().lock();
    let _ = std::io::Write::write_all(
        &mut stderr,
        format!(
            "parsed, linted and compared {} documents ({} corpus, {} history; {sections} sections) in {:.0} ms\n",
            corpus.len() + history.len(),
            corpus.len(),
            history.len(),
            elapsed.as_secs_f64() * 1000.0
        )
        .as_bytes(),
    );
}

#[test]
fn the_history_documents_parse_into_the_sections_they_state() {
    let history = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/history");
    let Ok(bytes) = std::fs::read(history.join("zendesk-powerofficego.20231129-1543.rst")) else {
        return;
    };
    // The version the built-in spec restates: same rows, same rules.
    let parsed = spec::parse(&bytes).unwrap().without_lines();
    assert_eq!(drift::drift(&builtin::zendesk_powerofficego(), &parsed), vec![]);
}
