//! Which scenarios check which checklist item: the item tags (`@R1`, `@M4`, …) on the
//! scenarios of a features folder, read with the Gherkin parser cucumber uses. A mapping row
//! counts as type-checked when one of its scenarios checks a type "on the wire".

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::drift::{drift, Change};
use super::{Item, ItemKind, Spec};

/// A scenario as coverage sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioRef {
    pub name: String,
    /// `features/contactperson.feature:13`.
    pub location: String,
    pub tags: Vec<String>,
    pub checks_type: bool,
    /// The `@conflict:<id>` of a known-conflict scenario.
    pub conflict: Option<String>,
    /// Every step it runs, backgrounds first, as written (without the keyword).
    #[serde(skip)]
    pub steps: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CoverageRow {
    /// The item's id in the document that was checked.
    pub id: String,
    /// The id the features tag it with: the built-in spec's item with the same content.
    pub tagged_as: Option<String>,
    pub kind: ItemKind,
    pub text: String,
    pub scenarios: Vec<ScenarioRef>,
    /// For mapping rows: whether a scenario checks the data type on the wire.
    pub type_checked: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    pub rows: Vec<CoverageRow>,
    /// Scenario tags that look like item ids but name no item of the built-in spec.
    pub unknown_tags: Vec<String>,
    /// How the document differs from the built-in spec (empty when they are the same).
    pub drift: Vec<Change>,
    pub scenario_count: usize,
}

impl Coverage {
    /// What makes the coverage gate fail, one line each.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for row in &self.rows {
            let id = match &row.tagged_as {
                Some(tag) if *tag == row.id => row.id.clone(),
                Some(tag) => format!("{} (@{tag} in the built-in spec)", row.id),
                None => format!("{} (not in the built-in spec)", row.id),
            };
            if row.scenarios.is_empty() {
                problems.push(format!("{id} has no scenario: {}", row.text));
            }
            if row.type_checked == Some(false) {
                problems.push(format!("{id} has no data-type check: {}", row.text));
            }
        }
        problems.extend(self.unknown_tags.iter().cloned());
        problems
    }
}

fn is_item_tag(tag: &str) -> bool {
    let mut chars = tag.chars();
    matches!(chars.next(), Some('R' | 'M' | 'S')) && tag.len() > 1 && chars.all(|c| c.is_ascii_digit())
}

/// Every scenario (and every Examples block of an outline) under `features`.
pub fn scenarios(features: &Path) -> anyhow::Result<Vec<ScenarioRef>> {
    use anyhow::Context as _;
    let mut files: Vec<PathBuf> = if features.is_dir() {
        let mut found = Vec::new();
        collect_features(features, &mut found)
            .with_context(|| format!("cannot read the features folder {}", features.display()))?;
        found
    } else {
        vec![features.to_path_buf()]
    };
    files.sort();
    let mut scenarios = Vec::new();
    for file in files {
        let feature = cucumber::gherkin::Feature::parse_path(&file, cucumber::gherkin::GherkinEnv::default())
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        let shown = file.display().to_string();
        let feature_background: Vec<String> =
            feature.background.iter().flat_map(|b| b.steps.iter().map(|s| s.value.clone())).collect();
        let mut add = |scenario: &cucumber::gherkin::Scenario, rule: Option<&cucumber::gherkin::Rule>| {
            let rule_tags: &[String] = rule.map_or(&[], |r| r.tags.as_slice());
            let mut steps = feature_background.clone();
            steps.extend(
                rule.iter().flat_map(|r| r.background.iter()).flat_map(|b| b.steps.iter().map(|s| s.value.clone())),
            );
            steps.extend(scenario.steps.iter().map(|s| s.value.clone()));
            let mut tags: Vec<String> = feature.tags.iter().chain(rule_tags).chain(&scenario.tags).cloned().collect();
            tags.extend(scenario.examples.iter().flat_map(|e| e.tags.iter().cloned()));
            let tags: Vec<String> = tags.into_iter().map(|t| t.trim_start_matches('@').to_owned()).collect();
            let conflict = tags.iter().find_map(|t| t.strip_prefix("conflict:")).map(str::to_owned);
            scenarios.push(ScenarioRef {
                name: scenario.name.clone(),
                location: format!("{shown}:{}", scenario.position.line),
                checks_type: steps.iter().any(|step| step.contains("on the wire")),
                conflict,
                tags,
                steps,
            });
        };
        for scenario in &feature.scenarios {
            add(scenario, None);
        }
        for rule in &feature.rules {
            for scenario in &rule.scenarios {
                add(scenario, Some(rule));
            }
        }
    }
    Ok(scenarios)
}

fn collect_features(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_features(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "feature") {
            found.push(path);
        }
    }
    Ok(())
}

