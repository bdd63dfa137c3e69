//! A fake Zendesk Support API over an in-memory store, shaped like the real one
//! (../shared/reference/zendesk-api.md): API-token Basic auth with the real 401 body, `.json`
//! suffixes, cursor and offset pagination, every user field present with explicit nulls,
//! lower-cased unique emails across identities, and a PUT `email` that only adds a secondary
//! identity.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::client::ZendeskSettings;
use super::contract::{ORGANIZATION, ROLES, USER};
use crate::domain::{Email, EmailError, ZendeskUserId};
use crate::fake::clock::zendesk_timestamp;
use crate::fake::{FakeApi, FakeClock, FakeRequest, FakeResponse, FakeServer, JournalEntry};
use crate::secret::Secret;

/// Real ids exceed 2^32; starting above it catches a client that stores them in 32 bits.
const FIRST_ID: u64 = 360_000_000_001;
const MAX_PAGE_SIZE: usize = 100;
/// Offset pagination stops at 10,000 records (100 pages of 100).
const MAX_OFFSET_RECORDS: usize = 10_000;
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

struct Identity {
    user_id: u64,
    /// Stored lower-cased and trimmed, as Zendesk stores emails.
    value: String,
}

/// The fake's state: the records, in their wire shape.
pub struct ZendeskApi {
    authorization: Secret,
    clock: FakeClock,
    users: BTreeMap<u64, Map<String, Value>>,
    organizations: BTreeMap<u64, Map<String, Value>>,
    identities: Vec<Identity>,
    next_id: u64,
}

/// A running fake Zendesk.
pub struct FakeZendesk {
    server: FakeServer<ZendeskApi>,
    credentials: ZendeskCredentials,
}

impl FakeZendesk {
    pub async fn start(clock: FakeClock) -> Self {
        Self::start_with(clock, ZendeskCredentials::default()).await
    }

