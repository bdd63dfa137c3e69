//! Steps about PowerOffice Go records: stating them (one at a time or as tables in the API's
//! own field names), editing them as a user would, and reading them back through the API.

use anyhow::{ensure, Context as _};
use cucumber::{given, then, when};
use serde_json::Value;

use super::params::FieldPath;
use super::{split_name, table_records};
use crate::domain::PogContactId;
use crate::harness::check::expect_eq;
use crate::harness::QaWorld;
use crate::poweroffice::contract::{CONTACT_PERSON, CUSTOMER, DEPARTMENT};
use crate::poweroffice::model::{Customer, NewContactPerson, NewCustomer, NewDepartment, PatchOperation};

/// Creates a company customer named `name` in the scenario's words.
async fn create_customer(world: &mut QaWorld, name: &str, customer: NewCustomer) -> anyhow::Result<()> {
    let customer = NewCustomer { name: Some(world.record_name(name)), ..customer };
    let created = world.poweroffice().create_customer(&customer).await?;
    world.name_customer(name, created.id)
}

async fn create_contact_person(
    world: &mut QaWorld,
    name: String,
    customer: String,
    email: Option<String>,
) -> anyhow::Result<()> {
    let (first_name, last_name) = split_name(&world.record_name(&name))?;
    let contact_id = world.customer(&customer)?;
    let email_address = email.map(|e| world.record_email(&e));
    let person = NewContactPerson { first_name, last_name, email_address };
    let created = world.poweroffice().create_contact_person(contact_id, &person).await?;
    world.name_contact_person(&name, &customer, created.reference())
}

#[given(expr = "the PowerOffice Go customer {string}")]
async fn customer(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    create_customer(world, &name, NewCustomer { is_person: Some(false), ..NewCustomer::default() }).await
}

/// `Given the PowerOffice Go customers:` in Customer's own field names (Name, IsPerson,
/// WebsiteUrl, …); IsPerson defaults to false, a company.
#[given("the PowerOffice Go customers:")]
async fn customers_table(world: &mut QaWorld, step: &cucumber::gherkin::Step) -> anyhow::Result<()> {
    for record in table_records(step, &CUSTOMER, &["Name", "IsPerson", "WebsiteUrl"], &[])? {
        let text = |column: &str| record.text(column).map(str::to_owned);
        let is_person = record.fields.get("IsPerson").and_then(Value::as_bool).unwrap_or(false);
        ensure!(!is_person, "line {}: person customers are not part of this checklist's givens", record.line);
        let customer =
            NewCustomer { is_person: Some(false), website_url: text("WebsiteUrl"), ..NewCustomer::default() };
        create_customer(world, record.required_text("Name")?, customer).await?;
    }
    Ok(())
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

/// `Given the contact persons of the customer "Acme AS":` in ContactPerson's own field names;
/// FirstName and LastName are required, as the API requires them.
#[given(expr = "the contact persons of the customer {string}:")]
async fn contact_persons_table(
    world: &mut QaWorld,
    customer: String,
    step: &cucumber::gherkin::Step,
) -> anyhow::Result<()> {
    for record in table_records(step, &CONTACT_PERSON, &["FirstName", "LastName", "EmailAddress"], &[])? {
        let name = format!("{} {}", record.required_text("FirstName")?, record.required_text("LastName")?);
        let email = record.text("EmailAddress").map(str::to_owned);
        create_contact_person(world, name, customer.clone(), email).await?;
    }
    Ok(())
}

#[given(expr = "the contact person {string} at the customer for the Zendesk organization {string} with email {string}")]
async fn contact_person_at_organization_customer(
    world: &mut QaWorld,
    name: String,
    organization: String,
    email: String,
) -> anyhow::Result<()> {
    let (first_name, last_name) = split_name(&world.record_name(&name))?;
    let contact_id = world.customer_for(&organization).await?;
    let person = NewContactPerson { first_name, last_name, email_address: Some(world.record_email(&email)) };
    let created = world.poweroffice().create_contact_person(contact_id, &person).await?;
    world.name_contact_person(&name, &organization, created.reference())
}

#[given(expr = "the PowerOffice Go department {string}")]
async fn department(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let department = NewDepartment { name: world.record_name(&name), is_active: true };
    let created = world.poweroffice().create_department(&department).await?;
    world.name_department(&name, created.id)
}

/// `Given the PowerOffice Go departments:` in Department's own field names (Name, IsActive).
#[given("the PowerOffice Go departments:")]
async fn departments_table(world: &mut QaWorld, step: &cucumber::gherkin::Step) -> anyhow::Result<()> {
    for record in table_records(step, &DEPARTMENT, &["Name", "IsActive"], &[])? {
        let name = record.required_text("Name")?.to_owned();
        let is_active = record.fields.get("IsActive").and_then(Value::as_bool).unwrap_or(true);
        let department = NewDepartment { name: world.record_name(&name), is_active };
        let created = world.poweroffice().create_department(&department).await?;
        world.name_department(&name, created.id)?;
    }
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
    let email = world.record_email(&email);
    world.poweroffice().patch_contact_person(person, &[PatchOperation::replace("EmailAddress", email)]).await?;
    Ok(())
}

#[when(expr = "the EmailAddress of the contact person {string} at {string} is cleared")]
async fn clear_contact_person_email(world: &mut QaWorld, name: String, customer: String) -> anyhow::Result<()> {
    let person = world.contact_person(&name, &customer)?;
    world.poweroffice().patch_contact_person(person, &[PatchOperation::replace("EmailAddress", Value::Null)]).await?;
    Ok(())
}

#[when(expr = "the contact person {string} at {string} is deleted in PowerOffice Go")]
async fn delete_contact_person(world: &mut QaWorld, name: String, customer: String) -> anyhow::Result<()> {
    let person = world.contact_person(&name, &customer)?;
    Ok(world.poweroffice().delete_contact_person(person).await?)
}

#[when(expr = "the customer for the Zendesk organization {string} is renamed to {string} in PowerOffice Go")]
async fn rename_customer(world: &mut QaWorld, organization: String, name: String) -> anyhow::Result<()> {
    let customer = world.customer_for(&organization).await?;
    let name = world.record_name(&name);
    world.poweroffice().patch_customer(customer, &[PatchOperation::replace("Name", name)]).await?;
    Ok(())
}

#[when(
    expr = "the WebsiteUrl of the customer for the Zendesk organization {string} is changed to {string} in PowerOffice Go"
)]
async fn change_website(world: &mut QaWorld, organization: String, url: String) -> anyhow::Result<()> {
    let customer = world.customer_for(&organization).await?;
    world.poweroffice().patch_customer(customer, &[PatchOperation::replace("WebsiteUrl", url)]).await?;
    Ok(())
}

