//! Step definitions, grouped by domain: Zendesk records, PowerOffice Go records, links, the
//! sync and its report, wire types, and faults. Each step is a few lines that call a World
//! helper or a client; Then-steps decide through `check::eventually` and `check::expect_eq`.

mod faults;
mod links;
mod params;
mod poweroffice;
mod sync;
mod types;
mod zendesk;

use anyhow::{bail, Context as _};
use serde_json::{Map, Value};

use crate::contract::{Entity, JsonType};

/// Steps that read the reference sync's own links, report or runs; an external sync exposes
/// none of them, so a scenario with one of these carries `@reference-only` (a test checks).
pub const REFERENCE_ONLY_STEPS: &[&str] = &[
    "is linked to the contact person",
    "is linked to no contact person",
    "is linked to no Zendesk user",
    "is linked to the department",
    "the last sync",
    "the sync loses its link table",
    "the sync runs and fails",
    "the failure names",
    "reporting what it could not write",
];

/// Steps that need the built-in fakes (fault injection, the request journal); such a scenario
/// carries `@fakes-only` and does not run in staging.
pub const FAKES_ONLY_STEPS: &[&str] = &[
    "rate-limits the next",
    "answers the next",
    "drops the connection of the next",
    "every EmailAddress the sync wrote",
];

/// Splits "Kari Nordmann" into FirstName "Kari" and LastName "Nordmann" (the last word).
pub(crate) fn split_name(name: &str) -> anyhow::Result<(String, String)> {
    match name.trim().rsplit_once(' ') {
        Some((first, last)) if !first.trim().is_empty() => Ok((first.trim().to_owned(), last.to_owned())),
        _ => anyhow::bail!("{name:?} needs a first and a last name, separated by a space"),
    }
}

/// One row of a data table that states a record in the API's own field names.
struct TableRecord {
    /// The line of the row in the feature file, for error messages.
    line: usize,
    /// The cells in contract columns, typed as the API contract types them; empty cells are left out.
    fields: Map<String, Value>,
    /// The cells in the step's own columns (for example the name of an organization to join).
    extra: Map<String, Value>,
}

impl TableRecord {
    fn text(&self, column: &str) -> Option<&str> {
        self.fields.get(column).or_else(|| self.extra.get(column)).and_then(Value::as_str)
    }

    fn required_text(&self, column: &str) -> anyhow::Result<&str> {
        self.text(column).with_context(|| format!("line {}: the {column} cell is empty", self.line))
    }
}

/// Reads a data table whose header names fields of `entity` (exact spelling) that the step
/// sets (`supported`), or one of the step's `extra_columns`. Cells become JSON of the type the contract gives the field, so a
/// table cannot state a record the API itself would refuse as mistyped. A read-only field is
/// refused: the API would ignore it, and the scenario would state something untrue.
fn table_records(
    step: &cucumber::gherkin::Step,
    entity: &Entity,
    supported: &[&str],
    extra_columns: &[&str],
) -> anyhow::Result<Vec<TableRecord>> {
    let table = step.table.as_ref().context("this step needs a data table with a header row")?;
    let header = table.rows.first().context("the data table has no header row")?;
    for column in header {
        match entity.field(column) {
            Some(field) if field.read_only => {
                bail!(
                    "line {}: {}.{column} is read-only in the API, so a table cannot set it",
                    table.position.line,
                    entity.name
                )
            }
            Some(_) if supported.contains(&column.as_str()) => {}
            Some(_) => bail!(
                "line {}: {}.{column} is a field of the API, but this step does not set it (it sets {})",
                table.position.line,
                entity.name,
                supported.iter().chain(extra_columns).copied().collect::<Vec<_>>().join(", ")
            ),
            None if extra_columns.contains(&column.as_str()) => {}
            None => {
                let known: Vec<&str> = entity.fields.iter().filter(|f| !f.read_only).map(|f| f.name).collect();
                bail!(
                    "line {}: {column:?} is not a writable field of {} (writable: {}; extra columns: {})",
                    table.position.line,
                    entity.name,
                    known.join(", "),
                    if extra_columns.is_empty() { "none".to_owned() } else { extra_columns.join(", ") }
                )
            }
        }
    }
    let mut records = Vec::new();
    for (index, row) in table.rows.iter().enumerate().skip(1) {
        let line = table.position.line + index;
        let mut record = TableRecord { line, fields: Map::new(), extra: Map::new() };
        for (column, cell) in header.iter().zip(row) {
            if cell.is_empty() {
                continue;
            }
            match entity.field(column) {
                Some(field) => {
                    let value = typed_cell(field.ty, cell).with_context(|| {
                        format!(
                            "line {line}: {}.{column} is a JSON {}, and {cell:?} is not",
                            entity.name,
                            field.ty.name()
                        )
                    })?;
                    record.fields.insert(column.clone(), value);
                }
                None => {
                    record.extra.insert(column.clone(), Value::String(cell.clone()));
                }
            }
        }
        records.push(record);
    }
    Ok(records)
}

