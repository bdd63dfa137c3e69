//! `cargo test` runs the whole checklist (features/) against the fakes with the reference sync,
//! through the same runner as `dataflow-qa run`. Options after `--` are those of `run`
//! (`cargo test --test conformance -- --tags @R1`); libtest's own flags are ignored, and a
//! libtest name filter that does not select "conformance" skips the checklist.

// See src/main.rs: the cucumber writer chain needs more than the default query depth.
#![recursion_limit = "256"]

use std::process::ExitCode;

use clap::Parser;
use dataflow_qa::harness::{run_checklist, RunArgs};

#[derive(Parser)]
#[command(name = "conformance")]
struct Args {
    #[command(flatten)]
    run: RunArgs,
}

/// Flags cargo or a developer may pass to every test binary.
const LIBTEST_FLAGS: &[&str] =
    &["--nocapture", "--quiet", "-q", "--show-output", "--ignored", "--include-ignored", "--exact"];

fn main() -> ExitCode {
    let mut args = vec!["conformance".to_owned()];
    for arg in std::env::args().skip(1) {
        if LIBTEST_FLAGS.contains(&arg.as_str()) || arg.starts_with("--test-threads") || arg.starts_with("--color=") {
            continue;
        }
        if !arg.starts_with('-') && !args.last().is_some_and(|a| a.starts_with('-') && !a.contains('=')) {
            // A libtest name filter: run the checklist only if it selects this target.
            if !"conformance".contains(arg.as_str()) {
                println!("conformance: skipped, the filter {arg:?} does not select it");
                return ExitCode::SUCCESS;
            }
            continue;
        }
        args.push(arg);
    }
    let args = Args::parse_from(args);
    let mut options = args.run.options();
    if options.features.is_relative() {
        options.features = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&options.features);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    match runtime.block_on(run_checklist(&options)) {
        Ok(verdict) => ExitCode::from(verdict.exit_code()),
        Err(error) => {
            eprintln!("conformance: {error:#}");
            ExitCode::from(2)
        }
    }
}
