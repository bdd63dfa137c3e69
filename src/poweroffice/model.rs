//! PowerOffice Go v2 wire types (PascalCase JSON). Only the fields the sync uses are typed;
//! unknown fields are ignored.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::domain::{ContactPersonRef, PogContactId, PogContactPersonId, PogDepartmentId, PogEmployeeId};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContactPerson {
    pub id: PogContactPersonId,
    pub contact_id: PogContactId,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email_address: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub last_changed_date_time_offset: OffsetDateTime,
}

impl ContactPerson {
    pub fn reference(&self) -> ContactPersonRef {
        ContactPersonRef { contact_id: self.contact_id, id: self.id }
    }
}

/// Body of `POST /ContactPersons/{contactId}`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewContactPerson {
    pub first_name: String,
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Customer {
    pub id: PogContactId,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub is_person: Option<bool>,
    #[serde(default)]
    pub website_url: Option<String>,
    #[serde(default)]
    pub external_import_reference: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub last_changed_date_time_offset: OffsetDateTime,
}

/// Body of `POST /Customers`. A company needs `Name`; a person needs `FirstName` and `LastName`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewCustomer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_person: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
    /// Makes a create idempotent: a customer carrying it is found again after a crash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_import_reference: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Employee {
    pub id: PogEmployeeId,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub job_title: Option<String>,
    #[serde(default)]
    pub department_id: Option<PogDepartmentId>,
    #[serde(default)]
    pub mail_address: Option<MailAddress>,
    #[serde(default)]
    pub external_import_reference: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub last_changed_date_time_offset: OffsetDateTime,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MailAddress {
    #[serde(default)]
    pub country_code: Option<String>,
}

/// Body of `POST /Employees`; `FirstName` and `LastName` are required.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewEmployee {
    pub first_name: String,
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_import_reference: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Department {
    pub id: PogDepartmentId,
    #[serde(default)]
    pub name: Option<String>,
}

/// Body of `POST /Departments`; `Name` is required and `IsActive` defaults to false.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewDepartment {
    pub name: String,
    pub is_active: bool,
}

/// One RFC 6902 operation of a PATCH body.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PatchOperation {
    pub op: &'static str,
    pub path: String,
    pub value: Value,
}

impl PatchOperation {
    /// `replace` of a property by its wire path below the record (`Name`, `MailAddress/City`).
    pub fn replace(property: &str, value: impl Into<Value>) -> Self {
        Self { op: "replace", path: format!("/{property}"), value: value.into() }
    }
}
