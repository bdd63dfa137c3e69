//! Steps about Zendesk records.

use cucumber::{given, when};

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
