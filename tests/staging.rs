//! The staging path end to end, against `dataflow-qa mock` set up like a real account:
//! non-default credentials, loopback URLs let through only by the tests' own override, and
//! "foreign" records (the seed) that no run created. A full run, an interrupted run and the
//! cleanup command must leave the foreign records byte for byte as they were and remove every
//! record a run made; no secret may appear in any output; and `--sync external` passes while a
//! separately started engine (`dataflow-qa sync` in a loop) does the work, and fails with a
//! clear message once it stops.

#![cfg(unix)]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const SECRETS: [(&str, &str); 4] = [
    ("ZENDESK_API_TOKEN", "staging-zendesk-token-5f1e"),
    ("POWEROFFICE_APPLICATION_KEY", "staging-application-key-7a2c"),
    ("POWEROFFICE_CLIENT_KEY", "staging-client-key-93bd"),
    ("POWEROFFICE_SUBSCRIPTION_KEY", "staging-subscription-key-c4e8"),
];
const AGENT: &str = "qa-staging@example.org";

/// The whole-checklist runs take one at a time: on a 2-core machine three of them at once
/// starve each other, and the external run's timeouts are about wall time.
static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The lines of a run's output about failed steps, for a failure message that fits a screen.
fn failures(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let mut shown = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.contains('✘') {
            shown.extend(lines[i.saturating_sub(1)..(i + 5).min(lines.len())].iter().copied());
        }
    }
    shown.extend(lines.iter().filter(|l| l.starts_with("checklist:") || l.starts_with("cleanup:")));
    shown.join("\n")
}

fn features() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("features")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dataflow-qa-staging-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running `dataflow-qa mock` with the staging credentials; stopped on drop.
struct Account {
    child: Child,
    zendesk: String,
    poweroffice: String,
}

impl Account {
    fn start(extra: &[&str]) -> Self {
        let (child, settings) = support::start_mock(|command| {
            command.args(["--zendesk-email", AGENT]).args(extra);
            for (name, value) in SECRETS {
                command.env(name, value);
            }
        });
        let zendesk = support::setting(&settings, "ZENDESK_URL").to_owned();
        let poweroffice = support::setting(&settings, "POWEROFFICE_API_URL").trim_end_matches("/v2").to_owned();
        Self { child, zendesk, poweroffice }
    }

    /// The environment a QA engineer would set for this account.
    fn env(&self, command: &mut Command) {
        command
            .env("ZENDESK_URL", &self.zendesk)
            .env("ZENDESK_EMAIL", AGENT)
            .env("POWEROFFICE_API_URL", format!("{}/v2", self.poweroffice))
            .env("POWEROFFICE_TOKEN_URL", format!("{}/OAuth/Token", self.poweroffice))
            .env("DATAFLOW_QA_TEST_ALLOW_LOOPBACK", "1")
            // The fakes have no rate limit; the limiter itself is tested with the clients.
            .env("ZENDESK_REQUESTS_PER_MINUTE", "60000")
            .env("POWEROFFICE_REQUESTS_PER_SECOND", "1000")
            .env_remove("CUCUMBER_FILTER_TAGS");
        for (name, value) in SECRETS {
            command.env(name, value);
        }
    }

    fn command(&self, args: &[&str], dir: &Path) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dataflow-qa"));
        command.args(args).current_dir(dir);
        self.env(&mut command);
        command
    }

    /// Both fakes' records, as `/__admin/state` shows them.
    fn state(&self) -> serde_json::Value {
        serde_json::json!({ "zendesk": admin(&self.zendesk, "GET", None), "poweroffice": admin(&self.poweroffice, "GET", None) })
    }
}

