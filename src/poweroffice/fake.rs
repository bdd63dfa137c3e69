//! A fake PowerOffice Go v2 API over an in-memory store, shaped like the real one
//! (../shared/reference/pog-api.md): client-credentials tokens that expire, the subscription
//! key on every call, PascalCase output with property names matched case-insensitively on
//! input, bare-array lists with 204 when empty, JSON Patch updates that refuse read-only
//! fields, and ProblemDetails errors.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use serde_json::{json, Map, Value};
use time::{Duration, OffsetDateTime};

use super::client::PowerOfficeSettings;
use super::contract::{ADDRESS, CONTACT_PERSON, CUSTOMER};
use crate::contract::Entity;
use crate::domain::ContactPersonRef;
use crate::fake::clock::poweroffice_timestamp;
use crate::fake::{FakeApi, FakeClock, FakeRequest, FakeResponse, FakeServer, JournalEntry};
use crate::secret::Secret;

const DEFAULT_TOKEN_LIFETIME_SECONDS: i64 = 1200;
const DEFAULT_PAGE_SIZE: usize = 5000;
const MAX_PAGE_SIZE: usize = 20_000;
const FIRST_ID: i64 = 4_100_001;
const FIRST_CUSTOMER_NUMBER: i64 = 10_000;
const PROBLEM_JSON: &str = "application/problem+json; charset=utf-8";

/// The keys the fake accepts.
#[derive(Clone, Debug)]
pub struct PowerOfficeCredentials {
    pub application_key: Secret,
    pub client_key: Secret,
    pub subscription_key: Secret,
}

impl Default for PowerOfficeCredentials {
    fn default() -> Self {
        Self {
            application_key: Secret::new("dataflow-qa-application-key"),
            client_key: Secret::new("dataflow-qa-client-key"),
            subscription_key: Secret::new("dataflow-qa-subscription-key"),
        }
    }
}

pub struct PowerOfficeApi {
    basic_credentials: String,
    subscription_key: Secret,
    clock: FakeClock,
    token_lifetime_seconds: i64,
    tokens: HashMap<String, OffsetDateTime>,
    issued_tokens: u64,
    customers: BTreeMap<i64, Map<String, Value>>,
    contact_persons: BTreeMap<i64, Map<String, Value>>,
    next_id: i64,
    next_customer_number: i64,
}

pub struct FakePowerOffice {
    server: FakeServer<PowerOfficeApi>,
    credentials: PowerOfficeCredentials,
}

impl FakePowerOffice {
    pub async fn start(clock: FakeClock) -> Self {
        Self::start_with(clock, PowerOfficeCredentials::default()).await
    }

