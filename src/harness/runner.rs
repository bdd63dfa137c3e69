//! Runs the Gherkin checklist: selects scenarios, wires the terminal, JUnit and Cucumber JSON
//! writers, fails on undefined (skipped) steps, and turns the outcome into a verdict with an
//! exit code. An empty selection is its own verdict, never a pass.

use std::cell::RefCell;
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

use super::args::TargetChoice;
use super::context::{self, RunContext, StagingRun, SyncMode, Target};
use super::failures::FailureCapture;
use super::results::{Outcome, RunResults, ScenarioResult};
use crate::staging::cleanup::{sweep, CleanupReport, Marked, Systems};
use crate::staging::scope::MARK;
use crate::staging::{RunId, RunScope, StagingConfig};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Scenarios the filter chose but the target or the sync under test cannot run.
#[derive(Default)]
struct Deselected {
    fakes_only: AtomicUsize,
    reference_only: AtomicUsize,
}
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
    pub html: Option<PathBuf>,
    /// The document the HTML page is built from (the built-in spec when `None`).
    pub spec: Option<PathBuf>,
    pub concurrency: Option<usize>,
    pub fail_fast: bool,
    /// A `@known-conflict` scenario that passes fails the run (its tag is out of date).
    pub strict: bool,
    /// 0 plain, 1 with doc strings, 2 also the World of a failed step (its Debug masks secrets).
    pub verbose: u8,
    pub target: TargetChoice,
    pub sync: SyncMode,
    pub allow_production: bool,
    pub run_id: Option<String>,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed,
    /// A feature file did not parse, a hook failed, or a step matched no definition (or
    /// several): the run itself is not trustworthy.
    Broken,
    NothingSelected,
    /// Ctrl-C or SIGTERM stopped the run (after cleaning up in staging).
    Interrupted,
}

impl Verdict {
    /// 0 passed (known conflicts failing as expected), 1 scenarios failed, 3 broken run,
    /// 5 nothing selected (as pytest counts them; 2 is left to usage errors).
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Passed => 0,
            Verdict::Failed => 1,
            Verdict::Broken => 3,
            Verdict::NothingSelected => 5,
            Verdict::Interrupted => 130,
        }
    }
}

