//! Steps about Zendesk records.

use cucumber::given;

use crate::harness::QaWorld;
use crate::zendesk::model::NewUser;

async fn create_user(world: &mut QaWorld, name: String, email: Option<String>) -> anyhow::Result<()> {
    let new_user = NewUser { name: name.clone(), email, skip_verify_email: true, ..NewUser::default() };
    let user = world.zendesk().create_user(&new_user).await?;
    world.name_user(&name, user.id)
}

#[given(expr = "the Zendesk user {string} with email {string}")]
async fn user_with_email(world: &mut QaWorld, name: String, email: String) -> anyhow::Result<()> {
    create_user(world, name, Some(email)).await
}

#[given(expr = "the Zendesk user {string} without an email")]
async fn user_without_email(world: &mut QaWorld, name: String) -> anyhow::Result<()> {
    create_user(world, name, None).await
}