fn typed_cell(ty: JsonType, cell: &str) -> anyhow::Result<Value> {
    Ok(match ty {
        JsonType::String => Value::String(cell.to_owned()),
        JsonType::Integer => Value::from(cell.parse::<i64>()?),
        JsonType::Number => Value::from(cell.parse::<f64>()?),
        JsonType::Boolean => Value::Bool(cell.parse::<bool>()?),
        JsonType::Object | JsonType::Array => serde_json::from_str(cell)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poweroffice::contract::CUSTOMER;

    const SUPPORTED: &[&str] = &["Name", "IsPerson", "WebsiteUrl"];

    fn step_with_table(rows: &[&[&str]]) -> cucumber::gherkin::Step {
        cucumber::gherkin::Step {
            keyword: "Given ".into(),
            ty: cucumber::gherkin::StepType::Given,
            value: "the PowerOffice Go customers:".into(),
            docstring: None,
            table: Some(cucumber::gherkin::Table {
                rows: rows.iter().map(|r| r.iter().map(|c| (*c).to_owned()).collect()).collect(),
                span: Default::default(),
                position: cucumber::gherkin::LineCol { line: 10, col: 7 },
            }),
            span: Default::default(),
            position: cucumber::gherkin::LineCol { line: 9, col: 5 },
        }
    }

    #[test]
    fn cells_take_the_contract_type_and_empty_cells_are_left_out() {
        let step = step_with_table(&[&["Name", "IsPerson", "WebsiteUrl"], &["Acme AS", "false", ""]]);
        let records = table_records(&step, &CUSTOMER, SUPPORTED, &[]).unwrap();
        assert_eq!(
            Value::Object(records[0].fields.clone()),
            serde_json::json!({ "Name": "Acme AS", "IsPerson": false })
        );
        assert_eq!(records[0].line, 11);
    }

    #[test]
    fn a_bad_table_names_the_line_and_the_column() {
        let unknown = step_with_table(&[&["Navn"], &["Acme AS"]]);
        let error = table_records(&unknown, &CUSTOMER, SUPPORTED, &[]).err().unwrap().to_string();
        assert!(error.starts_with("line 10: \"Navn\" is not a writable field of Customer"), "{error}");

        let mistyped = step_with_table(&[&["Name", "IsPerson"], &["Acme AS", "ja"]]);
        let error = format!("{:#}", table_records(&mistyped, &CUSTOMER, SUPPORTED, &[]).err().unwrap());
        assert!(error.starts_with("line 11: Customer.IsPerson is a JSON boolean, and \"ja\" is not"), "{error}");

        let read_only = step_with_table(&[&["Id"], &["1"]]);
        let error = table_records(&read_only, &CUSTOMER, SUPPORTED, &[]).err().unwrap().to_string();
        assert!(error.contains("Customer.Id is read-only"), "{error}");

        let unsupported = step_with_table(&[&["Name", "OrganizationNumber"], &["Acme AS", "123456789"]]);
        let error = table_records(&unsupported, &CUSTOMER, SUPPORTED, &[]).err().unwrap().to_string();
        assert!(
            error.contains("Customer.OrganizationNumber is a field of the API, but this step does not set it"),
            "{error}"
        );
    }
}
