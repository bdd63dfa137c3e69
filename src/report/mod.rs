//! The checklist as a page: the spec document's own structure (one block per section, its
//! rule, its mapping table) with a verdict on every row, built from a run's results. `model`
//! decides each row's status; `html` renders one self-contained file.

pub mod html;

use serde::Serialize;

use crate::harness::results::{Outcome, ScenarioResult};
use crate::spec::coverage::{Coverage, CoverageRow};
use crate::spec::lint::{Finding, Severity};
use crate::spec::{ItemKind, Spec};

/// A row's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A scenario of the row failed (or the harness could not run it).
    Failed,
    /// The row as the spec states it cannot be met against the real APIs.
    KnownConflict,
    Passed,
    NotCovered,
}

impl Status {
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Passed => "✓",
            Status::Failed => "✗",
            Status::KnownConflict => "⚠",
            Status::NotCovered => "—",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::KnownConflict => "known conflict",
            Status::NotCovered => "not covered",
        }
    }

    /// The row's verdict from the scenarios that check it: a failure outweighs a known
    /// conflict, which outweighs a pass; no scenario at all is "not covered".
    pub fn of<'a>(scenarios: impl IntoIterator<Item = &'a ScenarioResult>) -> Status {
        scenarios
            .into_iter()
            .map(|s| match (&s.outcome, s.is_known_conflict()) {
                (Outcome::HarnessError(_), _) | (Outcome::Failed, false) => Status::Failed,
                (Outcome::Failed, true) => Status::KnownConflict,
                (Outcome::Passed, _) => Status::Passed,
            })
            .min()
            .unwrap_or(Status::NotCovered)
    }
}

