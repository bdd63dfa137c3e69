//! Steps about Zendesk records.

use anyhow::Context as _;
use cucumber::{given, then, when};
use pretty_assertions::assert_eq;
use serde_json::Value;

use crate::harness::QaWorld;
use crate::zendesk::model::{NewOrganization, NewUser, Role};

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
    let new_user = NewUser { name: name.clone(), email, organization_id, role: Some(role), skip_verify_email: true };
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
    let created = world.zendesk().create_organization(&NewOrganization { name: name.clone() }).await?;
    world.name_organization(&name, created.id)
}

#[when(expr = "the Zendesk organization {string} is renamed to {string}")]
async fn rename_organization(world: &mut QaWorld, name: String, new_name: String) -> anyhow::Result<()> {
    let id = world.organization(&name)?;
    world.zendesk().update_organization(id, &NewOrganization { name: new_name }).await?;
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

/// A Zendesk role as the features write it: agent, admin or end-user.
#[derive(Debug, Default, cucumber::Parameter)]
#[param(name = "role", regex = "agent|admin|end-user")]
pub struct RoleParameter(Role);

impl std::str::FromStr for RoleParameter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "agent" => Ok(Self(Role::Agent)),
            "admin" => Ok(Self(Role::Admin)),
            "end-user" => Ok(Self(Role::EndUser)),
            other => Err(format!("{other:?} is not a Zendesk role")),
        }
    }
}

#[when(expr = "the primary email of the Zendesk user {string} is changed to {string}")]
async fn change_primary_email(world: &mut QaWorld, name: String, email: String) -> anyhow::Result<()> {
    let id = world.user(&name)?;
    Ok(world.zendesk().set_primary_email(id, &email).await?)
}

#[when(expr = "the Zendesk user {string} is deleted")]
async fn delete_user(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    let id = world.user(&name)?;
    Ok(world.zendesk().delete_user(id).await?)
}

#[then(expr = "the Zendesk user {string} has the primary email {string}")]
async fn user_has_email(world: &mut QaWorld, name: String, email: String) -> anyhow::Result<()> {
    let user = world.zendesk().user_json(world.user(&name)?).await?;
    assert_eq!(user.get("email"), Some(&Value::String(email)), "primary email of the Zendesk user {name}");
    Ok(())
}

#[then(expr = "the Zendesk organization {string} has the name {string}")]
async fn organization_has_name(world: &mut QaWorld, name: String, expected: String) -> anyhow::Result<()> {
    let id = world.organization(&name)?;
    let organizations = world.zendesk().list_organizations().await?;
    let found = organizations.iter().find(|o| o.id == id).context("the organization is gone")?;
    assert_eq!(found.name, expected, "name of the Zendesk organization first called {name}");
    Ok(())
}

#[then(expr = "the Zendesk user {string} belongs to the organization {string}")]
async fn user_in_organization_now(world: &mut QaWorld, name: String, organization: String) -> anyhow::Result<()> {
    let user = world.zendesk().user_json(world.user(&name)?).await?;
    let expected = world.organization(&organization)?;
    assert_eq!(
        user.get("organization_id"),
        Some(&Value::from(expected.get())),
        "organization of the Zendesk user {name}"
    );
    Ok(())
}

#[then(expr = "the Zendesk organization {string} has the url {string}")]
async fn organization_has_url(world: &mut QaWorld, name: String, expected: String) -> anyhow::Result<()> {
    let id = world.organization(&name)?;
    let organizations = world.zendesk().list_organizations().await?;
    let found = organizations.iter().find(|o| o.id == id).context("the organization is gone")?;
    assert_eq!(found.url, expected, "url of the Zendesk organization {name}");
    Ok(())
}

/// `Given the Zendesk users:` with a table in Zendesk's own field names: `name` and `email`,
/// and optionally `role` and `organization` (the name of an organization of this scenario).
#[given("the Zendesk users:")]
async fn users_table(world: &mut QaWorld, step: &cucumber::gherkin::Step) -> anyhow::Result<()> {
    let table = step.table.as_ref().context("this step needs a table with a header row")?;
    let header = table.rows.first().context("the table has no header row")?;
    for (index, row) in table.rows.iter().enumerate().skip(1) {
        let cell = |column: &str| {
            header
                .iter()
                .position(|h| h == column)
                .and_then(|i| row.get(i))
                .map(String::as_str)
                .filter(|v| !v.is_empty())
        };
        let name = cell("name").with_context(|| format!("row {index} has no name"))?.to_owned();
        let role = match cell("role") {
            Some(role) => role.parse::<RoleParameter>().map_err(|e| anyhow::anyhow!("row {index}: {e}"))?.0,
            None => Role::EndUser,
        };
        let email = cell("email").map(str::to_owned);
        let organization = cell("organization").map(str::to_owned);
        create_user_with_role(world, name, email, organization, role).await?;
    }
    Ok(())
}
