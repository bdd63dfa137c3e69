//! `dataflow-qa mock` as a user runs it: the real binary on free ports, answering requests
//! made with the credentials it prints, and stopping cleanly on SIGTERM.

#![cfg(unix)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The mock without any credentials from the environment, so the defaults apply.
fn start(args: &[&str]) -> (Child, Vec<(String, String)>) {
    support::start_mock(|command| {
        command.args(args);
        for name in [
            "ZENDESK_API_TOKEN",
            "ZENDESK_EMAIL",
            "POWEROFFICE_APPLICATION_KEY",
            "POWEROFFICE_CLIENT_KEY",
            "POWEROFFICE_SUBSCRIPTION_KEY",
        ] {
            command.env_remove(name);
        }
    })
}

async fn stop(mut child: Child) {
    let terminated = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(terminated.success());
    let status = tokio::time::timeout(Duration::from_secs(10), tokio::task::spawn_blocking(move || child.wait()))
        .await
        .expect("the mock stops within 10 s of SIGTERM")
        .unwrap()
        .unwrap();
    assert!(status.success(), "a clean stop exits 0, got {status}");
}

#[tokio::test]
async fn the_mock_command_serves_seeded_fakes_with_the_printed_credentials() {
    let (child, settings) = start(&[]);
    let zendesk = dataflow_qa::zendesk::ZendeskSettings {
        base_url: support::setting(&settings, "ZENDESK_URL").to_owned(),
        email: support::setting(&settings, "ZENDESK_EMAIL").to_owned(),
        api_token: dataflow_qa::secret::Secret::new(support::setting(&settings, "ZENDESK_API_TOKEN")),
    };
    let users = zendesk.client().unwrap().list_users().await.unwrap();
    assert!(users.iter().any(|u| u.email.as_deref() == Some("kari@acme.no")), "the default seed is loaded");
    let poweroffice = dataflow_qa::poweroffice::PowerOfficeSettings {
        api_base_url: support::setting(&settings, "POWEROFFICE_API_URL").to_owned(),
        token_url: support::setting(&settings, "POWEROFFICE_TOKEN_URL").to_owned(),
        application_key: dataflow_qa::secret::Secret::new(support::setting(&settings, "POWEROFFICE_APPLICATION_KEY")),
        client_key: dataflow_qa::secret::Secret::new(support::setting(&settings, "POWEROFFICE_CLIENT_KEY")),
        subscription_key: dataflow_qa::secret::Secret::new(support::setting(&settings, "POWEROFFICE_SUBSCRIPTION_KEY")),
    };
    let persons = poweroffice.client().unwrap().list_contact_persons().await.unwrap();
    assert_eq!(persons.len(), 3);
    let next = support::RawZendesk::from_settings(&zendesk).get("/api/v2/users.json?page[size]=1").await.body;
    assert!(next["links"]["next"].as_str().unwrap().starts_with(&zendesk.base_url), "links point at the fake itself");
    stop(child).await;
}

#[tokio::test]
async fn credentials_from_the_environment_are_accepted_and_never_printed() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dataflow-qa"))
        .args(["mock", "--zendesk-port", "0", "--poweroffice-port", "0", "--empty"])
        .env("ZENDESK_API_TOKEN", "token-from-the-environment")
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut printed = String::new();
    let mut base = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(url) = line.trim().strip_prefix("ZENDESK_URL=") {
            base = url.to_owned();
        }
        printed.push_str(&line);
        if line.starts_with("Admin") {
            break;
        }
    }
    assert!(!printed.contains("token-from-the-environment"), "{printed}");
    let settings = dataflow_qa::zendesk::ZendeskSettings {
        base_url: base,
        email: "qa-agent@example.com".into(),
        api_token: dataflow_qa::secret::Secret::new("token-from-the-environment"),
    };
    assert_eq!(settings.client().unwrap().list_users().await.unwrap().len(), 0, "--empty starts with no records");
    stop(child).await;
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_dataflow-qa"))
        .args(["mock", "--zendesk-port", &port, "--poweroffice-port", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("cannot listen on 127.0.0.1:{port} for the fake Zendesk")), "{stderr}");
}
