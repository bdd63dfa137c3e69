//! Steps that make a fake misbehave the way the real API can (fault injection). Scenarios that
//! use them need control over the fakes, so they carry `@reference-only`.

use anyhow::ensure;
use cucumber::{given, then, when};

use super::params::SystemParameter;
use crate::fake::{Fault, FaultAction};
use crate::harness::QaWorld;

fn inject(world: &QaWorld, system: SystemParameter, fault: Fault) -> anyhow::Result<()> {
    let fakes = world.fakes()?;
    match system {
        SystemParameter::Zendesk => fakes.zendesk.inject(fault),
        SystemParameter::PowerOffice => fakes.poweroffice.inject(fault),
    }
    Ok(())
}

#[given(expr = "{system} rate-limits the next {word} request to {string}")]
async fn rate_limits(world: &mut QaWorld, system: SystemParameter, method: String, path: String) -> anyhow::Result<()> {
    inject(world, system, Fault::rate_limit(&method, &path, 0))
}

#[given(expr = "{system} answers the next {int} {word} requests to {string} with status {int}")]
async fn answers_with(
    world: &mut QaWorld,
    system: SystemParameter,
    times: u32,
    method: String,
    path: String,
    status: u16,
) -> anyhow::Result<()> {
    inject(world, system, Fault::status(&method, &path, status).times(times))
}

#[given(expr = "{system} drops the connection of the next {word} request to {string}")]
async fn drops_connection(
    world: &mut QaWorld,
    system: SystemParameter,
    method: String,
    path: String,
) -> anyhow::Result<()> {
    let fault = Fault { method: Some(method), path, times: 1, skip: 0, action: FaultAction::CloseConnection };
    inject(world, system, fault)
}

#[when("the sync runs and fails")]
async fn sync_fails(world: &mut QaWorld) -> anyhow::Result<()> {
    let failure = world.run_failing_sync().await?;
    world.remember_failure(failure);
    Ok(())
}

#[then(expr = "the failure names {string}")]
async fn failure_names(world: &mut QaWorld, expected: String) -> anyhow::Result<()> {
    let failure = world.last_failure()?;
    ensure!(failure.contains(&expected), "the failure does not name {expected:?}: {failure}");
    Ok(())
}
