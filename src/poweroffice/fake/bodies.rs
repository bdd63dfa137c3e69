//! Request bodies checked against the contract model: POST objects and RFC 6902 PATCH arrays.
//! Property names are matched without regard to case (as ASP.NET binds them) and stored in
//! PascalCase.

use serde_json::{Map, Value};

use super::problem;
use crate::contract::Entity;
use crate::fake::{FakeRequest, FakeResponse};

pub(super) fn validation_error(entity: &Entity, detail: &str) -> FakeResponse {
    problem(400, &format!("{} validation error(s)", entity.name), detail)
}

fn is_blank(record: &Map<String, Value>, field: &str) -> bool {
    record.get(field).and_then(Value::as_str).is_none_or(|v| v.trim().is_empty())
}

/// Reads a POST body: read-only and unknown properties are ignored, wrong JSON types and
/// missing required fields refused (every problem named at once), and a posted `MailAddress`
/// needs `City` and `ZipCode`.
pub(super) fn post_body(
    entity: &Entity,
    address: &Entity,
    request: &FakeRequest<'_>,
) -> Result<Map<String, Value>, FakeResponse> {
    let body = match request.json_body() {
        Ok(Value::Object(body)) => body,
        Ok(_) => return Err(validation_error(entity, "The body must be a JSON object.")),
        Err(e) => return Err(validation_error(entity, &e)),
    };
    let mut accepted = Map::new();
    let mut errors = Vec::new();
    for (name, value) in body {
        let Some(field) = entity.field_ignoring_case(&name).filter(|f| !f.read_only) else { continue };
        match field.type_mismatch(&value).or_else(|| field.enforced_format_violation(entity.system, &value)) {
            Some(error) => errors.push(error),
            None if field.name == "MailAddress" && value.is_object() => match address_body(address, &value) {
                Ok(mail) => {
                    accepted.insert(field.name.to_owned(), Value::Object(mail));
                }
                Err(mut problems) => errors.append(&mut problems),
            },
            None => {
                accepted.insert(field.name.to_owned(), value);
            }
        }
    }
    for field in entity.fields.iter().filter(|f| f.required_on_create) {
        if is_blank(&accepted, field.name) {
            errors.push(format!("{} is required.", field.name));
        }
    }
    if errors.is_empty() {
        Ok(accepted)
    } else {
        Err(validation_error(entity, &errors.join(" ")))
    }
}

fn address_body(address: &Entity, value: &Value) -> Result<Map<String, Value>, Vec<String>> {
    let mut mail = address.blank_record();
    let mut errors = Vec::new();
    for (name, value) in value.as_object().into_iter().flatten() {
        let Some(field) = address.field_ignoring_case(name).filter(|f| !f.read_only) else { continue };
        match field.type_mismatch(value) {
            Some(error) => errors.push(format!("MailAddress.{error}")),
            None => {
                mail.insert(field.name.to_owned(), value.clone());
            }
        }
    }
    for required in ["City", "ZipCode"] {
        if is_blank(&mail, required) {
            errors.push(format!("MailAddress.{required} is required when a MailAddress is given."));
        }
    }
    if errors.is_empty() {
        Ok(mail)
    } else {
        Err(errors)
    }
}

/// One validated JSON Patch change: a top-level property, or one property of `MailAddress`.
pub(super) struct Change {
    pub field: &'static str,
    nested: Option<&'static str>,
    pub value: Value,
}

impl Change {
    /// Applies the change; true when the record is now different.
    pub fn apply(self, record: &mut Map<String, Value>, address: &Entity) -> bool {
        let slot = match self.nested {
            None => record.entry(self.field).or_insert(Value::Null),
            Some(nested) => {
                let parent = record.entry(self.field).or_insert(Value::Null);
                if !parent.is_object() {
                    *parent = Value::Object(address.blank_record());
                }
                match parent.as_object_mut() {
                    Some(parent) => parent.entry(nested).or_insert(Value::Null),
                    None => return false,
                }
            }
        };
        if *slot == self.value {
            return false;
        }
        *slot = self.value;
        true
    }
}

/// Reads an RFC 6902 body. Every operation is checked before any is applied, so one bad
/// operation leaves the record untouched.
pub(super) fn patch_body(
    entity: &Entity,
    address: &Entity,
    request: &FakeRequest<'_>,
) -> Result<Vec<Change>, FakeResponse> {
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
    operations.iter().map(|operation| patch_change(entity, address, operation)).collect()
}

fn patch_change(entity: &Entity, address: &Entity, operation: &Value) -> Result<Change, FakeResponse> {
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
    let not_found = || {
        refuse(format!(
            "{}PatchDto: The target location specified by path segment '{}' was not found.",
            entity.name,
            top.to_ascii_lowercase()
        ))
    };
    let field = entity.field_ignoring_case(top).ok_or_else(not_found)?;
    if field.read_only {
        return Err(refuse(format!("The property '{top}' is read-only and cannot be patched.")));
    }
    match (parts.next(), parts.next()) {
        (None, _) => {
            match field.type_mismatch(&value).or_else(|| field.enforced_format_violation(entity.system, &value)) {
                Some(error) => Err(refuse(error)),
                None => Ok(Change { field: field.name, nested: None, value }),
            }
        }
        (Some(inner), None) if field.name == "MailAddress" => {
            let nested = address.field_ignoring_case(inner).filter(|f| !f.read_only).ok_or_else(not_found)?;
            match nested.type_mismatch(&value) {
                Some(error) => Err(refuse(format!("MailAddress.{error}"))),
                None => Ok(Change { field: field.name, nested: Some(nested.name), value }),
            }
        }
        _ => Err(not_found()),
    }
}
