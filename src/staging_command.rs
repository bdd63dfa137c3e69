//! `dataflow-qa doctor` and `dataflow-qa cleanup`: check the staging configuration, and remove
//! what harness runs left in the staging accounts (only records with the harness's marks).

use std::time::Duration;

use crate::harness::args::parse_duration;
use crate::staging::cleanup::{sweep, Marked, Systems};
use crate::staging::{doctor, RunId, StagingConfig};

#[derive(Clone, Debug, clap::Args)]
pub struct DoctorArgs {
    /// Accept a PowerOffice Go URL outside the demo environment.
    #[arg(long)]
    pub allow_production: bool,
}

#[derive(Clone, Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["run_id", "stale"])))]
pub struct CleanupArgs {
    /// Remove the records one run created (its id is printed when the run starts).
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,

    /// Remove the records of every run that started more than --older-than ago.
    #[arg(long)]
    pub stale: bool,

    /// With --stale: how old a run must be (90m, 24h, 7d).
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = parse_duration)]
    pub older_than: Duration,

    /// List what would be removed, and remove nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Accept a PowerOffice Go URL outside the demo environment.
    #[arg(long)]
    pub allow_production: bool,
}

fn configuration(allow_production: bool) -> anyhow::Result<(StagingConfig, Option<String>)> {
    let config = StagingConfig::from_env()?;
    let warning = config.check_environment(allow_production)?;
    Ok((config, warning))
}

/// 0 ready, 1 a check failed.
pub async fn doctor(args: &DoctorArgs) -> anyhow::Result<u8> {
    let (config, warning) = configuration(args.allow_production)?;
    let (report, healthy) = doctor::doctor(&config, warning.as_deref()).await;
    print!("{report}");
    Ok(u8::from(!healthy))
}

/// 0 everything marked is gone (or listed, with --dry-run), 1 some records could not be removed.
pub async fn cleanup(args: &CleanupArgs) -> anyhow::Result<u8> {
    let (config, warning) = configuration(args.allow_production)?;
    if let Some(warning) = warning {
        eprintln!("{warning}");
    }
    let marked = match (&args.run_id, args.stale) {
        (Some(id), _) => Marked::Run(RunId::parse(id).map_err(|e| anyhow::anyhow!("--run-id: {e}"))?),
        (None, _) => Marked::StartedBefore(time::OffsetDateTime::now_utc() - args.older_than),
    };
    let (zendesk, poweroffice) = config.clients()?;
    let report = sweep(&Systems::new(zendesk, poweroffice), &marked, args.dry_run).await?;
    println!("{report}");
    Ok(u8::from(!report.kept.is_empty()))
}
