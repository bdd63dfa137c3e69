//! The reference sync between Zendesk and PowerOffice Go: read both sides ([`snapshot`]), plan
//! with pure functions ([`plan`]), apply the plan ([`apply`]), and return a [`SyncReport`].
//! Covered so far: R1, M1 and M2 (users ↔ contact persons), R2, R3, M3 and M4
//! (organizations → customers), Zendesk → PowerOffice Go.

mod apply;
mod links;
pub mod plan;
mod report;
pub mod snapshot;

pub use links::{CustomerLink, Link, LinkTable};
pub use plan::{Finding, PlannedWrite, SyncPlan, Target};
pub use report::{Failure, SyncReport, SystemRequests};

use crate::http::ClientError;
use crate::poweroffice::PowerOfficeClient;
use crate::zendesk::ZendeskClient;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the sync could not read both systems: {0}")]
    Read(#[source] ClientError),
}

/// Runs one sync pass and updates `links` with what it linked or unlinked.
pub async fn sync_once(
    zendesk: &ZendeskClient,
    poweroffice: &PowerOfficeClient,
    links: &mut LinkTable,
) -> Result<SyncReport, SyncError> {
    let before = (zendesk.request_counts(), poweroffice.request_counts());
    let snapshot = snapshot::read(zendesk, poweroffice).await.map_err(SyncError::Read)?;
    let plan = plan::plan(&snapshot, links);
    let mut report = apply::apply(plan, poweroffice, links).await;
    report.requests = SystemRequests {
        zendesk: zendesk.request_counts().since(before.0),
        poweroffice: poweroffice.request_counts().since(before.1),
    };
    Ok(report)
}
