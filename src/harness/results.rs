//! What a checklist run found, scenario by scenario, and how it is judged: failing
//! `@known-conflict` scenarios are expected (the spec cannot be met against the real APIs) and
//! do not fail the run; one that passes is "no longer reproducing" and fails the run only in
//! strict mode. The closing summary follows the checklist's own items, in the spec's order.

use std::collections::HashMap;
use std::fmt::Write as _;

/// The checklist items of the Zendesk → PowerOffice Go spec, in the document's order.
pub const CHECKLIST: &[(&str, &str)] = &[
    ("R1", "Users ↔ Contactperson merge on email = emailAddress"),
    ("M1", "Users.email → Contactperson.emailAddress (string)"),
    ("M2", "Users.organization_id → Contactperson.partyId (integer)"),
    ("R2", "Organizations → new Customers person"),
    ("R3", "Organizations → new Customers"),
    ("M3", "Organizations.name → Customers.Name (string)"),
    ("M4", "Organizations.url → Customers.WebsiteUrl (string)"),
    ("R4", "Users of type Agent → Employees"),
    ("M5", "Users.created_at → Employees.EmployeeCreatedDateTimeOffset (string)"),
    ("M6", "Users.created_at → Employees.employeeCreatedDateTimeOffset (string)"),
    ("M7", "Users.organization_id → Employees.DepartmentId (string), when wd:Q703534 is in JobTitle"),
    ("M8", "Users.role → Employees.MailAddress.countryCode (string)"),
    ("S1", "Once linked, records stay in sync whichever side is edited"),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    /// The harness itself is at fault (a step matches no definition, or several).
    HarnessError(String),
}

#[derive(Clone, Debug)]
pub struct ScenarioResult {
    pub name: String,
    /// `path:line`.
    pub location: String,
    /// Tags of the feature, rule and scenario, without `@`.
    pub tags: Vec<String>,
    pub outcome: Outcome,
    /// The step it failed on and why, when it failed.
    pub failure: Option<super::failures::StepFailure>,
}

impl ScenarioResult {
    pub fn is_known_conflict(&self) -> bool {
        self.tags.iter().any(|t| t == "known-conflict")
    }

    /// The `@conflict:<id>` tag's id.
    pub fn conflict_id(&self) -> &str {
        self.tags.iter().find_map(|t| t.strip_prefix("conflict:")).unwrap_or("(no conflict id)")
    }

