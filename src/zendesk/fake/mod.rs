//! A fake Zendesk Support API over an in-memory store, shaped like the real one
//! (../shared/reference/zendesk-api.md): API-token Basic auth with the real 401 body, `.json`
//! suffixes, cursor and offset pagination, every field present with explicit nulls, emails
//! lower-cased and unique across all identities, a PUT `email` that only adds a secondary
//! identity, soft deletes, search, incremental exports, and the real error envelopes.

mod organizations;
mod users;
mod wire;

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::client::ZendeskSettings;
use super::contract::{IDENTITY, ORGANIZATION, USER};
use crate::contract::Entity;
use crate::domain::ZendeskUserId;
use crate::fake::{FakeApi, FakeClock, FakeRequest, FakeResponse, FakeServer};
use crate::secret::Secret;

/// Real ids exceed 2^32; starting above it catches a client that stores them in 32 bits.
const FIRST_ID: u64 = 360_000_000_001;
const CONTENT_TYPE: &str = "application/json; charset=UTF-8";

/// The agent and API token the fake accepts.
#[derive(Clone, Debug)]
pub struct ZendeskCredentials {
    pub email: String,
    pub api_token: Secret,
}

impl Default for ZendeskCredentials {
    fn default() -> Self {
        Self { email: "qa-agent@example.com".to_owned(), api_token: Secret::new("dataflow-qa-zendesk-dev-token") }
    }
}

type Records = BTreeMap<u64, Map<String, Value>>;

/// The fake's state: every record in its wire shape.
pub struct ZendeskApi {
    authorization: Secret,
    /// The email of the API token's owner, who `users/me` is.
    agent_email: String,
    clock: FakeClock,
    users: Records,
    identities: Records,
    organizations: Records,
    /// Deleted organizations, kept with `deleted_at` for the incremental export.
    deleted_organizations: Records,
    next_id: u64,
}

/// A running fake Zendesk.
pub struct FakeZendesk {
    server: FakeServer<ZendeskApi>,
    credentials: ZendeskCredentials,
}

/// The wrapper adds this API's helpers; the shared ones (address, journal, faults, state)
/// come from the server underneath.
impl std::ops::Deref for FakeZendesk {
    type Target = FakeServer<ZendeskApi>;

    fn deref(&self) -> &Self::Target {
        &self.server
    }
}

impl FakeZendesk {
    pub async fn start(clock: FakeClock) -> Self {
        Self::start_with(clock, ZendeskCredentials::default()).await
    }

    pub async fn start_with(clock: FakeClock, credentials: ZendeskCredentials) -> Self {
        Self { server: FakeServer::start(ZendeskApi::new(clock, &credentials)).await, credentials }
    }

    /// Serves on a listener the caller bound (for `dataflow-qa mock`).
    pub async fn start_on(listener: std::net::TcpListener, clock: FakeClock, credentials: ZendeskCredentials) -> Self {
        Self { server: FakeServer::start_on(listener, ZendeskApi::new(clock, &credentials)).await, credentials }
    }

    /// Client settings that reach this fake with the credentials it accepts.
    pub fn settings(&self) -> ZendeskSettings {
        ZendeskSettings {
            base_url: self.uri(),
            email: self.credentials.email.clone(),
            api_token: self.credentials.api_token.clone(),
        }
    }

    pub fn credentials(&self) -> &ZendeskCredentials {
        &self.credentials
    }

    /// The stored user as the API would return it.
    pub fn user(&self, id: ZendeskUserId) -> Option<Value> {
        self.server.with_api(|api| api.users.get(&id.get()).cloned().map(Value::Object))
    }
}