    pub async fn start_with(clock: FakeClock, credentials: PowerOfficeCredentials) -> Self {
        let api = PowerOfficeApi::new(clock, &credentials);
        Self { server: FakeServer::start(api).await, credentials }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn settings(&self) -> PowerOfficeSettings {
        PowerOfficeSettings {
            api_base_url: format!("{}/v2", self.uri()),
            token_url: format!("{}/OAuth/Token", self.uri()),
            application_key: self.credentials.application_key.clone(),
            client_key: self.credentials.client_key.clone(),
            subscription_key: self.credentials.subscription_key.clone(),
        }
    }

    pub fn journal(&self) -> Vec<JournalEntry> {
        self.server.journal()
    }

    /// How long new tokens live (`expires_in`); zero makes every token stale at once.
    pub fn set_token_lifetime(&self, seconds: i64) {
        self.server.with_api(|api| api.token_lifetime_seconds = seconds);
    }

    /// Invalidates every token issued so far, as a key rotation or an early expiry would.
    pub fn revoke_tokens(&self) {
        self.server.with_api(|api| api.tokens.clear());
    }

    pub fn contact_person(&self, person: ContactPersonRef) -> Option<Value> {
        self.server.with_api(|api| {
            api.contact_persons
                .get(&person.id.get())
                .filter(|p| p.get("ContactId") == Some(&json!(person.contact_id.get())))
                .cloned()
                .map(Value::Object)
        })
    }
}

impl PowerOfficeApi {
    pub fn new(clock: FakeClock, credentials: &PowerOfficeCredentials) -> Self {
        let pair = format!("{}:{}", credentials.application_key.expose(), credentials.client_key.expose());
        Self {
            basic_credentials: format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)),
            subscription_key: credentials.subscription_key.clone(),
            clock,
            token_lifetime_seconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
            tokens: HashMap::new(),
            issued_tokens: 0,
            customers: BTreeMap::new(),
            contact_persons: BTreeMap::new(),
            next_id: FIRST_ID,
            next_customer_number: FIRST_CUSTOMER_NUMBER,
        }
    }

    fn take_id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn route(&mut self, request: &FakeRequest<'_>) -> FakeResponse {
        // Paths are matched without regard to case, and the demo prefix is optional.
        let mut segments: Vec<String> = request.segments.iter().map(|s| s.to_ascii_lowercase()).collect();
        if segments.first().map(String::as_str) == Some("demo") {
            segments.remove(0);
        }
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        if let ["oauth", "token"] = segments.as_slice() {
            return match request.method {
                "POST" => self.issue_token(request),
                _ => problem(405, "Method not allowed", "The token endpoint only accepts POST."),
            };
        }
        if segments.first() == Some(&"v2") {
            if let Some(refusal) = self.refuse_unauthorized(request) {
                return refusal;
            }
        }
        match (request.method, segments.as_slice()) {
            ("GET", ["v2", "contactpersons"]) => self.list_contact_persons(request),
            ("POST", ["v2", "contactpersons", contact_id]) => self.create_contact_person(contact_id, request),
            ("GET", ["v2", "contactpersons", contact_id, id]) => match self.find_contact_person(contact_id, id) {
                Ok(person) => FakeResponse::json(200, Value::Object(person.clone())),
                Err(response) => response,
            },
            ("PATCH", ["v2", "contactpersons", contact_id, id]) => self.patch_contact_person(contact_id, id, request),
            ("GET", ["v2", "customers"]) => list(&self.customers, request, |_| true),
            ("POST", ["v2", "customers"]) => self.create_customer(request),
            ("GET", ["v2", "customers", id]) => match parse_id(id).and_then(|id| self.customers.get(&id)) {
                Some(customer) => FakeResponse::json(200, Value::Object(customer.clone())),
                None => customer_not_found(id),
            },
            _ => problem(
                404,
                "Not found",
                &format!("The fake PowerOffice Go has no route for {} {}.", request.method, request.path()),
            ),
        }
    }

    fn issue_token(&mut self, request: &FakeRequest<'_>) -> FakeResponse {
        if let Some(refusal) = self.refuse_subscription_key(request) {
            return refusal;
        }
        if request.header("authorization") != Some(self.basic_credentials.as_str()) {
            return token_error(
                "invalid_client",
                "Client integration not found. Please ensure the provided keys are matching the desired environment.",
            );
        }
        let body = String::from_utf8_lossy(request.body());
        let grant_is_client_credentials = body.split('&').any(|pair| pair.trim() == "grant_type=client_credentials");
        if !grant_is_client_credentials {
            return token_error("unsupported_grant_type", "The grant_type must be client_credentials.");
        }
        self.issued_tokens += 1;
        let token = format!(
            "fake-pog-token-{}-{}",
            self.issued_tokens,
            self.clock.now().unix_timestamp_nanos() % 1_000_000_007
        );
        let expires_at = self.clock.now() + Duration::seconds(self.token_lifetime_seconds);
        self.tokens.insert(token.clone(), expires_at);
        FakeResponse::json(
            200,
            json!({ "access_token": token, "token_type": "bearer", "expires_in": self.token_lifetime_seconds }),
        )
    }

    fn refuse_subscription_key(&self, request: &FakeRequest<'_>) -> Option<FakeResponse> {
        let message = match request.header("ocp-apim-subscription-key") {
            None => "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
            Some(key) if key != self.subscription_key.expose() => {
                "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."
            }
            Some(_) => return None,
        };
        Some(FakeResponse::json(401, json!({ "statusCode": 401, "message": message })))
    }

    fn refuse_unauthorized(&self, request: &FakeRequest<'_>) -> Option<FakeResponse> {
        if let Some(refusal) = self.refuse_subscription_key(request) {
            return Some(refusal);
        }
        let token = request.header("authorization").and_then(|h| h.strip_prefix("Bearer "));
        let valid = token.and_then(|t| self.tokens.get(t)).is_some_and(|expires| self.clock.now() < *expires);
        (!valid).then(|| FakeResponse::empty(401).with_header("WWW-Authenticate", "Bearer error=\"invalid_token\""))
    }

    fn list_contact_persons(&self, request: &FakeRequest<'_>) -> FakeResponse {
        let contact_ids: Option<Vec<i64>> = query_ignoring_case(request, "contactIds")
            .map(|raw| raw.split(',').filter_map(|id| id.trim().parse().ok()).collect());
        list(&self.contact_persons, request, |person| match &contact_ids {
            Some(ids) => person.get("ContactId").and_then(Value::as_i64).is_some_and(|id| ids.contains(&id)),
            None => true,
        })
    }

    fn find_contact_person(&self, contact_id: &str, id: &str) -> Result<&Map<String, Value>, FakeResponse> {
        let not_found = || problem(404, "Object(s) not found", &format!("ContactPerson with id = {id} not found."));
        let contact_id = parse_id(contact_id).ok_or_else(not_found)?;
        self.contact_persons
            .get(&parse_id(id).ok_or_else(not_found)?)
            .filter(|person| person.get("ContactId") == Some(&json!(contact_id)))
            .ok_or_else(not_found)
    }

    fn create_contact_person(&mut self, contact_id: &str, request: &FakeRequest<'_>) -> FakeResponse {
        let Some(contact_id) = parse_id(contact_id).filter(|id| self.customers.contains_key(id)) else {
            return customer_not_found(contact_id);
        };
        let input = match post_body(&CONTACT_PERSON, request) {
            Ok(input) => input,
            Err(response) => return response,
        };
        let id = self.take_id();
        let now = json!(poweroffice_timestamp(self.clock.tick()));
        let mut person = CONTACT_PERSON.blank_record();
        person.extend(input);
        let defaults = [
            ("Id", json!(id)),
            ("ContactId", json!(contact_id)),
            ("CreatedDateTimeOffset", now.clone()),
            ("LastChangedDateTimeOffset", now),
        ];
        person.extend(defaults.map(|(k, v)| (k.to_owned(), v)));
        fill_if_null(&mut person, "IsActive", json!(true));
        fill_if_null(&mut person, "IsDefault", json!(false));
        fill_if_null(&mut person, "MailAddress", Value::Object(ADDRESS.blank_record()));
        self.contact_persons.insert(id, person.clone());
        FakeResponse::json(201, Value::Object(person))
    }

    fn patch_contact_person(&mut self, contact_id: &str, id: &str, request: &FakeRequest<'_>) -> FakeResponse {
        let key = match self.find_contact_person(contact_id, id) {
            Ok(person) => person.get("Id").and_then(Value::as_i64).unwrap_or_default(),
            Err(response) => return response,
        };
        let changes = match patch_body(&CONTACT_PERSON, request) {
            Ok(changes) => changes,
            Err(response) => return response,
        };
        let stamp = poweroffice_timestamp(self.clock.tick());
        let Some(person) = self.contact_persons.get_mut(&key) else {
            return problem(404, "Object(s) not found", &format!("ContactPerson with id = {id} not found."));
        };
        let mut changed = false;
        for change in changes {
            changed |= change.apply(person);
        }
        if changed {
            person.insert("LastChangedDateTimeOffset".to_owned(), json!(stamp));
        }
        FakeResponse::json(200, Value::Object(person.clone()))
    }

    fn create_customer(&mut self, request: &FakeRequest<'_>) -> FakeResponse {
        let input = match post_body(&CUSTOMER, request) {
            Ok(input) => input,
            Err(response) => return response,
        };
        let is_person = input.get("IsPerson").and_then(Value::as_bool).unwrap_or(false);
        let required: &[&str] = if is_person { &["FirstName", "LastName"] } else { &["Name"] };
        let missing: Vec<String> = required
            .iter()
            .filter(|name| input.get(**name).and_then(Value::as_str).is_none_or(|v| v.trim().is_empty()))
            .map(|name| format!("{name} is required when IsPerson is {is_person}."))
            .collect();
        if !missing.is_empty() {
            return problem(400, "Customer validation error(s)", &missing.join(" "));
        }
        let id = self.take_id();
        let number = self.next_customer_number;
        self.next_customer_number += 1;
        let now = json!(poweroffice_timestamp(self.clock.tick()));
        let mut customer = CUSTOMER.blank_record();
        customer.extend(input);
        let defaults = [
            ("Id", json!(id)),
            ("IsPerson", json!(is_person)),
            ("IsActive", json!(true)),
            ("SubledgerAccountId", json!(id + 1_000_000)),
            ("ContactCreatedDateTimeOffset", now.clone()),
            ("CustomerCreatedDateTimeOffset", now.clone()),
            ("LastChangedDateTimeOffset", now),
        ];
        customer.extend(defaults.map(|(k, v)| (k.to_owned(), v)));
        fill_if_null(&mut customer, "Number", json!(number));
        fill_if_null(&mut customer, "IsArchived", json!(false));
        fill_if_null(&mut customer, "InvoiceDeliveryType", json!("PdfByEmail"));
        fill_if_null(&mut customer, "ReminderDeliveryType", json!("PdfByEmail"));
        fill_if_null(&mut customer, "NoticeOfDebtCollectionDeliveryType", json!("PdfByEmail"));
        fill_if_null(&mut customer, "MailAddress", Value::Object(ADDRESS.blank_record()));
        self.customers.insert(id, customer.clone());
        FakeResponse::json(201, Value::Object(customer))
    }
}

