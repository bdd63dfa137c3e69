//! The marks a run puts on everything it creates, so that the run's records can be told from
//! anyone else's: a run id with its start time, emails on the reserved example.com domain, a
//! name prefix per scenario, and Zendesk tags and external ids.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use time::OffsetDateTime;

/// `20261204t231500-7f3a`: when the run started (UTC), and a few random hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RunId(String);

/// Every mark starts with this, so a sweep can find marked records of any run.
pub const MARK: &str = "qa";
/// The Zendesk tag every harness record carries, next to its run's own tag.
pub const HARNESS_TAG: &str = "dataflow-qa";

impl RunId {
    pub fn generate() -> Self {
        let now = OffsetDateTime::now_utc();
        // Uniqueness across runs started in the same second; not a secret.
        let noise = (now.nanosecond() as u64 ^ u64::from(std::process::id()).rotate_left(17)) & 0xffff;
        Self(format!(
            "{:04}{:02}{:02}t{:02}{:02}{:02}-{noise:04x}",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        ))
    }

    /// Reads a run id as `cleanup --run-id` takes it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let id = Self(text.trim().to_owned());
        match id.started_at() {
            Some(_) => Ok(id),
            None => Err(format!("{text:?} is not a run id like 20261204t231500-7f3a")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// When the run started, read back from the id.
    pub fn started_at(&self) -> Option<OffsetDateTime> {
        let (stamp, noise) = self.0.split_once('-')?;
        if noise.len() != 4 || !noise.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let format = time::macros::format_description!("[year][month][day]t[hour][minute][second]");
        time::PrimitiveDateTime::parse(stamp, &format).ok().map(|t| t.assume_utc())
    }

    /// The run id inside a marked name, email, tag or external id, if there is one.
    pub fn find_in(text: &str) -> Option<RunId> {
        let lower = text.to_ascii_lowercase();
        let mut rest = lower.as_str();
        while let Some(at) = rest.find(MARK) {
            let candidate = &rest[at + MARK.len()..];
            let candidate = candidate.strip_prefix('-').or_else(|| candidate.strip_prefix('+'));
            if let Some(candidate) = candidate {
                if let Some(id) = candidate.get(..20).and_then(|c| RunId::parse(c).ok()) {
                    return Some(id);
                }
            }
            rest = &rest[at + MARK.len()..];
        }
        None
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The run's marks, and numbers for its scenarios and emails.
#[derive(Debug)]
pub struct RunScope {
    pub run_id: RunId,
    scenarios: AtomicUsize,
    emails: AtomicUsize,
}

impl RunScope {
    pub fn new(run_id: RunId) -> Self {
        Self { run_id, scenarios: AtomicUsize::new(0), emails: AtomicUsize::new(0) }
    }

    pub fn next_scenario(&self) -> usize {
        self.scenarios.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// `qa+<run-id>-<n>@example.com`: example.com is reserved, so no mail is ever delivered.
    pub fn next_email(&self) -> String {
        let n = self.emails.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{MARK}+{}-{n}@example.com", self.run_id)
    }

    /// The prefix of every name scenario `n` gives a record: `qa-<run-id>-s<n>:`. It joins the
    /// name's first word, so a one-word name stays one word.
    pub fn name_prefix(&self, scenario: usize) -> String {
        format!("{MARK}-{}-s{scenario}:", self.run_id)
    }

    /// Zendesk tags: the harness's, and the run's own.
    pub fn tags(&self) -> Vec<String> {
        vec![HARNESS_TAG.to_owned(), format!("{MARK}-{}", self.run_id)]
    }

    /// A Zendesk external_id for the n-th user of scenario `scenario`.
    pub fn external_id(&self, scenario: usize, n: usize) -> String {
        format!("{HARNESS_TAG}:{MARK}-{}:s{scenario}-{n}", self.run_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_id_carries_its_start_and_is_found_inside_any_mark() {
        let id = RunId::parse("20261204t231500-7f3a").unwrap();
        assert_eq!(id.started_at().unwrap().unix_timestamp(), 1_796_426_100);
        let scope = RunScope::new(id.clone());
        assert_eq!(scope.next_email(), "qa+20261204t231500-7f3a-1@example.com");
        assert_eq!(RunId::find_in("QA+20261204T231500-7F3A-1@EXAMPLE.COM"), Some(id.clone()));
        assert_eq!(RunId::find_in(&format!("{}Acme AS", scope.name_prefix(3))), Some(id.clone()));
        assert_eq!(RunId::find_in(&scope.external_id(3, 1)), Some(id));
        assert_eq!(RunId::find_in("Acme AS"), None);
        assert_eq!(RunId::find_in("qa+someone@acme.no"), None);
        assert!(RunId::parse("yesterday").is_err());
    }

    #[test]
    fn generated_ids_parse() {
        let id = RunId::generate();
        assert!(RunId::parse(id.as_str()).is_ok(), "{id}");
    }
}
