//! The dataflow document as typed data: the spec a generator writes as reStructuredText
//! (`parse`), the project's own built-in copy of the Zendesk → PowerOffice Go spec
//! (`builtin`), what changed between two versions (`drift`), how the features cover it
//! (`coverage`) and where it disagrees with the API contract models (`lint`).

pub mod builtin;
pub mod coverage;
pub mod drift;
pub mod lint;
mod parse;

use std::fmt;

use serde::Serialize;

use crate::contract::JsonType;
use crate::domain::System;

pub use parse::{parse, ParseError};

/// One generated dataflow document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spec {
    pub title: String,
    /// The systems the title names, as spelled there (either may be blank in a bad generation).
    pub source_system: String,
    pub target_system: String,
    /// The generation timestamp as written ("2023-11-29 14:42:10").
    pub generated: Option<String>,
    pub sections: Vec<Section>,
}

/// One "<source> to <target>" section.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Section {
    pub heading: String,
    pub source: Party,
    pub target: Party,
    /// What makes records of the two sides belong together, in the document's order.
    pub rules: Vec<Rule>,
    /// "Once a link … is established, it will keep in sync between the two systems".
    pub keeps_in_sync: bool,
    /// The mapping table; `None` when the section has none at all, empty when its table is.
    pub mappings: Option<Vec<Mapping>>,
    /// The line of the heading, for messages; 0 when the section was not read from a file.
    #[serde(skip_serializing_if = "is_zero")]
    pub line: usize,
}

/// A system and one of its record types, as a heading or sentence names them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Party {
    pub system: String,
    pub entity: String,
}

impl Party {
    pub fn new(system: &str, entity: &str) -> Self {
        Self { system: system.to_owned(), entity: entity.to_owned() }
    }

    /// The system this party belongs to when the project has a contract model for it.
    pub fn known_system(&self) -> Option<System> {
        known_system(&self.system)
    }
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.system.is_empty() {
            true => write!(f, "(blank system) {}", self.entity),
            false => write!(f, "{} {}", self.system, self.entity),
        }
    }
}

/// The generator spells systems several ways ("PowerOfficeGo", "PowerOffice GO").
pub fn known_system(name: &str) -> Option<System> {
    let folded: String = name.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    match folded.as_str() {
        "zendesk" => Some(System::Zendesk),
        "powerofficego" | "poweroffice" => Some(System::PowerOffice),
        _ => None,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Rule {
    /// "A <source> will merge with a <target> if one of the following property combinations
    /// match": any one (source property, target property) pair.
    Merge { pairs: Vec<(String, String)> },
    /// "A new <target> will be created from a <source> if it is connected to a <connector>, or
    /// <connector> that is synchronized into <target system>".
    CreateIfConnected { connectors: Vec<String> },
    /// "Every <source> will be synchronized with a <target>".
    Every,
    /// "When <condition>, it will be synchronized with a <target>" (and the generator's
    /// variants that leak a comment in place of "When …").
    When { condition: String },
    /// "If a matching <target> already exists, the <source> will be merged with the existing one."
    MergeWithExisting,
    /// "If no matching <target> is found, a new <target> will be created."
    CreateIfNoMatch,
}

impl Rule {
    pub fn kind(&self) -> &'static str {
        match self {
            Rule::Merge { .. } => "merge",
            Rule::CreateIfConnected { .. } => "create-if-connected",
            Rule::Every => "every",
            Rule::When { .. } => "condition",
            Rule::MergeWithExisting => "merge-with-existing",
            Rule::CreateIfNoMatch => "create-if-no-match",
        }
    }

    /// Whether the rule makes new target records (and so needs their required fields).
    pub fn creates(&self) -> bool {
        !matches!(self, Rule::Merge { .. } | Rule::MergeWithExisting)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Merge { pairs } => {
                let pairs: Vec<String> = pairs.iter().map(|(s, t)| format!("{s} = {t}")).collect();
                write!(f, "merge when {}", pairs.join(" or "))
            }
            Rule::CreateIfConnected { connectors } => {
                write!(f, "create when connected to a synced {}", connectors.join(" or "))
            }
            Rule::Every => f.write_str("every record"),
            Rule::When { condition } => write!(f, "when {condition}"),
            Rule::MergeWithExisting => f.write_str("merge with an existing match"),
            Rule::CreateIfNoMatch => f.write_str("create when nothing matches"),
        }
    }
}

