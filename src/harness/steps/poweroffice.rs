//! Steps about PowerOffice Go records, read back through the API.

use anyhow::{ensure, Context as _};
use cucumber::{given, then, when};
use pretty_assertions::assert_eq;
use serde_json::Value;

use super::split_name;
use crate::contract::{json_type_of, Entity, Field, Format};
use crate::harness::QaWorld;
use crate::poweroffice::contract::{ADDRESS, CONTACT_ADDRESS, CONTACT_PERSON, CUSTOMER, EMPLOYEE};
use crate::poweroffice::model::{Customer, NewContactPerson, NewCustomer, NewDepartment, PatchOperation};

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

/// The customer linked to a Zendesk organization, as PowerOffice Go returns it.
async fn organization_customer_json(world: &QaWorld, organization: &str) -> anyhow::Result<Value> {
    let customer = world.customer_of_organization(organization)?;
    Ok(world.poweroffice().customer_json(customer).await?)
}

/// A property of a record, or of its `MailAddress` (`MailAddress.CountryCode`), with its contract.
fn wire_field<'r>(
    entity: &'static Entity,
    record: &'r Value,
    property: &str,
) -> anyhow::Result<(&'static Field, Option<&'r Value>)> {
    let missing = || format!("the contract model has no {}.{property}", entity.name);
    match property.split_once('.') {
        None => Ok((entity.field(property).with_context(missing)?, record.get(property))),
        Some(("MailAddress", inner)) => {
            let address = if entity.name == CONTACT_PERSON.name { &ADDRESS } else { &CONTACT_ADDRESS };
            Ok((address.field(inner).with_context(missing)?, record.get("MailAddress").and_then(|m| m.get(inner))))
        }
        Some(_) => Err(anyhow::anyhow!(missing())),
    }
}

