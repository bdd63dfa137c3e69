//! Steps that check the JSON type and format of mapped fields as the API returns them, against
//! the spec's data-type column and the API contract model. A table of fields reports every
//! mismatch at once.

use anyhow::{ensure, Context as _};
use cucumber::then;
use serde_json::Value;

use super::params::{FieldPath, JsonTypeParameter};
use super::poweroffice::{contact_person_json, employee_json, organization_customer_json};
use crate::contract::{json_type_of, Entity, Field, Format};
use crate::harness::QaWorld;
use crate::poweroffice::contract::{ADDRESS, CONTACT_ADDRESS, CONTACT_PERSON, CUSTOMER, EMPLOYEE};

/// A field of a record, or of its `MailAddress`, with its contract.
fn wire_field<'r>(
    entity: &'static Entity,
    record: &'r Value,
    path: &FieldPath,
) -> anyhow::Result<(&'static Field, Option<&'r Value>)> {
    let missing = || format!("the contract model has no {}.{path}", entity.name);
    match path.object.as_deref() {
        None => Ok((entity.field(&path.name).with_context(missing)?, record.get(&path.name))),
        Some("MailAddress") => {
            let address = if entity.name == CONTACT_PERSON.name { &ADDRESS } else { &CONTACT_ADDRESS };
            let value = record.get("MailAddress").and_then(|m| m.get(&path.name));
            Ok((address.field(&path.name).with_context(missing)?, value))
        }
        Some(_) => Err(anyhow::anyhow!(missing())),
    }
}

/// Checks one field on the wire: the spec's data type must be the contract's, and the value
/// the API returned must be JSON of that type.
fn check_wire_type(entity: &'static Entity, record: &Value, path: &FieldPath, spec_type: &str) -> anyhow::Result<()> {
    let (field, value) = wire_field(entity, record, path)?;
    ensure!(
        field.ty.name() == spec_type,
        "the spec says {path} is a {spec_type}, but the API contract types it as {}",
        field.ty.name()
    );
    let value = value.with_context(|| format!("the answer has no {path} at all: {record}"))?;
    ensure!(
        field.ty.matches(value),
        "{path} must be a JSON {spec_type}, but the API returned {} {value}",
        json_type_of(value)
    );
    Ok(())
}

/// Checks every `| property | type |` row against one record and reports all mismatches.
fn check_wire_types(entity: &'static Entity, record: &Value, step: &cucumber::gherkin::Step) -> anyhow::Result<()> {
    let table = step.table.as_ref().context("this step needs a table of | property | type |")?;
    let mut mismatches = Vec::new();
    for (index, row) in table.rows.iter().enumerate().skip(1) {
        let line = table.position.line + index;
        let [property, spec_type] = row.as_slice() else {
            anyhow::bail!("line {line}: each row needs a property and a type, got {row:?}");
        };
        let path: FieldPath = property.parse().map_err(|e| anyhow::anyhow!("line {line}: {e}"))?;
        if let Err(error) = check_wire_type(entity, record, &path, spec_type) {
            mismatches.push(format!("- line {line}: {error}"));
        }
    }
    ensure!(mismatches.is_empty(), "{} mismatch(es) on the wire:\n{}", mismatches.len(), mismatches.join("\n"));
    Ok(())
}

#[then(expr = "the {field} of the contact person {string} at {string} is a JSON {json_type} on the wire")]
async fn contact_person_wire_type(
    world: &mut QaWorld,
    path: FieldPath,
    name: String,
    customer: String,
    ty: JsonTypeParameter,
) -> anyhow::Result<()> {
    let (world, path, name, customer) = (&*world, &path, name.as_str(), customer.as_str());
    world
        .eventually(|| async move {
            let person = contact_person_json(world, name, customer).await?;
            check_wire_type(&CONTACT_PERSON, &person, path, ty.0.name())
        })
        .await
}

