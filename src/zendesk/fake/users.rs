//! Users and their identities in the fake Zendesk.

use serde_json::{json, Map, Value};

use super::wire::{self, bad_request, record_invalid, record_not_found};
use super::{export_order, parse_id, ZendeskApi};
use crate::domain::{Email, EmailError};
use crate::fake::{FakeRequest, FakeResponse};
use crate::zendesk::contract::{ROLES, USER};

/// The most records one incremental export page holds.
const EXPORT_PAGE_SIZE: usize = 1000;
/// Incremental exports refuse a start time within the last minute.
const EXPORT_MIN_AGE_SECONDS: i64 = 60;

pub(super) fn identity_record(
    base_uri: &str,
    id: u64,
    user_id: u64,
    email: &str,
    primary: bool,
    at: Value,
) -> Map<String, Value> {
    let record = json!({
        "url": format!("{base_uri}/api/v2/users/{user_id}/identities/{id}.json"),
        "id": id,
        "user_id": user_id,
        "type": "email",
        "value": email,
        "verified": false,
        "primary": primary,
        "created_at": at,
        "updated_at": at,
        "undeliverable_count": 0,
        "deliverable_state": if email.ends_with("@example.com") || email.ends_with("@example.org") || email.ends_with("@example.net") {
            "reserved_example"
        } else {
            "deliverable"
        },
    });
    match record {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn user_response(status: u16, user: &Map<String, Value>) -> FakeResponse {
    let location = user.get("url").and_then(Value::as_str).unwrap_or_default().to_owned();
    FakeResponse::json(status, json!({ "user": user })).with_header("Location", location)
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

/// How Zendesk keeps a written value: a cleared `alias` reads back as `""`, as recorded.
fn stored_form(field: &str, value: &Value) -> Value {
    match (field, value) {
        ("alias", Value::Null) => json!(""),
        _ => value.clone(),
    }
}

/// Refuses writable fields of the wrong JSON type.
fn check_types(input: &Map<String, Value>) -> Result<(), FakeResponse> {
    for (name, value) in input {
        if let Some(error) = USER.field(name).filter(|f| !f.read_only).and_then(|f| f.type_mismatch(value)) {
            return Err(record_invalid(name, &error, Some("InvalidValue")));
        }
    }
    Ok(())
}

impl ZendeskApi {
    fn active_users(&self) -> impl Iterator<Item = (&u64, &Map<String, Value>)> {
        self.users.iter().filter(|(_, u)| u.get("active") == Some(&Value::Bool(true)))
    }

    pub(super) fn list_users(&self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        let role = request.query_param("role").or_else(|| request.query_param("role[]"));
        let users = self.active_users().filter(|(_, u)| role.is_none_or(|r| u.get("role") == Some(&json!(r))));
        wire::list(users, "users", request, base_uri)
    }

    /// The token's owner: an admin of the account, outside the stored users (like the real
    /// account owner, who does not show up among the records a harness works with).
    pub(super) fn me(&self, base_uri: &str) -> FakeResponse {
        let stamp = "2020-01-01T00:00:00Z";
        FakeResponse::json(
            200,
            json!({ "user": {
                "id": 1, "url": format!("{base_uri}/api/v2/users/1.json"), "name": "QA Agent",
                "email": self.agent_email, "role": "admin", "active": true, "verified": true,
                "created_at": stamp, "updated_at": stamp, "authenticity_token": "fake-authenticity-token",
            }}),
        )
    }

    pub(super) fn show_user(&self, id: &str) -> FakeResponse {
        match parse_id(id).and_then(|id| self.users.get(&id)) {
            Some(user) => FakeResponse::json(200, json!({ "user": user })),
            None => record_not_found(),
        }
    }

    /// The user holding this email as any of its identities.
    fn email_owner(&self, key: &str) -> Option<u64> {
        self.identities
            .values()
            .find(|i| i.get("type") == Some(&json!("email")) && i.get("value").and_then(Value::as_str) == Some(key))
            .and_then(|i| i.get("user_id")?.as_u64())
    }

    fn external_id_owner(&self, external_id: &str) -> Option<u64> {
        self.active_users()
            .find(|(_, u)| {
                u.get("external_id").and_then(Value::as_str).is_some_and(|e| e.eq_ignore_ascii_case(external_id))
            })
            .map(|(id, _)| *id)
    }

    /// Checks an email for a new identity of `owner` (or a new user): format, then uniqueness
    /// across every identity of every other user. Returns it as Zendesk stores it.
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
        if self.email_owner(&stored).is_some_and(|holder| Some(holder) != owner) {
            return Err(record_invalid(
                "email",
                &format!("Email: {stored} is already being used by another user"),
                Some("DuplicateValue"),
            ));
        }
        Ok(stored)
    }

    fn available_external_id(&self, input: &Map<String, Value>, owner: Option<u64>) -> Result<(), FakeResponse> {
        let Some(external_id) = input.get("external_id").and_then(Value::as_str) else { return Ok(()) };
        match self.external_id_owner(external_id) {
            Some(holder) if Some(holder) != owner => Err(record_invalid(
                "external_id",
                &format!("External: {external_id} has already been taken"),
                Some("DuplicateValue"),
            )),
            _ => Ok(()),
        }
    }

    fn add_identity(&mut self, base_uri: &str, user_id: u64, email: &str, primary: bool, verified: bool) -> u64 {
        let id = self.take_id();
        let mut identity = identity_record(base_uri, id, user_id, email, primary, self.stamp());
        identity.insert("verified".to_owned(), json!(verified));
        self.identities.insert(id, identity);
        id
    }

    fn new_user(&mut self, input: &Map<String, Value>, base_uri: &str) -> Result<Map<String, Value>, FakeResponse> {
        check_types(input)?;
        let name = valid_name(input)?;
        let email = match input.get("email").filter(|v| !v.is_null()) {
            Some(value) => Some(self.available_email(value, None)?),
            None => None,
        };
        let role = match input.get("role").filter(|v| !v.is_null()) {
            Some(value) => valid_role(value)?,
            None => "end-user".to_owned(),
        };
        self.available_external_id(input, None)?;
        let id = self.take_id();
        let now = self.stamp();
        let verified = input.get("verified").and_then(Value::as_bool).unwrap_or(false);
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
            "time_zone": input.get("time_zone").cloned().unwrap_or_else(|| json!("Copenhagen")),
            "iana_time_zone": "Europe/Copenhagen",
            "locale_id": 1,
            "locale": "en-US",
            "role": role,
            "verified": verified,
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
            "user_fields": input.get("user_fields").cloned().unwrap_or_else(|| json!({})),
        });
        if let Value::Object(defaults) = defaults {
            user.extend(defaults);
        }
        if let Some(email) = email {
            self.add_identity(base_uri, id, &email, true, verified);
        }
        self.users.insert(id, user.clone());
        Ok(user)
    }

    pub(super) fn create_user(&mut self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        match wire::envelope(request, "user").and_then(|input| self.new_user(&input, base_uri)) {
            Ok(user) => user_response(201, &user),
            Err(response) => response,
        }
    }

    /// Applies a partial update. An `email` adds a secondary identity; the primary email only
    /// changes through `make_primary`. Read-only fields are ignored.
    fn change_user(
        &mut self,
        id: u64,
        input: &Map<String, Value>,
        base_uri: &str,
    ) -> Result<Map<String, Value>, FakeResponse> {
        check_types(input)?;
        if input.contains_key("name") {
            valid_name(input)?;
        }
        if let Some(role) = input.get("role") {
            valid_role(role)?;
        }
        self.available_external_id(input, Some(id))?;
        let mut changed = false;
        if let Some(value) = input.get("email").filter(|v| !v.is_null()) {
            let email = self.available_email(value, Some(id))?;
            if self.email_owner(&email).is_none() {
                let verified = input.get("verified").and_then(Value::as_bool).unwrap_or(false);
                self.add_identity(base_uri, id, &email, false, verified);
                changed = true;
            }
        }
        let stamp = self.stamp();
        let user = self.users.get_mut(&id).ok_or_else(record_not_found)?;
        for field in USER.fields.iter().filter(|f| !f.read_only && f.name != "email") {
            if let Some(value) = input.get(field.name) {
                let value = stored_form(field.name, value);
                if user.get(field.name) != Some(&value) {
                    user.insert(field.name.to_owned(), value);
                    changed = true;
                }
            }
        }
        if changed {
            user.insert("updated_at".to_owned(), stamp);
        }
        Ok(user.clone())
    }

    pub(super) fn update_user(&mut self, id: &str, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        let Some(id) = parse_id(id).filter(|id| self.users.contains_key(id)) else { return record_not_found() };
        match wire::envelope(request, "user").and_then(|input| self.change_user(id, &input, base_uri)) {
            Ok(user) => FakeResponse::json(200, json!({ "user": user })),
            Err(response) => response,
        }
    }

    /// Matches an active user by email (any identity) or external_id: 200 with the update, or
    /// 201 with a new user.
    pub(super) fn create_or_update_user(&mut self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        let input = match wire::envelope(request, "user") {
            Ok(input) => input,
            Err(response) => return response,
        };
        let by_email = input
            .get("email")
            .and_then(Value::as_str)
            .and_then(|e| Email::parse(e).ok())
            .and_then(|e| self.email_owner(e.key()));
        let by_external_id = input.get("external_id").and_then(Value::as_str).and_then(|e| self.external_id_owner(e));
        let result = match by_email.or(by_external_id) {
            Some(id) => self.change_user(id, &input, base_uri).map(|user| (200, user)),
            None => self.new_user(&input, base_uri).map(|user| (201, user)),
        };
        match result {
            Ok((status, user)) => user_response(status, &user),
            Err(response) => response,
        }
    }

    /// A soft delete: the user stays, inactive, without email, external_id or identities.
    pub(super) fn delete_user(&mut self, id: &str) -> FakeResponse {
        let Some(id) = parse_id(id).filter(|id| self.users.contains_key(id)) else { return record_not_found() };
        self.identities.retain(|_, identity| identity.get("user_id") != Some(&json!(id)));
        let stamp = self.stamp();
        let Some(user) = self.users.get_mut(&id) else { return record_not_found() };
        for (field, value) in [
            ("active", json!(false)),
            ("email", Value::Null),
            ("external_id", Value::Null),
            ("verified", json!(false)),
            ("updated_at", stamp),
        ] {
            user.insert(field.to_owned(), value);
        }
        FakeResponse::json(200, json!({ "user": user }))
    }

    /// Permanent deletion of a soft-deleted user (`DELETE /api/v2/deleted_users/{id}`); an
    /// active user is not found there, as in Zendesk.
    pub(super) fn delete_user_permanently(&mut self, id: &str) -> FakeResponse {
        let deleted =
            parse_id(id).filter(|id| self.users.get(id).is_some_and(|u| u.get("active") == Some(&json!(false))));
        let Some(id) = deleted else { return record_not_found() };
        self.users.remove(&id);
        FakeResponse::json(200, json!({ "deleted_user": { "id": id, "active": false } }))
    }

    /// `?query=` matches an email identity exactly (with or without `email:`) or a part of the
    /// name; `?external_id=` matches exactly, ignoring case. Offset pagination only.
    pub(super) fn search_users(&self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        let endpoint = format!("{base_uri}{}", request.path());
        let found: Vec<&Map<String, Value>> = match (request.query_param("query"), request.query_param("external_id")) {
            (_, Some(external_id)) => {
                self.external_id_owner(external_id).and_then(|id| self.users.get(&id)).into_iter().collect()
            }
            (Some(query), None) => {
                let needle = query.trim().trim_start_matches("email:").trim().to_lowercase();
                let by_email = self.email_owner(&needle);
                self.active_users()
                    .filter(|(id, user)| {
                        Some(**id) == by_email
                            || (!needle.is_empty()
                                && user
                                    .get("name")
                                    .and_then(Value::as_str)
                                    .is_some_and(|n| n.to_lowercase().contains(&needle)))
                    })
                    .map(|(_, user)| user)
                    .collect()
            }
            (None, None) => return bad_request("search needs query or external_id"),
        };
        wire::offset_page(found, "users", request, &endpoint)
    }

    fn identities_of(&self, user_id: u64) -> Vec<Value> {
        let mut identities: Vec<&Map<String, Value>> =
            self.identities.values().filter(|i| i.get("user_id") == Some(&json!(user_id))).collect();
        // The primary identity comes first, as in real answers.
        identities.sort_by_key(|i| i.get("primary") != Some(&json!(true)));
        identities.into_iter().cloned().map(Value::Object).collect()
    }

    pub(super) fn list_identities(&self, user_id: &str) -> FakeResponse {
        let Some(user_id) = parse_id(user_id).filter(|id| self.users.contains_key(id)) else {
            return record_not_found();
        };
        let identities = self.identities_of(user_id);
        let count = identities.len();
        FakeResponse::json(
            200,
            json!({ "identities": identities, "next_page": null, "previous_page": null, "count": count }),
        )
    }

    pub(super) fn create_identity(&mut self, user_id: &str, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        let Some(user_id) = parse_id(user_id).filter(|id| self.users.contains_key(id)) else {
            return record_not_found();
        };
        let input = match wire::envelope(request, "identity") {
            Ok(input) => input,
            Err(response) => return response,
        };
        if input.get("type").and_then(Value::as_str) != Some("email") {
            return record_invalid(
                "type",
                "Type: only email identities are supported by this fake",
                Some("InvalidValue"),
            );
        }
        let email = match self.available_email(input.get("value").unwrap_or(&Value::Null), Some(user_id)) {
            Ok(email) => email,
            Err(response) => return response,
        };
        if self.email_owner(&email).is_some() {
            return record_invalid("value", &format!("Value: {email} is already being used"), Some("DuplicateValue"));
        }
        let verified = input.get("verified").and_then(Value::as_bool).unwrap_or(false);
        let id = self.add_identity(base_uri, user_id, &email, false, verified);
        FakeResponse::json(201, json!({ "identity": self.identities.get(&id) }))
    }

    /// Makes an identity the primary one; the user's `email` follows it.
    pub(super) fn make_primary(&mut self, user_id: &str, identity_id: &str) -> FakeResponse {
        let (Some(user_id), Some(identity_id)) = (parse_id(user_id), parse_id(identity_id)) else {
            return record_not_found();
        };
        let owned = self.identities.get(&identity_id).is_some_and(|i| i.get("user_id") == Some(&json!(user_id)));
        if !owned || !self.users.contains_key(&user_id) {
            return record_not_found();
        }
        let stamp = self.stamp();
        let mut new_email = Value::Null;
        for (id, identity) in self.identities.iter_mut().filter(|(_, i)| i.get("user_id") == Some(&json!(user_id))) {
            let primary = *id == identity_id;
            if identity.get("primary") != Some(&json!(primary)) {
                identity.insert("primary".to_owned(), json!(primary));
                identity.insert("updated_at".to_owned(), stamp.clone());
            }
            if primary {
                new_email = identity.get("value").cloned().unwrap_or(Value::Null);
            }
        }
        if let Some(user) = self.users.get_mut(&user_id) {
            if user.get("email") != Some(&new_email) {
                user.insert("email".to_owned(), new_email);
                user.insert("updated_at".to_owned(), stamp);
            }
        }
        self.list_identities(&user_id.to_string())
    }

    /// The cursor-based incremental user export, deleted users included.
    pub(super) fn export_users(&self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        let per_page = match wire::positive(request, "per_page", EXPORT_PAGE_SIZE) {
            Ok(n) => n.min(EXPORT_PAGE_SIZE),
            Err(response) => return response,
        };
        let after = match (request.query_param("cursor"), request.query_param("start_time")) {
            (Some(cursor), _) => match decode_export_cursor(cursor) {
                Some(position) => position,
                None => return bad_request(format!("cursor {cursor:?} is not a cursor this API issued")),
            },
            (None, Some(start)) => match start.parse::<i64>() {
                Ok(start) if start <= self.now().unix_timestamp() - EXPORT_MIN_AGE_SECONDS => (start, 0),
                Ok(_) => return bad_request("Too recent start_time. Use a start_time older than one minute."),
                Err(_) => return bad_request(format!("start_time must be a Unix time, got {start:?}")),
            },
            (None, None) => return bad_request("start_time or cursor is required"),
        };
        let mut ordered = export_order(self.users.iter(), |position| position.0 >= after.0 && position > after);
        let end_of_stream = ordered.len() <= per_page;
        ordered.truncate(per_page);
        let last = ordered.last().map_or(after, |(position, _)| *position);
        let after_cursor = encode_export_cursor(last);
        FakeResponse::json(
            200,
            json!({
                "users": ordered.iter().map(|(_, u)| Value::Object((*u).clone())).collect::<Vec<_>>(),
                "after_cursor": after_cursor,
                "after_url": format!("{base_uri}/api/v2/incremental/users/cursor.json?cursor={after_cursor}"),
                "before_cursor": null,
                "before_url": null,
                "end_of_stream": end_of_stream,
            }),
        )
    }
}

/// A position in the export: (updated_at, id) of the last user handed out.
fn encode_export_cursor((time, id): (i64, u64)) -> String {
    wire::encode_cursor(id).replace('_', "~") + "." + &time.to_string()
}

fn decode_export_cursor(cursor: &str) -> Option<(i64, u64)> {
    let (id, time) = cursor.rsplit_once('.')?;
    Some((time.parse().ok()?, wire::decode_cursor(&id.replace('~', "_"))?))
}