#[given(expr = "the PowerOffice Go department {string} is deleted")]
#[when(expr = "the PowerOffice Go department {string} is deleted")]
async fn delete_department(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let department = world.department(&name)?;
    Ok(world.poweroffice().delete_department(department).await?)
}

/// An edit in PowerOffice Go of one employee field, or of one field of its MailAddress.
#[when(expr = "the {field} of the employee for {string} is set to {string}")]
async fn set_employee_field(world: &mut QaWorld, path: FieldPath, user: String, value: String) -> anyhow::Result<()> {
    let employee = world.employee_for(&user).await?;
    let pointer = path.to_string().replace('.', "/");
    world.poweroffice().patch_employee(employee, &[PatchOperation::replace(&pointer, value)]).await?;
    Ok(())
}

/// The contact person as PowerOffice Go returns it, read through the API.
pub(super) async fn contact_person_json(world: &QaWorld, name: &str, customer: &str) -> anyhow::Result<Value> {
    let person = world.contact_person(name, customer)?;
    Ok(world.poweroffice().contact_person_json(person).await?)
}

/// The customer linked to a Zendesk organization, as PowerOffice Go returns it.
pub(super) async fn organization_customer_json(world: &QaWorld, organization: &str) -> anyhow::Result<Value> {
    let customer = world.customer_for(organization).await?;
    Ok(world.poweroffice().customer_json(customer).await?)
}

/// The employee the sync made for a Zendesk agent, as PowerOffice Go returns it.
pub(super) async fn employee_json(world: &QaWorld, user: &str) -> anyhow::Result<Value> {
    let employee = world.employee_for(user).await?;
    Ok(world.poweroffice().employee_json(employee).await?)
}

/// One property of a record, or of its nested object (`MailAddress.CountryCode`).
fn property<'r>(record: &'r Value, path: &str) -> Option<&'r Value> {
    path.split('.').try_fold(record, |value, part| value.get(part))
}

#[then(expr = "the contact person {string} at {string} has the EmailAddress {string}")]
async fn contact_person_has_email(
    world: &mut QaWorld,
    name: String,
    customer: String,
    expected: String,
) -> anyhow::Result<()> {
    let expected = Value::from(world.record_email(&expected));
    let (world, name, customer) = (&*world, name.as_str(), customer.as_str());
    world
        .eventually(|| async {
            let person = contact_person_json(world, name, customer).await?;
            expect_eq(&person["EmailAddress"], &expected, &format!("EmailAddress of {name} at {customer}"))
        })
        .await
}

