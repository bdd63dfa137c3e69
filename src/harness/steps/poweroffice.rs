//! Steps about PowerOffice Go records.

use anyhow::{ensure, Context as _};
use cucumber::{given, then};
use pretty_assertions::assert_eq;
use serde_json::Value;

use super::split_name;
use crate::contract::json_type_of;
use crate::harness::QaWorld;
use crate::poweroffice::contract::CONTACT_PERSON;
use crate::poweroffice::model::{NewContactPerson, NewCustomer};

#[given(expr = "the PowerOffice Go customer {string}")]
async fn customer(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let new_customer = NewCustomer { name: Some(name.clone()), is_person: Some(false), ..NewCustomer::default() };
    let customer = world.poweroffice().create_customer(&new_customer).await?;
    world.name_customer(&name, customer.id)
}

async fn create_contact_person(
    world: &mut QaWorld,
    name: String,
    customer: String,
    email: Option<String>,
) -> anyhow::Result<()> {
    let (first_name, last_name) = split_name(&name)?;
    let contact_id = world.customer(&customer)?;
    let person = NewContactPerson { first_name, last_name, email_address: email };
    let created = world.poweroffice().create_contact_person(contact_id, &person).await?;
    world.name_contact_person(&name, &customer, created.reference())
}

#[given(expr = "the contact person {string} at {string} with email {string}")]
async fn contact_person_with_email(
    world: &mut QaWorld,
    name: String,
    customer: String,
    email: String,
) -> anyhow::Result<()> {
    create_contact_person(world, name, customer, Some(email)).await
}

#[given(expr = "the contact person {string} at {string} without an email")]
async fn contact_person_without_email(world: &mut QaWorld, name: String, customer: String) -> anyhow::Result<()> {
    create_contact_person(world, name, customer, None).await
}

/// The contact person as PowerOffice Go returns it, read through the API.
async fn contact_person_json(world: &QaWorld, name: &str, customer: &str) -> anyhow::Result<Value> {
    let person = world.contact_person(name, customer)?;
    Ok(world.poweroffice().contact_person_json(person).await?)
}

#[then(expr = "the contact person {string} at {string} has the EmailAddress {string}")]
async fn contact_person_has_email(
    world: &mut QaWorld,
    name: String,
    customer: String,
    expected: String,
) -> anyhow::Result<()> {
    let person = contact_person_json(world, &name, &customer).await?;
    assert_eq!(person.get("EmailAddress"), Some(&Value::String(expected)), "EmailAddress of {name} at {customer}");
    Ok(())
}

#[then(expr = "the EmailAddress of the contact person {string} at {string} is a JSON string on the wire")]
async fn email_is_a_json_string(world: &mut QaWorld, name: String, customer: String) -> anyhow::Result<()> {
    let person = contact_person_json(world, &name, &customer).await?;
    let field = CONTACT_PERSON.field("EmailAddress").context("the contract model has no ContactPerson.EmailAddress")?;
    let value = person.get(field.name).with_context(|| format!("the answer has no {} at all: {person}", field.name))?;
    ensure!(
        value.is_string(),
        "EmailAddress must be a JSON string, but the API returned {} {value}",
        json_type_of(value)
    );
    ensure!(field.type_mismatch(value).is_none(), "the contract model disagrees: {:?}", field.type_mismatch(value));
    Ok(())
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
