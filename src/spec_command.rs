//! `dataflow-qa coverage` and `dataflow-qa lint`: the dataflow document against the features
//! and against the API contract models. Both read the built-in spec unless `--spec FILE`
//! names a generated document.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::spec::{self, builtin, coverage, lint, Spec};

#[derive(Clone, Debug, clap::Args)]
pub struct CoverageArgs {
    /// A generated dataflow document (.rst) to check instead of the built-in spec; its drift
    /// against the built-in spec is printed too.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,

    /// A .feature file or a folder of them.
    #[arg(long, value_name = "PATH", default_value = "features")]
    pub features: PathBuf,

    /// Print the matrix as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Debug, clap::Args)]
pub struct LintArgs {
    /// A generated dataflow document (.rst) to lint instead of the built-in spec.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,

    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The built-in spec, or the document at `path` with a clear error naming file and line.
pub fn load_spec(path: Option<&Path>) -> anyhow::Result<Spec> {
    let Some(path) = path else {
        return Ok(builtin::zendesk_powerofficego());
    };
    let bytes = std::fs::read(path).with_context(|| format!("cannot read the spec {}", path.display()))?;
    spec::parse(&bytes).map_err(|e| anyhow::anyhow!("{}:{}: {}", path.display(), e.line, e.message))
}

/// Prints the coverage matrix; returns the exit code (0 covered, 1 gaps).
pub fn coverage(args: &CoverageArgs) -> anyhow::Result<u8> {
    let doc = load_spec(args.spec.as_deref())?;
    let scenarios = coverage::scenarios(&args.features)?;
    let base = builtin::zendesk_powerofficego();
    let matrix = coverage::coverage(&base, &doc, &scenarios);
    let problems = matrix.problems();
    if args.json {
        let report = serde_json::json!({ "spec": describe(&doc, args.spec.as_deref()), "coverage": matrix, "problems": problems });
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render_coverage(&doc, args.spec.as_deref(), &matrix, &problems));
    }
    Ok(u8::from(!problems.is_empty()))
}

fn describe(doc: &Spec, path: Option<&Path>) -> String {
    let source = path.map_or_else(|| "built-in spec".to_owned(), |p| p.display().to_string());
    format!("{} ({source}, generated {})", doc.title, doc.generated.as_deref().unwrap_or("at an unknown time"))
}

fn render_coverage(doc: &Spec, path: Option<&Path>, matrix: &coverage::Coverage, problems: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", describe(doc, path));
    let _ = writeln!(out, "{} scenarios read (an outline counts once)\n", matrix.scenario_count);
    let _ = writeln!(out, "{:<5} {:<9} {:<5} {:<6} checklist row", "item", "scenarios", "type", "tag");
    for row in &matrix.rows {
        let typed = match row.type_checked {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        let tag = row.tagged_as.as_deref().map_or_else(|| "none".to_owned(), |t| format!("@{t}"));
        let _ = writeln!(out, "{:<5} {:<9} {:<5} {:<6} {}", row.id, row.scenarios.len(), typed, tag, row.text);
        for scenario in &row.scenarios {
            let conflict = scenario.conflict.as_ref().map(|c| format!(" [known conflict {c}]")).unwrap_or_default();
            let _ = writeln!(out, "      {}  {}{conflict}", scenario.location, scenario.name);
        }
    }
    if path.is_some() {
        let _ = writeln!(out, "\nDrift against the built-in spec ({} change(s)):", matrix.drift.len());
        if matrix.drift.is_empty() {
            let _ = writeln!(out, "  none: the document states what the built-in spec states");
        }
        for change in &matrix.drift {
            let _ = writeln!(out, "  {change}");
        }
    }
    if problems.is_empty() {
        let _ = writeln!(out, "\ncoverage: every item has a scenario and every mapping a data-type check");
    } else {
        let _ = writeln!(out, "\ncoverage: {} problem(s)", problems.len());
        for problem in problems {
            let _ = writeln!(out, "  {problem}");
        }
    }
    out
}

/// Prints the findings; the exit code is 0 whatever they are (errors are known conflicts).
pub fn lint(args: &LintArgs) -> anyhow::Result<u8> {
    let doc = load_spec(args.spec.as_deref())?;
    let findings = lint::lint(&doc);
    if args.json {
        let report = serde_json::json!({ "spec": describe(&doc, args.spec.as_deref()), "findings": findings });
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(0);
    }
    println!("{}", describe(&doc, args.spec.as_deref()));
    let unmodelled: Vec<String> = doc
        .sections
        .iter()
        .flat_map(|s| [&s.source, &s.target])
        .filter(|party| party.known_system().is_none())
        .map(|party| if party.system.is_empty() { "(blank)".to_owned() } else { party.system.clone() })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !unmodelled.is_empty() {
        println!("no contract model for {}: structural checks only", unmodelled.join(", "));
    }
    println!();
    for finding in &findings {
        println!("{finding}\n");
    }
    let errors = findings.iter().filter(|f| f.severity == lint::Severity::Error).count();
    println!("lint: {errors} error(s) (known conflicts), {} warning(s)", findings.len() - errors);
    Ok(0)
}
