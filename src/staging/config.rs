//! Where the staging accounts are and how to reach them, from the same environment variables
//! `dataflow-qa sync` reads (and `.env`). Missing variables are reported together, and a
//! PowerOffice Go URL outside the demo environment is refused unless production is allowed.

use std::fmt::Write as _;

use crate::http::RateLimit;
use crate::poweroffice::{PowerOfficeClient, PowerOfficeSettings};
use crate::secret::Secret;
use crate::zendesk::{ZendeskClient, ZendeskSettings};

pub const DEMO_API_URL: &str = "https://goapi.poweroffice.net/Demo/v2";
pub const DEMO_TOKEN_URL: &str = "https://goapi.poweroffice.net/Demo/OAuth/Token";
const DEMO_PREFIX: &str = "https://goapi.poweroffice.net/Demo/";
/// Set only by the project's own tests: lets loopback URLs (a `dataflow-qa mock`) stand in for
/// the demo environment. It allows nothing else.
pub const TEST_LOOPBACK_OVERRIDE: &str = "DATAFLOW_QA_TEST_ALLOW_LOOPBACK";

const REQUIRED: [&str; 6] = [
    "ZENDESK_URL",
    "ZENDESK_EMAIL",
    "ZENDESK_API_TOKEN",
    "POWEROFFICE_APPLICATION_KEY",
    "POWEROFFICE_CLIENT_KEY",
    "POWEROFFICE_SUBSCRIPTION_KEY",
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("staging needs these environment variables (or a .env file), which are not set: {}", .0.join(", "))]
    Missing(Vec<&'static str>),
    #[error("{0} must be a whole number of requests, more than 0")]
    BadNumber(&'static str),
    #[error(
        "the PowerOffice Go URL {url} is not the demo environment ({DEMO_PREFIX}…); the harness creates and deletes records, so it refuses a production client unless --allow-production is given"
    )]
    NotDemo { url: String },
}

#[derive(Clone, Debug)]
pub struct StagingConfig {
    pub zendesk: ZendeskSettings,
    pub poweroffice: PowerOfficeSettings,
    pub zendesk_requests_per_minute: u32,
    /// PowerOffice Go allows 10 a second per subscription key; a lower share can be set when
    /// other clients use the same key.
    pub poweroffice_requests_per_second: u32,
}

