//! Steps that run the sync and check what it linked, wrote and reported.

use anyhow::ensure;
use cucumber::{given, then, when};
use pretty_assertions::assert_eq;

use crate::harness::QaWorld;

#[given("the sync has run")]
#[when("the sync runs")]
#[when("the sync runs again")]
async fn sync_runs(world: &mut QaWorld) -> anyhow::Result<()> {
    world.run_sync().await
}

#[when("the sync loses its link table")]
async fn sync_loses_links(world: &mut QaWorld) {
    world.forget_links();
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

#[then(expr = "the Zendesk organization {string} is linked to a customer")]
async fn organization_is_linked(world: &mut QaWorld, organization: String) -> anyhow::Result<()> {
    world.customer_of_organization(&organization).map(drop)
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

#[then(expr = "the last sync reported the {word} conflict for the Zendesk organization {string}")]
async fn conflict_for_organization(world: &mut QaWorld, item: String, organization: String) -> anyhow::Result<()> {
    let record = format!("Zendesk organization {}", world.organization(&organization)?);
    let report = world.last_report()?;
    let found = report.conflicts.iter().any(|c| c.item == item && c.record == record);
    ensure!(found, "no {item} conflict for {record}; the conflicts were {:?}", report.conflicts);
    Ok(())
}

#[then(expr = "the last sync reported the {word} conflict for the contact person {string} at {string}")]
async fn conflict_for_contact_person(
    world: &mut QaWorld,
    item: String,
    person: String,
    customer: String,
) -> anyhow::Result<()> {
    let record = world.contact_person(&person, &customer)?.to_string();
    let report = world.last_report()?;
    let found = report.conflicts.iter().any(|c| c.item == item && c.record == record);
    ensure!(found, "no {item} conflict for {record}; the conflicts were {:?}", report.conflicts);
    Ok(())
}

#[given(expr = "the Zendesk organization {string} is linked to the department {string}")]
async fn organization_department(world: &mut QaWorld, organization: String, department: String) -> anyhow::Result<()> {
    world.link_department(&organization, &department)
}

#[then(expr = "the last sync skipped {word} for the employee of {string} because it is read-only")]
async fn skipped_read_only(world: &mut QaWorld, item: String, user: String) -> anyhow::Result<()> {
    let record = crate::sync::Target::Employee { id: world.employee_of_user(&user)? }.to_string();
    let report = world.last_report()?;
    let found = report.skipped.iter().any(|s| s.item == item && s.record == record && s.reason.contains("read-only"));
    ensure!(found, "no {item} skip for {record}; the skips were {:?}", report.skipped);
    Ok(())
}

#[then(expr = "the last sync skipped {word} for the Zendesk user {string}")]
async fn skipped_user(world: &mut QaWorld, item: String, user: String) -> anyhow::Result<()> {
    let record = format!("Zendesk user {}", world.user(&user)?);
    let report = world.last_report()?;
    let found = report.skipped.iter().any(|s| s.item == item && s.record == record);
    ensure!(found, "no {item} skip for {record}; the skips were {:?}", report.skipped);
    Ok(())
}

#[then("the last sync deleted nothing in PowerOffice Go")]
async fn nothing_deleted(world: &mut QaWorld) -> anyhow::Result<()> {
    let deletes: Vec<String> =
        world.writes_since_last_sync()?.iter().filter(|w| w.method == "DELETE").map(|w| w.path.clone()).collect();
    ensure!(deletes.is_empty(), "the sync deleted: {}", deletes.join(", "));
    Ok(())
}
