//! Carrying out a plan: the link table changes, then each write. A write that fails is
//! recorded with its error and the rest go on, so one bad field never blocks the others.

use super::links::LinkTable;
use super::plan::SyncPlan;
use super::report::{FailedWrite, SyncReport};
use crate::poweroffice::model::PatchOperation;
use crate::poweroffice::PowerOfficeClient;

pub async fn apply(plan: SyncPlan, poweroffice: &PowerOfficeClient, links: &mut LinkTable) -> SyncReport {
    for link in &plan.dropped_links {
        links.remove(*link);
    }
    for link in &plan.new_links {
        links.insert(*link);
    }
    let mut report = SyncReport {
        links_made: plan.new_links,
        links_dropped: plan.dropped_links,
        skipped: plan.skipped,
        ..SyncReport::default()
    };
    for write in plan.writes {
        let operation = PatchOperation::replace(write.property, write.to.clone());
        match poweroffice.patch_contact_person(write.contact_person, &[operation]).await {
            Ok(_) => report.updates.push(write),
            Err(error) => report.failed_writes.push(FailedWrite { write, error: error.to_string() }),
        }
    }
    report
}
