//! Compares a dataflow document with the API contract models and reports what no sync can
//! meet (errors) or what looks wrong (warnings), each with a stable id. The ids of error
//! findings are the `@conflict:<id>` tags of the features' known-conflict scenarios. Systems
//! without a contract model get the structural checks only.

use std::fmt;

use serde::Serialize;

use super::{DataType, Item, ItemKind, Mapping, Party, Section, Spec};
use crate::contract::{Aliases, Entity, Field, Format, Meaning, SpecEntity};
use crate::domain::System;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// No sync can meet the row against the real API: a known conflict.
    Error,
    /// The row can be met, but says something questionable.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    /// The checklist items the finding is about (R…, M…), in document order.
    pub items: Vec<String>,
    /// The spec rows as the document states them, with their lines.
    pub rows: Vec<String>,
    pub explanation: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {} [{}]", self.severity, self.id, self.items.join(", "))?;
        for row in &self.rows {
            writeln!(f, "    {row}")?;
        }
        write!(f, "    {}", self.explanation)
    }
}

/// "EmployeeCreatedDateTimeOffset" → "employee-created-date-time-offset"; "created_at" →
/// "created-at"; "Customers person" → "customers-person".
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('-');
        }
        if c == '_' || c == ' ' || c == '.' || c == '-' {
            if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn spec_entity(party: &Party) -> Option<SpecEntity> {
    match party.known_system()? {
        System::Zendesk => crate::zendesk::contract::spec_entity(&party.entity),
        System::PowerOffice => crate::poweroffice::contract::spec_entity(&party.entity),
    }
}

fn aliases(system: System) -> Aliases {
    match system {
        System::Zendesk => &[],
        System::PowerOffice => crate::poweroffice::contract::V1_ALIASES,
    }
}

fn nested(system: System, parent: &Entity, field: &str) -> Option<&'static Entity> {
    match system {
        System::Zendesk => None,
        System::PowerOffice => crate::poweroffice::contract::nested_entity(parent, field),
    }
}

/// A spec property path resolved against the contract: the field, and the spec segments that
/// are spelled differently on the wire (`emailAddress` for `EmailAddress`).
struct Resolved {
    field: &'static Field,
    wire_path: String,
    respelled: Vec<(String, String)>,
}

fn resolve(system: System, entity: &'static Entity, path: &str) -> Option<Resolved> {
    let mut current = entity;
    let mut wire = Vec::new();
    let mut respelled = Vec::new();
    let segments: Vec<&str> = path.split('.').collect();
    for (i, segment) in segments.iter().enumerate() {
        let field = current.field(segment).or_else(|| current.field_ignoring_case(segment)).or_else(|| {
            let (_, wire) = aliases(system).iter().find(|(spec, _)| spec == segment)?;
            current.field(wire)
        })?;
        if field.name != *segment {
            respelled.push(((*segment).to_owned(), field.name.to_owned()));
        }
        wire.push(field.name);
        if i + 1 == segments.len() {
            return Some(Resolved { field, wire_path: wire.join("."), respelled });
        }
        current = nested(system, current, field.name)?;
    }
    None
}

struct Linter<'s> {
    spec: &'s Spec,
    items: Vec<Item>,
    findings: Vec<Finding>,
}

