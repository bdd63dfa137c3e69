//! Steps about the links between records of the two systems: the ones the sync made, and the
//! organization↔department links this spec version leaves to the scenario.

use anyhow::ensure;
use cucumber::{given, then};

use crate::harness::check::expect_eq;
use crate::harness::QaWorld;

#[given(expr = "the Zendesk organization {string} is linked to the department {string}")]
async fn organization_department(world: &mut QaWorld, organization: String, department: String) -> anyhow::Result<()> {
    world.link_department(&organization, &department)
}

#[then(expr = "the Zendesk user {string} is linked to the contact person {string} at {string}")]
async fn user_is_linked(world: &mut QaWorld, user: String, person: String, customer: String) -> anyhow::Result<()> {
    let user_id = world.user(&user)?;
    let person_ref = world.contact_person(&person, &customer)?;
    expect_eq(
        &world.links()?.user_of(person_ref),
        &Some(user_id),
        &format!("the Zendesk user linked to {person} at {customer}"),
    )
}

#[then(expr = "the Zendesk user {string} is linked to no contact person")]
async fn user_is_not_linked(world: &mut QaWorld, user: String) -> anyhow::Result<()> {
    let linked = world.links()?.contact_persons_of(world.user(&user)?);
    ensure!(linked.is_empty(), "the Zendesk user {user} is linked to {linked:?}");
    Ok(())
}

#[then(expr = "the contact person {string} at {string} is linked to no Zendesk user")]
async fn contact_person_is_not_linked(world: &mut QaWorld, person: String, customer: String) -> anyhow::Result<()> {
    let linked = world.links()?.user_of(world.contact_person(&person, &customer)?);
    ensure!(linked.is_none(), "{person} at {customer} is linked to the Zendesk user {linked:?}");
    Ok(())
}

#[then(expr = "the Zendesk organization {string} is linked to a customer")]
async fn organization_is_linked(world: &mut QaWorld, organization: String) -> anyhow::Result<()> {
    let (world, organization) = (&*world, organization.as_str());
    world.eventually(|| async { world.customer_for(organization).await.map(drop) }).await
}