/// How one scenario ended, as the after-hook sees it.
fn outcome_of(finished: &event::ScenarioFinished) -> Outcome {
    match finished {
        event::ScenarioFinished::StepPassed => Outcome::Passed,
        event::ScenarioFinished::StepSkipped => Outcome::HarnessError("a step matches no step definition".into()),
        event::ScenarioFinished::StepFailed(_, _, event::StepError::NotFound) => {
            Outcome::HarnessError("a step matches no step definition".into())
        }
        event::ScenarioFinished::StepFailed(_, _, event::StepError::AmbiguousMatch(error)) => {
            Outcome::HarnessError(format!("a step matches several step definitions: {error}"))
        }
        _ => Outcome::Failed,
    }
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

/// The run's context from its options: in staging, the accounts from the environment, checked
/// against the production guard, and a run id to mark records with.
fn build_context(options: &RunOptions) -> anyhow::Result<RunContext> {
    let target = match options.target {
        TargetChoice::Mock => Target::Mock,
        TargetChoice::Staging => {
            let config = StagingConfig::from_env()?;
            if let Some(warning) = config.check_environment(options.allow_production)? {
                eprintln!("{warning}");
            }
            let run_id = match &options.run_id {
                Some(id) => RunId::parse(id).map_err(|e| anyhow::anyhow!("--run-id: {e}"))?,
                None => RunId::generate(),
            };
            eprintln!(
                "staging run {run_id}: Zendesk {}, PowerOffice Go {}; every record it creates is marked {MARK}-{run_id} and removed afterwards",
                config.zendesk.base_url, config.poweroffice.api_base_url
            );
            let (zendesk, poweroffice) = config.clients()?;
            Target::Staging(Arc::new(StagingRun {
                config,
                zendesk,
                poweroffice,
                scope: RunScope::new(run_id),
                leftovers: Mutex::new(CleanupReport::default()),
            }))
        }
    };
    Ok(RunContext { target, sync: options.sync })
}

/// Target, sync mode and run id as the page's header shows them.
fn describe_context(context: &RunContext) -> (String, String, Option<String>) {
    let (target, run_id) = match &context.target {
        Target::Mock => ("mock (the built-in fakes)".to_owned(), None),
        Target::Staging(run) => (
            format!(
                "staging (Zendesk {}, PowerOffice Go {})",
                run.config.zendesk.base_url, run.config.poweroffice.api_base_url
            ),
            Some(run.scope.run_id.to_string()),
        ),
    };
    let sync = match context.sync {
        SyncMode::Reference => "reference (dataflow-qa's own sync, run between steps)".to_owned(),
        SyncMode::External { timeout, .. } => format!("external (waited up to {} s per check)", timeout.as_secs()),
    };
    (target, sync, run_id)
}

/// Writes the checklist page of this run to `--html`.
fn write_page(
    spec: &crate::spec::Spec,
    options: &RunOptions,
    results: &[ScenarioResult],
    findings: &[crate::spec::lint::Finding],
    verdict: Verdict,
    (target, sync, run_id): &(String, String, Option<String>),
    (started_at, duration): (time::OffsetDateTime, f64),
) -> anyhow::Result<()> {
    use crate::report::{self, Status};
    let base = crate::spec::builtin::zendesk_powerofficego();
    let scenarios = crate::spec::coverage::scenarios(&options.features)?;
    let scenarios: Vec<_> = scenarios
        .into_iter()
        .map(|mut s| {
            s.location = relative(Path::new(&s.location));
            s
        })
        .collect();
    let coverage = crate::spec::coverage::coverage(&base, spec, &scenarios);
    let mut page = report::build(spec, &coverage, results, findings, report::Header::default());
    let count = |status: Status| page.rows().filter(|r| r.status == status).count();
    let (passed, failed, known, uncovered) =
        (count(Status::Passed), count(Status::Failed), count(Status::KnownConflict), count(Status::NotCovered));
    let verdict = match verdict {
        Verdict::Passed if uncovered == 0 => "PASSED: every checklist row holds".to_owned(),
        Verdict::Passed => format!("PASSED, but {uncovered} row(s) are not covered"),
        Verdict::Failed => format!("FAILED: {failed} checklist row(s) fail"),
        Verdict::Broken => "BROKEN RUN: the harness could not run every scenario".to_owned(),
        Verdict::NothingSelected => "NO SCENARIO RAN".to_owned(),
        Verdict::Interrupted => "INTERRUPTED".to_owned(),
    };
    page.header = report::Header {
        verdict,
        passed,
        failed,
        known_conflicts: known,
        not_covered: uncovered,
        target: target.clone(),
        sync: sync.clone(),
        run_id: run_id.clone(),
        started: started_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        duration_seconds: duration,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        spec_title: spec.title.clone(),
        spec_generated: spec.generated.clone(),
        spec_source: options.spec.as_ref().map_or_else(|| "built-in spec".to_owned(), |p| p.display().to_string()),
    };
    let path = options.html.as_deref().context("no --html file was given")?;
    std::fs::write(path, report::html::render(&page))
        .with_context(|| format!("cannot write the HTML report {}", path.display()))
}

/// After a staging run (finished or interrupted): sweep every record marked with the run's id,
/// which catches what an external sync created and what an interrupted scenario left.
async fn clean_up_run(run: &StagingRun) {
    let mut report = std::mem::take(&mut *run.leftovers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
    let systems = Systems::new(run.zendesk.clone(), run.poweroffice.clone());
    match sweep(&systems, &Marked::Run(run.scope.run_id.clone()), false).await {
        Ok(swept) => report.merge(swept),
        Err(error) => report.kept.push(("the records marked with this run".to_owned(), error.to_string())),
    }
    println!("{report}");
}

pub async fn run_checklist(options: &RunOptions) -> anyhow::Result<Verdict> {
    let started = std::time::Instant::now();
    let started_at = time::OffsetDateTime::now_utc();
    let tags = parse_tags(options)?;
    // Read before anything runs, so a bad document is a usage error, not a lost report.
    let page_spec = match &options.html {
        Some(_) => Some(crate::spec_command::load_spec(options.spec.as_deref())?),
        None => None,
    };
    let run_context = build_context(options)?;
    let described = describe_context(&run_context);
    let staging = match &run_context.target {
        Target::Staging(run) => Some(Arc::clone(run)),
        Target::Mock => None,
    };
    let external = matches!(run_context.sync, SyncMode::External { .. });
    context::set(run_context);
    let deselected = Arc::new(Deselected::default());
    let junit = report_file(&options.junit, "JUnit")?;
    let json = report_file(&options.json, "Cucumber JSON")?;

    let mut cli: cli::Opts<parser::basic::Cli, runner::basic::Cli, _, cli::Empty> = cli::Opts::default();
    cli.runner.concurrency = options.concurrency;
    cli.runner.fail_fast = options.fail_fast;

    let name = options.name.clone();
    let counted = Arc::clone(&deselected);
    let on_staging = staging.is_some();
    let select = move |feature: &cucumber::gherkin::Feature,
                       rule: Option<&cucumber::gherkin::Rule>,
                       scenario: &cucumber::gherkin::Scenario| {
        let all_tags = || feature.tags.iter().chain(rule.iter().flat_map(|r| &r.tags)).chain(&scenario.tags);
        let chosen = tags.as_ref().is_none_or(|t| t.eval(all_tags()))
            && name.as_deref().is_none_or(|n| scenario.name.contains(n));
        let has = |tag: &str| all_tags().any(|t| t.trim_start_matches('@') == tag);
        if chosen && on_staging && has("fakes-only") {
            counted.fakes_only.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        if chosen && external && has("reference-only") {
            counted.reference_only.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        chosen
    };

    let results: Rc<RefCell<RunResults>> = Rc::default();
    let capture = FailureCapture::default();
    let failures = Rc::clone(&capture.failures);
    let collected = Rc::clone(&results);
    let writer = QaWorld::cucumber()
        .with_writer(
            writer::Basic::new(std::io::stdout(), writer::Coloring::Auto, options.verbose)
                .summarized()
                .tee::<QaWorld, _>(writer::JUnit::for_tee(junit, options.verbose))
                .tee::<QaWorld, _>(writer::Json::for_tee(json))
                .tee::<QaWorld, _>(capture.discard_stats_writes().discard_arbitrary_writes())
                .normalized(),
        )
        .fail_on_skipped()
        .with_cli(cli)
        .after(move |feature, rule, scenario, finished, world| {
            let tags = feature.tags.iter().chain(rule.iter().flat_map(|r| &r.tags)).chain(&scenario.tags);
            let path = feature.path.as_deref().map(relative).unwrap_or_default();
            collected.borrow_mut().scenarios.push(ScenarioResult {
                name: scenario.name.clone(),
                location: format!("{path}:{}", scenario.position.line),
                tags: tags.map(|t| t.trim_start_matches('@').to_owned()).collect(),
                outcome: outcome_of(finished),
                failure: None,
            });
            async move {
                if let Some(world) = world {
                    world.shutdown().await;
                }
            }
            .boxed_local()
        })
        .filter_run(features_input(&options.features), select);
    let stop = async {
        if crate::mock_server::wait_for_stop().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let writer = tokio::select! {
        writer = writer => Some(writer),
        () = stop => None,
    };
    if let Some(run) = &staging {
        clean_up_run(run).await;
    }
    let Some(writer) = writer else {
        eprintln!("dataflow-qa: interrupted; the scenarios that had finished are in the reports written so far");
        return Ok(Verdict::Interrupted);
    };

    let mut results = results.borrow_mut();
    // Lint's findings on the built-in spec say which items each known conflict concerns.
    let findings = crate::spec::lint::lint(&crate::spec::builtin::zendesk_powerofficego());
    results.conflict_items = findings.iter().map(|f| (f.id.clone(), f.items.clone())).collect();
    for scenario in results.scenarios.iter_mut() {
        scenario.failure = failures.borrow().get(&scenario.location).cloned();
    }
    for (count, tag, why) in [
        (deselected.fakes_only.load(Ordering::Relaxed), "@fakes-only", "staging has no built-in fakes"),
        (deselected.reference_only.load(Ordering::Relaxed), "@reference-only", "the sync under test is external"),
    ] {
        if count > 0 {
            println!("deselected {count} {tag} scenario(s): {why}");
        }
    }
    let totals = results.totals();
    if !results.scenarios.is_empty() {
        print!("{}", results.summary());
    }
    if totals.known_conflicts + totals.no_longer_reproducing > 0 {
        println!(
            "known conflicts: {} failing as expected, {} no longer reproducing",
            totals.known_conflicts, totals.no_longer_reproducing
        );
    }
    println!(
        "checklist: {} passed, {} failed ({} scenarios in {:.2} s)",
        totals.passed,
        totals.failed + totals.harness_errors,
        results.scenarios.len(),
        started.elapsed().as_secs_f64()
    );
    let verdict = if writer.parsing_errors() > 0 || writer.hook_errors() > 0 || totals.harness_errors > 0 {
        Verdict::Broken
    } else if results.scenarios.is_empty() {
        Verdict::NothingSelected
    } else if totals.failed > 0 || (options.strict && totals.no_longer_reproducing > 0) {
        Verdict::Failed
    } else {
        Verdict::Passed
    };
    if let Some(spec) = &page_spec {
        let timing = (started_at, started.elapsed().as_secs_f64());
        write_page(spec, options, &results.scenarios, &findings, verdict, &described, timing)?;
    }
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

/// A feature's path as a reader wants it: relative to the current folder when inside it.
pub(super) fn relative(path: &Path) -> String {
    let here = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&here).unwrap_or(path).display().to_string()
}

fn features_input(path: &Path) -> PathBuf {
    path.to_path_buf()
}
