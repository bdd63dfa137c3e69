//! The reference sync between Zendesk and PowerOffice Go: read both sides ([`snapshot`]), plan
//! with pure functions ([`plan`]), apply the plan ([`apply`]), and return a [`SyncReport`].
//! Covered so far, Zendesk → PowerOffice Go: R1, M1, M2 (users ↔ contact persons), R2, R3, M3,
//! M4 (organizations → customers), R4, M5–M8 (agents → employees).

mod apply;
mod links;
pub mod plan;
mod report;
pub mod snapshot;

pub use links::{CustomerLink, EmployeeLink, Link, LinkTable};
pub use plan::{Finding, PlannedWrite, PlannedZendeskWrite, SyncPlan, Target, ZendeskTarget};
pub use report::{Failure, SyncReport, SystemRequests};

use crate::http::ClientError;
use crate::poweroffice::PowerOfficeClient;
use crate::zendesk::ZendeskClient;

/// Choices the spec leaves open, and how far the sync may reach.
#[derive(Clone, Debug, Default)]
pub struct SyncOptions {
    /// R4 says agents; with this, admins become employees too (SPEC-NOTES decision 6).
    pub include_admins: bool,
    /// In staging: the sync sees only the records this guard holds (the run's own), so it
    /// never plans a write to anyone else's.
    pub scope: Option<std::sync::Arc<crate::staging::WriteGuard>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the sync could not read both systems: {0}")]
    Read(#[source] ClientError),
}

/// Reads both sides and plans, writing nothing (for `--dry-run`).
pub async fn plan_once(
    zendesk: &ZendeskClient,
    poweroffice: &PowerOfficeClient,
    links: &LinkTable,
    options: &SyncOptions,
) -> Result<SyncPlan, SyncError> {
    let snapshot = snapshot::read(zendesk, poweroffice).await.map_err(SyncError::Read)?;
    Ok(plan::plan(&snapshot, links, options))
}

/// What a sync keeps between runs: the links, and the snapshot of the last read with the
/// cursors to read on from (none before the first run).
#[derive(Clone, Debug, Default)]
pub struct SyncState {
    pub links: LinkTable,
    pub mirror: Option<snapshot::Mirror>,
}

/// One sync pass that reads only what changed since the last one (everything on the first
/// run, or with `full`), and keeps the snapshot for the next.
pub async fn sync_with_state(
    zendesk: &ZendeskClient,
    poweroffice: &PowerOfficeClient,
    state: &mut SyncState,
    options: &SyncOptions,
    full: bool,
) -> Result<SyncReport, SyncError> {
    let before = (zendesk.request_counts(), poweroffice.request_counts());
    let mirror = match state.mirror.take() {
        Some(previous) if !full => snapshot::read_changes(zendesk, poweroffice, previous).await,
        _ => snapshot::read_full(zendesk, poweroffice).await,
    }
    .map_err(SyncError::Read)?;
    let plan = plan::plan(&mirror.snapshot, &state.links, options);
    state.mirror = Some(mirror);
    let mut report = apply::apply(plan, zendesk, poweroffice, &mut state.links).await;
    report.requests = SystemRequests {
        zendesk: zendesk.request_counts().since(before.0),
        poweroffice: poweroffice.request_counts().since(before.1),
    };
    Ok(report)
}

/// Runs one sync pass and updates `links` with what it linked or unlinked.
pub async fn sync_once(
    zendesk: &ZendeskClient,
    poweroffice: &PowerOfficeClient,
    links: &mut LinkTable,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let before = (zendesk.request_counts(), poweroffice.request_counts());
    let mut snapshot = snapshot::read(zendesk, poweroffice).await.map_err(SyncError::Read)?;
    if let Some(scope) = &options.scope {
        snapshot.keep_only(scope);
    }
    let plan = plan::plan(&snapshot, links, options);
    let mut report = apply::apply(plan, zendesk, poweroffice, links).await;
    report.requests = SystemRequests {
        zendesk: zendesk.request_counts().since(before.0),
        poweroffice: poweroffice.request_counts().since(before.1),
    };
    Ok(report)
}