impl Linter<'_> {
    fn add(&mut self, id: String, severity: Severity, item: Option<&str>, row: String, explanation: String) {
        if let Some(existing) = self.findings.iter_mut().find(|f| f.id == id) {
            if let Some(item) = item.filter(|i| !existing.items.iter().any(|e| e == i)) {
                existing.items.push(item.to_owned());
            }
            if !existing.rows.contains(&row) {
                existing.rows.push(row);
            }
            return;
        }
        let items = item.map(|i| vec![i.to_owned()]).unwrap_or_default();
        self.findings.push(Finding { id, severity, items, rows: vec![row], explanation });
    }

    fn item_id(&self, section: usize, kind: ItemKind, index: usize) -> Option<String> {
        self.items
            .iter()
            .find(|i| i.section == Some(section) && i.kind == kind && i.index == index)
            .map(|i| i.id.clone())
    }

    fn section(&mut self, s: usize, section: &Section) {
        let where_ = section_text(section);
        for party in [&section.source, &section.target] {
            if party.system.trim().is_empty() {
                self.add(
                    format!("{}-blank-system", kebab(&party.entity)),
                    Severity::Warning,
                    None,
                    where_.clone(),
                    format!("the document names no system for {:?}; the generator left the name blank", party.entity),
                );
            }
        }
        let rule_item = self.item_id(s, ItemKind::Rule, 0);
        if section.mappings.as_ref().is_some_and(Vec::is_empty) {
            self.add(
                format!("{}-empty-mapping", kebab(&section.target.entity)),
                Severity::Warning,
                rule_item.as_deref(),
                where_.clone(),
                "the mapping table is empty: a link would carry no property, so there is nothing to keep in sync"
                    .to_owned(),
            );
        }
        let rows = section.mappings.as_deref().unwrap_or(&[]);
        for (m, mapping) in rows.iter().enumerate() {
            let item = self.item_id(s, ItemKind::Mapping, m);
            self.structural_row(section, rows, mapping, item.as_deref());
        }
        let (Some(source), Some(target)) = (spec_entity(&section.source), spec_entity(&section.target)) else {
            return;
        };
        let (Some(source_system), Some(target_system)) = (section.source.known_system(), section.target.known_system())
        else {
            return;
        };
        for (m, mapping) in rows.iter().enumerate() {
            let item = self.item_id(s, ItemKind::Mapping, m);
            self.contract_row(section, mapping, item.as_deref(), (source_system, &source), (target_system, &target));
        }
        if section.rules.iter().any(|rule| rule.creates()) {
            self.required_on_create(s, section, &source, &target, target_system);
        }
    }

    fn structural_row(&mut self, section: &Section, rows: &[Mapping], mapping: &Mapping, item: Option<&str>) {
        let row = row_text(section, mapping);
        let last = mapping.target_property.rsplit('.').next().unwrap_or(&mapping.target_property);
        for condition in mapping.conditions.iter().filter(|c| c.value.is_empty()) {
            self.add(
                format!("{}-empty-condition", kebab(last)),
                Severity::Warning,
                item,
                row.clone(),
                format!(
                    "the row applies \"when having  in {}\": the condition names no value, so it can never be checked",
                    condition.property
                ),
            );
        }
        let twin = rows.iter().find(|other| {
            other.target_property != mapping.target_property
                && other.target_property.eq_ignore_ascii_case(&mapping.target_property)
        });
        if let Some(twin) = twin {
            self.add(
                format!("{}-two-casings", kebab(last)),
                Severity::Warning,
                item,
                row.clone(),
                format!(
                    "{:?} and {:?} differ only in letter case; the API has one field, so the rows are one mapping stated twice",
                    mapping.target_property, twin.target_property
                ),
            );
        }
        if matches!(mapping.data_type, DataType::NotApplicable | DataType::Other(_)) {
            self.add(
                format!("{}-no-data-type", kebab(last)),
                Severity::Warning,
                item,
                row,
                format!("the data type {} is not a JSON type, so the row's type cannot be checked", mapping.data_type),
            );
        }
    }

    fn contract_row(
        &mut self,
        section: &Section,
        mapping: &Mapping,
        item: Option<&str>,
        (source_system, source): (System, &SpecEntity),
        (target_system, target): (System, &SpecEntity),
    ) {
        let row = row_text(section, mapping);
        let Some(to) = resolve(target_system, target.entity, &mapping.target_property) else {
            self.add(
                format!("{}-unknown-field", kebab(&mapping.target_property)),
                Severity::Warning,
                item,
                row,
                format!("{} has no field {:?} in the API contract model", target.entity.name, mapping.target_property),
            );
            return;
        };
        let id = kebab(to.field.name);
        for (spec_name, wire_name) in &to.respelled {
            self.add(
                format!("{}-v1-name", kebab(wire_name)),
                Severity::Warning,
                item,
                row.clone(),
                format!(
                    "{spec_name:?} is not a v2 wire name; the API field is {wire_name:?} (the harness translates it explicitly)"
                ),
            );
        }
        if to.field.read_only {
            self.add(
                format!("{id}-read-only"),
                Severity::Error,
                item,
                row.clone(),
                format!(
                    "{}.{} is read-only in the API: the system sets it, so no sync can write the mapped value",
                    target.entity.name, to.wire_path
                ),
            );
        }
        if let DataType::Json(spec_type) = mapping.data_type {
            if spec_type != to.field.ty {
                self.add(
                    format!("{id}-type"),
                    Severity::Error,
                    item,
                    row.clone(),
                    format!(
                        "the spec says {:?}, but {}.{} is a JSON {} in the API",
                        spec_type.name(),
                        target.entity.name,
                        to.wire_path,
                        to.field.ty.name()
                    ),
                );
            }
        }
        let Some(from) = resolve(source_system, source.entity, &mapping.source_property) else {
            self.add(
                format!("{}-unknown-field", kebab(&mapping.source_property)),
                Severity::Warning,
                item,
                row,
                format!("{} has no field {:?} in the API contract model", source.entity.name, mapping.source_property),
            );
            return;
        };
        for (spec_name, wire_name) in &from.respelled {
            self.add(
                format!("{}-v1-name", kebab(wire_name)),
                Severity::Warning,
                item,
                row.clone(),
                format!("{spec_name:?} is not a v2 wire name; the API field is {wire_name:?}"),
            );
        }
        let source_values: Option<&[&str]> = match (from.field.ty, from.field.format) {
            (_, Format::OneOf(values)) => Some(values),
            (crate::contract::JsonType::Boolean, _) => Some(&["true", "false"]),
            _ => None,
        };
        if let Some(values) = source_values {
            if let Some(why) = outside_domain(values, to.field) {
                self.add(
                    format!("{id}-value-domain"),
                    Severity::Warning,
                    item,
                    row.clone(),
                    format!("{} takes {}; {why}", from.field.name, values.join(", ")),
                );
            }
        }
        let (from_meaning, to_meaning) = (from.field.meaning, to.field.meaning);
        if from_meaning != Meaning::Unspecified && to_meaning != Meaning::Unspecified && from_meaning != to_meaning {
            self.add(
                format!("{}-meaning", kebab(from.field.name)),
                Severity::Warning,
                item,
                row.clone(),
                format!(
                    "{}.{} means {} while {}.{} means {}: the value is copied, but it does not say the same thing",
                    source.entity.name,
                    from.field.name,
                    describe(from_meaning),
                    target.entity.name,
                    to.wire_path,
                    describe(to_meaning)
                ),
            );
        }
        if section.keeps_in_sync && from.field.read_only && !to.field.read_only {
            let id = format!("{}-read-only-in-{}", kebab(from.field.name), kebab(&section.source.system));
            let why = format!(
                "the spec promises two-way sync, but {}.{} is read-only, so an edit of {} cannot flow back",
                source.entity.name, from.field.name, to.wire_path
            );
            self.add(id.clone(), Severity::Error, item, row.clone(), why.clone());
            // The row cannot flow back, so the promise to keep it in sync is what breaks.
            if let Some(promise) = self.items.iter().find(|i| i.kind == ItemKind::SyncPromise).map(|i| i.id.clone()) {
                self.add(id, Severity::Error, Some(&promise), row, why);
            }
        }
    }

    fn required_on_create(
        &mut self,
        s: usize,
        section: &Section,
        source: &SpecEntity,
        target: &SpecEntity,
        target_system: System,
    ) {
        let mapped: Vec<String> = section
            .mappings
            .iter()
            .flatten()
            .filter_map(|m| resolve(target_system, target.entity, &m.target_property).map(|r| r.wire_path))
            .collect();
        let required: Vec<&'static Field> = target
            .entity
            .fields
            .iter()
            .filter(|f| f.required_on_create || target.also_required.contains(&f.name))
            .filter(|f| !mapped.iter().any(|m| m == f.name))
            .collect();
        if required.is_empty() {
            return;
        }
        let names: Vec<&str> = required.iter().map(|f| f.name).collect();
        let person_names = |f: &&Field| matches!(f.meaning, Meaning::PersonFirstName | Meaning::PersonLastName);
        let has_person_name = source.entity.fields.iter().any(|f| f.meaning == Meaning::PersonName);
        let rule = self.item_id(s, ItemKind::Rule, section.rules.iter().position(|r| r.creates()).unwrap_or(0));
        let where_ = section_text(section);
        let target_id = kebab(&section.target.entity);
        if has_person_name && required.iter().all(person_names) {
            self.add(
                format!("{target_id}-derived-required"),
                Severity::Warning,
                rule.as_deref(),
                where_,
                format!(
                    "a new {} needs {}, which no row maps; they can only be derived from {}'s name (an interpretation)",
                    target.entity.name,
                    names.join(" and "),
                    source.entity.name
                ),
            );
        } else {
            self.add(
                format!("{target_id}-missing-required"),
                Severity::Error,
                rule.as_deref(),
                where_,
                format!(
                    "a new {} ({}) needs {}, which no row maps and {} has no value for",
                    target.entity.name,
                    section.target.entity,
                    names.join(" and "),
                    source.entity.name
                ),
            );
        }
    }
}

