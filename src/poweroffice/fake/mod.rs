//! A fake PowerOffice Go v2 API over an in-memory store, shaped like the real one
//! (../shared/reference/pog-api.md): client-credentials tokens that expire, the subscription
//! key on every call, PascalCase output with property names matched case-insensitively on
//! input, bare-array lists with 204 when empty, JSON Patch updates that refuse read-only
//! fields, deletes that answer 409 when the record is in use, and ProblemDetails errors.

mod bodies;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use base64::Engine as _;
use serde_json::{json, Map, Value};
use time::{Duration, OffsetDateTime};

use super::client::PowerOfficeSettings;
use super::contract::{ADDRESS, CONTACT_ADDRESS, CONTACT_PERSON, CUSTOMER, DEPARTMENT, EMPLOYEE};
use crate::contract::Entity;
use crate::domain::ContactPersonRef;
use crate::fake::clock::poweroffice_timestamp;
use crate::fake::{FakeApi, FakeClock, FakeRequest, FakeResponse, FakeServer};
use crate::secret::Secret;
use bodies::{patch_body, post_body, validation_error};

const DEFAULT_TOKEN_LIFETIME_SECONDS: i64 = 1200;
const DEFAULT_PAGE_SIZE: usize = 5000;
const MAX_PAGE_SIZE: usize = 20_000;
const FIRST_ID: i64 = 4_100_001;
const FIRST_NUMBER: i64 = 10_000;
const MAX_EXTERNAL_REFERENCE: usize = 50;
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

/// The resources the fake serves, each with its contract and its address shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Customer,
    Employee,
    Department,
    ContactPerson,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Customer, Kind::Employee, Kind::Department, Kind::ContactPerson];

    fn from_segment(segment: &str) -> Option<Kind> {
        match segment {
            "customers" => Some(Kind::Customer),
            "employees" => Some(Kind::Employee),
            "departments" => Some(Kind::Department),
            "contactpersons" => Some(Kind::ContactPerson),
            _ => None,
        }
    }

    fn entity(self) -> &'static Entity {
        match self {
            Kind::Customer => &CUSTOMER,
            Kind::Employee => &EMPLOYEE,
            Kind::Department => &DEPARTMENT,
            Kind::ContactPerson => &CONTACT_PERSON,
        }
    }

    fn address(self) -> &'static Entity {
        match self {
            Kind::ContactPerson => &ADDRESS,
            _ => &CONTACT_ADDRESS,
        }
    }

    /// The key of this resource in the state document.
    fn state_key(self) -> &'static str {
        match self {
            Kind::Customer => "customers",
            Kind::Employee => "employees",
            Kind::Department => "departments",
            Kind::ContactPerson => "contact_persons",
        }
    }

    /// Customers and employees are contact classes with a unique ExternalImportReference.
    fn has_import_reference(self) -> bool {
        matches!(self, Kind::Customer | Kind::Employee)
    }
}

type Records = BTreeMap<i64, Map<String, Value>>;

pub struct PowerOfficeApi {
    basic_credentials: String,
    subscription_key: Secret,
    clock: FakeClock,
    token_lifetime_seconds: i64,
    tokens: HashMap<String, OffsetDateTime>,
    issued_tokens: u64,
    records: BTreeMap<Kind, Records>,
    /// Records an administrator marked as having ledger entries: deleting them answers 409.
    in_use: BTreeSet<i64>,
    next_id: i64,
    next_number: i64,
    /// What `ClientIntegrationInformation` says the client may do.
    privileges: Vec<String>,
}

pub struct FakePowerOffice {
    server: FakeServer<PowerOfficeApi>,
    credentials: PowerOfficeCredentials,
}

/// The wrapper adds this API's helpers; the shared ones (address, journal, faults, state)
/// come from the server underneath.
impl std::ops::Deref for FakePowerOffice {
    type Target = FakeServer<PowerOfficeApi>;

    fn deref(&self) -> &Self::Target {
        &self.server
    }
}

impl FakePowerOffice {
    pub async fn start(clock: FakeClock) -> Self {
        Self::start_with(clock, PowerOfficeCredentials::default()).await
    }

