//! Steps that run the sync and check what its last run wrote and reported.

use anyhow::ensure;
use cucumber::{given, then, when};

use super::params::ItemParameter;
use crate::harness::QaWorld;

#[given("the sync has run")]
#[when("the sync runs")]
#[when("the sync runs again")]
async fn sync_runs(world: &mut QaWorld) -> anyhow::Result<()> {
    world.run_sync().await
}

#[when("the sync runs again, reporting what it could not write")]
async fn sync_runs_with_failures(world: &mut QaWorld) -> anyhow::Result<()> {
    world.run_sync_reporting_failures().await.map(drop)
}

#[when("the sync loses its link table")]
async fn sync_loses_links(world: &mut QaWorld) -> anyhow::Result<()> {
    world.forget_links()
}

#[then("the last sync wrote nothing to either system")]
async fn last_sync_wrote_nothing(world: &mut QaWorld) -> anyhow::Result<()> {
    if let Some(writes) = world.writes_since_last_sync()? {
        let shown: Vec<String> = writes.iter().map(|w| format!("{} {} -> {}", w.method, w.path, w.status)).collect();
        ensure!(shown.is_empty(), "the last sync wrote {} time(s): {}", shown.len(), shown.join("; "));
    }
    let report = world.last_report()?;
    ensure!(report.updates.is_empty(), "the sync reported updates: {:?}", report.updates);
    let requests = &report.requests;
    let writes = requests.zendesk.writes + requests.poweroffice.writes;
    ensure!(writes == 0, "the sync sent {writes} write request(s): {requests:?}");
    Ok(())
}

#[then(expr = "the last sync reported the {item} conflict for the Zendesk organization {string}")]
async fn conflict_for_organization(
    world: &mut QaWorld,
    item: ItemParameter,
    organization: String,
) -> anyhow::Result<()> {
    let record = format!("Zendesk organization {}", world.organization(&organization)?);
    let report = world.last_report()?;
    let found = report.conflicts.iter().any(|c| c.item == item.0 && c.record == record);
    ensure!(found, "no {item} conflict for {record}; the conflicts were {:?}", report.conflicts);
    Ok(())
}

#[then(expr = "the last sync reported the {item} conflict for the contact person {string} at {string}")]
async fn conflict_for_contact_person(
    world: &mut QaWorld,
    item: ItemParameter,
    person: String,
    customer: String,
) -> anyhow::Result<()> {
    let record = world.contact_person(&person, &customer)?.to_string();
    let report = world.last_report()?;
    let found = report.conflicts.iter().any(|c| c.item == item.0 && c.record == record);
    ensure!(found, "no {item} conflict for {record}; the conflicts were {:?}", report.conflicts);
    Ok(())
}

#[then(expr = "the last sync skipped {item} for the employee of {string} because it is read-only")]
async fn skipped_read_only(world: &mut QaWorld, item: ItemParameter, user: String) -> anyhow::Result<()> {
    let record = crate::sync::Target::Employee { id: world.employee_for(&user).await? }.to_string();
    let report = world.last_report()?;
    let found = report.skipped.iter().any(|s| s.item == item.0 && s.record == record && s.reason.contains("read-only"));
    ensure!(found, "no {item} skip for {record}; the skips were {:?}", report.skipped);
    Ok(())
}

#[then(expr = "the last sync skipped {item} for the Zendesk user {string}")]
async fn skipped_user(world: &mut QaWorld, item: ItemParameter, user: String) -> anyhow::Result<()> {
    let record = format!("Zendesk user {}", world.user(&user)?);
    let report = world.last_report()?;
    let found = report.skipped.iter().any(|s| s.item == item.0 && s.record == record);
    ensure!(found, "no {item} skip for {record}; the skips were {:?}", report.skipped);
    Ok(())
}

#[then(expr = "the last sync failed to write {item} for the employee of {string}, naming the reason {string}")]
async fn failed_for_employee(
    world: &mut QaWorld,
    item: ItemParameter,
    user: String,
    reason: String,
) -> anyhow::Result<()> {
    let record = crate::sync::Target::Employee { id: world.employee_for(&user).await? }.to_string();
    let report = world.last_report()?;
    let found =
        report.failures.iter().any(|f| f.item == item.0 && f.action.contains(&record) && f.error.contains(&reason));
    ensure!(found, "no {item} failure for {record} naming {reason:?}; the failures were {:?}", report.failures);
    Ok(())
}

#[then("the last sync deleted nothing in PowerOffice Go")]
async fn nothing_deleted(world: &mut QaWorld) -> anyhow::Result<()> {
    if let Some(writes) = world.writes_since_last_sync()? {
        let deletes: Vec<String> = writes.iter().filter(|w| w.method == "DELETE").map(|w| w.path.clone()).collect();
        ensure!(deletes.is_empty(), "the sync deleted: {}", deletes.join(", "));
    }
    let deletes = world.last_report()?.requests.poweroffice.deletes;
    ensure!(deletes == 0, "the sync sent {deletes} DELETE request(s) to PowerOffice Go");
    Ok(())
}
