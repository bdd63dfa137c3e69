//! Steps that run the sync and check what it linked and wrote.

use anyhow::ensure;
use cucumber::{then, when};
use pretty_assertions::assert_eq;

use crate::harness::QaWorld;

#[when("the sync runs")]
#[when("the sync runs again")]
async fn sync_runs(world: &mut QaWorld) -> anyhow::Result<()> {
    world.run_sync().await
}

#[then(expr = "the Zendesk user {string} is linked to the contact person {string} at {string}")]
async fn user_is_linked(world: &mut QaWorld, user: String, person: String, customer: String) -> anyhow::Result<()> {
    let user_id = world.user(&user)?;
    let person_ref = world.contact_person(&person, &customer)?;
    assert_eq!(
        world.links().user_of(person_ref),
        Some(user_id),
        "{person} at {customer} should be linked to the Zendesk user {user}"
    );
    Ok(())
}

#[then(expr = "the Zendesk user {string} is linked to no contact person")]
async fn user_is_not_linked(world: &mut QaWorld, user: String) -> anyhow::Result<()> {
    let linked = world.links().contact_persons_of(world.user(&user)?);
    ensure!(linked.is_empty(), "the Zendesk user {user} is linked to {linked:?}");
    Ok(())
}

#[then(expr = "the contact person {string} at {string} is linked to no Zendesk user")]
async fn contact_person_is_not_linked(world: &mut QaWorld, person: String, customer: String) -> anyhow::Result<()> {
    let linked = world.links().user_of(world.contact_person(&person, &customer)?);
    ensure!(linked.is_none(), "{person} at {customer} is linked to the Zendesk user {linked:?}");
    Ok(())
}

#[then("the last sync wrote nothing to either system")]
async fn last_sync_wrote_nothing(world: &mut QaWorld) -> anyhow::Result<()> {
    let writes: Vec<String> =
        world.writes_since_last_sync()?.iter().map(|w| format!("{} {} -> {}", w.method, w.path, w.status)).collect();
    ensure!(writes.is_empty(), "the last sync wrote {} time(s): {}", writes.len(), writes.join("; "));
    let report = world.last_report()?;
    ensure!(report.updates.is_empty(), "the sync reported updates: {:?}", report.updates);
    Ok(())
}
