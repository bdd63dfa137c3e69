//! Steps about Zendesk records.

use cucumber::{given, when};

use crate::harness::QaWorld;
use crate::zendesk::model::{NewOrganization, NewUser};

async fn create_user(
    world: &mut QaWorld,
    name: String,
    email: Option<String>,
    organization: Option<String>,
) -> anyhow::Result<()> {
    let organization_id = organization.map(|o| world.organization(&o)).transpose()?;
    let new_user =
        NewUser { name: name.clone(), email, organization_id, skip_verify_email: true, ..NewUser::default() };
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
