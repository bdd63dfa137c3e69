//! Organizations in the fake Zendesk.

use serde_json::{json, Map, Value};

use super::wire::{self, bad_request, record_invalid, record_not_found};
use super::{export_order, parse_id, ZendeskApi};
use crate::fake::{FakeRequest, FakeResponse};
use crate::zendesk::contract::ORGANIZATION;

const EXPORT_PAGE_SIZE: usize = 1000;

impl ZendeskApi {
    pub(super) fn show_organization(&self, id: &str) -> FakeResponse {
        match parse_id(id).and_then(|id| self.organizations.get(&id)) {
            Some(organization) => FakeResponse::json(200, json!({ "organization": organization })),
            None => record_not_found(),
        }
    }

    /// Names are unique after trimming and without regard to case; so are external ids.
    fn check_unique(&self, input: &Map<String, Value>, owner: Option<u64>) -> Result<(), FakeResponse> {
        let others = || self.organizations.iter().filter(move |(id, _)| Some(**id) != owner).map(|(_, o)| o);
        let same = |field: &str, value: &str| {
            others().any(|o| {
                o.get(field).and_then(Value::as_str).is_some_and(|v| v.trim().eq_ignore_ascii_case(value.trim()))
            })
        };
        if let Some(name) = input.get("name").and_then(Value::as_str) {
            if same("name", name) {
                return Err(record_invalid(
                    "name",
                    &format!("Name: {} has already been taken", name.trim()),
                    Some("DuplicateValue"),
                ));
            }
        }
        if let Some(external_id) = input.get("external_id").and_then(Value::as_str) {
            if same("external_id", external_id) {
                return Err(record_invalid(
                    "external_id",
                    &format!("External: {external_id} has already been taken"),
                    Some("DuplicateValue"),
                ));
            }
        }
        Ok(())
    }

    fn check_organization_input(&self, input: &Map<String, Value>, owner: Option<u64>) -> Result<(), FakeResponse> {
        for (name, value) in input {
            if let Some(error) = ORGANIZATION.field(name).filter(|f| !f.read_only).and_then(|f| f.type_mismatch(value))
            {
                return Err(record_invalid(name, &error, Some("InvalidValue")));
            }
        }
        let name_given = input.contains_key("name");
        let name_blank = input.get("name").and_then(Value::as_str).is_none_or(|n| n.trim().is_empty());
        if (owner.is_none() || name_given) && name_blank {
            return Err(record_invalid("name", "Name: cannot be blank", Some("BlankValue")));
        }
        self.check_unique(input, owner)
    }

    pub(super) fn create_organization(&mut self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        let input = match wire::envelope(request, "organization") {
            Ok(input) => input,
            Err(response) => return response,
        };
        if let Err(response) = self.check_organization_input(&input, None) {
            return response;
        }
        let id = self.take_id();
        let now = self.stamp();
        let mut organization = ORGANIZATION.blank_record();
        for field in ORGANIZATION.fields.iter().filter(|f| !f.read_only) {
            if let Some(value) = input.get(field.name) {
                organization.insert(field.name.to_owned(), value.clone());
            }
        }
        let name = input.get("name").and_then(Value::as_str).unwrap_or_default().trim();
        if let Value::Object(defaults) = json!({
            "id": id,
            "url": format!("{base_uri}/api/v2/organizations/{id}.json"),
            "name": name,
            "domain_names": input.get("domain_names").cloned().unwrap_or_else(|| json!([])),
            "tags": input.get("tags").cloned().unwrap_or_else(|| json!([])),
            "shared_tickets": input.get("shared_tickets").cloned().unwrap_or(json!(false)),
            "shared_comments": input.get("shared_comments").cloned().unwrap_or(json!(false)),
            "organization_fields": input.get("organization_fields").cloned().unwrap_or_else(|| json!({})),
            "created_at": now,
            "updated_at": now,
        }) {
            organization.extend(defaults);
        }
        self.organizations.insert(id, organization.clone());
        FakeResponse::json(201, json!({ "organization": organization }))
    }

    pub(super) fn update_organization(&mut self, id: &str, request: &FakeRequest<'_>) -> FakeResponse {
        let Some(id) = parse_id(id).filter(|id| self.organizations.contains_key(id)) else { return record_not_found() };
        let input = match wire::envelope(request, "organization") {
            Ok(input) => input,
            Err(response) => return response,
        };
        if let Err(response) = self.check_organization_input(&input, Some(id)) {
            return response;
        }
        let stamp = self.stamp();
        let Some(organization) = self.organizations.get_mut(&id) else { return record_not_found() };
        let mut changed = false;
        for field in ORGANIZATION.fields.iter().filter(|f| !f.read_only) {
            if let Some(value) = input.get(field.name) {
                let value = match (field.name, value) {
                    ("name", Value::String(name)) => json!(name.trim()),
                    _ => value.clone(),
                };
                if organization.get(field.name) != Some(&value) {
                    organization.insert(field.name.to_owned(), value);
                    changed = true;
                }
            }
        }
        if changed {
            organization.insert("updated_at".to_owned(), stamp);
        }
        FakeResponse::json(200, json!({ "organization": organization }))
    }

    /// Deletes the organization (204). Its users lose the membership; the export still shows
    /// it, with `deleted_at`.
    pub(super) fn delete_organization(&mut self, id: &str) -> FakeResponse {
        let Some(id) = parse_id(id) else { return record_not_found() };
        let Some(mut organization) = self.organizations.remove(&id) else { return record_not_found() };
        let stamp = self.stamp();
        organization.insert("deleted_at".to_owned(), stamp.clone());
        organization.insert("updated_at".to_owned(), stamp.clone());
        self.deleted_organizations.insert(id, organization);
        for user in self.users.values_mut().filter(|u| u.get("organization_id") == Some(&json!(id))) {
            user.insert("organization_id".to_owned(), Value::Null);
            user.insert("updated_at".to_owned(), stamp.clone());
        }
        FakeResponse::empty(204)
    }

    /// The time-based incremental organization export, deleted organizations included.
    pub(super) fn export_organizations(&self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        let Some(start) = request.query_param("start_time") else { return bad_request("start_time is required") };
        let Ok(start) = start.parse::<i64>() else {
            return bad_request(format!("start_time must be a Unix time, got {start:?}"));
        };
        if start > self.now().unix_timestamp() - 60 {
            return bad_request("Too recent start_time. Use a start_time older than one minute.");
        }
        let all = self.organizations.iter().chain(self.deleted_organizations.iter());
        let mut ordered = export_order(all, |(time, _)| time >= start);
        let end_of_stream = ordered.len() <= EXPORT_PAGE_SIZE;
        ordered.truncate(EXPORT_PAGE_SIZE);
        let end_time = ordered.last().map_or(start, |((time, _), _)| *time);
        let next_page = format!("{base_uri}/api/v2/incremental/organizations.json?start_time={end_time}");
        FakeResponse::json(
            200,
            json!({
                "organizations": ordered.iter().map(|(_, o)| Value::Object((*o).clone())).collect::<Vec<_>>(),
                "count": ordered.len(),
                "end_time": end_time,
                "next_page": next_page,
                "end_of_stream": end_of_stream,
            }),
        )
    }
}