/// Why the values of a source enum cannot be values of `target`, if they cannot.
fn outside_domain(values: &[&str], target: &Field) -> Option<String> {
    use crate::contract::JsonType;
    match (target.ty, target.format) {
        (JsonType::String, Format::CountryCode) => {
            let outside: Vec<&str> = values.iter().copied().filter(|v| !is_country_code(v)).collect();
            (!outside.is_empty()).then(|| {
                format!("none of {} is an ISO 3166 country code, as {} requires", outside.join(", "), target.name)
            })
        }
        (JsonType::String, Format::OneOf(allowed)) => {
            let outside: Vec<&str> = values.iter().copied().filter(|v| !allowed.contains(v)).collect();
            (!outside.is_empty()).then(|| format!("{} takes only {}", target.name, allowed.join(", ")))
        }
        (JsonType::String, _) => None,
        (JsonType::Boolean, _) if values.iter().all(|v| matches!(*v, "true" | "false")) => None,
        (ty, _) => Some(format!("{} is a JSON {}, and words are not", target.name, ty.name())),
    }
}

fn is_country_code(value: &str) -> bool {
    value.len() == 2 && value.chars().all(|c| c.is_ascii_uppercase())
}

fn describe(meaning: Meaning) -> &'static str {
    match meaning {
        Meaning::Unspecified => "something unstated",
        Meaning::ApiUrl => "the record's address in the API",
        Meaning::Website => "a web site",
        Meaning::PersonName => "a person's whole name",
        Meaning::PersonFirstName => "a first name",
        Meaning::PersonLastName => "a last name",
    }
}