impl Drop for Account {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request to a fake's `/__admin/state`, sent by hand so nothing else is in the way.
fn admin(base: &str, method: &str, body: Option<&serde_json::Value>) -> serde_json::Value {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    let body = body.map(ToString::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} /__admin/state HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 2"), "{method} /__admin/state: {head}");
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}

/// What differs between two states, record by record, for a readable failure.
fn difference(before: &serde_json::Value, after: &serde_json::Value) -> String {
    let mut lines = Vec::new();
    for system in ["zendesk", "poweroffice"] {
        let kinds = after[system].as_object().into_iter().flat_map(|o| o.keys());
        for kind in kinds {
            let records = |state: &serde_json::Value| state[system][kind].as_array().cloned().unwrap_or_default();
            let (was, now) = (records(before), records(after));
            for record in now.iter().filter(|r| !was.contains(r)) {
                lines.push(format!("{system} {kind} now: {record}"));
            }
            for record in was.iter().filter(|r| !now.contains(r)) {
                lines.push(format!("{system} {kind} was: {record}"));
            }
        }
    }
    lines.join("\n")
}

fn everything(output: &Output, files: &[PathBuf]) -> String {
    let mut all = format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    for file in files {
        all.push_str(&std::fs::read_to_string(file).unwrap_or_default());
    }
    all
}

fn assert_no_secret(text: &str) {
    for (name, secret) in SECRETS {
        assert!(!text.contains(secret), "{name} leaked");
    }
}

#[test]
fn a_staging_run_keeps_foreign_records_byte_for_byte_and_removes_its_own() {
    let _heavy = one_at_a_time();
    let account = Account::start(&[]);
    let dir = scratch("full");
    let before = account.state();
    assert!(before["zendesk"]["users"].as_array().is_some_and(|u| !u.is_empty()), "the seed is there");
    let (junit, json) = (dir.join("junit.xml"), dir.join("cucumber.json"));
    let features = features();
    let args = [
        "run",
        "--target",
        "staging",
        "--features",
        features.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "-vv",
    ];
    let output = account.command(&args, &dir).output().unwrap();
    let shown = everything(&output, &[junit, json]);
    assert_eq!(output.status.code(), Some(0), "{}", failures(&shown));
    assert!(shown.contains("deselected 5 @fakes-only scenario(s)"), "{shown}");
    assert!(shown.contains(" deleted, 0 could not be deleted"), "{shown}");
    assert_no_secret(&shown);
    let after = account.state();
    assert!(after == before, "foreign records changed or the run left records:\n{}", difference(&before, &after));
}

#[test]
fn an_interrupted_run_still_removes_what_it_created() {
    let _heavy = one_at_a_time();
    let account = Account::start(&[]);
    let dir = scratch("interrupted");
    let before = account.state();
    let features = features();
    let args = ["run", "--target", "staging", "--features", features.to_str().unwrap()];
    let mut run = account.command(&args, &dir).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // Interrupt as soon as a scenario has run the sync: records of the run exist by then,
    // and other scenarios are still in flight.
    let mut stdout = BufReader::new(run.stdout.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "the run ended before it could be interrupted:\n{seen}");
        seen.push_str(&line);
        if line.contains("✔") && line.contains("the sync runs") {
            break;
        }
    }
    let interrupted = Command::new("kill").args(["-INT", &run.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut stderr = String::new();
    run.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = run.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{rest}\n{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(rest.contains(" deleted, 0 could not be deleted"), "{rest}");
    let after = account.state();
    assert!(after == before, "foreign records changed or the run left records:\n{}", difference(&before, &after));
}

#[test]
fn the_external_sync_passes_while_an_engine_runs_and_fails_clearly_once_it_stops() {
    let _heavy = one_at_a_time();
    let account = Arc::new(Account::start(&["--empty"]));
    let dir = scratch("external");
    let stop = Arc::new(AtomicBool::new(false));
    let engine = {
        let (account, stop, state) = (Arc::clone(&account), Arc::clone(&stop), dir.join("engine.sqlite"));
        std::thread::spawn(move || {
            // The stand-in for the production engine: one full pass after another.
            while !stop.load(Ordering::Relaxed) {
                let args = ["sync", "--full", "--state", state.to_str().unwrap()];
                let pass = account.command(&args, &std::env::temp_dir()).output().unwrap();
                assert!(pass.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&pass.stderr));
            }
        })
    };
    let features = features();
    let mut args = vec!["run", "--target", "staging", "--sync", "external", "--features", features.to_str().unwrap()];
    args.extend(["--sync-timeout", "25s", "--sync-cycle", "1s"]);
    let output = account.command(&args, &dir).output().unwrap();
    stop.store(true, Ordering::Relaxed);
    engine.join().unwrap();
    let shown = everything(&output, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", failures(&shown));
    assert!(shown.contains("@reference-only scenario(s): the sync under test is external"), "{shown}");
    assert_no_secret(&shown);

    let args = ["run", "--target", "staging", "--sync", "external", "--sync-timeout", "2s"];
    let mut args = args.to_vec();
    args.extend(["--features", features.to_str().unwrap(), "-n", "A linked pair gets the Zendesk email"]);
    let output = account.command(&args, &dir).output().unwrap();
    let shown = everything(&output, &[]);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(shown.contains("still unmet after waiting 2.0 s"), "{shown}");
    assert!(shown.contains("last seen: EmailAddress of Kari Nordmann at Acme AS differs"), "{shown}");
}

#[test]
fn cleanup_removes_only_marked_records_of_old_runs() {
    let account = Account::start(&[]);
    let dir = scratch("cleanup");
    let mut zendesk = admin(&account.zendesk, "GET", None);
    let stamp = "2024-01-01T00:00:00Z";
    let marked = "qa-20240101t000000-abcd-s1:Old Run";
    zendesk["users"].as_array_mut().unwrap().push(serde_json::json!({
        "id": 990001, "name": format!("{marked} User"), "email": "qa+20240101t000000-abcd-1@example.com",
        "role": "end-user", "active": true, "created_at": stamp, "updated_at": stamp,
    }));
    zendesk["organizations"].as_array_mut().unwrap().push(serde_json::json!({
        "id": 990002, "name": format!("{marked} AS"), "created_at": stamp, "updated_at": stamp,
    }));
    admin(&account.zendesk, "PUT", Some(&zendesk));
    let before = account.state();

    let dry = account.command(&["cleanup", "--stale", "--older-than", "24h", "--dry-run"], &dir).output().unwrap();
    let shown = everything(&dry, &[]);
    assert_eq!(dry.status.code(), Some(0), "{shown}");
    assert!(shown.contains("would delete 2 record(s)"), "{shown}");
    assert!(account.state() == before, "a dry run changes nothing");

    let other_run = account.command(&["cleanup", "--run-id", "20250101t000000-ffff"], &dir).output().unwrap();
    assert!(String::from_utf8_lossy(&other_run.stdout).contains("cleanup: 0 deleted"));

    let real = account.command(&["cleanup", "--stale", "--older-than", "24h"], &dir).output().unwrap();
    let shown = everything(&real, &[]);
    assert_eq!(real.status.code(), Some(0), "{shown}");
    assert!(shown.contains("cleanup: 2 deleted, 0 could not be deleted"), "{shown}");
    let after = account.state();
    let names = |state: &serde_json::Value, kind: &str| -> Vec<String> {
        state["zendesk"][kind].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap_or("").to_owned()).collect()
    };
    assert!(!names(&after, "users").iter().chain(&names(&after, "organizations")).any(|n| n.starts_with(marked)));
    let foreign = |state: &serde_json::Value| {
        let mut state = state.clone();
        for kind in ["users", "organizations"] {
            state["zendesk"][kind]
                .as_array_mut()
                .unwrap()
                .retain(|r| !r["name"].as_str().unwrap_or("").starts_with(marked));
        }
        state["zendesk"]["identities"].as_array_mut().unwrap().retain(|i| i["user_id"] != 990001);
        state
    };
    assert!(foreign(&after) == foreign(&before), "only the marked records went");
}

#[test]
fn doctor_masks_secrets_and_staging_refuses_what_is_unsafe() {
    let account = Account::start(&["--empty"]);
    let dir = scratch("doctor");
    let doctor = account.command(&["doctor"], &dir).output().unwrap();
    let shown = everything(&doctor, &[]);
    assert_eq!(doctor.status.code(), Some(0), "{shown}");
    assert!(shown.contains("ZENDESK_API_TOKEN              ***"), "{shown}");
    assert!(shown.contains(&format!("ok    Zendesk answers; the token belongs to {AGENT} (admin)")), "{shown}");
    assert!(shown.contains("has every privilege needed"), "{shown}");
    assert_no_secret(&shown);

    let mut wrong = account.command(&["doctor"], &dir);
    wrong.env("ZENDESK_API_TOKEN", "not-the-token");
    let wrong = wrong.output().unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stdout).contains("FAIL  Zendesk: Zendesk answered 401"));

    let features = features();
    let mut production =
        account.command(&["run", "--target", "staging", "--features", features.to_str().unwrap()], &dir);
    production.env_remove("DATAFLOW_QA_TEST_ALLOW_LOOPBACK");
    let production = production.output().unwrap();
    assert_eq!(production.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&production.stderr).contains("is not the demo environment"));

    let missing = Command::new(env!("CARGO_BIN_EXE_dataflow-qa"))
        .args(["run", "--target", "staging", "--features", features.to_str().unwrap()])
        .current_dir(&dir)
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("not set: ZENDESK_URL, ZENDESK_EMAIL, ZENDESK_API_TOKEN, POWEROFFICE_APPLICATION_KEY, POWEROFFICE_CLIENT_KEY, POWEROFFICE_SUBSCRIPTION_KEY"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
}