impl ZendeskApi {
    pub fn new(clock: FakeClock, credentials: &ZendeskCredentials) -> Self {
        let settings = ZendeskSettings {
            base_url: String::new(),
            email: credentials.email.clone(),
            api_token: credentials.api_token.clone(),
        };
        Self {
            authorization: settings.authorization(),
            agent_email: credentials.email.clone(),
            clock,
            users: Records::new(),
            identities: Records::new(),
            organizations: Records::new(),
            deleted_organizations: Records::new(),
            next_id: FIRST_ID,
        }
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    fn stamp(&self) -> Value {
        json!(crate::fake::clock::zendesk_timestamp(self.clock.tick()))
    }

    fn route(&mut self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        if request.header("authorization") != Some(self.authorization.expose()) {
            return wire::unauthorized();
        }
        let segments: Vec<&str> = request.segments.iter().map(|s| s.strip_suffix(".json").unwrap_or(s)).collect();
        match (request.method, segments.as_slice()) {
            ("GET", ["api", "v2", "users"]) => self.list_users(request, base_uri),
            ("POST", ["api", "v2", "users"]) => self.create_user(request, base_uri),
            ("GET", ["api", "v2", "users", "me"]) => self.me(base_uri),
            ("GET", ["api", "v2", "users", "search"]) => self.search_users(request, base_uri),
            ("POST", ["api", "v2", "users", "create_or_update"]) => self.create_or_update_user(request, base_uri),
            ("GET", ["api", "v2", "users", id]) => self.show_user(id),
            ("PUT", ["api", "v2", "users", id]) => self.update_user(id, request, base_uri),
            ("DELETE", ["api", "v2", "users", id]) => self.delete_user(id),
            ("DELETE", ["api", "v2", "deleted_users", id]) => self.delete_user_permanently(id),
            ("GET", ["api", "v2", "users", id, "identities"]) => self.list_identities(id),
            ("POST", ["api", "v2", "users", id, "identities"]) => self.create_identity(id, request, base_uri),
            ("PUT", ["api", "v2", "users", id, "identities", identity, "make_primary"]) => {
                self.make_primary(id, identity)
            }
            ("GET", ["api", "v2", "incremental", "users", "cursor"]) => self.export_users(request, base_uri),
            ("GET", ["api", "v2", "organizations"]) => {
                wire::list(self.organizations.iter(), "organizations", request, base_uri)
            }
            ("POST", ["api", "v2", "organizations"]) => self.create_organization(request, base_uri),
            ("GET", ["api", "v2", "organizations", id]) => self.show_organization(id),
            ("PUT", ["api", "v2", "organizations", id]) => self.update_organization(id, request),
            ("DELETE", ["api", "v2", "organizations", id]) => self.delete_organization(id),
            ("GET", ["api", "v2", "incremental", "organizations"]) => self.export_organizations(request, base_uri),
            _ => FakeResponse::json(
                404,
                json!({
                    "error": "InvalidEndpoint",
                    "description": format!("Not found: the fake Zendesk has no route for {} {}", request.method, request.path()),
                }),
            ),
        }
    }
}

impl FakeApi for ZendeskApi {
    fn handle(&mut self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        rate_limit_headers(self.route(request, base_uri).with_content_type(CONTENT_TYPE))
    }

    fn fault_response(&self, status: u16, retry_after: Option<u32>) -> FakeResponse {
        let response = match status {
            // The per-user update limit answers in plain text, as recorded from a real account.
            429 => FakeResponse::text(
                429,
                "text/plain; charset=UTF-8",
                "You have exceeded the rate limit for updating a single unique user. user email:  id:  external_id: ",
            ),
            503 => {
                FakeResponse::json(503, json!({ "error": "ServiceUnavailable", "description": "Service unavailable" }))
            }
            _ => FakeResponse::json(status, json!({ "error": "InternalError", "description": "Something went wrong" })),
        };
        let response = match retry_after {
            Some(seconds) => response.with_header("Retry-After", seconds.to_string()),
            None => response,
        };
        rate_limit_headers(response)
    }

    fn dump_state(&self) -> Value {
        let values = |records: &Records| records.values().cloned().map(Value::Object).collect::<Vec<_>>();
        json!({
            "users": values(&self.users),
            "identities": values(&self.identities),
            "organizations": values(&self.organizations),
        })
    }