#[then(expr = "the {field} of the customer for the Zendesk organization {string} is a JSON {json_type} on the wire")]
async fn customer_wire_type(
    world: &mut QaWorld,
    path: FieldPath,
    organization: String,
    ty: JsonTypeParameter,
) -> anyhow::Result<()> {
    let (world, path, organization) = (&*world, &path, organization.as_str());
    world
        .eventually(|| async move {
            let customer = organization_customer_json(world, organization).await?;
            check_wire_type(&CUSTOMER, &customer, path, ty.0.name())
        })
        .await
}

#[then(expr = "the {field} of the employee for {string} is a JSON {json_type} on the wire")]
async fn employee_wire_type(
    world: &mut QaWorld,
    path: FieldPath,
    user: String,
    ty: JsonTypeParameter,
) -> anyhow::Result<()> {
    let (world, path, user) = (&*world, &path, user.as_str());
    world
        .eventually(|| async move {
            let employee = employee_json(world, user).await?;
            check_wire_type(&EMPLOYEE, &employee, path, ty.0.name())
        })
        .await
}

#[then(expr = "the {field} of the employee for {string} is a date-time string with an offset on the wire")]
async fn employee_date_time(world: &mut QaWorld, path: FieldPath, user: String) -> anyhow::Result<()> {
    let (world, path, user) = (&*world, &path, user.as_str());
    world
        .eventually(|| async move {
            let employee = employee_json(world, user).await?;
            check_wire_type(&EMPLOYEE, &employee, path, "string")?;
            let (field, value) = wire_field(&EMPLOYEE, &employee, path)?;
            ensure!(
                field.format == Format::DateTimeOffset,
                "the contract does not record {path} as a date-time with an offset"
            );
            let text = value.and_then(Value::as_str).unwrap_or_default();
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map_err(|e| anyhow::anyhow!("{path} {text:?} is not a date-time with an offset: {e}"))?;
            Ok(())
        })
        .await
}

#[then(expr = "the contact person {string} at {string} has these types on the wire:")]
async fn contact_person_types(
    world: &mut QaWorld,
    name: String,
    customer: String,
    step: &cucumber::gherkin::Step,
) -> anyhow::Result<()> {
    let (world, name, customer) = (&*world, name.as_str(), customer.as_str());
    world
        .eventually(|| async move {
            let person = contact_person_json(world, name, customer).await?;
            check_wire_types(&CONTACT_PERSON, &person, step)
        })
        .await
}

#[then(expr = "the customer for the Zendesk organization {string} has these types on the wire:")]
async fn customer_types(
    world: &mut QaWorld,
    organization: String,
    step: &cucumber::gherkin::Step,
) -> anyhow::Result<()> {
    let (world, organization) = (&*world, organization.as_str());
    world
        .eventually(|| async move {
            let customer = organization_customer_json(world, organization).await?;
            check_wire_types(&CUSTOMER, &customer, step)
        })
        .await
}

#[then(expr = "the employee for {string} has these types on the wire:")]
async fn employee_types(world: &mut QaWorld, user: String, step: &cucumber::gherkin::Step) -> anyhow::Result<()> {
    let (world, user) = (&*world, user.as_str());
    world
        .eventually(|| async move {
            let employee = employee_json(world, user).await?;
            check_wire_types(&EMPLOYEE, &employee, step)
        })
        .await
}

#[then("every EmailAddress the sync wrote to PowerOffice Go was a JSON string")]
async fn written_emails_are_json_strings(world: &mut QaWorld) -> anyhow::Result<()> {
    let values: Vec<Value> = world
        .poweroffice_writes()?
        .iter()
        .filter(|entry| entry.method == "PATCH")
        .filter_map(|entry| entry.body.as_ref()?.as_array().cloned())
        .flatten()
        .filter(|op| op.get("path").and_then(Value::as_str).is_some_and(|p| p.eq_ignore_ascii_case("/EmailAddress")))
        .filter_map(|op| op.get("value").cloned())
        .collect();
    ensure!(!values.is_empty(), "the sync wrote no EmailAddress to PowerOffice Go, so there is nothing to check");
    let wrong: Vec<String> =
        values.iter().filter(|v| !v.is_string()).map(|v| format!("{} {v}", json_type_of(v))).collect();
    ensure!(wrong.is_empty(), "EmailAddress was written as: {}", wrong.join(", "));
    Ok(())
}