impl StagingConfig {
    /// Reads the configuration through `var` (the process environment in the binary).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let value = |name: &str| var(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let missing: Vec<&'static str> = REQUIRED.iter().copied().filter(|name| value(name).is_none()).collect();
        if !missing.is_empty() {
            return Err(ConfigError::Missing(missing));
        }
        let required = |name: &str| value(name).unwrap_or_default();
        let number = |name: &'static str, default: u32| match value(name) {
            Some(text) => text.parse::<u32>().ok().filter(|n| *n > 0).ok_or(ConfigError::BadNumber(name)),
            None => Ok(default),
        };
        let per_minute = number("ZENDESK_REQUESTS_PER_MINUTE", 700)?;
        let per_second = number("POWEROFFICE_REQUESTS_PER_SECOND", 10)?;
        Ok(Self {
            zendesk: ZendeskSettings {
                base_url: required("ZENDESK_URL"),
                email: required("ZENDESK_EMAIL"),
                api_token: Secret::new(required("ZENDESK_API_TOKEN")),
            },
            poweroffice: PowerOfficeSettings {
                api_base_url: value("POWEROFFICE_API_URL").unwrap_or_else(|| DEMO_API_URL.to_owned()),
                token_url: value("POWEROFFICE_TOKEN_URL").unwrap_or_else(|| DEMO_TOKEN_URL.to_owned()),
                application_key: Secret::new(required("POWEROFFICE_APPLICATION_KEY")),
                client_key: Secret::new(required("POWEROFFICE_CLIENT_KEY")),
                subscription_key: Secret::new(required("POWEROFFICE_SUBSCRIPTION_KEY")),
            },
            zendesk_requests_per_minute: per_minute,
            poweroffice_requests_per_second: per_second,
        })
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Clients for both accounts, each spacing its requests within the account's rate limit.
    pub fn clients(&self) -> Result<(ZendeskClient, PowerOfficeClient), crate::http::ClientError> {
        let zendesk =
            self.zendesk.client()?.with_rate_limit(Some(RateLimit::zendesk(self.zendesk_requests_per_minute)));
        let poweroffice = self
            .poweroffice
            .client()?
            .with_rate_limit(Some(RateLimit::per_second(self.poweroffice_requests_per_second)));
        Ok((zendesk, poweroffice))
    }

    /// The production guard. `Ok(Some(warning))` when production was allowed and is used.
    pub fn check_environment(&self, allow_production: bool) -> Result<Option<String>, ConfigError> {
        let loopback_allowed = std::env::var(TEST_LOOPBACK_OVERRIDE).is_ok_and(|v| v == "1");
        for url in [&self.poweroffice.api_base_url, &self.poweroffice.token_url] {
            let demo = url.starts_with(DEMO_PREFIX);
            if demo || (loopback_allowed && is_loopback(url)) {
                continue;
            }
            if !allow_production {
                return Err(ConfigError::NotDemo { url: url.clone() });
            }
            return Ok(Some(format!(
                "warning: --allow-production: PowerOffice Go at {url} is not the demo environment; the run creates and deletes its own marked records there"
            )));
        }
        Ok(None)
    }

    /// The configuration as `doctor` shows it: every value, secrets masked.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let rows = [
            ("ZENDESK_URL", self.zendesk.base_url.clone()),
            ("ZENDESK_EMAIL", self.zendesk.email.clone()),
            ("ZENDESK_API_TOKEN", self.zendesk.api_token.to_string()),
            ("ZENDESK_REQUESTS_PER_MINUTE", self.zendesk_requests_per_minute.to_string()),
            ("POWEROFFICE_REQUESTS_PER_SECOND", self.poweroffice_requests_per_second.to_string()),
            ("POWEROFFICE_API_URL", self.poweroffice.api_base_url.clone()),
            ("POWEROFFICE_TOKEN_URL", self.poweroffice.token_url.clone()),
            ("POWEROFFICE_APPLICATION_KEY", self.poweroffice.application_key.to_string()),
            ("POWEROFFICE_CLIENT_KEY", self.poweroffice.client_key.to_string()),
            ("POWEROFFICE_SUBSCRIPTION_KEY", self.poweroffice.subscription_key.to_string()),
        ];
        for (name, value) in rows {
            let _ = writeln!(out, "  {name:<30} {value}");
        }
        out
    }
}

fn is_loopback(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else { return false };
    matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn every_missing_variable_is_named_at_once() {
        let error = StagingConfig::from_vars(vars(&[("ZENDESK_URL", "https://acme.zendesk.com")])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "staging needs these environment variables (or a .env file), which are not set: ZENDESK_EMAIL, ZENDESK_API_TOKEN, POWEROFFICE_APPLICATION_KEY, POWEROFFICE_CLIENT_KEY, POWEROFFICE_SUBSCRIPTION_KEY"
        );
    }

    #[test]
    fn the_demo_environment_is_the_default_and_anything_else_needs_allow_production() {
        let base = [
            ("ZENDESK_URL", "https://acme.zendesk.com"),
            ("ZENDESK_EMAIL", "qa@acme.no"),
            ("ZENDESK_API_TOKEN", "zendesk-secret-token"),
            ("POWEROFFICE_APPLICATION_KEY", "app-secret"),
            ("POWEROFFICE_CLIENT_KEY", "client-secret"),
            ("POWEROFFICE_SUBSCRIPTION_KEY", "subscription-secret"),
        ];
        let demo = StagingConfig::from_vars(vars(&base)).unwrap();
        assert_eq!(demo.poweroffice.api_base_url, DEMO_API_URL);
        assert_eq!(demo.check_environment(false).unwrap(), None);
        let described = demo.describe();
        for secret in ["zendesk-secret-token", "app-secret", "client-secret", "subscription-secret"] {
            assert!(!described.contains(secret), "{described}");
        }

        let mut production = base.to_vec();
        production.push(("POWEROFFICE_API_URL", "https://goapi.poweroffice.net/v2"));
        let production = StagingConfig::from_vars(vars(&production)).unwrap();
        assert!(production.check_environment(false).unwrap_err().to_string().contains("--allow-production"));
        assert!(production.check_environment(true).unwrap().unwrap().starts_with("warning: --allow-production"));
    }
}