    fn load_state(&mut self, state: Value, base_uri: &str) -> Result<(), String> {
        let mut users = load_records(&USER, &state, "users")?;
        let mut organizations = load_records(&ORGANIZATION, &state, "organizations")?;
        let mut identities = load_records(&IDENTITY, &state, "identities")?;
        let highest = users.keys().chain(organizations.keys()).chain(identities.keys()).max().copied();
        self.next_id = highest.map_or(FIRST_ID, |id| id.max(FIRST_ID - 1) + 1);
        // Users seeded without identities get their primary email identity, as Zendesk gives them.
        for (id, user) in &users {
            let email = user.get("email").and_then(Value::as_str).map(str::to_lowercase);
            let has_identity = identities.values().any(|i| i.get("user_id") == Some(&json!(id)));
            if let (Some(email), false) = (email, has_identity) {
                let identity_id = self.take_id();
                let at = user.get("created_at").cloned().unwrap_or(Value::Null);
                identities.insert(identity_id, users::identity_record(base_uri, identity_id, *id, &email, true, at));
            }
        }
        // A record's url is its address on this server, as real ones point at their account.
        for (id, user) in users.iter_mut() {
            user.insert("url".to_owned(), json!(format!("{base_uri}/api/v2/users/{id}.json")));
        }
        for (id, organization) in organizations.iter_mut() {
            organization.insert("url".to_owned(), json!(format!("{base_uri}/api/v2/organizations/{id}.json")));
        }
        for (id, identity) in identities.iter_mut() {
            let user_id = identity.get("user_id").cloned().unwrap_or(Value::Null);
            identity.insert("url".to_owned(), json!(format!("{base_uri}/api/v2/users/{user_id}/identities/{id}.json")));
        }
        self.users = users;
        self.organizations = organizations;
        self.identities = identities;
        self.deleted_organizations.clear();
        Ok(())
    }

    fn reset(&mut self) {
        self.users.clear();
        self.identities.clear();
        self.organizations.clear();
        self.deleted_organizations.clear();
        self.next_id = FIRST_ID;
    }
}

fn rate_limit_headers(response: FakeResponse) -> FakeResponse {
    response
        .with_header("X-Zendesk-API-Version", "v2")
        .with_header("X-Rate-Limit", "700")
        .with_header("X-Rate-Limit-Remaining", "699")
}

/// Reads one list of a state document, checking every field against the contract.
fn load_records(entity: &Entity, state: &Value, key: &str) -> Result<Records, String> {
    let mut records = Records::new();
    let Some(list) = state.get(key) else { return Ok(records) };
    let list = list.as_array().ok_or_else(|| format!("{key} must be an array"))?;
    for (index, record) in list.iter().enumerate() {
        let fields = record.as_object().ok_or_else(|| format!("{key}[{index}] must be an object"))?;
        let mut full = entity.blank_record();
        for (name, value) in fields {
            if let Some(error) = entity.field(name).and_then(|field| field.type_mismatch(value)) {
                return Err(format!("{key}[{index}].{name}: {error}"));
            }
            full.insert(name.clone(), value.clone());
        }
        let id =
            full.get("id").and_then(Value::as_u64).ok_or_else(|| format!("{key}[{index}].id must be an integer"))?;
        if records.insert(id, full).is_some() {
            return Err(format!("{key}[{index}].id {id} appears twice"));
        }
    }
    Ok(records)
}

fn parse_id(raw: &str) -> Option<u64> {
    raw.parse().ok()
}

/// Where a record stands in an incremental export: its `updated_at` in Unix seconds, then id.
type ExportPosition = (i64, u64);

/// The records an export hands out, in export order, keeping those `keep` accepts.
fn export_order<'r>(
    records: impl Iterator<Item = (&'r u64, &'r Map<String, Value>)>,
    keep: impl Fn(ExportPosition) -> bool,
) -> Vec<(ExportPosition, &'r Map<String, Value>)> {
    let mut ordered: Vec<_> = records
        .map(|(id, record)| ((unix_time(record, "updated_at"), *id), record))
        .filter(|(p, _)| keep(*p))
        .collect();
    ordered.sort_by_key(|(position, _)| *position);
    ordered
}

/// Unix seconds of a Zendesk timestamp field, for ordering exports.
fn unix_time(record: &Map<String, Value>, field: &str) -> i64 {
    record
        .get(field)
        .and_then(Value::as_str)
        .and_then(|s| OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok())
        .map_or(0, OffsetDateTime::unix_timestamp)
}
