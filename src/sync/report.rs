//! What one sync run did, for the features to assert on and for the CLI to print as JSON.

use serde::Serialize;

use super::links::Link;
use super::plan::{PlannedWrite, Skipped};
use crate::http::RequestCounts;

#[derive(Clone, Debug, Serialize)]
pub struct FailedWrite {
    pub write: PlannedWrite,
    pub error: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct SystemRequests {
    pub zendesk: RequestCounts,
    pub poweroffice: RequestCounts,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct SyncReport {
    pub links_made: Vec<Link>,
    pub links_dropped: Vec<Link>,
    pub updates: Vec<PlannedWrite>,
    pub failed_writes: Vec<FailedWrite>,
    pub skipped: Vec<Skipped>,
    pub requests: SystemRequests,
}

impl SyncReport {
    /// True when every planned write went through.
    pub fn is_clean(&self) -> bool {
        self.failed_writes.is_empty()
    }
}