/// The built-in item that states the same thing as `item` of `doc`, if there is one.
fn same_item(base: &Spec, base_items: &[Item], doc: &Spec, item: &Item) -> Option<String> {
    if item.kind == ItemKind::SyncPromise {
        return base_items.iter().find(|i| i.kind == ItemKind::SyncPromise).map(|i| i.id.clone());
    }
    let section = doc.sections.get(item.section?)?;
    let key = |s: &super::Section| (s.source.entity.to_lowercase(), s.target.entity.to_lowercase());
    let base_section = base.sections.iter().position(|b| key(b) == key(section))?;
    let base_index =
        match item.kind {
            ItemKind::Rule => {
                let rule = section.rules.get(item.index)?;
                base.sections[base_section].rules.iter().position(|r| r == rule)?
            }
            ItemKind::Mapping => {
                let row = section.mappings.as_ref()?.get(item.index)?;
                base.sections[base_section].mappings.as_ref()?.iter().position(|m| {
                    m.source_property == row.source_property && m.target_property == row.target_property
                })?
            }
            ItemKind::SyncPromise => return None,
        };
    base_items
        .iter()
        .find(|i| i.section == Some(base_section) && i.kind == item.kind && i.index == base_index)
        .map(|i| i.id.clone())
}

/// The coverage of `doc` by `scenarios`; items are matched to the built-in spec's tags by content.
pub fn coverage(base: &Spec, doc: &Spec, scenarios: &[ScenarioRef]) -> Coverage {
    let base_items = base.items();
    let rows = doc
        .items()
        .into_iter()
        .map(|item| {
            let tagged_as = same_item(base, &base_items, doc, &item);
            let checking: Vec<ScenarioRef> = match &tagged_as {
                Some(id) => scenarios.iter().filter(|s| s.tags.iter().any(|t| t == id)).cloned().collect(),
                None => Vec::new(),
            };
            let type_checked = (item.kind == ItemKind::Mapping).then(|| checking.iter().any(|s| s.checks_type));
            CoverageRow { id: item.id, tagged_as, kind: item.kind, text: item.text, scenarios: checking, type_checked }
        })
        .collect();
    let mut unknown_tags = Vec::new();
    for scenario in scenarios {
        for tag in scenario.tags.iter().filter(|t| is_item_tag(t)) {
            if !base_items.iter().any(|i| &i.id == tag) {
                unknown_tags
                    .push(format!("{} tags @{tag}, which is no checklist item ({})", scenario.location, scenario.name));
            }
        }
    }
    Coverage { rows, unknown_tags, drift: drift(base, doc), scenario_count: scenarios.len() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::builtin::zendesk_powerofficego;
    use crate::spec::lint::{lint, Severity};

    fn project_features() -> Vec<ScenarioRef> {
        scenarios(&Path::new(env!("CARGO_MANIFEST_DIR")).join("features")).unwrap()
    }

    #[test]
    fn the_features_cover_every_item_of_the_built_in_spec_and_check_every_type() {
        let spec = zendesk_powerofficego();
        let coverage = coverage(&spec, &spec, &project_features());
        assert_eq!(coverage.problems(), Vec::<String>::new());
        assert!(coverage.drift.is_empty());
    }

    #[test]
    fn the_known_conflict_tags_are_exactly_the_error_findings_of_lint() {
        let mut tagged: Vec<String> = project_features().into_iter().filter_map(|s| s.conflict).collect();
        tagged.sort();
        tagged.dedup();
        let mut errors: Vec<String> = lint(&zendesk_powerofficego())
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.id)
            .collect();
        errors.sort();
        assert_eq!(tagged, errors);
    }

    #[test]
    fn every_scenario_that_needs_the_reference_sync_or_the_fakes_says_so() {
        use crate::harness::{FAKES_ONLY_STEPS, REFERENCE_ONLY_STEPS};
        let mut untagged = Vec::new();
        for scenario in project_features() {
            for (patterns, tag) in [(REFERENCE_ONLY_STEPS, "reference-only"), (FAKES_ONLY_STEPS, "fakes-only")] {
                let needs = scenario.steps.iter().find(|step| patterns.iter().any(|p| step.contains(p)));
                if let (Some(step), false) = (needs, scenario.tags.iter().any(|t| t == tag)) {
                    untagged.push(format!("{} {} needs @{tag} for {step:?}", scenario.location, scenario.name));
                }
            }
        }
        assert!(untagged.is_empty(), "{}", untagged.join("\n"));
    }

    #[test]
    fn an_item_without_scenarios_a_missing_type_check_and_an_unknown_tag_are_problems() {
        let spec = zendesk_powerofficego();
        let scenario = |tags: &[&str], checks_type: bool| ScenarioRef {
            name: "s".into(),
            location: "x.feature:3".into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            checks_type,
            conflict: None,
            steps: vec![],
        };
        let coverage = coverage(&spec, &spec, &[scenario(&["R1", "M1"], false), scenario(&["M9"], true)]);
        let problems = coverage.problems();
        assert!(
            problems.contains(
                &"M1 has no data-type check: Users.email → Contactperson.emailAddress (\"string\")".to_owned()
            ),
            "{problems:#?}"
        );
        assert!(problems
            .contains(&"M2 has no scenario: Users.organization_id → Contactperson.partyId (\"integer\")".to_owned()));
        assert!(problems.contains(&"x.feature:3 tags @M9, which is no checklist item (s)".to_owned()));
        assert!(!problems.iter().any(|p| p.starts_with("R1 ")), "{problems:#?}");
    }
}