/// Waits until the contact person's ContactId (the spec's partyId) is the customer `owner`
/// finds (which may itself appear only once the sync under test has run).
async fn expect_contact_id<F, Fut>(world: &QaWorld, name: &str, customer: &str, owner: F) -> anyhow::Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<PogContactId>>,
{
    world
        .eventually(|| async {
            let expected = Value::from(owner().await?.get());
            let person = contact_person_json(world, name, customer).await?;
            expect_eq(&person["ContactId"], &expected, &format!("ContactId of {name} at {customer}"))
        })
        .await
}

#[then(expr = "the contact person {string} at {string} still belongs to the customer {string}")]
async fn contact_person_belongs_to(
    world: &mut QaWorld,
    name: String,
    customer: String,
    owner: String,
) -> anyhow::Result<()> {
    let expected = world.customer(&owner)?;
    expect_contact_id(world, &name, &customer, || async { Ok(expected) }).await
}

#[then(expr = "the contact person {string} at {string} belongs to the customer for the Zendesk organization {string}")]
async fn contact_person_belongs_to_organization_customer(
    world: &mut QaWorld,
    name: String,
    customer: String,
    organization: String,
) -> anyhow::Result<()> {
    let (world, organization) = (&*world, organization.as_str());
    expect_contact_id(world, &name, &customer, || world.customer_for(organization)).await
}

#[then(expr = "the contact person {string} at {string} still exists")]
async fn contact_person_exists(world: &mut QaWorld, name: String, customer: String) -> anyhow::Result<()> {
    contact_person_json(world, &name, &customer).await.map(drop)
}

async fn customers_named(world: &QaWorld, name: &str) -> anyhow::Result<Vec<Customer>> {
    let customers = world.poweroffice().list_customers().await?;
    Ok(customers.into_iter().filter(|c| c.name.as_deref() == Some(name)).collect())
}

#[then(expr = "PowerOffice Go has exactly one company customer named {string}")]
async fn one_company_customer(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let name = world.record_name(&name);
    let (world, name) = (&*world, name.as_str());
    world
        .eventually(|| async {
            let found = customers_named(world, name).await?;
            ensure!(found.len() == 1, "expected one customer named {name:?}, found {}: {found:?}", found.len());
            ensure!(found[0].is_person == Some(false), "{name:?} is not a company: IsPerson {:?}", found[0].is_person);
            Ok(())
        })
        .await
}

#[then(expr = "PowerOffice Go has no customer named {string}")]
async fn no_customer_named(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let name = world.record_name(&name);
    let found = customers_named(world, &name).await?;
    ensure!(found.is_empty(), "expected no customer named {name:?}, found {found:?}");
    Ok(())
}

#[then("PowerOffice Go has no person customer")]
async fn no_person_customer(world: &mut QaWorld) -> anyhow::Result<()> {
    let persons: Vec<Customer> = world
        .poweroffice()
        .list_customers()
        .await?
        .into_iter()
        .filter(|c| c.is_person == Some(true) && world.is_ours(c.name.as_deref()))
        .collect();
    ensure!(persons.is_empty(), "person customers were created: {persons:?}");
    Ok(())
}

#[then(expr = "PowerOffice Go has a person customer for the Zendesk organization {string}")]
async fn person_customer_for(world: &mut QaWorld, organization: String) -> anyhow::Result<()> {
    let (world, organization) = (&*world, organization.as_str());
    world
        .eventually(|| async {
            let customers = world.poweroffice().list_customers().await?;
            let found = customers.iter().any(|c| c.is_person == Some(true) && world.is_ours(c.name.as_deref()));
            ensure!(found, "no person customer (IsPerson true) for {organization:?}; the customers are {customers:?}");
            Ok(())
        })
        .await
}

#[then(expr = "the customer for the Zendesk organization {string} has the Name {string}")]
async fn customer_has_name(world: &mut QaWorld, organization: String, expected: String) -> anyhow::Result<()> {
    let expected = Value::from(world.record_name(&expected));
    let (world, organization) = (&*world, organization.as_str());
    world
        .eventually(|| async {
            let customer = organization_customer_json(world, organization).await?;
            expect_eq(&customer["Name"], &expected, &format!("Name of the customer for {organization}"))
        })
        .await
}