    pub async fn start_with(clock: FakeClock, credentials: PowerOfficeCredentials) -> Self {
        Self { server: FakeServer::start(PowerOfficeApi::new(clock, &credentials)).await, credentials }
    }

    /// Serves on a listener the caller bound (for `dataflow-qa mock`).
    pub async fn start_on(
        listener: std::net::TcpListener,
        clock: FakeClock,
        credentials: PowerOfficeCredentials,
    ) -> Self {
        Self { server: FakeServer::start_on(listener, PowerOfficeApi::new(clock, &credentials)).await, credentials }
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

    pub fn credentials(&self) -> &PowerOfficeCredentials {
        &self.credentials
    }

    /// How long new tokens live (`expires_in`).
    /// Grants the client integration only these privileges, as a real one set up with too
    /// few would be.
    pub fn set_privileges(&self, privileges: &[String]) {
        let privileges = privileges.to_vec();
        self.server.with_api(move |api| api.privileges = privileges);
    }

    pub fn set_token_lifetime(&self, seconds: i64) {
        self.server.with_api(|api| api.token_lifetime_seconds = seconds);
    }

    /// Invalidates every token issued so far, as a key rotation or an early expiry would.
    pub fn revoke_tokens(&self) {
        self.server.with_api(|api| api.tokens.clear());
    }

    /// Marks a customer, employee or department as having ledger entries, so deleting it is refused.
    pub fn mark_in_use(&self, id: i64) {
        self.server.with_api(|api| api.in_use.insert(id));
    }

    pub fn contact_person(&self, person: ContactPersonRef) -> Option<Value> {
        self.server.with_api(|api| {
            api.records[&Kind::ContactPerson]
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
            records: Kind::ALL.into_iter().map(|kind| (kind, Records::new())).collect(),
            in_use: BTreeSet::new(),
            next_id: FIRST_ID,
            next_number: FIRST_NUMBER,
            privileges: FAKE_PRIVILEGES.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    fn take_id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn store(&mut self, kind: Kind) -> &mut Records {
        self.records.entry(kind).or_default()
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
        if let (["v2", "clientintegrationinformation"], "GET") = (segments.as_slice(), request.method) {
            return FakeResponse::json(
                200,
                json!({
                    "ActiveClientSubscriptions": ["dataflow-qa fake"],
                    "ClientId": "00000000-0000-0000-0000-000000000000",
                    "ClientName": "dataflow-qa fake client",
                    "InvalidPrivileges": [],
                    "ValidPrivileges": self.privileges,
                }),
            );
        }
        let (Some(&"v2"), Some(kind)) = (segments.first(), segments.get(1).and_then(|s| Kind::from_segment(s))) else {
            return no_route(request);
        };
        let person = kind == Kind::ContactPerson;
        match (request.method, &segments[2..]) {
            ("GET", []) => self.list(kind, request),
            ("POST", [contact_id]) if person => self.create(kind, Some(contact_id), request),
            ("POST", []) if !person => self.create(kind, None, request),
            ("GET", [contact_id, id]) if person => self.show(kind, Some(contact_id), id),
            ("PATCH", [contact_id, id]) if person => self.patch(kind, Some(contact_id), id, request),
            ("DELETE", [contact_id, id]) if person => self.delete(kind, Some(contact_id), id),
            ("GET", [id]) if !person => self.show(kind, None, id),
            ("PATCH", [id]) if !person => self.patch(kind, None, id, request),
            ("DELETE", [id]) if !person => self.delete(kind, None, id),
            _ => no_route(request),
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
        if !body.split('&').any(|pair| pair.trim() == "grant_type=client_credentials") {
            return token_error("unsupported_grant_type", "The grant_type must be client_credentials.");
        }
        self.issued_tokens += 1;
        let now = self.clock.now();
        let token = format!("fake-pog-token-{}-{}", self.issued_tokens, now.unix_timestamp_nanos() % 1_000_000_007);
        self.tokens.insert(token.clone(), now + Duration::seconds(self.token_lifetime_seconds));
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

    /// A list: a bare JSON array in id order, paged by `PageNumber` (from 1) and `PageSize`,
    /// filtered; 204 with no body when the page is empty.
    fn list(&self, kind: Kind, request: &FakeRequest<'_>) -> FakeResponse {
        let (page_number, page_size) = match paging(request) {
            Ok(paging) => paging,
            Err(response) => return response,
        };
        let filter = match ListFilter::from_request(kind, request) {
            Ok(filter) => filter,
            Err(response) => return response,
        };
        let page: Vec<Value> = self.records[&kind]
            .values()
            .filter(|record| filter.keeps(record))
            .skip((page_number - 1).saturating_mul(page_size))
            .take(page_size)
            .map(|record| Value::Object(record.clone()))
            .collect();
        if page.is_empty() {
            return FakeResponse::empty(204);
        }
        FakeResponse::json(200, Value::Array(page))
    }

    /// The record at `id`; for contact persons, only under the customer in the path.
    fn find(&self, kind: Kind, contact_id: Option<&str>, id: &str) -> Result<i64, FakeResponse> {
        let not_found = || not_found(kind, id);
        let id = id.parse::<i64>().map_err(|_| not_found())?;
        let record = self.records[&kind].get(&id).ok_or_else(not_found)?;
        if let Some(contact_id) = contact_id {
            let parent = contact_id.parse::<i64>().map_err(|_| not_found())?;
            if record.get("ContactId") != Some(&json!(parent)) {
                return Err(not_found());
            }
        }
        Ok(id)
    }

    fn show(&self, kind: Kind, contact_id: Option<&str>, id: &str) -> FakeResponse {
        match self.find(kind, contact_id, id) {
            Ok(id) => FakeResponse::json(200, Value::Object(self.records[&kind][&id].clone())),
            Err(response) => response,
        }
    }

    fn create(&mut self, kind: Kind, contact_id: Option<&str>, request: &FakeRequest<'_>) -> FakeResponse {
        let parent = match contact_id {
            Some(raw) => match raw.parse::<i64>().ok().filter(|id| self.records[&Kind::Customer].contains_key(id)) {
                Some(parent) => Some(parent),
                None => return not_found(Kind::Customer, raw),
            },
            None => None,
        };
        let mut input = match post_body(kind.entity(), kind.address(), request) {
            Ok(input) => input,
            Err(response) => return response,
        };
        if let Err(response) = self.check_rules(kind, &input, None) {
            return response;
        }
        let id = self.take_id();
        let now = json!(poweroffice_timestamp(self.clock.tick_precise()));
        let mut record = kind.entity().blank_record();
        let mail = input.remove("MailAddress");
        record.extend(input);
        let mut fixed = vec![("Id", json!(id)), ("LastChangedDateTimeOffset", now.clone())];
        let mut defaults: Vec<(&str, Value)> = Vec::new();
        match kind {
            Kind::Customer => {
                let is_person = record.get("IsPerson").and_then(Value::as_bool).unwrap_or(false);
                fixed.extend([
                    ("IsPerson", json!(is_person)),
                    ("IsActive", json!(true)),
                    ("SubledgerAccountId", json!(id + 1_000_000)),
                    ("ContactCreatedDateTimeOffset", now.clone()),
                    ("CustomerCreatedDateTimeOffset", now.clone()),
                ]);
                defaults.extend([
                    ("Number", json!(self.take_number())),
                    ("IsArchived", json!(false)),
                    ("InvoiceDeliveryType", json!("PdfByEmail")),
                    ("ReminderDeliveryType", json!("PdfByEmail")),
                    ("NoticeOfDebtCollectionDeliveryType", json!("PdfByEmail")),
                ]);
            }
            Kind::Employee => {
                fixed.extend([
                    ("SubledgerAccountId", json!(id + 2_000_000)),
                    ("ContactCreatedDateTimeOffset", now.clone()),
                    ("EmployeeCreatedDateTimeOffset", now.clone()),
                ]);
                defaults.extend([
                    ("Number", json!(self.take_number())),
                    ("IsArchived", json!(false)),
                    ("Gender", json!("Hidden")),
                    ("InternationalIdType", json!("PassportNumber")),
                ]);
            }
            // IsActive "defaults to false" on departments, as the API documents.
            Kind::Department => {
                fixed.push(("CreatedDateTimeOffset", now.clone()));
                defaults.push(("IsActive", json!(false)));
            }
            Kind::ContactPerson => {
                fixed.extend([("ContactId", json!(parent)), ("CreatedDateTimeOffset", now.clone())]);
                defaults.extend([("IsActive", json!(true)), ("IsDefault", json!(false))]);
            }
        }
        for (field, value) in fixed {
            record.insert(field.to_owned(), value);
        }
        for (field, value) in defaults {
            if record.get(field).is_none_or(Value::is_null) {
                record.insert(field.to_owned(), value);
            }
        }
        if kind.entity().field("MailAddress").is_some() {
            record.insert("MailAddress".to_owned(), self.new_address(kind, mail, &now));
        }
        self.store(kind).insert(id, record.clone());
        FakeResponse::json(201, Value::Object(record))
    }

    fn take_number(&mut self) -> i64 {
        let number = self.next_number;
        self.next_number += 1;
        number
    }

    /// A `MailAddress` as the API returns it: every field present, with the server's own
    /// `Id` and timestamp on the customer and employee kind.
    fn new_address(&mut self, kind: Kind, posted: Option<Value>, now: &Value) -> Value {
        let mut address = kind.address().blank_record();
        if let Some(Value::Object(posted)) = posted {
            address.extend(posted);
        }
        if kind.address().field("Id").is_some() {
            address.insert("Id".to_owned(), json!(self.take_id()));
            address.insert("LastChangedDateTimeOffset".to_owned(), now.clone());
        }
        Value::Object(address)
    }

    /// Rules beyond single fields: who a customer must name, unique and short import
    /// references, and references to departments that exist.
    fn check_rules(&self, kind: Kind, record: &Map<String, Value>, own_id: Option<i64>) -> Result<(), FakeResponse> {
        let entity = kind.entity();
        let mut errors = Vec::new();
        if kind == Kind::Customer {
            let is_person = record.get("IsPerson").and_then(Value::as_bool).unwrap_or(false);
            let required: &[&str] = if is_person { &["FirstName", "LastName"] } else { &["Name"] };
            for name in required {
                if record.get(*name).and_then(Value::as_str).is_none_or(|v| v.trim().is_empty()) {
                    errors.push(format!("{name} is required when IsPerson is {is_person}."));
                }
            }
        }
        if let (true, Some(reference)) =
            (kind.has_import_reference(), record.get("ExternalImportReference").and_then(Value::as_str))
        {
            if reference.chars().count() > MAX_EXTERNAL_REFERENCE {
                errors.push(format!("ExternalImportReference can be at most {MAX_EXTERNAL_REFERENCE} characters."));
            }
            let holder = self.records[&kind].iter().find(|(id, other)| {
                Some(**id) != own_id && other.get("ExternalImportReference").and_then(Value::as_str) == Some(reference)
            });
            if let Some((holder, _)) = holder {
                errors.push(format!(
                    "ExternalImportReference is already in use. '{reference}' is used on (contact) Id = {holder}."
                ));
            }
        }
        if !errors.is_empty() {
            return Err(validation_error(entity, &errors.join(" ")));
        }
        if let Some(department) = record.get("DepartmentId").and_then(Value::as_i64) {
            if !self.records[&Kind::Department].contains_key(&department) {
                return Err(problem(
                    404,
                    &format!("{} validation error(s)", entity.name),
                    &format!("Department with id = {department} not found."),
                ));
            }
        }
        Ok(())
    }

    fn patch(&mut self, kind: Kind, contact_id: Option<&str>, id: &str, request: &FakeRequest<'_>) -> FakeResponse {
        let id = match self.find(kind, contact_id, id) {
            Ok(id) => id,
            Err(response) => return response,
        };
        let changes = match patch_body(kind.entity(), kind.address(), request) {
            Ok(changes) => changes,
            Err(response) => return response,
        };
        let mut patched = self.records[&kind][&id].clone();
        let mut changed = false;
        for change in changes {
            changed |= change.apply(&mut patched, kind.address());
        }
        if let Err(response) = self.check_rules(kind, &patched, Some(id)) {
            return response;
        }
        if changed {
            patched.insert(
                "LastChangedDateTimeOffset".to_owned(),
                json!(poweroffice_timestamp(self.clock.tick_precise())),
            );
        }
        self.store(kind).insert(id, patched.clone());
        FakeResponse::json(200, Value::Object(patched))
    }

    /// 200 with no body, or 409 while the record is in use: a department someone belongs to,
    /// or a record marked as having ledger entries. A customer takes its contact persons along.
    fn delete(&mut self, kind: Kind, contact_id: Option<&str>, id: &str) -> FakeResponse {
        let id = match self.find(kind, contact_id, id) {
            Ok(id) => id,
            Err(response) => return response,
        };
        let department_in_use = kind == Kind::Department
            && [Kind::Customer, Kind::Employee]
                .iter()
                .any(|k| self.records[k].values().any(|r| r.get("DepartmentId") == Some(&json!(id))));
        if department_in_use || self.in_use.contains(&id) {
            let label = kind.entity().name;
            return problem(
                409,
                &format!("{label} conflict"),
                &format!("{label} with id = {id} is in use and cannot be deleted."),
            );
        }
        self.store(kind).remove(&id);
        if kind == Kind::Customer {
            self.store(Kind::ContactPerson).retain(|_, person| person.get("ContactId") != Some(&json!(id)));
        }
        FakeResponse::empty(200)
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

    fn fault_response(&self, status: u16, retry_after: Option<u32>) -> FakeResponse {
        match status {
            // Azure API Management's throttling answer.
            429 => {
                let seconds = retry_after.unwrap_or(1);
                FakeResponse::json(
                    429,
                    json!({ "statusCode": "429", "message": format!("Rate limit is exceeded. Try again in {seconds} seconds.") }),
                )
                .with_header("Retry-After", seconds.to_string())
            }
            _ => {
                let response = problem(status, "An error occurred while processing your request.", "Injected fault.");
                match retry_after {
                    Some(seconds) => response.with_header("Retry-After", seconds.to_string()),
                    None => response,
                }
            }
        }
    }

    fn dump_state(&self) -> Value {
        Value::Object(
            Kind::ALL
                .iter()
                .map(|kind| {
                    let records = self.records[kind].values().cloned().map(Value::Object).collect();
                    (kind.state_key().to_owned(), Value::Array(records))
                })
                .collect(),
        )
    }

    fn load_state(&mut self, state: Value, _base_uri: &str) -> Result<(), String> {
        let mut loaded = BTreeMap::new();
        for kind in Kind::ALL {
            loaded.insert(kind, load_records(kind, &state)?);
        }
        for person in loaded[&Kind::ContactPerson].values() {
            let parent = person.get("ContactId").and_then(Value::as_i64).unwrap_or_default();
            if !loaded[&Kind::Customer].contains_key(&parent) {
                return Err(format!(
                    "contact person {} belongs to customer {parent}, which is not in the state",
                    person["Id"]
                ));
            }
        }
        let highest = loaded.values().flat_map(|records| records.keys()).max().copied();
        self.next_id = highest.map_or(FIRST_ID, |id| id.max(FIRST_ID - 1) + 1) + 1_000;
        let numbers = loaded.values().flat_map(|records| records.values()).filter_map(|r| r.get("Number")?.as_i64());
        self.next_number = numbers.max().map_or(FIRST_NUMBER, |n| n.max(FIRST_NUMBER - 1) + 1);
        self.records = loaded;
        self.in_use.clear();
        Ok(())
    }

    fn reset(&mut self) {
        self.records = Kind::ALL.into_iter().map(|kind| (kind, Records::new())).collect();
        self.in_use.clear();
        self.tokens.clear();
        self.next_id = FIRST_ID;
        self.next_number = FIRST_NUMBER;
    }
}

fn load_records(kind: Kind, state: &Value) -> Result<Records, String> {
    let key = kind.state_key();
    let mut records = Records::new();
    let Some(list) = state.get(key) else { return Ok(records) };
    let list = list.as_array().ok_or_else(|| format!("{key} must be an array"))?;
    for (index, record) in list.iter().enumerate() {
        let fields = record.as_object().ok_or_else(|| format!("{key}[{index}] must be an object"))?;
        let mut full = kind.entity().blank_record();
        for (name, value) in fields {
            let field = kind
                .entity()
                .field(name)
                .ok_or_else(|| format!("{key}[{index}].{name} is not a field of {}", kind.entity().name))?;
            if let Some(error) = field.type_mismatch(value) {
                return Err(format!("{key}[{index}].{name}: {error}"));
            }
            full.insert(name.clone(), value.clone());
        }
        let id =
            full.get("Id").and_then(Value::as_i64).ok_or_else(|| format!("{key}[{index}].Id must be an integer"))?;
        if records.insert(id, full).is_some() {
            return Err(format!("{key}[{index}].Id {id} appears twice"));
        }
    }
    Ok(records)
}

/// Filters a list answer understands.
struct ListFilter {
    changed_after: Option<OffsetDateTime>,
    import_reference: Option<String>,
    contact_ids: Option<Vec<i64>>,
}

impl ListFilter {
    fn from_request(kind: Kind, request: &FakeRequest<'_>) -> Result<Self, FakeResponse> {
        let changed_after = match query_ignoring_case(request, "lastChangedDateTimeOffsetGreaterThan") {
            None => None,
            Some(raw) => {
                Some(OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339).map_err(|_| {
                    problem(
                        400,
                        "Invalid query parameter",
                        &format!("lastChangedDateTimeOffsetGreaterThan '{raw}' is not a date-time."),
                    )
                })?)
            }
        };
        let import_reference = query_ignoring_case(request, "externalImportReference")
            .filter(|_| kind.has_import_reference())
            .map(str::to_owned);
        let contact_ids = match query_ignoring_case(request, "contactIds").filter(|_| kind == Kind::ContactPerson) {
            None => None,
            Some(raw) => {
                Some(raw.split(',').map(|id| id.trim().parse::<i64>()).collect::<Result<Vec<_>, _>>().map_err(
                    |_| problem(400, "Invalid query parameter", &format!("contactIds '{raw}' is not a list of ids.")),
                )?)
            }
        };
        Ok(Self { changed_after, import_reference, contact_ids })
    }

    fn keeps(&self, record: &Map<String, Value>) -> bool {
        let changed = || {
            record
                .get("LastChangedDateTimeOffset")
                .and_then(Value::as_str)
                .and_then(|s| OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok())
        };
        self.changed_after.is_none_or(|after| changed().is_some_and(|at| at > after))
            && self.import_reference.as_deref().is_none_or(|r| record.get("ExternalImportReference") == Some(&json!(r)))
            && self
                .contact_ids
                .as_ref()
                .is_none_or(|ids| record.get("ContactId").and_then(Value::as_i64).is_some_and(|id| ids.contains(&id)))
    }
}

fn paging(request: &FakeRequest<'_>) -> Result<(usize, usize), FakeResponse> {
    let number = |name: &str, default: usize| match query_ignoring_case(request, name) {
        None => Ok(default),
        Some(raw) => raw.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
            problem(400, "Invalid query parameter", &format!("{name} must be a positive integer, got '{raw}'."))
        }),
    };
    let page_number = number("PageNumber", 1)?;
    let page_size = number("PageSize", DEFAULT_PAGE_SIZE)?;
    if page_size > MAX_PAGE_SIZE {
        return Err(problem(
            400,
            "Invalid query parameter",
            &format!("PageSize must be at most {MAX_PAGE_SIZE}, got {page_size}."),
        ));
    }
    Ok((page_number, page_size))
}

fn query_ignoring_case<'r>(request: &'r FakeRequest<'_>, name: &str) -> Option<&'r str> {
    request.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// What the fake's client integration may do by default: everything the harness and the sync use.
pub const FAKE_PRIVILEGES: &[&str] = crate::staging::doctor::NEEDED_PRIVILEGES;

fn problem(status: u16, title: &str, detail: &str) -> FakeResponse {
    FakeResponse::json(status, json!({ "title": title, "status": status, "detail": detail }))
        .with_content_type(PROBLEM_JSON)
}

fn not_found(kind: Kind, id: &str) -> FakeResponse {
    problem(404, "Object(s) not found", &format!("{} with id = {id} not found.", kind.entity().name))
}

fn no_route(request: &FakeRequest<'_>) -> FakeResponse {
    problem(
        404,
        "Not found",
        &format!("The fake PowerOffice Go has no route for {} {}.", request.method, request.path()),
    )
}

fn token_error(error: &str, description: &str) -> FakeResponse {
    FakeResponse::json(400, json!({ "error": error, "error_description": description }))
}
