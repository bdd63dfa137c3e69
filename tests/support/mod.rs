//! Raw HTTP access to the fakes for the wire tests: requests built by hand, answers read as
//! JSON (or as a JSON string when the body is not JSON), so the shapes on the wire are pinned
//! independently of the project's clients.

#![allow(dead_code)]

use base64::Engine as _;
use dataflow_qa::poweroffice::FakePowerOffice;
use dataflow_qa::zendesk::FakeZendesk;
use reqwest::header::HeaderMap;
use serde_json::Value;

pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

async fn read(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer { status, headers, body }
}

pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

/// Calls the fake Zendesk with the credentials it accepts.
pub struct RawZendesk {
    base: String,
    authorization: String,
    http: reqwest::Client,
}

impl RawZendesk {
    pub fn new(fake: &FakeZendesk) -> Self {
        Self::from_settings(&fake.settings())
    }

    /// For a Zendesk (or fake) known only by its settings, such as a `dataflow-qa mock` process.
    pub fn from_settings(settings: &dataflow_qa::zendesk::ZendeskSettings) -> Self {
        let authorization = basic(&format!("{}/token", settings.email), settings.api_token.expose());
        Self { base: settings.base_url.clone(), authorization, http: reqwest::Client::new() }
    }

    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("Authorization", &self.authorization);
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.expect("the fake answers")).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None).await
    }

    /// Follows `page[size]` cursor pages to the end and returns every record's `name`.
    pub async fn walk_cursor(&self, path: &str, key: &str, size: usize) -> Vec<String> {
        let mut names = Vec::new();
        let mut next = Some(format!("{path}?page[size]={size}"));
        while let Some(url) = next {
            let page = self.get(&url.replace(&self.base, "")).await.body;
            let records = page[key].as_array().expect("a page of records");
            assert!(records.len() <= size, "page size {size} exceeded");
            names.extend(records.iter().map(|r| r["name"].as_str().unwrap().to_owned()));
            next = match page["meta"]["has_more"].as_bool() {
                Some(true) => Some(page["links"]["next"].as_str().expect("a next link").to_owned()),
                _ => None,
            };
        }
        names
    }

    /// Follows offset pages (`next_page`) to the end and returns every record's `name`.
    pub async fn walk_offset(&self, path: &str, key: &str, per_page: usize) -> Vec<String> {
        let mut names = Vec::new();
        let mut next = Some(format!("{path}?per_page={per_page}"));
        while let Some(url) = next {
            let page = self.get(&url.replace(&self.base, "")).await.body;
            names.extend(page[key].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_owned()));
            next = page["next_page"].as_str().map(str::to_owned);
        }
        names
    }
}

/// Calls the fake PowerOffice Go with a token and the subscription key.
pub struct RawPowerOffice {
    api_base: String,
    subscription_key: String,
    token: String,
    http: reqwest::Client,
}

impl RawPowerOffice {
    pub async fn new(fake: &FakePowerOffice) -> Self {
        let settings = fake.settings();
        let http = reqwest::Client::new();
        let token: Value = http
            .post(&settings.token_url)
            .header("Authorization", basic(settings.application_key.expose(), settings.client_key.expose()))
            .header("Ocp-Apim-Subscription-Key", settings.subscription_key.expose())
            .body("grant_type=client_credentials")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Self {
            api_base: settings.api_base_url,
            subscription_key: settings.subscription_key.expose().to_owned(),
            token: token["access_token"].as_str().expect("a token").to_owned(),
            http,
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    fn request(&self, method: &str, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method.parse().unwrap(), format!("{}{path}", self.api_base))
            .bearer_auth(&self.token)
            .header("Ocp-Apim-Subscription-Key", &self.subscription_key)
    }

    pub async fn get(&self, path: &str) -> Answer {
        read(self.request("GET", path).send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        read(self.request("POST", path).json(&body).send().await.unwrap()).await
    }

    pub async fn patch(&self, path: &str, operations: Value) -> Answer {
        let request = self.request("PATCH", path).header("Content-Type", "application/json-patch+json");
        read(request.body(operations.to_string()).send().await.unwrap()).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        read(self.request("DELETE", path).send().await.unwrap()).await
    }
}

/// Starts `dataflow-qa mock` on free ports (`configure` adds arguments and environment) and
/// returns it with the `KEY=VALUE` settings it prints at start-up.
pub fn start_mock(configure: impl FnOnce(&mut std::process::Command)) -> (std::process::Child, Vec<(String, String)>) {
    use std::io::BufRead as _;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dataflow-qa"));
    command.args(["mock", "--zendesk-port", "0", "--poweroffice-port", "0"]).current_dir(std::env::temp_dir());
    configure(&mut command);
    let mut child = command.stdout(std::process::Stdio::piped()).spawn().expect("the binary starts");
    let mut settings = Vec::new();
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.starts_with("Admin") {
            break;
        }
        if let Some((key, value)) = line.trim().split_once('=') {
            settings.push((key.to_owned(), value.to_owned()));
        }
    }
    (child, settings)
}

/// One of the settings `start_mock` returned.
pub fn setting<'a>(settings: &'a [(String, String)], key: &str) -> &'a str {
    &settings.iter().find(|(k, _)| k == key).unwrap_or_else(|| panic!("{key} was not printed")).1
}
