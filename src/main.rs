//! The `dataflow-qa` command line.
// The cucumber writer chain (terminal, JUnit, JSON, normalisation, fail-on-skipped) is a deeply
// nested type; optimised builds need more than the default query depth to resolve it.
#![recursion_limit = "256"]

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dataflow_qa::harness::{run_checklist, RunArgs};

#[derive(Parser)]
#[command(name = "dataflow-qa", version, about = "Executable QA checklist for the Zendesk <-> PowerOffice Go dataflow")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the checklist (features/) against the built-in fakes with the reference sync.
    ///
    /// Exit codes: 0 all selected scenarios passed, 1 a scenario failed, 2 usage error,
    /// 3 a feature did not parse or a hook failed, 5 no scenario was selected.
    Run(RunArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => match run_checklist(&args.options()).await {
            Ok(verdict) => ExitCode::from(verdict.exit_code()),
            Err(error) => {
                eprintln!("dataflow-qa run: {error:#}");
                ExitCode::from(2)
            }
        },
    }
}
