//! What changed between two versions of a dataflow document: sections, rules and mapping rows
//! added or removed, data types and conditions changed. Sections are matched by their source
//! and target record types, rows by their source and target properties.

use std::fmt;

use serde::Serialize;

use super::{Item, ItemKind, Mapping, Section, Spec};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    SectionAdded { section: String, line: usize },
    SectionRemoved { section: String, items: Vec<String> },
    RuleAdded { section: String, rule: String, line: usize },
    RuleRemoved { section: String, rule: String, item: Option<String> },
    SyncPromiseChanged { section: String, now: bool },
    RowAdded { section: String, row: String, line: usize },
    RowRemoved { section: String, row: String, item: Option<String> },
    TypeChanged { section: String, row: String, item: Option<String>, was: String, now: String, line: usize },
    ConditionChanged { section: String, row: String, item: Option<String>, was: String, now: String, line: usize },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag = |item: &Option<String>| item.as_ref().map(|id| format!("{id} ")).unwrap_or_default();
        match self {
            Change::SectionAdded { section, line } => write!(f, "section added: {section} (line {line})"),
            Change::SectionRemoved { section, items } => {
                write!(f, "section removed: {section} (unchecked now: {})", items.join(", "))
            }
            Change::RuleAdded { section, rule, line } => write!(f, "rule added in {section}: {rule} (line {line})"),
            Change::RuleRemoved { section, rule, item } => write!(f, "rule removed: {}{section}: {rule}", tag(item)),
            Change::SyncPromiseChanged { section, now } => {
                write!(f, "sync promise {} in {section}", if *now { "added" } else { "removed" })
            }
            Change::RowAdded { section, row, line } => write!(f, "row added in {section}: {row} (line {line})"),
            Change::RowRemoved { section, row, item } => write!(f, "row removed: {}{section}: {row}", tag(item)),
            Change::TypeChanged { section, row, item, was, now, line } => {
                write!(f, "type changed: {}{section}: {row}: {was} → {now} (line {line})", tag(item))
            }
            Change::ConditionChanged { section, row, item, was, now, line } => {
                write!(f, "condition changed: {}{section}: {row}: {was} → {now} (line {line})", tag(item))
            }
        }
    }
}

/// How the sections are matched: the record types, ignoring how the systems are spelled.
fn section_key(section: &Section) -> (String, String) {
    (section.source.entity.to_lowercase(), section.target.entity.to_lowercase())
}

fn section_name(section: &Section) -> String {
    format!("{} → {}", section.source.entity, section.target.entity)
}

fn row_name(mapping: &Mapping) -> String {
    format!("{} → {}", mapping.source_property, mapping.target_property)
}

fn conditions(mapping: &Mapping) -> String {
    if mapping.conditions.is_empty() {
        return "(none)".to_owned();
    }
    mapping.conditions.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// The changes that turn `base` (the built-in spec) into `other` (a document).
pub fn drift(base: &Spec, other: &Spec) -> Vec<Change> {
    let base_items = base.items();
    let item_of = |section: usize, kind: ItemKind, index: usize| -> Option<String> {
        base_items
            .iter()
            .find(|i: &&Item| i.section == Some(section) && i.kind == kind && i.index == index)
            .map(|i| i.id.clone())
    };
    let mut changes = Vec::new();
    for (s, section) in base.sections.iter().enumerate() {
        let name = section_name(section);
        let Some(now) = other.sections.iter().find(|o| section_key(o) == section_key(section)) else {
            let items = base_items.iter().filter(|i| i.section == Some(s)).map(|i| i.id.clone()).collect();
            changes.push(Change::SectionRemoved { section: name, items });
            continue;
        };
        for (r, rule) in section.rules.iter().enumerate() {
            if !now.rules.contains(rule) {
                let item = item_of(s, ItemKind::Rule, r);
                changes.push(Change::RuleRemoved { section: name.clone(), rule: rule.to_string(), item });
            }
        }
        for rule in now.rules.iter().filter(|rule| !section.rules.contains(rule)) {
            changes.push(Change::RuleAdded { section: name.clone(), rule: rule.to_string(), line: now.line });
        }
        if section.keeps_in_sync != now.keeps_in_sync {
            changes.push(Change::SyncPromiseChanged { section: name.clone(), now: now.keeps_in_sync });
        }
        let (was_rows, now_rows) = (section.mappings.as_deref().unwrap_or(&[]), now.mappings.as_deref().unwrap_or(&[]));
        let same_row =
            |a: &Mapping, b: &Mapping| a.source_property == b.source_property && a.target_property == b.target_property;
        for (m, was) in was_rows.iter().enumerate() {
            let item = item_of(s, ItemKind::Mapping, m);
            let Some(row) = now_rows.iter().find(|row| same_row(row, was)) else {
                changes.push(Change::RowRemoved { section: name.clone(), row: row_name(was), item });
                continue;
            };
            if row.data_type != was.data_type {
                changes.push(Change::TypeChanged {
                    section: name.clone(),
                    row: row_name(was),
                    item: item.clone(),
                    was: was.data_type.to_string(),
                    now: row.data_type.to_string(),
                    line: row.line,
                });
            }
            if row.conditions != was.conditions {
                changes.push(Change::ConditionChanged {
                    section: name.clone(),
                    row: row_name(was),
                    item,
                    was: conditions(was),
                    now: conditions(row),
                    line: row.line,
                });
            }
        }
        for row in now_rows.iter().filter(|row| !was_rows.iter().any(|was| same_row(was, row))) {
            let described = format!("{} ({})", row_name(row), row.data_type);
            changes.push(Change::RowAdded { section: name.clone(), row: described, line: row.line });
        }
    }
    for section in other.sections.iter().filter(|o| !base.sections.iter().any(|b| section_key(b) == section_key(o))) {
        changes.push(Change::SectionAdded { section: section_name(section), line: section.line });
        for rule in &section.rules {
            changes.push(Change::RuleAdded {
                section: section_name(section),
                rule: rule.to_string(),
                line: section.line,
            });
        }
        for row in section.mappings.iter().flatten() {
            let described = format!("{} ({})", row_name(row), row.data_type);
            changes.push(Change::RowAdded { section: section_name(section), row: described, line: row.line });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::builtin::zendesk_powerofficego;
    use crate::spec::DataType;

    #[test]
    fn the_same_spec_has_no_drift() {
        assert_eq!(drift(&zendesk_powerofficego(), &zendesk_powerofficego()), vec![]);
    }

    #[test]
    fn a_changed_type_a_removed_row_and_a_new_section_are_named_with_their_items() {
        let base = zendesk_powerofficego();
        let mut other = base.clone();
        let contact = &mut other.sections[0];
        contact.mappings.as_mut().unwrap().remove(0);
        contact.mappings.as_mut().unwrap()[0].data_type = DataType::from_cell("\"string\"");
        let mut departments = base.sections[2].clone();
        departments.target.entity = "Departments".into();
        departments.line = 40;
        other.sections.push(departments);
        let shown: Vec<String> = drift(&base, &other).iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            vec![
                "row removed: M1 Users → Contactperson: email → emailAddress",
                "type changed: M2 Users → Contactperson: organization_id → partyId: \"integer\" → \"string\" (line 0)",
                "section added: Organizations → Departments (line 40)",
                "rule added in Organizations → Departments: create when connected to a synced Zendesk Users (line 40)",
                "row added in Organizations → Departments: name → Name (\"string\") (line 0)",
                "row added in Organizations → Departments: url → WebsiteUrl (\"string\") (line 0)",
            ]
        );
    }
}