/// One row of a mapping table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mapping {
    pub source_property: String,
    /// The target property path without its annotations (`MailAddress.countryCode`).
    pub target_property: String,
    /// "(Dependant on having V in P)" annotations, in order; a value may be blank.
    pub conditions: Vec<Condition>,
    pub data_type: DataType,
    #[serde(skip_serializing_if = "is_zero")]
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub value: String,
    pub property: String,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} in {}", self.value, self.property)
    }
}

/// The data-type column: a JSON type, "N/A", or whatever the generator leaked there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum DataType {
    Json(#[serde(serialize_with = "json_type_name")] JsonType),
    NotApplicable,
    Other(String),
}

fn json_type_name<S: serde::Serializer>(ty: &JsonType, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(ty.name())
}

impl DataType {
    /// Reads a cell as the generator writes it: `"string"`, `"integer"`, `"float"`, `N/A`, ….
    pub fn from_cell(cell: &str) -> Self {
        let bare = cell.trim().trim_matches('"').trim();
        match bare {
            "N/A" | "n/a" => DataType::NotApplicable,
            "float" | "double" | "decimal" => DataType::Json(JsonType::Number),
            "int" => DataType::Json(JsonType::Integer),
            "bool" => DataType::Json(JsonType::Boolean),
            other => JsonType::from_name(other).map(DataType::Json).unwrap_or_else(|| DataType::Other(cell.to_owned())),
        }
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::Json(ty) => write!(f, "\"{}\"", ty.name()),
            DataType::NotApplicable => f.write_str("N/A"),
            DataType::Other(raw) => write!(f, "{raw:?}"),
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What a checklist item states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Rule,
    Mapping,
    SyncPromise,
}

/// One line of the checklist: a rule (R…), a mapping row (M…) or the sync promise (S1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    pub id: String,
    pub kind: ItemKind,
    /// Index into `Spec::sections`; `None` for the sync promise, which spans the document.
    pub section: Option<usize>,
    /// Index into the section's rules or mappings.
    pub index: usize,
    pub text: String,
}

impl Spec {
    /// The checklist items, numbered in document order: rules R1…, mapping rows M1…, and S1
    /// when any section promises to keep linked records in sync.
    pub fn items(&self) -> Vec<Item> {
        let mut items = Vec::new();
        let mut rule_number = 0;
        for (s, section) in self.sections.iter().enumerate() {
            for (index, rule) in section.rules.iter().enumerate() {
                rule_number += 1;
                items.push(Item {
                    id: format!("R{rule_number}"),
                    kind: ItemKind::Rule,
                    section: Some(s),
                    index,
                    text: format!("{} → {}: {rule}", section.source.entity, section.target.entity),
                });
            }
        }
        let mut mapping_number = 0;
        for (s, section) in self.sections.iter().enumerate() {
            for (index, mapping) in section.mappings.iter().flatten().enumerate() {
                mapping_number += 1;
                items.push(Item {
                    id: format!("M{mapping_number}"),
                    kind: ItemKind::Mapping,
                    section: Some(s),
                    index,
                    text: format!(
                        "{}.{} → {}.{} ({})",
                        section.source.entity,
                        mapping.source_property,
                        section.target.entity,
                        mapping.target_property,
                        mapping.data_type
                    ),
                });
            }
        }
        if self.sections.iter().any(|s| s.keeps_in_sync) {
            items.push(Item {
                id: "S1".to_owned(),
                kind: ItemKind::SyncPromise,
                section: None,
                index: 0,
                text: "once linked, records stay in sync whichever side is edited".to_owned(),
            });
        }
        // Rules first in document order, then mappings: the ids above already say so, but a
        // reader ticks the checklist section by section, so sort by where the item sits.
        items.sort_by_key(|item| (item.section.unwrap_or(usize::MAX), item.kind != ItemKind::Rule, item.index));
        items
    }

    /// The same spec with every line number cleared, for comparing a parsed document with
    /// data written in code.
    pub fn without_lines(mut self) -> Self {
        for section in &mut self.sections {
            section.line = 0;
            for mapping in section.mappings.iter_mut().flatten() {
                mapping.line = 0;
            }
        }
        self
    }
}