impl FakeApi for PowerOfficeApi {
    fn handle(&mut self, request: &FakeRequest<'_>, _base_uri: &str) -> FakeResponse {
        self.route(request)
    }

    /// Fetching a token changes no accounting data.
    fn is_data_write(&self, request: &FakeRequest<'_>) -> bool {
        let is_token = request.segments.last().is_some_and(|s| s.eq_ignore_ascii_case("token"));
        request.is_write() && !is_token
    }
}

fn fill_if_null(record: &mut Map<String, Value>, field: &str, value: Value) {
    if record.get(field).is_none_or(Value::is_null) {
        record.insert(field.to_owned(), value);
    }
}

fn parse_id(raw: &str) -> Option<i64> {
    raw.parse().ok()
}

fn query_ignoring_case<'r>(request: &'r FakeRequest<'_>, name: &str) -> Option<&'r str> {
    request.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn problem(status: u16, title: &str, detail: &str) -> FakeResponse {
    FakeResponse::json(status, json!({ "title": title, "status": status, "detail": detail }))
        .with_content_type(PROBLEM_JSON)
}

fn validation_error(entity: &Entity, detail: &str) -> FakeResponse {
    problem(400, &format!("{} validation error(s)", entity.name), detail)
}

fn customer_not_found(id: &str) -> FakeResponse {
    problem(404, "Object(s) not found", &format!("Customer with id = {id} not found."))
}

fn token_error(error: &str, description: &str) -> FakeResponse {
    FakeResponse::json(400, json!({ "error": error, "error_description": description }))
}

/// A list answer: a bare JSON array, `PageNumber` from 1 and `PageSize`, or 204 when nothing
/// is left.
fn list(
    records: &BTreeMap<i64, Map<String, Value>>,
    request: &FakeRequest<'_>,
    keep: impl Fn(&Map<String, Value>) -> bool,
) -> FakeResponse {
    let number = |name: &str, default: usize| match query_ignoring_case(request, name) {
        None => Ok(default),
        Some(raw) => raw.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
            problem(400, "Invalid query parameter", &format!("{name} must be a positive integer, got '{raw}'."))
        }),
    };
    let (page_number, page_size) = match (number("PageNumber", 1), number("PageSize", DEFAULT_PAGE_SIZE)) {
        (Ok(n), Ok(size)) if size <= MAX_PAGE_SIZE => (n, size),
        (Ok(_), Ok(size)) => {
            return problem(
                400,
                "Invalid query parameter",
                &format!("PageSize must be at most {MAX_PAGE_SIZE}, got {size}."),
            )
        }
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let page: Vec<Value> = records
        .values()
        .filter(|r| keep(r))
        .skip((page_number - 1).saturating_mul(page_size))
        .take(page_size)
        .map(|r| Value::Object(r.clone()))
        .collect();
    if page.is_empty() {
        return FakeResponse::empty(204);
    }
    FakeResponse::json(200, Value::Array(page))
}

