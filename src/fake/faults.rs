//! Fault injection: for the next N requests whose method and path match, answer with a given
//! status (the API's own body for it), add a delay, or close the connection before answering.

use serde::{Deserialize, Serialize};

/// One armed fault. `path` is a pattern where `*` matches any run of characters; it is
/// compared without regard to case, and `method` (when given) likewise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    #[serde(default)]
    pub method: Option<String>,
    pub path: String,
    /// How many matching requests it hits before it disarms.
    #[serde(default = "one")]
    pub times: u32,
    /// How many matching requests it lets through untouched before it starts to hit (to stop a
    /// client at a chosen point, as a crash would).
    #[serde(default)]
    pub skip: u32,
    #[serde(flatten)]
    pub action: FaultAction,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultAction {
    /// Answer with this status and the body the real API sends for it (429 with `Retry-After`).
    Status {
        status: u16,
        #[serde(default)]
        retry_after: Option<u32>,
    },
    /// Answer normally, but only after this many milliseconds.
    Delay { millis: u64 },
    /// Close the connection without an answer.
    CloseConnection,
}

impl Fault {
    pub fn status(method: &str, path: &str, status: u16) -> Self {
        Self {
            method: Some(method.to_owned()),
            path: path.to_owned(),
            times: 1,
            skip: 0,
            action: FaultAction::Status { status, retry_after: None },
        }
    }

    pub fn rate_limit(method: &str, path: &str, retry_after: u32) -> Self {
        Self {
            method: Some(method.to_owned()),
            path: path.to_owned(),
            times: 1,
            skip: 0,
            action: FaultAction::Status { status: 429, retry_after: Some(retry_after) },
        }
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Closes the connection of every matching request after the first `skip`.
    pub fn close_after(path: &str, skip: u32) -> Self {
        Self { method: None, path: path.to_owned(), times: u32::MAX, skip, action: FaultAction::CloseConnection }
    }

    /// Whether the next matching request would be hit (not let through by `skip`).
    pub fn fires_next(&self) -> bool {
        self.skip == 0
    }

    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.times > 0
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
            && glob_matches(&self.path.to_ascii_lowercase(), &path.to_ascii_lowercase())
    }
}

/// Takes the first armed fault that matches, counting one use of it (or one request let
/// through, while it still skips).
pub(crate) fn take_matching(faults: &mut Vec<Fault>, method: &str, path: &str) -> Option<FaultAction> {
    let index = faults.iter().position(|f| f.matches(method, path))?;
    let fault = &mut faults[index];
    if fault.skip > 0 {
        fault.skip -= 1;
        return None;
    }
    fault.times -= 1;
    let action = fault.action.clone();
    if fault.times == 0 {
        faults.remove(index);
    }
    Some(action)
}

/// `*` matches any run of characters, everything else matches itself.
fn glob_matches(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else { return false };
            (0..=tail.len()).filter(|i| tail.is_char_boundary(*i)).any(|i| glob_matches(rest, &tail[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_runs_and_are_exact_elsewhere() {
        assert!(glob_matches("/api/v2/users/*", "/api/v2/users/12.json"));
        assert!(glob_matches("*", "/anything"));
        assert!(glob_matches("/v2/*/12", "/v2/contactpersons/12"));
        assert!(!glob_matches("/api/v2/users", "/api/v2/users/12"));
        assert!(!glob_matches("/api/*/users", "/api/v2/orgs"));
    }

    #[test]
    fn a_fault_hits_its_count_then_disarms() {
        let mut faults = vec![Fault::status("PUT", "/api/v2/users/*", 500).times(2)];
        assert!(take_matching(&mut faults, "GET", "/api/v2/users/1").is_none());
        assert!(take_matching(&mut faults, "put", "/API/v2/users/1").is_some());
        assert!(take_matching(&mut faults, "PUT", "/api/v2/users/1").is_some());
        assert!(take_matching(&mut faults, "PUT", "/api/v2/users/1").is_none());
        assert!(faults.is_empty());
    }

    #[test]
    fn a_skipping_fault_lets_requests_through_first() {
        let mut faults = vec![Fault::close_after("*", 2)];
        assert!(take_matching(&mut faults, "GET", "/a").is_none());
        assert!(take_matching(&mut faults, "POST", "/b").is_none());
        assert!(faults[0].fires_next());
        assert_eq!(take_matching(&mut faults, "GET", "/c"), Some(FaultAction::CloseConnection));
    }

    #[test]
    fn faults_read_from_the_admin_json() {
        let fault: Fault = serde_json::from_str(
            r#"{"method":"PUT","path":"/api/v2/users/*","kind":"status","status":429,"retry_after":27}"#,
        )
        .unwrap();
        assert_eq!(fault, Fault::rate_limit("PUT", "/api/v2/users/*", 27));
        let close: Fault = serde_json::from_str(r#"{"path":"*","times":3,"kind":"close_connection"}"#).unwrap();
        assert_eq!(close.action, FaultAction::CloseConnection);
        assert_eq!(close.times, 3);
    }
}
