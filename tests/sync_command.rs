//! `dataflow-qa sync` as a user runs it: the real binary against the fakes seeded with the
//! datasets in mocks/, settings from the environment, state in a SQLite file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dataflow_qa::fake::Fakes;
use serde_json::Value;

fn seed(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks").join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn seeded_fakes() -> Fakes {
    let fakes = Fakes::start().await;
    fakes.zendesk.load_state(seed("zendesk.json")).unwrap();
    fakes.poweroffice.load_state(seed("poweroffice.json")).unwrap();
    fakes
}

fn folder(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("dataflow-qa-sync-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&path);
    std::fs::create_dir_all(&path).unwrap();
    path
}

/// Runs the binary off the async runtime, so the in-process fakes keep answering.
async fn sync(fakes: &Fakes, dir: &Path, args: &[&str]) -> Output {
    let zendesk = fakes.zendesk.settings();
    let poweroffice = fakes.poweroffice.settings();
    let mut command = Command::new(env!("CARGO_BIN_EXE_dataflow-qa"));
    command
        .arg("sync")
        .args(args)
        .current_dir(dir)
        .env("ZENDESK_URL", &zendesk.base_url)
        .env("ZENDESK_EMAIL", &zendesk.email)
        .env("ZENDESK_API_TOKEN", zendesk.api_token.expose())
        .env("POWEROFFICE_API_URL", &poweroffice.api_base_url)
        .env("POWEROFFICE_TOKEN_URL", &poweroffice.token_url)
        .env("POWEROFFICE_APPLICATION_KEY", poweroffice.application_key.expose())
        .env("POWEROFFICE_CLIENT_KEY", poweroffice.client_key.expose())
        .env("POWEROFFICE_SUBSCRIPTION_KEY", poweroffice.subscription_key.expose());
    tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

fn report(dir: &Path, file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
}

fn count(report: &Value, key: &str) -> usize {
    report[key].as_array().map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_against_the_seeded_fakes_creates_links_and_a_second_run_writes_nothing() {
    let fakes = seeded_fakes().await;
    let dir = folder("twice");
    let output = sync(&fakes, &dir, &["--json", "first.json"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("customers created 3"), "{printed}");
    assert!(!printed.contains("dataflow-qa-client-key"), "no secret in the output: {printed}");
    let first = report(&dir, "first.json");
    assert_eq!(count(&first, "links_made"), 3, "Kari twice and Ola link by email");
    assert_eq!(count(&first, "customers_created"), 3, "every seeded organization has a synced user");
    assert_eq!(count(&first, "employees_created"), 1, "Anne is the only agent");
    assert!(dir.join(".dataflow-qa/state.sqlite").exists(), "the state is kept in the default file");

    let second = sync(&fakes, &dir, &["--json", "second.json"]).await;
    assert_eq!(second.status.code(), Some(0));
    let second = report(&dir, "second.json");
    assert_eq!(second["requests"]["poweroffice"]["writes"], 0);
    assert_eq!(second["requests"]["zendesk"]["writes"], 0);
    assert_eq!(count(&second, "links_made") + count(&second, "customers_created"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_prints_the_plan_and_writes_nothing() {
    let fakes = seeded_fakes().await;
    let dir = folder("dry");
    let output = sync(&fakes, &dir, &["--dry-run"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let plan: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(plan["customer_creates"].as_array().unwrap().len(), 3);
    let writes = fakes.poweroffice.journal().iter().filter(|e| e.write).count();
    assert_eq!(writes, 0, "a dry run writes nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_and_bad_settings_fail_clearly() {
    let fakes = seeded_fakes().await;
    let dir = folder("bad");
    let mut command = Command::new(env!("CARGO_BIN_EXE_dataflow-qa"));
    command.arg("sync").current_dir(&dir).env_clear().env("ZENDESK_URL", "not a url");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    assert_eq!(output.status.code(), Some(2), "missing settings are a usage error");
    assert!(String::from_utf8_lossy(&output.stderr).contains("--zendesk-email"));

    let settings = fakes.zendesk.settings();
    let mut command = Command::new(env!("CARGO_BIN_EXE_dataflow-qa"));
    command
        .args(["sync", "--zendesk-url", &settings.base_url, "--zendesk-email", &settings.email])
        .args(["--zendesk-api-token", "wrong-token", "--poweroffice-application-key", "a"])
        .args(["--poweroffice-client-key", "b", "--poweroffice-subscription-key", "c"])
        .args(["--poweroffice-api-url", &fakes.poweroffice.settings().api_base_url])
        .args(["--poweroffice-token-url", &fakes.poweroffice.settings().token_url])
        .current_dir(&dir)
        .env_clear();
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("401 Unauthorized"), "{stderr}");
    assert!(!stderr.contains("wrong-token"), "{stderr}");
}