    pub async fn start_with(clock: FakeClock, credentials: ZendeskCredentials) -> Self {
        let api = ZendeskApi::new(clock, &credentials);
        Self { server: FakeServer::start(api).await, credentials }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Client settings that reach this fake with the credentials it accepts.
    pub fn settings(&self) -> ZendeskSettings {
        ZendeskSettings {
            base_url: self.uri(),
            email: self.credentials.email.clone(),
            api_token: self.credentials.api_token.clone(),
        }
    }

    pub fn journal(&self) -> Vec<JournalEntry> {
        self.server.journal()
    }

    /// The stored user as the API would return it.
    pub fn user(&self, id: ZendeskUserId) -> Option<Value> {
        self.server.with_api(|api| api.users.get(&id.get()).cloned().map(Value::Object))
    }
}

impl ZendeskApi {
    pub fn new(clock: FakeClock, credentials: &ZendeskCredentials) -> Self {
        Self {
            authorization: ZendeskSettings {
                base_url: String::new(),
                email: credentials.email.clone(),
                api_token: credentials.api_token.clone(),
            }
            .authorization(),
            clock,
            users: BTreeMap::new(),
            organizations: BTreeMap::new(),
            identities: Vec::new(),
            next_id: FIRST_ID,
        }
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn route(&mut self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        if request.header("authorization") != Some(self.authorization.expose()) {
            return unauthorized();
        }
        let segments: Vec<&str> = request.segments.iter().map(|s| s.strip_suffix(".json").unwrap_or(s)).collect();
        match (request.method, segments.as_slice()) {
            ("GET", ["api", "v2", "users"]) => list(&self.users, "users", request, base_uri),
            ("POST", ["api", "v2", "users"]) => self.create_user(request, base_uri),
            ("GET", ["api", "v2", "users", id]) => match self.users.get(&parse_id(id)) {
                Some(user) => FakeResponse::json(200, json!({ "user": user })),
                None => record_not_found(),
            },
            ("PUT", ["api", "v2", "users", id]) => self.update_user(parse_id(id), request),
            ("GET", ["api", "v2", "organizations"]) => list(&self.organizations, "organizations", request, base_uri),
            ("POST", ["api", "v2", "organizations"]) => self.create_organization(request, base_uri),
            _ => FakeResponse::json(
                404,
                json!({
                    "error": "InvalidEndpoint",
                    "description": format!("Not found: the fake Zendesk has no route for {} {}", request.method, request.path()),
                }),
            ),
        }
    }

    fn create_user(&mut self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        let input = match envelope(request, "user") {
            Ok(input) => input,
            Err(response) => return response,
        };
        let name = match valid_name(&input) {
            Ok(name) => name,
            Err(response) => return response,
        };
        let email = match input.get("email") {
            None | Some(Value::Null) => None,
            Some(value) => match self.available_email(value, None) {
                Ok(email) => Some(email),
                Err(response) => return response,
            },
        };
        let role = match input.get("role") {
            None | Some(Value::Null) => "end-user".to_owned(),
            Some(value) => match valid_role(value) {
                Ok(role) => role,
                Err(response) => return response,
            },
        };
        let id = self.take_id();
        let now = zendesk_timestamp(self.clock.tick());
        let mut user = USER.blank_record();
        for field in USER.fields.iter().filter(|f| !f.read_only) {
            if let Some(value) = input.get(field.name) {
                user.insert(field.name.to_owned(), value.clone());
            }
        }
        let defaults = json!({
            "id": id,
            "url": format!("{base_uri}/api/v2/users/{id}.json"),
            "name": name,
            "email": email,
            "created_at": now,
            "updated_at": now,
            "time_zone": "Copenhagen",
            "iana_time_zone": "Europe/Copenhagen",
            "locale_id": 1,
            "locale": "en-US",
            "role": role,
            "verified": input.get("verified").and_then(Value::as_bool).unwrap_or(false),
            "tags": input.get("tags").cloned().unwrap_or_else(|| json!([])),
            "active": true,
            "shared": false,
            "shared_agent": false,
            "two_factor_auth_enabled": false,
            "role_type": if role == "admin" { json!(4) } else { Value::Null },
            "moderator": false,
            "ticket_restriction": if role == "end-user" { json!("requested") } else { Value::Null },
            "only_private_comments": false,
            "restricted_agent": role == "end-user",
            "suspended": false,
            "report_csv": false,
            "user_fields": {},
        });
        if let Value::Object(defaults) = defaults {
            user.extend(defaults);
        }
        if let Some(email) = email {
            self.identities.push(Identity { user_id: id, value: email });
        }
        self.users.insert(id, user.clone());
        FakeResponse::json(201, json!({ "user": user }))
    }

    fn update_user(&mut self, id: u64, request: &FakeRequest<'_>) -> FakeResponse {
        if !self.users.contains_key(&id) {
            return record_not_found();
        }
        let input = match envelope(request, "user") {
            Ok(input) => input,
            Err(response) => return response,
        };
        if input.contains_key("name") {
            if let Err(response) = valid_name(&input) {
                return response;
            }
        }
        if let Some(role) = input.get("role") {
            if let Err(response) = valid_role(role) {
                return response;
            }
        }
        let mut changed = false;
        if let Some(value) = input.get("email").filter(|v| !v.is_null()) {
            // A PUT never replaces the primary email: it adds a secondary identity.
            match self.available_email(value, Some(id)) {
                Ok(email) if !self.identities.iter().any(|i| i.user_id == id && i.value == email) => {
                    self.identities.push(Identity { user_id: id, value: email });
                    changed = true;
                }
                Ok(_) => {}
                Err(response) => return response,
            }
        }
        let Some(user) = self.users.get_mut(&id) else {
            return record_not_found();
        };
        for field in USER.fields.iter().filter(|f| !f.read_only && f.name != "email") {
            if let Some(value) = input.get(field.name) {
                if user.get(field.name) != Some(value) {
                    user.insert(field.name.to_owned(), value.clone());
                    changed = true;
                }
            }
        }
        if changed {
            user.insert("updated_at".to_owned(), json!(zendesk_timestamp(self.clock.tick())));
        }
        FakeResponse::json(200, json!({ "user": user }))
    }

    fn create_organization(&mut self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        let input = match envelope(request, "organization") {
            Ok(input) => input,
            Err(response) => return response,
        };
        let name = match valid_name(&input) {
            Ok(name) => name,
            Err(response) => return response,
        };
        let taken = self
            .organizations
            .values()
            .any(|org| org.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(&name)));
        if taken {
            return record_invalid("name", &format!("Name: {name} has already been taken"), Some("DuplicateValue"));
        }
        let id = self.take_id();
        let now = zendesk_timestamp(self.clock.tick());
        let mut organization = ORGANIZATION.blank_record();
        for field in ORGANIZATION.fields.iter().filter(|f| !f.read_only) {
            if let Some(value) = input.get(field.name) {
                organization.insert(field.name.to_owned(), value.clone());
            }
        }
        if let Value::Object(defaults) = json!({
            "id": id,
            "url": format!("{base_uri}/api/v2/organizations/{id}.json"),
            "name": name,
            "domain_names": input.get("domain_names").cloned().unwrap_or_else(|| json!([])),
            "tags": input.get("tags").cloned().unwrap_or_else(|| json!([])),
            "shared_tickets": false,
            "shared_comments": false,
            "organization_fields": {},
            "created_at": now,
            "updated_at": now,
        }) {
            organization.extend(defaults);
        }
        self.organizations.insert(id, organization.clone());
        FakeResponse::json(201, json!({ "organization": organization }))
    }

