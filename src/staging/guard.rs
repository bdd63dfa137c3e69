//! The one write guard of the staging clients. Every write a client sends passes `check`:
//! a PUT, PATCH or DELETE, or a POST to a sub-resource, must address a record this guard saw
//! created. Creates are recorded from the API's answer. A refusal is an error naming the
//! request, never a silent skip. The guard also says which records are in scope, so the
//! reference sync can keep to them, and what cleanup must delete.

use std::sync::Mutex;

use reqwest::Method;
use serde_json::Value;

use crate::domain::System;
use crate::http::ClientError;

/// A record as the guard knows it: the collection in the API's path, lower-cased, and its id
/// (`"{contact_id}/{id}"` for a contact person).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    pub system: System,
    pub collection: String,
    pub id: String,
}

impl RecordKey {
    pub fn new(system: System, collection: &str, id: impl ToString) -> Self {
        Self { system, collection: collection.to_ascii_lowercase(), id: id.to_string() }
    }
}

impl std::fmt::Display for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.system, self.collection, self.id)
    }
}

/// What a write request does to which record.
#[derive(Debug, PartialEq, Eq)]
enum Write {
    /// A POST that makes a new record in this collection; `parent` must be the run's.
    Create { collection: String, parent: Option<RecordKey> },
    /// Any other write: the record must be the run's.
    Change(RecordKey),
    /// A write the harness never needs and the guard cannot scope (create_or_update, bulk jobs).
    Unscoped,
}

fn classify(system: System, method: &Method, path: &str) -> Write {
    let segments: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    let strip = |s: &str| s.trim_end_matches(".json").to_owned();
    match system {
        System::Zendesk => match (method, segments.as_slice()) {
            (&Method::POST, ["api", "v2", collection @ ("users" | "organizations")]) => {
                Write::Create { collection: (*collection).to_owned(), parent: None }
            }
            (_, ["api", "v2", "deleted_users", id]) => Write::Change(RecordKey::new(system, "users", strip(id))),
            (_, ["api", "v2", collection @ ("users" | "organizations"), id, ..])
                if id.trim_end_matches(".json").chars().all(|c| c.is_ascii_digit()) =>
            {
                Write::Change(RecordKey::new(system, collection, strip(id)))
            }
            _ => Write::Unscoped,
        },
        System::PowerOffice => {
            let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
            let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
            match (method, lower.as_slice()) {
                (&Method::POST, ["contactpersons", customer]) => Write::Create {
                    collection: "contactpersons".to_owned(),
                    parent: Some(RecordKey::new(system, "customers", customer)),
                },
                (&Method::POST, [collection]) => Write::Create { collection: (*collection).to_owned(), parent: None },
                (_, ["contactpersons", customer, id]) => {
                    Write::Change(RecordKey::new(system, "contactpersons", format!("{customer}/{id}")))
                }
                (_, [collection, id]) => Write::Change(RecordKey::new(system, collection, id)),
                _ => Write::Unscoped,
            }
        }
    }
}

/// The records one scenario (or one cleanup) may write, in the order they were created.
#[derive(Debug, Default)]
pub struct WriteGuard {
    created: Mutex<Vec<RecordKey>>,
}

impl WriteGuard {
    pub fn new() -> Self {
        Self::default()
    }

    fn refusal(system: System, method: &Method, path: &str, why: String) -> ClientError {
        ClientError::Refused { system, method: method.clone(), path: path.to_owned(), detail: why }
    }

    /// Whether `method path` may be sent; reads always may.
    pub fn check(&self, system: System, method: &Method, path: &str) -> Result<(), ClientError> {
        if method == Method::GET || method == Method::HEAD {
            return Ok(());
        }
        match classify(system, method, path) {
            Write::Create { parent: None, .. } => Ok(()),
            Write::Create { parent: Some(parent), .. } | Write::Change(parent) => {
                if self.owns(&parent) {
                    Ok(())
                } else {
                    Err(Self::refusal(system, method, path, format!("{parent} was not created by this run")))
                }
            }
            Write::Unscoped => {
                Err(Self::refusal(system, method, path, "this write cannot be scoped to the run's records".to_owned()))
            }
        }
    }

    /// Records the record a successful create made, from the API's answer.
    pub fn record_create(&self, system: System, path: &str, answer: &Value) {
        let Write::Create { collection, parent } = classify(system, &Method::POST, path) else { return };
        let body = match system {
            System::Zendesk => answer.get(collection.trim_end_matches('s')).unwrap_or(answer),
            System::PowerOffice => answer,
        };
        let id = body.get("id").or_else(|| body.get("Id")).and_then(Value::as_u64);
        if let Some(id) = id {
            let id = match parent {
                Some(parent) => format!("{}/{id}", parent.id),
                None => id.to_string(),
            };
            self.adopt(RecordKey::new(system, &collection, id));
        }
    }

    /// Takes a record into scope that the run found to be its own (cleanup of marked records).
    pub fn adopt(&self, key: RecordKey) {
        let mut created = self.created.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !created.contains(&key) {
            created.push(key);
        }
    }

    pub fn owns(&self, key: &RecordKey) -> bool {
        self.created.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).contains(key)
    }

    /// Everything in scope, newest first: the order cleanup deletes in.
    pub fn newest_first(&self) -> Vec<RecordKey> {
        let created = self.created.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        created.iter().rev().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_to_records_the_run_did_not_create_are_refused() {
        let guard = WriteGuard::new();
        let zendesk = System::Zendesk;
        guard.check(zendesk, &Method::POST, "api/v2/users").unwrap();
        guard.record_create(zendesk, "api/v2/users", &json!({ "user": { "id": 7 } }));
        guard.check(zendesk, &Method::PUT, "api/v2/users/7").unwrap();
        guard.check(zendesk, &Method::POST, "api/v2/users/7/identities").unwrap();
        guard.check(zendesk, &Method::PUT, "api/v2/users/7/identities/9/make_primary").unwrap();
        guard.check(zendesk, &Method::DELETE, "api/v2/deleted_users/7").unwrap();
        let refused = guard.check(zendesk, &Method::PUT, "api/v2/users/8").unwrap_err().to_string();
        assert_eq!(refused, "Zendesk: refused PUT api/v2/users/8: Zendesk users/8 was not created by this run");
        assert!(guard.check(zendesk, &Method::POST, "api/v2/users/create_or_update").is_err());
        assert!(guard.check(zendesk, &Method::DELETE, "api/v2/organizations/1").is_err());
        guard.check(zendesk, &Method::GET, "api/v2/users/8").unwrap();
    }

    #[test]
    fn a_contact_person_needs_a_customer_of_the_run() {
        let guard = WriteGuard::new();
        let pog = System::PowerOffice;
        assert!(guard.check(pog, &Method::POST, "ContactPersons/5").is_err());
        guard.record_create(pog, "Customers", &json!({ "Id": 5 }));
        guard.check(pog, &Method::POST, "ContactPersons/5").unwrap();
        guard.record_create(pog, "ContactPersons/5", &json!({ "Id": 6, "ContactId": 5 }));
        guard.check(pog, &Method::PATCH, "ContactPersons/5/6").unwrap();
        assert!(guard.check(pog, &Method::PATCH, "ContactPersons/5/99").is_err());
        assert!(guard.check(pog, &Method::DELETE, "Employees/3").is_err());
        assert_eq!(guard.newest_first()[0], RecordKey::new(pog, "ContactPersons", "5/6"));
    }
}
