//! The Gherkin harness: the World, the step library, the checklist runner and its command-line
//! options (shared by `dataflow-qa run` and `cargo test`).

pub mod args;
pub mod check;
pub mod context;
pub mod failures;
pub mod results;
mod runner;
mod steps;
mod world;

pub use args::RunArgs;
pub use runner::{run_checklist, RunOptions, Verdict};
pub use steps::{FAKES_ONLY_STEPS, REFERENCE_ONLY_STEPS};
pub use world::QaWorld;