    /// Whether the scenario counts for `item`: a known-conflict scenario tagged with several
    /// items (a table of types, say) is a conflict only of the items lint's finding names.
    fn counts_for(&self, item: &str, conflict_items: &HashMap<String, Vec<String>>) -> bool {
        if !self.tags.iter().any(|t| t == item) {
            return false;
        }
        match conflict_items.get(self.conflict_id()).filter(|_| self.is_known_conflict()) {
            Some(items) => items.iter().any(|i| i == item),
            None => true,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub known_conflicts: usize,
    pub no_longer_reproducing: usize,
    pub harness_errors: usize,
}

#[derive(Clone, Debug, Default)]
pub struct RunResults {
    pub scenarios: Vec<ScenarioResult>,
    /// Per known-conflict id, the checklist items lint says it concerns.
    pub conflict_items: HashMap<String, Vec<String>>,
}

impl RunResults {
    pub fn counts<'a>(scenarios: impl Iterator<Item = &'a ScenarioResult>) -> Counts {
        let mut counts = Counts::default();
        for scenario in scenarios {
            match (&scenario.outcome, scenario.is_known_conflict()) {
                (Outcome::HarnessError(_), _) => counts.harness_errors += 1,
                (Outcome::Failed, true) => counts.known_conflicts += 1,
                (Outcome::Failed, false) => counts.failed += 1,
                (Outcome::Passed, true) => counts.no_longer_reproducing += 1,
                (Outcome::Passed, false) => counts.passed += 1,
            }
        }
        counts
    }

    pub fn totals(&self) -> Counts {
        Self::counts(self.scenarios.iter())
    }

    /// Per checklist item, in the spec's order.
    pub fn by_item(&self) -> Vec<(&'static str, &'static str, Counts)> {
        CHECKLIST
            .iter()
            .map(|(item, name)| {
                let counted = self.scenarios.iter().filter(|s| s.counts_for(item, &self.conflict_items));
                (*item, *name, Self::counts(counted))
            })
            .collect()
    }

    /// The closing summary: the checklist table, then the known conflicts and anything that
    /// needs a person's attention.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "\nChecklist (scenarios per item)        passed  failed  known conflict");
        for (item, name, counts) in self.by_item() {
            let mut short: String = name.chars().take(32).collect();
            if name.chars().count() > 32 {
                short.push('…');
            }
            let known = counts.known_conflicts + counts.no_longer_reproducing;
            let mark = if counts.passed + counts.failed + known == 0 { "  NOT COVERED" } else { "" };
            let _ = writeln!(out, "{item:<3} {short:<33} {:>6} {:>7} {known:>15}{mark}", counts.passed, counts.failed);
        }
        let conflicts: Vec<&ScenarioResult> =
            self.scenarios.iter().filter(|s| s.is_known_conflict() && s.outcome == Outcome::Failed).collect();
        if !conflicts.is_empty() {
            let _ = writeln!(out, "\nKnown conflicts (the spec cannot be met against the real APIs; not failures):");
            for scenario in conflicts {
                let _ = writeln!(out, "  {}: {} ({})", scenario.conflict_id(), scenario.name, scenario.location);
            }
        }
        for scenario in self.scenarios.iter().filter(|s| s.is_known_conflict() && s.outcome == Outcome::Passed) {
            let _ = writeln!(
                out,
                "Conflict no longer reproduces, remove its @known-conflict tag: {}: {} ({})",
                scenario.conflict_id(),
                scenario.name,
                scenario.location
            );
        }
        for scenario in self.scenarios.iter() {
            if let Outcome::HarnessError(error) = &scenario.outcome {
                let _ = writeln!(out, "Harness error in {} ({}): {error}", scenario.name, scenario.location);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(tags: &[&str], outcome: Outcome) -> ScenarioResult {
        ScenarioResult {
            name: "s".into(),
            location: "f.feature:1".into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            outcome,
            failure: None,
        }
    }

    #[test]
    fn known_conflicts_are_counted_apart_from_failures() {
        let results = RunResults {
            scenarios: vec![
                scenario(&["R2", "known-conflict", "conflict:person"], Outcome::Failed),
                scenario(&["R3"], Outcome::Failed),
                scenario(&["R3"], Outcome::Passed),
                scenario(&["M5", "known-conflict"], Outcome::Passed),
                scenario(&["M7", "M8", "known-conflict", "conflict:department"], Outcome::Failed),
            ],
            conflict_items: HashMap::from([("department".to_owned(), vec!["M7".to_owned()])]),
        };
        let totals = results.totals();
        assert_eq!((totals.passed, totals.failed, totals.known_conflicts, totals.no_longer_reproducing), (1, 1, 2, 1));
        let item = |id: &str| results.by_item().into_iter().find(|(item, ..)| *item == id).unwrap().2;
        assert_eq!(item("M7").known_conflicts, 1);
        assert_eq!(item("M8"), Counts::default(), "M7's conflict is not M8's, though both are tagged");
        let r3 = results.by_item().into_iter().find(|(item, ..)| *item == "R3").unwrap().2;
        assert_eq!((r3.passed, r3.failed), (1, 1));
        let summary = results.summary();
        assert!(summary.contains("person: s (f.feature:1)"), "{summary}");
        assert!(summary.contains("no longer reproduces"), "{summary}");
        assert!(summary.contains("NOT COVERED"), "items without scenarios stand out: {summary}");
    }
}