/// Reads a POST body against the contract: names matched without regard to case and written
/// back in PascalCase, read-only and unknown properties ignored (as ASP.NET binding does), wrong
/// JSON types and missing required fields refused.
fn post_body(entity: &Entity, request: &FakeRequest<'_>) -> Result<Map<String, Value>, FakeResponse> {
    let body = match request.json_body() {
        Ok(Value::Object(body)) => body,
        Ok(_) => return Err(validation_error(entity, "The body must be a JSON object.")),
        Err(e) => return Err(validation_error(entity, &e)),
    };
    let mut accepted = Map::new();
    let mut errors = Vec::new();
    for (name, value) in body {
        let Some(field) = entity.field_ignoring_case(&name).filter(|f| !f.read_only) else {
            continue;
        };
        match field.type_mismatch(&value) {
            Some(error) => errors.push(error),
            None => {
                accepted.insert(field.name.to_owned(), value);
            }
        }
    }
    for field in entity.fields.iter().filter(|f| f.required_on_create) {
        if accepted.get(field.name).and_then(Value::as_str).is_none_or(|v| v.trim().is_empty()) {
            errors.push(format!("{} is required.", field.name));
        }
    }
    if let Some(Value::Object(address)) = accepted.get("MailAddress") {
        for required in ["City", "ZipCode"] {
            if address.get(required).and_then(Value::as_str).is_none_or(|v| v.trim().is_empty()) {
                errors.push(format!("MailAddress.{required} is required when a MailAddress is given."));
            }
        }
    }
    if errors.is_empty() {
        Ok(accepted)
    } else {
        Err(validation_error(entity, &errors.join(" ")))
    }
}