#[then(expr = "the customer for the Zendesk organization {string} has the organization's API url as WebsiteUrl")]
async fn customer_has_url(world: &mut QaWorld, organization: String) -> anyhow::Result<()> {
    let id = world.organization(&organization)?;
    let (world, organization) = (&*world, organization.as_str());
    world
        .eventually(|| async {
            let url = world.zendesk().organization(id).await.context("the organization is gone")?.url;
            let customer = organization_customer_json(world, organization).await?;
            expect_eq(
                &customer["WebsiteUrl"],
                &Value::from(url),
                &format!("WebsiteUrl of the customer for {organization}"),
            )
        })
        .await
}

#[then(expr = "PowerOffice Go has exactly one employee with FirstName {string} and LastName {string}")]
async fn one_employee(world: &mut QaWorld, first_name: String, last_name: String) -> anyhow::Result<()> {
    let first_name = world.record_name(&first_name);
    let (world, first_name, last_name) = (&*world, first_name.as_str(), last_name.as_str());
    world
        .eventually(|| async {
            let employees = world.poweroffice().list_employees().await?;
            let matching = employees
                .iter()
                .filter(|e| e.first_name.as_deref() == Some(first_name) && e.last_name.as_deref() == Some(last_name))
                .count();
            ensure!(matching == 1, "expected one employee {first_name} {last_name}, found {matching}: {employees:?}");
            Ok(())
        })
        .await
}

/// The employees of this scenario (in a shared staging account, those with its prefix).
async fn our_employees(world: &QaWorld) -> anyhow::Result<Vec<crate::poweroffice::model::Employee>> {
    let employees = world.poweroffice().list_employees().await?;
    Ok(employees.into_iter().filter(|e| world.is_ours(e.first_name.as_deref())).collect())
}

#[then("PowerOffice Go has no employee")]
async fn no_employee(world: &mut QaWorld) -> anyhow::Result<()> {
    let employees = our_employees(world).await?;
    ensure!(employees.is_empty(), "expected no employee, found {employees:?}");
    Ok(())
}

#[then(expr = "PowerOffice Go has {int} employees")]
async fn employee_count(world: &mut QaWorld, expected: usize) -> anyhow::Result<()> {
    let world = &*world;
    world
        .eventually(|| async {
            let employees = our_employees(world).await?;
            ensure!(
                employees.len() == expected,
                "expected {expected} employees, found {}: {employees:?}",
                employees.len()
            );
            Ok(())
        })
        .await
}

#[then(expr = "the employee for {string} has the DepartmentId of the department {string}")]
async fn employee_department(world: &mut QaWorld, user: String, department: String) -> anyhow::Result<()> {
    let expected = Value::from(world.department(&department)?.get());
    let (world, user) = (&*world, user.as_str());
    world
        .eventually(|| async {
            let employee = employee_json(world, user).await?;
            expect_eq(&employee["DepartmentId"], &expected, &format!("DepartmentId of the employee for {user}"))
        })
        .await
}

#[then(expr = "the employee for {string} has no DepartmentId")]
async fn employee_without_department(world: &mut QaWorld, user: String) -> anyhow::Result<()> {
    let employee = employee_json(world, &user).await?;
    expect_eq(&employee["DepartmentId"], &Value::Null, &format!("DepartmentId of the employee for {user}"))
}

#[then(expr = "the employee for {string} has the {field} {string}")]
async fn employee_has_value(
    world: &mut QaWorld,
    user: String,
    path: FieldPath,
    expected: String,
) -> anyhow::Result<()> {
    let (world, user, path, expected) = (&*world, user.as_str(), path.to_string(), Value::from(expected));
    world
        .eventually(|| async {
            let employee = employee_json(world, user).await?;
            let found = property(&employee, &path).unwrap_or(&Value::Null);
            expect_eq(found, &expected, &format!("{path} of the employee for {user}"))
        })
        .await
}

#[then(expr = "the EmployeeCreatedDateTimeOffset of the employee for {string} is the Zendesk created_at of {string}")]
async fn employee_created_is_zendesk_created(
    world: &mut QaWorld,
    user: String,
    zendesk_user: String,
) -> anyhow::Result<()> {
    let zendesk = world.zendesk().user_json(world.user(&zendesk_user)?).await?;
    let parse = |value: &Value| {
        let text = value.as_str().unwrap_or_default().to_owned();
        time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
            .map_err(|e| anyhow::anyhow!("{text:?} is not a date-time: {e}"))
    };
    let expected = parse(&zendesk["created_at"])?;
    let (world, user) = (&*world, user.as_str());
    world
        .eventually(|| async {
            let employee = employee_json(world, user).await?;
            let written = parse(&employee["EmployeeCreatedDateTimeOffset"])?;
            ensure!(
                written == expected,
                "EmployeeCreatedDateTimeOffset is {written}, but the Zendesk created_at is {expected}"
            );
            Ok(())
        })
        .await
}
