//! Steps about Zendesk records: stating them, editing them as an agent would, and reading
//! them back through the API.

use anyhow::{anyhow, Context as _};
use cucumber::{given, then, when};
use serde_json::Value;

use super::params::RoleParameter;
use super::table_records;
use crate::harness::check::expect_eq;
use crate::harness::QaWorld;
use crate::zendesk::contract::USER;
use crate::zendesk::model::{NewOrganization, NewUser, Organization, Role, UserUpdate};

async fn create_user(
    world: &mut QaWorld,
    name: String,
    email: Option<String>,
    organization: Option<String>,
) -> anyhow::Result<()> {
    create_user_with_role(world, name, email, organization, Role::EndUser).await
}

async fn create_user_with_role(
    world: &mut QaWorld,
    name: String,
    email: Option<String>,
    organization: Option<String>,
    role: Role,
) -> anyhow::Result<()> {
    let organization_id = organization.map(|o| world.organization(&o)).transpose()?;
    let email = email.map(|e| world.record_email(&e));
    let (tags, external_id) = world.run_marks();
    let new_user = NewUser {
        name: world.record_name(&name),
        email,
        organization_id,
        role: Some(role),
        skip_verify_email: true,
        tags,
        external_id,
    };
    let user = world.zendesk().create_user(&new_user).await?;
    world.name_user(&name, user.id)
}

#[given(expr = "the Zendesk user {string} with email {string}")]
async fn user_with_email(world: &mut QaWorld, name: String, email: String) -> anyhow::Result<()> {
    create_user(world, name, Some(email), None).await
}

#[given(expr = "the Zendesk user {string} with email {string} in the organization {string}")]
async fn user_in_organization(
    world: &mut QaWorld,
    name: String,
    email: String,
    organization: String,
) -> anyhow::Result<()> {
    create_user(world, name, Some(email), Some(organization)).await
}

#[given(expr = "the Zendesk user {string} without an email")]
async fn user_without_email(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    create_user(world, name, None, None).await
}

#[given(expr = "the Zendesk organization {string}")]
async fn organization(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let (tags, _) = world.run_marks();
    let organization = NewOrganization { name: world.record_name(&name), tags };
    let created = world.zendesk().create_organization(&organization).await?;
    world.name_organization(&name, created.id)
}

#[when(expr = "the Zendesk organization {string} is renamed to {string}")]
async fn rename_organization(world: &mut QaWorld, name: String, new_name: String) -> anyhow::Result<()> {
    let id = world.organization(&name)?;
    let renamed = NewOrganization { name: world.record_name(&new_name), ..NewOrganization::default() };
    world.zendesk().update_organization(id, &renamed).await?;
    Ok(())
}

#[given(expr = "the Zendesk {role} {string} with email {string}")]
async fn user_with_role(world: &mut QaWorld, role: RoleParameter, name: String, email: String) -> anyhow::Result<()> {
    create_user_with_role(world, name, Some(email), None, role.0).await
}

#[given(expr = "the Zendesk {role} {string} with email {string} in the organization {string}")]
async fn user_with_role_in_organization(
    world: &mut QaWorld,
    role: RoleParameter,
    name: String,
    email: String,
    organization: String,
) -> anyhow::Result<()> {
    create_user_with_role(world, name, Some(email), Some(organization), role.0).await
}

#[when(expr = "the primary email of the Zendesk user {string} is changed to {string}")]
async fn change_primary_email(world: &mut QaWorld, name: String, email: String) -> anyhow::Result<()> {
    let id = world.user(&name)?;
    let email = world.record_email(&email);
    Ok(world.zendesk().set_primary_email(id, &email).await?)
}

#[when(expr = "the Zendesk user {string} is deleted")]
async fn delete_user(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let id = world.user(&name)?;
    Ok(world.zendesk().delete_user(id).await?)
}

#[when(expr = "the Zendesk user {string} moves to the organization {string}")]
async fn move_user(world: &mut QaWorld, name: String, organization: String) -> anyhow::Result<()> {
    let id = world.user(&name)?;
    let update = UserUpdate { organization_id: Some(world.organization(&organization)?), ..UserUpdate::default() };
    world.zendesk().update_user(id, &update).await?;
    Ok(())
}

/// The organization as Zendesk returns it.
async fn organization_record(world: &QaWorld, name: &str) -> anyhow::Result<Organization> {
    let id = world.organization(name)?;
    world.zendesk().organization(id).await.with_context(|| format!("the Zendesk organization {name} is gone"))
}

#[then(expr = "the Zendesk user {string} has the primary email {string}")]
async fn user_has_email(world: &mut QaWorld, name: String, email: String) -> anyhow::Result<()> {
    let id = world.user(&name)?;
    let email = world.record_email(&email);
    let (world, name, expected) = (&*world, name.as_str(), Value::from(email));
    world
        .eventually(|| async {
            let user = world.zendesk().user_json(id).await?;
            expect_eq(&user["email"], &expected, &format!("primary email of the Zendesk user {name}"))
        })
        .await
}

#[then(expr = "the Zendesk organization {string} has the name {string}")]
async fn organization_has_name(world: &mut QaWorld, name: String, expected: String) -> anyhow::Result<()> {
    let expected = world.record_name(&expected);
    let (world, name, expected) = (&*world, name.as_str(), expected.as_str());
    world
        .eventually(|| async {
            let found = organization_record(world, name).await?;
            expect_eq(found.name.as_str(), expected, &format!("name of the Zendesk organization first called {name}"))
        })
        .await
}

#[then(expr = "the Zendesk user {string} belongs to the organization {string}")]
async fn user_in_organization_now(world: &mut QaWorld, name: String, organization: String) -> anyhow::Result<()> {
    let id = world.user(&name)?;
    let expected = Value::from(world.organization(&organization)?.get());
    let (world, name) = (&*world, name.as_str());
    world
        .eventually(|| async {
            let user = world.zendesk().user_json(id).await?;
            expect_eq(&user["organization_id"], &expected, &format!("organization of the Zendesk user {name}"))
        })
        .await
}

#[then(expr = "the Zendesk organization {string} has the url {string}")]
async fn organization_has_url(world: &mut QaWorld, name: String, expected: String) -> anyhow::Result<()> {
    let (world, name, expected) = (&*world, name.as_str(), expected.as_str());
    world
        .eventually(|| async {
            let found = organization_record(world, name).await?;
            expect_eq(found.url.as_str(), expected, &format!("url of the Zendesk organization {name}"))
        })
        .await
}

#[then(expr = "the Zendesk user {string} still exists")]
async fn user_exists(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let user = world.zendesk().user_json(world.user(&name)?).await?;
    expect_eq(&user["active"], &Value::Bool(true), &format!("active of the Zendesk user {name}"))
}

/// `Given the Zendesk users:` in Zendesk's own field names: `name` and `email`, optionally
/// `role`, and `organization` (the name of an organization of this scenario).
#[given("the Zendesk users:")]
async fn users_table(world: &mut QaWorld, step: &cucumber::gherkin::Step) -> anyhow::Result<()> {
    for record in table_records(step, &USER, &["name", "email", "role"], &["organization"])? {
        let role = match record.text("role") {
            Some(role) => role.parse::<RoleParameter>().map_err(|e| anyhow!("line {}: {e}", record.line))?.0,
            None => Role::EndUser,
        };
        let name = record.required_text("name")?.to_owned();
        let email = record.text("email").map(str::to_owned);
        let organization = record.text("organization").map(str::to_owned);
        create_user_with_role(world, name, email, organization, role).await?;
    }
    Ok(())
}
