//! The `dataflow-qa mock` command: both fakes on loopback ports, seeded with the datasets in
//! `mocks/` (or another folder), serving until Ctrl-C or SIGTERM. The credentials they accept
//! come from the same variables the clients read, so one `.env` serves the fakes and the sync.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use serde_json::Value;

use crate::fake::FakeClock;
use crate::poweroffice::{FakePowerOffice, PowerOfficeCredentials};
use crate::secret::Secret;
use crate::zendesk::{FakeZendesk, ZendeskCredentials};

/// Prints a line; a closed stdout (the reader went away) must not stop the servers.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

const DEFAULT_ZENDESK_SEED: &str = include_str!("../mocks/zendesk.json");
const DEFAULT_POWEROFFICE_SEED: &str = include_str!("../mocks/poweroffice.json");

#[derive(Clone, Debug, clap::Args)]
pub struct MockArgs {
    /// Port of the fake Zendesk on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8081)]
    pub zendesk_port: u16,

    /// Port of the fake PowerOffice Go on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8082)]
    pub poweroffice_port: u16,

    /// A folder with zendesk.json and/or poweroffice.json (the API's own shapes, as
    /// GET /__admin/state returns them). Defaults to the datasets in mocks/.
    #[arg(long, value_name = "DIR", conflicts_with = "empty")]
    pub seed: Option<PathBuf>,

    /// Start with no records at all.
    #[arg(long)]
    pub empty: bool,

    #[arg(long, env = "ZENDESK_EMAIL", default_value = "qa-agent@example.com")]
    pub zendesk_email: String,

    #[arg(long, env = "ZENDESK_API_TOKEN", hide_env_values = true)]
    pub zendesk_api_token: Option<String>,

    #[arg(long, env = "POWEROFFICE_APPLICATION_KEY", hide_env_values = true)]
    pub poweroffice_application_key: Option<String>,

    #[arg(long, env = "POWEROFFICE_CLIENT_KEY", hide_env_values = true)]
    pub poweroffice_client_key: Option<String>,

    #[arg(long, env = "POWEROFFICE_SUBSCRIPTION_KEY", hide_env_values = true)]
    pub poweroffice_subscription_key: Option<String>,

    /// The privileges PowerOffice Go's ClientIntegrationInformation grants (comma-separated;
    /// default: all the harness needs), to rehearse a client integration set up with too few.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub poweroffice_privileges: Option<Vec<String>>,
}

/// A credential and whether it is the built-in development value (safe to print).
fn credential(given: &Option<String>, default: &Secret) -> (Secret, bool) {
    match given {
        Some(value) => (Secret::new(value.clone()), false),
        None => (default.clone(), true),
    }
}

/// Shows a development value in full, and masks anything that came from the environment.
fn shown(secret: &Secret, is_default: bool) -> String {
    if is_default {
        secret.expose().to_owned()
    } else {
        "*** (as configured)".to_owned()
    }
}

fn bind(port: u16, system: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port} for the fake {system}"))
}

fn read_seed(dir: &Path, file: &str) -> anyhow::Result<Option<Value>> {
    let path = dir.join(file);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let value = serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))?;
    Ok(Some(value))
}

/// The seed documents to load: (Zendesk, PowerOffice Go).
fn seeds(args: &MockArgs) -> anyhow::Result<(Option<Value>, Option<Value>)> {
    if args.empty {
        return Ok((None, None));
    }
    match &args.seed {
        None => Ok((
            Some(serde_json::from_str(DEFAULT_ZENDESK_SEED)?),
            Some(serde_json::from_str(DEFAULT_POWEROFFICE_SEED)?),
        )),
        Some(dir) => {
            let found = (read_seed(dir, "zendesk.json")?, read_seed(dir, "poweroffice.json")?);
            if found == (None, None) {
                bail!("{} holds neither zendesk.json nor poweroffice.json", dir.display());
            }
            Ok(found)
        }
    }
}

pub async fn serve(args: &MockArgs) -> anyhow::Result<()> {
    let defaults = (ZendeskCredentials::default(), PowerOfficeCredentials::default());
    let (api_token, token_default) = credential(&args.zendesk_api_token, &defaults.0.api_token);
    let (application_key, app_default) = credential(&args.poweroffice_application_key, &defaults.1.application_key);
    let (client_key, client_default) = credential(&args.poweroffice_client_key, &defaults.1.client_key);
    let (subscription_key, sub_default) = credential(&args.poweroffice_subscription_key, &defaults.1.subscription_key);
    let (zendesk_seed, poweroffice_seed) = seeds(args)?;

    let clock = FakeClock::starting_now();
    let zendesk_credentials = ZendeskCredentials { email: args.zendesk_email.clone(), api_token: api_token.clone() };
    let zendesk = FakeZendesk::start_on(bind(args.zendesk_port, "Zendesk")?, clock.clone(), zendesk_credentials).await;
    let poweroffice_credentials = PowerOfficeCredentials {
        application_key: application_key.clone(),
        client_key: client_key.clone(),
        subscription_key: subscription_key.clone(),
    };
    let poweroffice =
        FakePowerOffice::start_on(bind(args.poweroffice_port, "PowerOffice Go")?, clock, poweroffice_credentials).await;
    if let Some(privileges) = &args.poweroffice_privileges {
        poweroffice.set_privileges(privileges);
    }
    if let Some(seed) = zendesk_seed {
        zendesk.load_state(seed).map_err(|e| anyhow::anyhow!("the Zendesk seed does not load: {e}"))?;
    }
    if let Some(seed) = poweroffice_seed {
        poweroffice.load_state(seed).map_err(|e| anyhow::anyhow!("the PowerOffice Go seed does not load: {e}"))?;
    }

    let pog = poweroffice.settings();
    say!("dataflow-qa mock: serving until Ctrl-C or SIGTERM");
    say!("Zendesk         {}", zendesk.uri());
    say!("  ZENDESK_URL={}", zendesk.uri());
    say!("  ZENDESK_EMAIL={}", args.zendesk_email);
    say!("  ZENDESK_API_TOKEN={}", shown(&api_token, token_default));
    say!("PowerOffice Go  {}", poweroffice.uri());
    say!("  POWEROFFICE_API_URL={}", pog.api_base_url);
    say!("  POWEROFFICE_TOKEN_URL={}", pog.token_url);
    say!("  POWEROFFICE_APPLICATION_KEY={}", shown(&application_key, app_default));
    say!("  POWEROFFICE_CLIENT_KEY={}", shown(&client_key, client_default));
    say!("  POWEROFFICE_SUBSCRIPTION_KEY={}", shown(&subscription_key, sub_default));
    say!("Admin (no credentials): {{base}}/__admin/requests, /__admin/state, /__admin/faults, /__admin/reset");

    wait_for_stop().await?;
    say!("dataflow-qa mock: stopping");
    tokio::task::spawn_blocking(move || drop((zendesk, poweroffice))).await?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn wait_for_stop() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result?,
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await?;
    Ok(())
}
