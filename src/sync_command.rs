//! `dataflow-qa sync`: one pass of the reference sync between the configured Zendesk and
//! PowerOffice Go, with its state in a SQLite file. Settings come from flags or from the
//! environment (and `.env`), the same variables `dataflow-qa mock` prints.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::http::RateLimit;
use crate::poweroffice::PowerOfficeSettings;
use crate::secret::Secret;
use crate::state::StateStore;
use crate::sync::{self, SyncOptions, SyncReport};
use crate::zendesk::ZendeskSettings;

#[derive(Clone, clap::Args)]
pub struct SyncArgs {
    /// The Zendesk account's base URL, e.g. https://acme.zendesk.com (no /api/v2).
    #[arg(long, env = "ZENDESK_URL")]
    pub zendesk_url: String,
    #[arg(long, env = "ZENDESK_EMAIL")]
    pub zendesk_email: String,
    #[arg(long, env = "ZENDESK_API_TOKEN", hide_env_values = true)]
    pub zendesk_api_token: Secret,
    /// The PowerOffice Go v2 base, including /v2.
    #[arg(long, env = "POWEROFFICE_API_URL", default_value = "https://goapi.poweroffice.net/Demo/v2")]
    pub poweroffice_api_url: String,
    #[arg(long, env = "POWEROFFICE_TOKEN_URL", default_value = "https://goapi.poweroffice.net/Demo/OAuth/Token")]
    pub poweroffice_token_url: String,
    #[arg(long, env = "POWEROFFICE_APPLICATION_KEY", hide_env_values = true)]
    pub poweroffice_application_key: Secret,
    #[arg(long, env = "POWEROFFICE_CLIENT_KEY", hide_env_values = true)]
    pub poweroffice_client_key: Secret,
    #[arg(long, env = "POWEROFFICE_SUBSCRIPTION_KEY", hide_env_values = true)]
    pub poweroffice_subscription_key: Secret,
    /// The SQLite file holding links and last-synced values between runs.
    #[arg(long, value_name = "FILE", default_value = ".dataflow-qa/state.sqlite")]
    pub state: PathBuf,
    /// Read everything instead of only what changed since the last run (also picks up
    /// records deleted in PowerOffice Go, which its change filter cannot show).
    #[arg(long)]
    pub full: bool,
    /// Print the plan as JSON and write nothing (not even the state).
    #[arg(long)]
    pub dry_run: bool,
    /// Write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Make admins employees too (R4 says agents).
    #[arg(long)]
    pub include_admins: bool,
    /// The Zendesk account's rate limit (its plan's requests per minute).
    #[arg(long, env = "ZENDESK_REQUESTS_PER_MINUTE", default_value_t = 700)]
    pub zendesk_requests_per_minute: u32,
    /// PowerOffice Go's rate limit (10 a second per subscription key).
    #[arg(long, env = "POWEROFFICE_REQUESTS_PER_SECOND", default_value_t = 10)]
    pub poweroffice_requests_per_second: u32,
}

/// The exit code of a sync: 0 every action went through, 1 some failed (see the report).
pub async fn run(args: &SyncArgs) -> anyhow::Result<u8> {
    let zendesk = ZendeskSettings {
        base_url: args.zendesk_url.clone(),
        email: args.zendesk_email.clone(),
        api_token: args.zendesk_api_token.clone(),
    }
    .client()?
    .with_rate_limit(Some(RateLimit::zendesk(args.zendesk_requests_per_minute)));
    let poweroffice = PowerOfficeSettings {
        api_base_url: args.poweroffice_api_url.clone(),
        token_url: args.poweroffice_token_url.clone(),
        application_key: args.poweroffice_application_key.clone(),
        client_key: args.poweroffice_client_key.clone(),
        subscription_key: args.poweroffice_subscription_key.clone(),
    }
    .client()?
    .with_rate_limit(Some(RateLimit::per_second(args.poweroffice_requests_per_second)));
    let options = SyncOptions { include_admins: args.include_admins, ..SyncOptions::default() };
    let mut store = StateStore::open(&args.state)?;
    let mut state = store.load_state()?;
    if args.dry_run {
        let plan = sync::plan_once(&zendesk, &poweroffice, &state.links, &options).await?;
        println!("{}", serde_json::to_string_pretty(&plan)?);
        return Ok(0);
    }
    let reading = if args.full || state.mirror.is_none() { "reading everything" } else { "reading changes" };
    progress(&format!("dataflow-qa sync: {reading} from Zendesk and PowerOffice Go, then writing…"));
    let report = sync::sync_with_state(&zendesk, &poweroffice, &mut state, &options, args.full).await?;
    progress("");
    store.save_state(&state)?;
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    println!("{}", summary(&report));
    for failure in &report.failures {
        eprintln!("failed ({}): {}: {}", failure.item, failure.action, failure.error);
    }
    Ok(if report.is_clean() { 0 } else { 1 })
}

/// A status line on a terminal; nothing at all when stderr is a pipe or a file (CI logs).
fn progress(message: &str) {
    use std::io::{IsTerminal as _, Write as _};
    let mut stderr = std::io::stderr();
    if stderr.is_terminal() {
        // Clear the line, then show the new status without a newline so it can be replaced.
        let _ = write!(stderr, "\r\x1b[2K{message}");
        let _ = stderr.flush();
    }
}

fn summary(report: &SyncReport) -> String {
    let requests = &report.requests;
    format!(
        "links made {}, dropped {}; customers created {}, adopted {}; employees created {}, adopted {}; \
         updates {} to PowerOffice Go, {} to Zendesk; conflicts {}; skipped {}; failures {}\n\
         requests: Zendesk {} reads, {} writes; PowerOffice Go {} reads, {} writes, {} token requests",
        report.links_made.len(),
        report.links_dropped.len(),
        report.customers_created.len(),
        report.customers_adopted.len(),
        report.employees_created.len(),
        report.employees_adopted.len(),
        report.updates.len(),
        report.zendesk_updates.len(),
        report.conflicts.len(),
        report.skipped.len(),
        report.failures.len(),
        requests.zendesk.reads,
        requests.zendesk.writes,
        requests.poweroffice.reads,
        requests.poweroffice.writes,
        requests.poweroffice.tokens,
    )
}
