//! The checklist runner's verdicts, through the real binary on small feature folders: known
//! conflicts, strict mode, a failing scenario, an undefined step, an empty selection, and no
//! secret in any report.

use std::path::PathBuf;
use std::process::{Command, Output};

fn features(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dataflow-qa-runner-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("check.feature"), text).unwrap();
    dir
}

fn run(dir: &PathBuf, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dataflow-qa"))
        .arg("run")
        .arg("--features")
        .arg(dir)
        .args(extra)
        .env_remove("CUCUMBER_FILTER_TAGS")
        .output()
        .unwrap()
}

const KNOWN_CONFLICT_THAT_PASSES: &str = "Feature: Runner
  @R4 @known-conflict @conflict:example
  Scenario: A conflict that no longer reproduces
    Given the Zendesk end-user \"Eva Enduser\" with email \"eva@acme.no\"
    When the sync runs
    Then PowerOffice Go has no employee
";

const KNOWN_CONFLICT_THAT_FAILS: &str = "Feature: Runner
  @R4 @known-conflict @conflict:example
  Scenario: A conflict that still reproduces
    Given the Zendesk end-user \"Eva Enduser\" with email \"eva@acme.no\"
    When the sync runs
    Then PowerOffice Go has exactly one employee with FirstName \"Eva\" and LastName \"Enduser\"
";

#[test]
fn a_failing_known_conflict_does_not_fail_the_run() {
    let output = run(&features("fails", KNOWN_CONFLICT_THAT_FAILS), &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("example: A conflict that still reproduces"), "{stdout}");
    assert!(stdout.contains("known conflicts: 1 failing as expected"), "{stdout}");
}

#[test]
fn a_known_conflict_that_passes_is_flagged_and_fails_only_in_strict_mode() {
    let dir = features("passes", KNOWN_CONFLICT_THAT_PASSES);
    let lenient = run(&dir, &[]);
    assert_eq!(lenient.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&lenient.stdout).contains("Conflict no longer reproduces"));
    assert_eq!(run(&dir, &["--strict"]).status.code(), Some(1));
}

#[test]
fn a_failing_scenario_fails_the_run_and_an_undefined_step_is_a_harness_error() {
    let failing = KNOWN_CONFLICT_THAT_FAILS.replace("@known-conflict @conflict:example", "");
    assert_eq!(run(&features("failing", &failing), &[]).status.code(), Some(1));
    let undefined = KNOWN_CONFLICT_THAT_PASSES.replace("When the sync runs", "When the sync runz");
    let output = run(&features("undefined", &undefined), &[]);
    assert_eq!(output.status.code(), Some(3), "{}", String::from_utf8_lossy(&output.stdout));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Harness error"));
}

#[test]
fn an_empty_selection_is_its_own_verdict() {
    let output = run(&features("empty", KNOWN_CONFLICT_THAT_PASSES), &["--tags", "@nonexistent"]);
    assert_eq!(output.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no scenario was selected"));
}

const FAILING_WITH_RECORDS: &str = "Feature: Runner
  @M1
  Scenario: A failing check on a linked pair
    Given the PowerOffice Go customer \"Acme AS\"
    And the Zendesk user \"Kari Nordmann\" with email \"kari@acme.no\"
    And the contact person \"Kari Nordmann\" at \"Acme AS\" with email \"kari@acme.no\"
    When the sync runs
    Then the contact person \"Kari Nordmann\" at \"Acme AS\" has the EmailAddress \"someone.else@acme.no\"
";

#[test]
fn no_secret_reaches_the_console_junit_json_or_the_page_at_any_verbosity() {
    use base64::Engine as _;
    let dir = features("secrets", FAILING_WITH_RECORDS);
    let basic =
        |user: &str, password: &str| base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let secrets = [
        "dataflow-qa-zendesk-dev-token".to_owned(),
        "dataflow-qa-application-key".to_owned(),
        "dataflow-qa-client-key".to_owned(),
        "dataflow-qa-subscription-key".to_owned(),
        basic("qa-agent@example.com/token", "dataflow-qa-zendesk-dev-token"),
        basic("dataflow-qa-application-key", "dataflow-qa-client-key"),
        // Access tokens the fake PowerOffice Go issues.
        "fake-pog-token-".to_owned(),
    ];
    for verbosity in [None, Some("-v"), Some("-vv")] {
        let (junit, json, html) = (dir.join("junit.xml"), dir.join("cucumber.json"), dir.join("page.html"));
        let mut args = vec!["--junit", junit.to_str().unwrap(), "--json", json.to_str().unwrap()];
        args.extend(["--html", html.to_str().unwrap()]);
        args.extend(verbosity);
        let output = run(&dir, &args);
        assert_eq!(output.status.code(), Some(1), "the scenario fails on purpose");
        let everything = [
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
            std::fs::read_to_string(&junit).unwrap(),
            std::fs::read_to_string(&json).unwrap(),
            std::fs::read_to_string(&html).unwrap(),
        ]
        .join("\n");
        assert!(everything.contains("someone.else@acme.no"), "the failure itself is reported: {everything}");
        if verbosity == Some("-vv") {
            assert!(everything.contains("QaWorld"), "-vv shows the World: {everything}");
        }
        for secret in &secrets {
            assert!(!everything.contains(secret.as_str()), "{secret} leaked at {verbosity:?}");
        }
    }
}
