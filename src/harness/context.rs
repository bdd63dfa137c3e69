//! What this run checks and where: the built-in fakes or the staging accounts, and our
//! reference sync or an external one. The runner sets it once before the scenarios start;
//! each scenario's World reads it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::poweroffice::PowerOfficeClient;
use crate::staging::cleanup::CleanupReport;
use crate::staging::{RunScope, StagingConfig};
use crate::zendesk::ZendeskClient;

/// A staging run: the accounts, the run's marks, and what cleanup could not remove.
#[derive(Debug)]
pub struct StagingRun {
    pub config: StagingConfig,
    /// Clients every scenario clones: one rate limiter (and one token) per account for the
    /// whole run, however many scenarios run at once.
    pub zendesk: ZendeskClient,
    pub poweroffice: PowerOfficeClient,
    pub scope: RunScope,
    pub leftovers: Mutex<CleanupReport>,
}

#[derive(Clone, Debug)]
pub enum Target {
    /// A fresh pair of in-process fakes per scenario.
    Mock,
    Staging(Arc<StagingRun>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncMode {
    /// Our sync runs in-process whenever a step says the sync runs.
    Reference,
    /// Another engine does the work; Then-steps wait for its effects up to `timeout`, and a
    /// step that says the sync runs waits `cycle`, the longest one pass of that engine takes
    /// (it gives no signal when it is done).
    External { timeout: Duration, cycle: Duration },
}

#[derive(Clone, Debug)]
pub struct RunContext {
    pub target: Target,
    pub sync: SyncMode,
}

impl Default for RunContext {
    fn default() -> Self {
        Self { target: Target::Mock, sync: SyncMode::Reference }
    }
}

static CURRENT: Mutex<Option<RunContext>> = Mutex::new(None);

pub fn set(context: RunContext) {
    *CURRENT.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(context);
}

/// The context of the run in progress (the fakes and the reference sync if none was set).
pub fn current() -> RunContext {
    CURRENT.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone().unwrap_or_default()
}