    /// Checks an email for a create or an identity: format, then uniqueness across every
    /// identity of every other user. Returns it as Zendesk stores it.
    fn available_email(&self, value: &Value, owner: Option<u64>) -> Result<String, FakeResponse> {
        let raw = value.as_str().unwrap_or_default();
        let email = Email::parse(raw).map_err(|e| {
            let shown = match e {
                EmailError::Empty => raw.to_owned(),
                EmailError::Malformed(shown) => shown,
            };
            record_invalid("email", &format!("Email: {shown} is not properly formatted"), None)
        })?;
        let stored = email.key().to_owned();
        if self.identities.iter().any(|i| i.value == stored && Some(i.user_id) != owner) {
            return Err(record_invalid(
                "email",
                &format!("Email: {stored} is already being used by another user"),
                Some("DuplicateValue"),
            ));
        }
        Ok(stored)
    }
}

impl FakeApi for ZendeskApi {
    fn handle(&mut self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        self.route(request, base_uri)
            .with_content_type(CONTENT_TYPE)
            .with_header("X-Zendesk-API-Version", "v2")
            .with_header("X-Rate-Limit", "700")
            .with_header("X-Rate-Limit-Remaining", "699")
    }
}

fn parse_id(raw: &str) -> u64 {
    // Zero is never assigned, so an unparsable id falls through to RecordNotFound.
    raw.parse().unwrap_or(0)
}

fn unauthorized() -> FakeResponse {
    FakeResponse::json(401, json!({ "error": "Couldn't authenticate you" }))
        .with_header("WWW-Authenticate", "Basic realm=\"Web Password\"")
}

fn record_not_found() -> FakeResponse {
    FakeResponse::json(404, json!({ "error": "RecordNotFound", "description": "Not found" }))
}

fn record_invalid(field: &str, description: &str, error: Option<&str>) -> FakeResponse {
    let mut detail = json!({ "description": description });
    if let Some(error) = error {
        detail["error"] = json!(error);
    }
    FakeResponse::json(
        422,
        json!({
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": { field: [detail] },
        }),
    )
}

fn bad_request(description: String) -> FakeResponse {
    FakeResponse::json(400, json!({ "error": "InvalidValue", "description": description }))
}

/// The object inside `{"user": {...}}` or `{"organization": {...}}`.
fn envelope(request: &FakeRequest<'_>, key: &str) -> Result<Map<String, Value>, FakeResponse> {
    match request.json_body().map_err(bad_request)? {
        Value::Object(mut body) => match body.remove(key) {
            Some(Value::Object(inner)) => Ok(inner),
            _ => Err(bad_request(format!("the body must be a JSON object with a {key:?} object"))),
        },
        _ => Err(bad_request(format!("the body must be a JSON object with a {key:?} object"))),
    }
}

fn valid_name(input: &Map<String, Value>) -> Result<String, FakeResponse> {
    match input.get("name").and_then(Value::as_str).map(str::trim) {
        Some(name) if !name.is_empty() => Ok(name.to_owned()),
        _ => Err(record_invalid("name", "Name: is too short (minimum is 1 characters)", None)),
    }
}

fn valid_role(value: &Value) -> Result<String, FakeResponse> {
    match value.as_str() {
        Some(role) if ROLES.contains(&role) => Ok(role.to_owned()),
        _ => Err(record_invalid("role", &format!("Role: {value} is not a valid role"), Some("InvalidValue"))),
    }
}

/// Lists records in id order, with cursor pagination when `page[size]` is given and offset
/// pagination otherwise, as Zendesk does.
fn list(
    records: &BTreeMap<u64, Map<String, Value>>,
    key: &str,
    request: &FakeRequest<'_>,
    base_uri: &str,
) -> FakeResponse {
    let endpoint = format!("{base_uri}{}", request.path());
    match request.query_param("page[size]") {
        Some(size) => cursor_page(records, key, request, &endpoint, size),
        None => offset_page(records, key, request, &endpoint),
    }
}

fn page_number(request: &FakeRequest<'_>, name: &str, default: usize) -> Result<usize, FakeResponse> {
    match request.query_param(name) {
        None => Ok(default),
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(bad_request(format!("{name} must be a positive integer, got {raw:?}"))),
        },
    }
}

