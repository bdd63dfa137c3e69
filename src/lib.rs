//! dataflow-qa makes the Zendesk ↔ PowerOffice Go dataflow checklist executable: Gherkin
//! features run against a reference sync and fake servers that behave like the real APIs.
//!
//! - [`zendesk`] and [`poweroffice`]: per system, the wire model, the API contract, the client
//!   and the fake server.
//! - [`contract`]: the vocabulary of the API contract model both systems share.
//! - [`sync`]: the reference sync (read, plan, apply, report).
//! - [`fake`]: the machinery both fakes are built on.
//! - [`harness`]: the World, the steps and the checklist runner.
//! - [`report`]: the checklist as an HTML page with a verdict on every row.
//! - [`mock_server`]: `dataflow-qa mock`, both fakes as long-running servers.
//! - [`spec`]: the dataflow document as data: parser, built-in spec, drift, coverage and lint.
//! - [`staging`]: running against real accounts safely: run marks, the write guard, cleanup, doctor.

pub mod contract;
pub mod domain;
pub mod dotenv;
pub mod fake;
pub mod harness;
pub mod http;
pub mod mock_server;
pub mod poweroffice;
pub mod report;
pub mod secret;
pub mod spec;
pub mod spec_command;
pub mod staging;
pub mod staging_command;
pub mod state;
pub mod sync;
pub mod sync_command;
pub mod zendesk;
