//! Staging: running the checklist against real Zendesk and PowerOffice Go accounts without
//! harming data the run did not create. It owns the run's marks (`scope`), the one write guard
//! the staging clients share (`guard`), the configuration and its production guard (`config`),
//! removing what a run left behind (`cleanup`), and `dataflow-qa doctor`.

pub mod cleanup;
pub mod config;
pub mod doctor;
pub mod guard;
pub mod scope;

pub use config::StagingConfig;
pub use guard::WriteGuard;
pub use scope::{RunId, RunScope};