fn cursor_page(
    records: &BTreeMap<u64, Map<String, Value>>,
    key: &str,
    request: &FakeRequest<'_>,
    endpoint: &str,
    size: &str,
) -> FakeResponse {
    let size = match size.parse::<usize>() {
        Ok(n) if n > 0 => n.min(MAX_PAGE_SIZE),
        _ => return bad_request(format!("page[size] must be a positive integer, got {size:?}")),
    };
    let after = match request.query_param("page[after]") {
        None => 0,
        Some(cursor) => match decode_cursor(cursor) {
            Some(id) => id,
            None => return bad_request(format!("page[after] {cursor:?} is not a cursor this API issued")),
        },
    };
    let mut rest = records.range(after + 1..);
    let page: Vec<(&u64, &Map<String, Value>)> = rest.by_ref().take(size).collect();
    let has_more = rest.next().is_some();
    let after_cursor = page.last().map(|(id, _)| encode_cursor(**id));
    let before_cursor = page.first().map(|(id, _)| encode_cursor(**id));
    let link = |direction: &str, cursor: &Option<String>| match cursor {
        Some(cursor) => json!(format!("{endpoint}?page[size]={size}&page[{direction}]={cursor}")),
        None => Value::Null,
    };
    FakeResponse::json(
        200,
        json!({
            key: page.iter().map(|(_, record)| Value::Object((*record).clone())).collect::<Vec<_>>(),
            "meta": { "has_more": has_more, "after_cursor": after_cursor, "before_cursor": before_cursor },
            "links": {
                "next": if has_more { link("after", &after_cursor) } else { Value::Null },
                "prev": if after > 0 { link("before", &before_cursor) } else { Value::Null },
            },
        }),
    )
}

fn offset_page(
    records: &BTreeMap<u64, Map<String, Value>>,
    key: &str,
    request: &FakeRequest<'_>,
    endpoint: &str,
) -> FakeResponse {
    let (page, per_page) = match (page_number(request, "page", 1), page_number(request, "per_page", MAX_PAGE_SIZE)) {
        (Ok(page), Ok(per_page)) => (page, per_page.min(MAX_PAGE_SIZE)),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    if (page - 1) * per_page >= MAX_OFFSET_RECORDS {
        return bad_request(
            "offset pagination is limited to the first 10000 records; use cursor pagination".to_owned(),
        );
    }
    let items: Vec<Value> =
        records.values().skip((page - 1) * per_page).take(per_page).map(|r| Value::Object(r.clone())).collect();
    let link = |n: usize| json!(format!("{endpoint}?page={n}&per_page={per_page}"));
    let has_next = page * per_page < records.len();
    FakeResponse::json(
        200,
        json!({
            key: items,
            "next_page": if has_next { link(page + 1) } else { Value::Null },
            "previous_page": if page > 1 { link(page - 1) } else { Value::Null },
            "count": records.len(),
        }),
    )
}

fn encode_cursor(id: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

fn decode_cursor(cursor: &str) -> Option<u64> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(raw).ok()?.strip_prefix("id:")?.parse().ok()
}