/// One validated JSON Patch change: a top-level property, or one property of `MailAddress`.
struct Change {
    field: &'static str,
    nested: Option<&'static str>,
    value: Value,
}

impl Change {
    /// Applies the change; true when the record is now different.
    fn apply(self, record: &mut Map<String, Value>) -> bool {
        let target = match self.nested {
            None => record.entry(self.field),
            Some(nested) => {
                let parent = record.entry(self.field).or_insert(Value::Null);
                if !parent.is_object() {
                    *parent = Value::Object(ADDRESS.blank_record());
                }
                match parent.as_object_mut() {
                    Some(parent) => parent.entry(nested),
                    None => return false,
                }
            }
        };
        let slot = target.or_insert(Value::Null);
        if *slot == self.value {
            return false;
        }
        *slot = self.value;
        true
    }
}

/// Reads an RFC 6902 body. Every operation is checked before any is applied, so a bad
/// operation leaves the record untouched.
fn patch_body(entity: &Entity, request: &FakeRequest<'_>) -> Result<Vec<Change>, FakeResponse> {
    let content_type = request.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/json-patch+json") {
        return Err(problem(
            415,
            "Unsupported Media Type",
            &format!("PATCH needs Content-Type application/json-patch+json, got '{content_type}'."),
        ));
    }
    let operations = match request.json_body() {
        Ok(Value::Array(operations)) => operations,
        Ok(_) => return Err(validation_error(entity, "The body must be a JSON Patch array.")),
        Err(e) => return Err(validation_error(entity, &e)),
    };
    operations.iter().map(|operation| patch_change(entity, operation)).collect()
}

fn patch_change(entity: &Entity, operation: &Value) -> Result<Change, FakeResponse> {
    let op = operation.get("op").and_then(Value::as_str).unwrap_or_default();
    let path = operation.get("path").and_then(Value::as_str).unwrap_or_default();
    let refuse = |detail: String| validation_error(entity, &detail);
    let value = match op.to_ascii_lowercase().as_str() {
        "replace" | "add" => operation
            .get("value")
            .cloned()
            .ok_or_else(|| refuse(format!("Operation '{op}' on '{path}' needs a value.")))?,
        "remove" => Value::Null,
        _ => return Err(refuse(format!("Operation '{op}' is not supported; use add, replace or remove."))),
    };
    let mut parts = path.trim_start_matches('/').split('/');
    let top = parts.next().unwrap_or_default();
    let field = entity
        .field_ignoring_case(top)
        .ok_or_else(|| refuse(format!("The path '{path}' does not name a property of {}.", entity.name)))?;
    if field.read_only {
        return Err(refuse(format!("The property '{top}' is read-only and cannot be patched.")));
    }
    match (parts.next(), parts.next()) {
        (None, _) => match field.type_mismatch(&value) {
            Some(error) => Err(refuse(error)),
            None => Ok(Change { field: field.name, nested: None, value }),
        },
        (Some(inner), None) if field.name == "MailAddress" => {
            let nested = ADDRESS
                .field_ignoring_case(inner)
                .ok_or_else(|| refuse(format!("The path '{path}' does not name a property of the address.")))?;
            match nested.type_mismatch(&value) {
                Some(error) => Err(refuse(error)),
                None => Ok(Change { field: field.name, nested: Some(nested.name), value }),
            }
        }
        _ => Err(refuse(format!("The path '{path}' is not a patchable property."))),
    }
}