/// A scenario as a row lists it.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioLine {
    pub name: String,
    pub location: String,
    pub status: Status,
    /// For a failed scenario: the step and the message (the diff included).
    pub failed_step: Option<String>,
    pub message: Option<String>,
    /// The last request to each system before the step failed.
    pub requests: Vec<String>,
    /// For a known conflict: its id and lint's explanation.
    pub conflict: Option<(String, String)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The item as the document numbers it (`M4`), or `M4 type` for a data-type row.
    pub item: String,
    /// The spec's three columns (source, target, data type) for a mapping; the rule's text
    /// in the first column for a rule.
    pub columns: [String; 3],
    pub status: Status,
    pub scenarios: Vec<ScenarioLine>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Block {
    pub heading: String,
    pub rules: Vec<Row>,
    pub mappings: Vec<Row>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Header {
    pub verdict: String,
    pub passed: usize,
    pub failed: usize,
    pub known_conflicts: usize,
    pub not_covered: usize,
    pub target: String,
    pub sync: String,
    pub run_id: Option<String>,
    pub started: String,
    pub duration_seconds: f64,
    pub tool_version: String,
    pub spec_title: String,
    pub spec_generated: Option<String>,
    pub spec_source: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Page {
    pub header: Header,
    /// With `--spec`: what the document states that the harness does not check as stated.
    pub drift: Vec<String>,
    pub blocks: Vec<Block>,
    /// The promise that spans the document (S1), a row of its own.
    pub promise: Option<Row>,
}

/// Whether a scenario speaks to the row: a known-conflict scenario tagged with several items
/// (a table of types, say) is a conflict only of the items its lint finding names.
fn concerns(result: &ScenarioResult, row: &CoverageRow, findings: &[Finding]) -> bool {
    if !result.is_known_conflict() {
        return true;
    }
    let finding = findings.iter().find(|f| f.id == result.conflict_id());
    match (finding, &row.tagged_as) {
        (Some(finding), Some(item)) => finding.items.iter().any(|i| i == item),
        _ => true,
    }
}

fn lines(row: &CoverageRow, results: &[ScenarioResult], findings: &[Finding], type_only: bool) -> Vec<ScenarioLine> {
    row.scenarios
        .iter()
        .filter(|s| !type_only || s.checks_type)
        .filter_map(|s| results.iter().find(|r| r.location == s.location))
        .filter(|result| concerns(result, row, findings))
        .map(|result| {
            let status = Status::of([result]);
            let conflict = (result.is_known_conflict()).then(|| {
                let id = result.conflict_id().to_owned();
                let why = findings
                    .iter()
                    .find(|f| f.id == id && f.severity == Severity::Error)
                    .map_or_else(|| "lint has no finding with this id".to_owned(), |f| f.explanation.clone());
                (id, why)
            });
            ScenarioLine {
                name: result.name.clone(),
                location: result.location.clone(),
                status,
                failed_step: result.failure.as_ref().filter(|_| status == Status::Failed).map(|f| f.step.clone()),
                message: result.failure.as_ref().filter(|_| status == Status::Failed).map(|f| f.message.clone()),
                requests: result
                    .failure
                    .as_ref()
                    .filter(|_| status == Status::Failed)
                    .map(|f| f.requests.clone())
                    .unwrap_or_default(),
                conflict,
            }
        })
        .collect()
}

fn row(item: String, columns: [String; 3], scenarios: Vec<ScenarioLine>) -> Row {
    let status = scenarios.iter().map(|s| s.status).min().unwrap_or(Status::NotCovered);
    Row { item, columns, status, scenarios }
}

/// The page for `spec`, from the coverage of its items, the run's results and lint's findings
/// (whose error ids are the known-conflict tags).
pub fn build(
    spec: &Spec,
    coverage: &Coverage,
    results: &[ScenarioResult],
    findings: &[Finding],
    header: Header,
) -> Page {
    let items = spec.items();
    let mut blocks: Vec<Block> = spec
        .sections
        .iter()
        .map(|s| Block { heading: s.heading.clone(), rules: Vec::new(), mappings: Vec::new() })
        .collect();
    let mut promise = None;
    for (item, covered) in items.iter().zip(&coverage.rows) {
        let scenarios = lines(covered, results, findings, false);
        match (item.kind, item.section.and_then(|s| spec.sections.get(s))) {
            (ItemKind::Rule, Some(section)) => {
                let rule = section.rules.get(item.index).map(ToString::to_string).unwrap_or_default();
                let kind = section.rules.get(item.index).map(|r| r.kind()).unwrap_or_default();
                let columns = [rule, kind.to_owned(), String::new()];
                if let Some(block) = item.section.and_then(|s| blocks.get_mut(s)) {
                    block.rules.push(row(item.id.clone(), columns, scenarios));
                }
            }
            (ItemKind::Mapping, Some(section)) => {
                let Some(mapping) = section.mappings.as_ref().and_then(|m| m.get(item.index)) else { continue };
                let mut target = mapping.target_property.clone();
                for condition in &mapping.conditions {
                    target.push_str(&format!(" (when {condition})"));
                }
                let columns = [mapping.source_property.clone(), target, mapping.data_type.to_string()];
                let typed = lines(covered, results, findings, true);
                let type_columns =
                    [String::new(), format!("{} on the wire", mapping.target_property), mapping.data_type.to_string()];
                if let Some(block) = item.section.and_then(|s| blocks.get_mut(s)) {
                    block.mappings.push(row(item.id.clone(), columns, scenarios));
                    block.mappings.push(row(format!("{} type", item.id), type_columns, typed));
                }
            }
            _ => {
                let columns = [item.text.clone(), String::new(), String::new()];
                promise = Some(row(item.id.clone(), columns, scenarios));
            }
        }
    }
    let drift = coverage.drift.iter().map(ToString::to_string).collect();
    Page { header, drift, blocks, promise }
}

impl Page {
    /// Every row in page order: section by section, rules then mappings, then the promise.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.blocks.iter().flat_map(|b| b.rules.iter().chain(&b.mappings)).chain(&self.promise)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::failures::StepFailure;
    use crate::spec::builtin::zendesk_powerofficego;
    use crate::spec::coverage::{coverage, ScenarioRef};
    use crate::spec::lint::lint;

    fn scenario(tags: &[&str], location: &str, checks_type: bool) -> ScenarioRef {
        ScenarioRef {
            name: location.to_owned(),
            location: location.to_owned(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            checks_type,
            conflict: tags.iter().find_map(|t| t.strip_prefix("conflict:")).map(str::to_owned),
            steps: vec![],
        }
    }

    fn result(reference: &ScenarioRef, outcome: Outcome) -> ScenarioResult {
        let failure = (outcome == Outcome::Failed).then(|| StepFailure {
            step: "Then the customer has the Name \"Acme\"".into(),
            message: "Name differs (< found, > expected)".into(),
            requests: vec!["last request to PowerOffice Go: GET /v2/Customers/1 → 200 OK: {}".into()],
        });
        ScenarioResult {
            name: reference.name.clone(),
            location: reference.location.clone(),
            tags: reference.tags.clone(),
            outcome,
            failure,
        }
    }

    #[test]
    fn every_row_gets_the_verdict_of_its_scenarios() {
        let spec = zendesk_powerofficego();
        let refs = vec![
            scenario(&["R1"], "a:1", false),
            scenario(&["M3"], "a:2", false),
            scenario(&["M3"], "a:3", true),
            scenario(&["M7", "M8", "known-conflict", "conflict:department-id-type"], "a:4", true),
            scenario(&["M7"], "a:5", false),
            scenario(&["M8"], "a:6", true),
        ];
        let results = vec![
            result(&refs[0], Outcome::Passed),
            result(&refs[1], Outcome::Failed),
            result(&refs[2], Outcome::Passed),
            result(&refs[3], Outcome::Failed),
            result(&refs[4], Outcome::Passed),
            result(&refs[5], Outcome::Passed),
        ];
        let covered = coverage(&spec, &spec, &refs);
        let page = build(&spec, &covered, &results, &lint(&spec), Header::default());
        let status = |item: &str| page.rows().find(|r| r.item == item).map(|r| r.status);
        assert_eq!(status("R1"), Some(Status::Passed));
        assert_eq!(status("M3"), Some(Status::Failed), "one failure fails the row");
        assert_eq!(status("M3 type"), Some(Status::Passed), "only the type-checking scenario counts");
        assert_eq!(status("M7"), Some(Status::KnownConflict));
        assert_eq!(status("M7 type"), Some(Status::KnownConflict));
        assert_eq!(status("M8"), Some(Status::Passed), "M7's conflict is not M8's, though both are tagged");
        assert_eq!(status("R2"), Some(Status::NotCovered));
        assert_eq!(status("S1"), Some(Status::NotCovered));
        let m3 = page.rows().find(|r| r.item == "M3").unwrap();
        let failed = m3.scenarios.iter().find(|s| s.status == Status::Failed).unwrap();
        assert_eq!(failed.failed_step.as_deref(), Some("Then the customer has the Name \"Acme\""));
        let m7 = page.rows().find(|r| r.item == "M7").unwrap();
        let (id, why) = m7.scenarios.iter().find_map(|s| s.conflict.clone()).unwrap();
        assert_eq!(id, "department-id-type");
        assert!(why.contains("integer"), "lint's explanation: {why}");
        let order: Vec<&str> = page.rows().map(|r| r.item.as_str()).collect();
        assert_eq!(&order[..4], ["R1", "M1", "M1 type", "M2"]);
        assert_eq!(order.last(), Some(&"S1"));
    }
}