/// Checks one property on the wire against the spec's data type and the contract model.
fn check_wire_type(entity: &'static Entity, record: &Value, property: &str, spec_type: &str) -> anyhow::Result<()> {
    let (field, value) = wire_field(entity, record, property)?;
    ensure!(
        field.ty.name() == spec_type,
        "the spec says {property} is a {spec_type}, but the API contract types it as {}",
        field.ty.name()
    );
    let value = value.with_context(|| format!("the answer has no {property} at all: {record}"))?;
    ensure!(
        field.ty.matches(value),
        "{property} must be a JSON {spec_type}, but the API returned {} {value}",
        json_type_of(value)
    );
    Ok(())
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

#[then(expr = "the {word} of the contact person {string} at {string} is a JSON {word} on the wire")]
async fn contact_person_wire_type(
    world: &mut QaWorld,
    property: String,
    name: String,
    customer: String,
    spec_type: String,
) -> anyhow::Result<()> {
    let person = contact_person_json(world, &name, &customer).await?;
    check_wire_type(&CONTACT_PERSON, &person, &property, &spec_type)
}

#[then(expr = "the {word} of the customer for the Zendesk organization {string} is a JSON {word} on the wire")]
async fn customer_wire_type(
    world: &mut QaWorld,
    property: String,
    organization: String,
    spec_type: String,
) -> anyhow::Result<()> {
    let customer = organization_customer_json(world, &organization).await?;
    check_wire_type(&CUSTOMER, &customer, &property, &spec_type)
}

#[then(expr = "the contact person {string} at {string} still belongs to the customer {string}")]
async fn contact_person_belongs_to(
    world: &mut QaWorld,
    name: String,
    customer: String,
    owner: String,
) -> anyhow::Result<()> {
    let person = contact_person_json(world, &name, &customer).await?;
    let expected = world.customer(&owner)?;
    assert_eq!(person.get("ContactId"), Some(&Value::from(expected.get())), "ContactId of {name}");
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

async fn customers_named(world: &QaWorld, name: &str) -> anyhow::Result<Vec<Customer>> {
    let customers = world.poweroffice().list_customers().await?;
    Ok(customers.into_iter().filter(|c| c.name.as_deref() == Some(name)).collect())
}

#[then(expr = "PowerOffice Go has exactly one company customer named {string}")]
async fn one_company_customer(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let found = customers_named(world, &name).await?;
    ensure!(found.len() == 1, "expected one customer named {name:?}, found {}: {found:?}", found.len());
    ensure!(
        found[0].is_person == Some(false),
        "the customer {name:?} is not a company: IsPerson {:?}",
        found[0].is_person
    );
    Ok(())
}

#[then(expr = "PowerOffice Go has no customer named {string}")]
async fn no_customer_named(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let found = customers_named(world, &name).await?;
    ensure!(found.is_empty(), "expected no customer named {name:?}, found {found:?}");
    Ok(())
}

#[then("PowerOffice Go has no person customer")]
async fn no_person_customer(world: &mut QaWorld) -> anyhow::Result<()> {
    let persons: Vec<Customer> =
        world.poweroffice().list_customers().await?.into_iter().filter(|c| c.is_person == Some(true)).collect();
    ensure!(persons.is_empty(), "person customers were created: {persons:?}");
    Ok(())
}

#[then(expr = "the customer for the Zendesk organization {string} has the Name {string}")]
async fn customer_has_name(world: &mut QaWorld, organization: String, expected: String) -> anyhow::Result<()> {
    let customer = organization_customer_json(world, &organization).await?;
    assert_eq!(customer.get("Name"), Some(&Value::String(expected)), "Name of the customer for {organization}");
    Ok(())
}

#[then(expr = "the customer for the Zendesk organization {string} has the organization's API url as WebsiteUrl")]
async fn customer_has_url(world: &mut QaWorld, organization: String) -> anyhow::Result<()> {
    let id = world.organization(&organization)?;
    let organizations = world.zendesk().list_organizations().await?;
    let url = organizations.iter().find(|o| o.id == id).map(|o| o.url.clone()).context("the organization is gone")?;
    let customer = organization_customer_json(world, &organization).await?;
    assert_eq!(customer.get("WebsiteUrl"), Some(&Value::String(url)), "WebsiteUrl of the customer for {organization}");
    Ok(())
}

#[given(expr = "the PowerOffice Go department {string}")]
async fn department(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let created = world.poweroffice().create_department(&NewDepartment { name: name.clone(), is_active: true }).await?;
    world.name_department(&name, created.id)
}

async fn employee_json(world: &QaWorld, user: &str) -> anyhow::Result<Value> {
    let employee = world.employee_of_user(user)?;
    Ok(world.poweroffice().employee_json(employee).await?)
}

#[when(expr = "the JobTitle of the employee for {string} is set to {string}")]
async fn set_job_title(world: &mut QaWorld, user: String, title: String) -> anyhow::Result<()> {
    let employee = world.employee_of_user(&user)?;
    world.poweroffice().patch_employee(employee, &[PatchOperation::replace("JobTitle", title)]).await?;
    Ok(())
}

#[then(expr = "PowerOffice Go has exactly one employee with FirstName {string} and LastName {string}")]
async fn one_employee(world: &mut QaWorld, first_name: String, last_name: String) -> anyhow::Result<()> {
    let employees = world.poweroffice().list_employees().await?;
    let matching: Vec<_> = employees
        .iter()
        .filter(|e| e.first_name.as_deref() == Some(&first_name) && e.last_name.as_deref() == Some(&last_name))
        .collect();
    ensure!(
        matching.len() == 1,
        "expected one employee {first_name} {last_name}, found {}: {employees:?}",
        matching.len()
    );
    Ok(())
}

#[then("PowerOffice Go has no employee")]
async fn no_employee(world: &mut QaWorld) -> anyhow::Result<()> {
    let employees = world.poweroffice().list_employees().await?;
    ensure!(employees.is_empty(), "expected no employee, found {employees:?}");
    Ok(())
}

#[then(expr = "the employee for {string} has the DepartmentId of the department {string}")]
async fn employee_department(world: &mut QaWorld, user: String, department: String) -> anyhow::Result<()> {
    let employee = employee_json(world, &user).await?;
    let expected = world.department(&department)?;
    assert_eq!(
        employee.get("DepartmentId"),
        Some(&Value::from(expected.get())),
        "DepartmentId of the employee for {user}"
    );
    Ok(())
}

#[then(expr = "the employee for {string} has no DepartmentId")]
async fn employee_without_department(world: &mut QaWorld, user: String) -> anyhow::Result<()> {
    let employee = employee_json(world, &user).await?;
    assert_eq!(employee.get("DepartmentId"), Some(&Value::Null), "DepartmentId of the employee for {user}");
    Ok(())
}

#[then(expr = "the employee for {string} has the MailAddress.CountryCode {string}")]
async fn employee_country_code(world: &mut QaWorld, user: String, expected: String) -> anyhow::Result<()> {
    let employee = employee_json(world, &user).await?;
    let value = employee.get("MailAddress").and_then(|m| m.get("CountryCode"));
    assert_eq!(value, Some(&Value::String(expected)), "MailAddress.CountryCode of the employee for {user}");
    Ok(())
}

#[then(expr = "the {word} of the employee for {string} is a JSON {word} on the wire")]
async fn employee_wire_type(
    world: &mut QaWorld,
    property: String,
    user: String,
    spec_type: String,
) -> anyhow::Result<()> {
    let employee = employee_json(world, &user).await?;
    check_wire_type(&EMPLOYEE, &employee, &property, &spec_type)
}

#[then(expr = "the {word} of the employee for {string} is a date-time string with an offset on the wire")]
async fn employee_date_time(world: &mut QaWorld, property: String, user: String) -> anyhow::Result<()> {
    let employee = employee_json(world, &user).await?;
    check_wire_type(&EMPLOYEE, &employee, &property, "string")?;
    let (field, value) = wire_field(&EMPLOYEE, &employee, &property)?;
    ensure!(
        field.format == Format::DateTimeOffset,
        "the contract does not record {property} as a date-time with an offset"
    );
    let text = value.and_then(Value::as_str).unwrap_or_default();
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| anyhow::anyhow!("{property} {text:?} is not a date-time with an offset: {e}"))?;
    Ok(())
}

#[when(expr = "the EmailAddress of the contact person {string} at {string} is changed to {string}")]
async fn change_contact_person_email(
    world: &mut QaWorld,
    name: String,
    customer: String,
    email: String,
) -> anyhow::Result<()> {
    let person = world.contact_person(&name, &customer)?;
    world.poweroffice().patch_contact_person(person, &[PatchOperation::replace("EmailAddress", email)]).await?;
    Ok(())
}

#[when(expr = "the EmailAddress of the contact person {string} at {string} is cleared")]
async fn clear_contact_person_email(world: &mut QaWorld, name: String, customer: String) -> anyhow::Result<()> {
    let person = world.contact_person(&name, &customer)?;
    world.poweroffice().patch_contact_person(person, &[PatchOperation::replace("EmailAddress", Value::Null)]).await?;
    Ok(())
}

#[when(expr = "the customer for the Zendesk organization {string} is renamed to {string} in PowerOffice Go")]
async fn rename_customer(world: &mut QaWorld, organization: String, name: String) -> anyhow::Result<()> {
    let customer = world.customer_of_organization(&organization)?;
    world.poweroffice().patch_customer(customer, &[PatchOperation::replace("Name", name)]).await?;
    Ok(())
}

#[then(expr = "the contact person {string} at {string} still exists")]
async fn contact_person_exists(world: &mut QaWorld, name: String, customer: String) -> anyhow::Result<()> {
    contact_person_json(world, &name, &customer).await.map(drop)
}

#[given(expr = "the contact person {string} at the customer for the Zendesk organization {string} with email {string}")]
async fn contact_person_at_organization_customer(
    world: &mut QaWorld,
    name: String,
    organization: String,
    email: String,
) -> anyhow::Result<()> {
    let (first_name, last_name) = split_name(&name)?;
    let contact_id = world.customer_of_organization(&organization)?;
    let person = NewContactPerson { first_name, last_name, email_address: Some(email) };
    let created = world.poweroffice().create_contact_person(contact_id, &person).await?;
    world.name_contact_person(&name, &organization, created.reference())
}

#[then(expr = "PowerOffice Go has a person customer for the Zendesk organization {string}")]
async fn person_customer_for(world: &mut QaWorld, organization: String) -> anyhow::Result<()> {
    let customers = world.poweroffice().list_customers().await?;
    let found = customers.iter().any(|c| c.is_person == Some(true));
    ensure!(found, "no person customer (IsPerson true) for {organization:?}; the customers are {customers:?}");
    Ok(())
}

#[then(expr = "the EmployeeCreatedDateTimeOffset of the employee for {string} is the Zendesk created_at of {string}")]
async fn employee_created_is_zendesk_created(
    world: &mut QaWorld,
    user: String,
    zendesk_user: String,
) -> anyhow::Result<()> {
    let employee = employee_json(world, &user).await?;
    let zendesk = world.zendesk().user_json(world.user(&zendesk_user)?).await?;
    let parse = |value: &Value| {
        let text = value.as_str().unwrap_or_default().to_owned();
        time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
            .map_err(|e| anyhow::anyhow!("{text:?} is not a date-time: {e}"))
    };
    let (written, expected) = (parse(&employee["EmployeeCreatedDateTimeOffset"])?, parse(&zendesk["created_at"])?);
    ensure!(
        written == expected,
        "EmployeeCreatedDateTimeOffset is {written}, but the Zendesk created_at is {expected}"
    );
    Ok(())
}

#[when(
    expr = "the WebsiteUrl of the customer for the Zendesk organization {string} is changed to {string} in PowerOffice Go"
)]
async fn change_website(world: &mut QaWorld, organization: String, url: String) -> anyhow::Result<()> {
    let customer = world.customer_of_organization(&organization)?;
    world.poweroffice().patch_customer(customer, &[PatchOperation::replace("WebsiteUrl", url)]).await?;
    Ok(())
}