fn section_text(section: &Section) -> String {
    match section.line {
        0 => format!("section \"{}\"", section.heading),
        line => format!("section \"{}\" (line {line})", section.heading),
    }
}

fn row_text(section: &Section, mapping: &Mapping) -> String {
    let mut target = mapping.target_property.clone();
    for condition in &mapping.conditions {
        target.push_str(&format!(" (when {condition})"));
    }
    let line = if mapping.line > 0 { format!(" (line {})", mapping.line) } else { String::new() };
    format!(
        "{}.{} → {}.{target}, {}{line}",
        section.source.entity, mapping.source_property, section.target.entity, mapping.data_type
    )
}

/// Every finding for `spec`, errors first, then in document order.
pub fn lint(spec: &Spec) -> Vec<Finding> {
    let mut linter = Linter { spec, items: spec.items(), findings: Vec::new() };
    for (s, section) in linter.spec.sections.iter().enumerate() {
        linter.section(s, section);
    }
    let mut findings = linter.findings;
    findings.sort_by_key(|f| f.severity);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::builtin::zendesk_powerofficego;

    #[test]
    fn the_other_direction_gets_source_side_findings_too() {
        use crate::spec::{DataType, Mapping, Party, Section, Spec};
        let row = |source: &str, target: &str| Mapping {
            source_property: source.into(),
            target_property: target.into(),
            conditions: vec![],
            data_type: DataType::from_cell("\"string\""),
            line: 7,
        };
        let spec = Spec {
            title: "PowerOffice GO to Zendesk Dataflow".into(),
            source_system: "PowerOffice GO".into(),
            target_system: "Zendesk".into(),
            generated: None,
            sections: vec![Section {
                heading: "PowerOffice GO Customers to Zendesk Users".into(),
                source: Party::new("PowerOffice GO", "Customers"),
                target: Party::new("Zendesk", "Users"),
                rules: vec![],
                keeps_in_sync: true,
                mappings: Some(vec![row("emailAddress", "email"), row("IsPerson", "role")]),
                line: 3,
            }],
        };
        let ids: Vec<String> = lint(&spec).into_iter().map(|f| f.id).collect();
        assert_eq!(ids, vec!["email-address-v1-name", "role-value-domain"]);
    }

    #[test]
    fn kebab_case_of_the_names_specs_use() {
        assert_eq!(kebab("EmployeeCreatedDateTimeOffset"), "employee-created-date-time-offset");
        assert_eq!(kebab("DepartmentId"), "department-id");
        assert_eq!(kebab("created_at"), "created-at");
        assert_eq!(kebab("Customers person"), "customers-person");
        assert_eq!(kebab("MailAddress.countryCode"), "mail-address-country-code");
    }

    #[test]
    fn the_built_in_spec_has_the_conflicts_the_spec_notes_name_and_nothing_else() {
        let findings = lint(&zendesk_powerofficego());
        let summary: Vec<(String, Severity, String)> =
            findings.iter().map(|f| (f.id.clone(), f.severity, f.items.join(" "))).collect();
        let expected = [
            ("contact-id-read-only", Severity::Error, "M2"),
            ("customers-person-missing-required", Severity::Error, "R2"),
            ("url-read-only-in-zendesk", Severity::Error, "M4 S1"),
            ("employee-created-date-time-offset-read-only", Severity::Error, "M5 M6"),
            ("department-id-type", Severity::Error, "M7"),
            ("email-address-v1-name", Severity::Warning, "M1"),
            ("contact-id-v1-name", Severity::Warning, "M2"),
            ("customers-person-empty-mapping", Severity::Warning, "R2"),
            ("url-meaning", Severity::Warning, "M4"),
            ("employee-created-date-time-offset-two-casings", Severity::Warning, "M5 M6"),
            ("employee-created-date-time-offset-v1-name", Severity::Warning, "M6"),
            ("country-code-v1-name", Severity::Warning, "M8"),
            ("country-code-value-domain", Severity::Warning, "M8"),
            ("employees-derived-required", Severity::Warning, "R4"),
        ];
        let expected: Vec<(String, Severity, String)> =
            expected.iter().map(|(id, s, items)| ((*id).to_owned(), *s, (*items).to_owned())).collect();
        pretty_assertions::assert_eq!(summary, expected);
    }
}
