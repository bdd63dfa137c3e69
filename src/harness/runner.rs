//! Runs the Gherkin checklist: selects scenarios, wires the terminal, JUnit and Cucumber JSON
//! writers, fails on undefined (skipped) steps, and turns the outcome into a verdict with an
//! exit code. An empty selection is its own verdict, never a pass.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{bail, Context as _};
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;
use cucumber::writer::Stats as _;
use cucumber::{cli, event, parser, runner, writer, World as _, WriterExt as _};
use futures::FutureExt as _;

use super::QaWorld;

/// What to run and where to report it.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// A `.feature` file or a folder of them.
    pub features: PathBuf,
    /// A Cucumber tag expression, e.g. `@R1 and not @known-conflict`.
    pub tags: Option<String>,
    /// Keep only scenarios whose name contains this text.
    pub name: Option<String>,
    pub junit: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub concurrency: Option<usize>,
    pub fail_fast: bool,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed,
    /// A feature file did not parse, or a hook failed: the run itself is not trustworthy.
    Broken,
    NothingSelected,
}

impl Verdict {
    /// 0 passed, 1 scenarios failed, 3 broken run, 5 nothing selected (as pytest counts them;
    /// 2 is left to usage errors).
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Passed => 0,
            Verdict::Failed => 1,
            Verdict::Broken => 3,
            Verdict::NothingSelected => 5,
        }
    }
}

/// Scenario outcomes, counted in the after-hook.
#[derive(Clone, Default)]
struct Tally {
    passed: Rc<Cell<usize>>,
    failed: Rc<Cell<usize>>,
}

fn report_file(path: &Option<PathBuf>, kind: &str) -> anyhow::Result<Box<dyn Write>> {
    match path {
        None => Ok(Box::new(io::sink())),
        Some(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create the folder for the {kind} report {}", path.display()))?;
            }
            let file =
                File::create(path).with_context(|| format!("cannot write the {kind} report {}", path.display()))?;
            Ok(Box::new(file))
        }
    }
}

/// Checks the options before anything runs, so a typo is a usage error and not a red run.
fn parse_tags(options: &RunOptions) -> anyhow::Result<Option<TagOperation>> {
    if !options.features.exists() {
        bail!(
            "the features path {} does not exist (run from the project folder, or pass --features)",
            options.features.display()
        );
    }
    options
        .tags
        .as_deref()
        .map(|expr| {
            expr.parse::<TagOperation>().map_err(|e| anyhow::anyhow!("the tag expression {expr:?} does not parse: {e}"))
        })
        .transpose()
}

pub async fn run_checklist(options: &RunOptions) -> anyhow::Result<Verdict> {
    let tags = parse_tags(options)?;
    let junit = report_file(&options.junit, "JUnit")?;
    let json = report_file(&options.json, "Cucumber JSON")?;

    let mut cli: cli::Opts<parser::basic::Cli, runner::basic::Cli, _, cli::Empty> = cli::Opts::default();
    cli.runner.concurrency = options.concurrency;
    cli.runner.fail_fast = options.fail_fast;

    let name = options.name.clone();
    let select = move |feature: &cucumber::gherkin::Feature,
                       rule: Option<&cucumber::gherkin::Rule>,
                       scenario: &cucumber::gherkin::Scenario| {
        let all_tags = feature.tags.iter().chain(rule.iter().flat_map(|r| &r.tags)).chain(&scenario.tags);
        tags.as_ref().is_none_or(|t| t.eval(all_tags)) && name.as_deref().is_none_or(|n| scenario.name.contains(n))
    };

    let tally = Tally::default();
    let counted = tally.clone();
    let writer = QaWorld::cucumber()
        .with_writer(
            writer::Basic::stdout()
                .summarized()
                .tee::<QaWorld, _>(writer::JUnit::for_tee(junit, 0))
                .tee::<QaWorld, _>(writer::Json::for_tee(json))
                .normalized(),
        )
        .fail_on_skipped()
        .with_cli(cli)
        .after(move |_, _, _, finished, world| {
            let outcome =
                if matches!(finished, event::ScenarioFinished::StepPassed) { &counted.passed } else { &counted.failed };
            outcome.set(outcome.get() + 1);
            async move {
                if let Some(world) = world {
                    world.shutdown().await;
                }
            }
            .boxed_local()
        })
        .filter_run(features_input(&options.features), select)
        .await;

    println!("checklist: {} passed, {} failed", tally.passed.get(), tally.failed.get());
    let ran = writer.passed_steps() + writer.skipped_steps() + writer.failed_steps();
    let verdict = if writer.parsing_errors() > 0 || writer.hook_errors() > 0 {
        Verdict::Broken
    } else if writer.execution_has_failed() {
        Verdict::Failed
    } else if ran == 0 {
        Verdict::NothingSelected
    } else {
        Verdict::Passed
    };
    if verdict == Verdict::NothingSelected {
        eprintln!(
            "dataflow-qa: no scenario was selected from {} (tags: {}, name: {}); check the filter",
            options.features.display(),
            options.tags.as_deref().unwrap_or("none"),
            options.name.as_deref().unwrap_or("none"),
        );
    }
    Ok(verdict)
}

fn features_input(path: &Path) -> PathBuf {
    path.to_path_buf()
}