/// Checks every `| property | type |` row of a table against one record, and reports every
/// mismatch at once rather than stopping at the first.
fn check_wire_types(entity: &'static Entity, record: &Value, step: &cucumber::gherkin::Step) -> anyhow::Result<()> {
    let table = step.table.as_ref().context("this step needs a table of | property | type |")?;
    let mut mismatches = Vec::new();
    for row in table.rows.iter().skip(1) {
        let [property, spec_type] = row.as_slice() else {
            anyhow::bail!("each row needs a property and a type, got {row:?}");
        };
        if let Err(error) = check_wire_type(entity, record, property, spec_type) {
            mismatches.push(format!("- {error}"));
        }
    }
    ensure!(mismatches.is_empty(), "{} mismatch(es) on the wire:\n{}", mismatches.len(), mismatches.join("\n"));
    Ok(())
}

#[then(expr = "the contact person {string} at {string} has these types on the wire:")]
async fn contact_person_types(
    world: &mut QaWorld,
    name: String,
    customer: String,
    step: &cucumber::gherkin::Step,
) -> anyhow::Result<()> {
    let person = contact_person_json(world, &name, &customer).await?;
    check_wire_types(&CONTACT_PERSON, &person, step)
}

#[then(expr = "the customer for the Zendesk organization {string} has these types on the wire:")]
async fn customer_types(
    world: &mut QaWorld,
    organization: String,
    step: &cucumber::gherkin::Step,
) -> anyhow::Result<()> {
    let customer = organization_customer_json(world, &organization).await?;
    check_wire_types(&CUSTOMER, &customer, step)
}

#[then(expr = "the employee for {string} has these types on the wire:")]
async fn employee_types(world: &mut QaWorld, user: String, step: &cucumber::gherkin::Step) -> anyhow::Result<()> {
    let employee = employee_json(world, &user).await?;
    check_wire_types(&EMPLOYEE, &employee, step)
}

#[then(expr = "PowerOffice Go has {int} employees")]
async fn employee_count(world: &mut QaWorld, expected: usize) -> anyhow::Result<()> {
    let employees = world.poweroffice().list_employees().await?;
    ensure!(employees.len() == expected, "expected {expected} employees, found {}: {employees:?}", employees.len());
    Ok(())
}
