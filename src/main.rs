//! The `dataflow-qa` command line.
// The cucumber writer chain (terminal, JUnit, JSON, normalisation, fail-on-skipped) is a deeply
// nested type; optimised builds need more than the default query depth to resolve it.
#![recursion_limit = "256"]

use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dataflow_qa::harness::{run_checklist, RunArgs};
use dataflow_qa::mock_server::{serve, MockArgs};
use dataflow_qa::spec_command::{self, CoverageArgs, LintArgs};
use dataflow_qa::staging_command::{self, CleanupArgs, DoctorArgs};
use dataflow_qa::sync_command::{self, SyncArgs};

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
    /// Serve the fake Zendesk and PowerOffice Go until Ctrl-C or SIGTERM.
    Mock(MockArgs),
    /// Run the reference sync once between the configured Zendesk and PowerOffice Go.
    ///
    /// Exit codes: 0 every action went through, 1 some failed (the report says which),
    /// 2 configuration or state error, 3 a system could not be read.
    Sync(SyncArgs),
    /// Print which scenarios check each checklist item, and the drift of a spec document.
    ///
    /// Exit codes: 0 every item has a scenario and every mapping a data-type check, 1 a gap or
    /// a tag that names no item, 2 an unreadable spec or feature.
    Coverage(CoverageArgs),
    /// Compare the spec with the API contract models: read-only targets, type and value-domain
    /// mismatches, unmapped required fields, v1 names, and more.
    ///
    /// Exit codes: 0 linted (error findings are known conflicts), 2 an unreadable spec.
    Lint(LintArgs),
    /// Show the staging configuration (secrets masked) and check that both systems answer,
    /// accept the credentials and grant the privileges the harness needs.
    ///
    /// Exit codes: 0 ready, 1 a check failed, 2 configuration missing or refused.
    Doctor(DoctorArgs),
    /// Remove what harness runs left in the staging accounts: only records with the harness's
    /// marks, for one run or for runs older than a cut-off.
    ///
    /// Exit codes: 0 all gone (or listed with --dry-run), 1 some could not be removed, 2 error.
    Cleanup(CleanupArgs),
}

fn main() -> ExitCode {
    // Before any thread exists, so setting the environment is safe.
    if let Err(error) = dataflow_qa::dotenv::load(Path::new(".env")) {
        eprintln!("dataflow-qa: {error}");
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("dataflow-qa: cannot start the async runtime: {error}");
            return ExitCode::from(3);
        }
    };
    match cli.command {
        Command::Run(args) => match runtime.block_on(run_checklist(&args.options())) {
            Ok(verdict) => ExitCode::from(verdict.exit_code()),
            Err(error) => {
                eprintln!("dataflow-qa run: {error:#}");
                ExitCode::from(2)
            }
        },
        Command::Sync(args) => match runtime.block_on(sync_command::run(&args)) {
            Ok(code) => ExitCode::from(code),
            Err(error) => {
                eprintln!("dataflow-qa sync: {error:#}");
                let unreadable = error.downcast_ref::<dataflow_qa::sync::SyncError>().is_some();
                ExitCode::from(if unreadable { 3 } else { 2 })
            }
        },
        Command::Coverage(args) => report_exit("coverage", spec_command::coverage(&args)),
        Command::Lint(args) => report_exit("lint", spec_command::lint(&args)),
        Command::Doctor(args) => report_exit("doctor", runtime.block_on(staging_command::doctor(&args))),
        Command::Cleanup(args) => report_exit("cleanup", runtime.block_on(staging_command::cleanup(&args))),
        Command::Mock(args) => match runtime.block_on(serve(&args)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("dataflow-qa mock: {error:#}");
                ExitCode::from(1)
            }
        },
    }
}

fn report_exit(command: &str, result: anyhow::Result<u8>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("dataflow-qa {command}: {error:#}");
            ExitCode::from(2)
        }
    }
}
