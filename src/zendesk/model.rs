//! Zendesk wire types, as the client reads and writes them. Only the fields the sync uses are
//! typed; unknown fields are ignored, so a new Zendesk field never breaks a read.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::domain::{ZendeskOrgId, ZendeskUserId};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    #[default]
    EndUser,
    Agent,
    Admin,
    /// A role the API does not document; such a user is reported, never synced as an employee.
    #[serde(other)]
    Unknown,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    pub id: ZendeskUserId,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub organization_id: Option<ZendeskOrgId>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// False once the user is (soft-)deleted; the incremental export shows deleted users.
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Organization {
    pub id: ZendeskOrgId,
    pub name: String,
    pub url: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Set on deleted organizations, which only the incremental export shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
}

/// Body of `POST /api/v2/users` (inside `{"user": …}`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct NewUser {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<ZendeskOrgId>,
    /// Keeps Zendesk from mailing a verification link to a test address.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skip_verify_email: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// Body of `PUT /api/v2/users/{id}` (inside `{"user": …}`); absent fields are left alone.
/// An `email` here adds a secondary identity and leaves the primary email as it was.
#[derive(Clone, Debug, Default, Serialize)]
pub struct UserUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<ZendeskOrgId>,
}

/// Body of `POST /api/v2/organizations` and of a partial `PUT` (inside `{"organization": …}`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct NewOrganization {
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// A user identity; only email identities matter to the sync.
#[derive(Clone, Debug, Deserialize)]
pub struct Identity {
    pub id: u64,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    pub primary: bool,
}
