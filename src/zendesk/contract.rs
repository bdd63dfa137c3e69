//! The Zendesk side of the API contract model (../shared/reference/zendesk-api.md §1.1, §2.1).

use crate::contract::{Entity, Field, Format, JsonType::*, Meaning, SpecEntity};
use crate::domain::System;

pub const ROLES: &[&str] = &["end-user", "agent", "admin"];

pub static USER: Entity = Entity {
    system: System::Zendesk,
    name: "User",
    fields: &[
        Field::new("id", Integer).not_null().read_only(),
        Field::new("url", String).not_null().read_only().format(Format::Url).meaning(Meaning::ApiUrl),
        Field::new("name", String).not_null().required().meaning(Meaning::PersonName),
        Field::new("email", String).format(Format::Email),
        Field::new("created_at", String).not_null().read_only().format(Format::DateTimeUtc),
        Field::new("updated_at", String).not_null().read_only().format(Format::DateTimeUtc),
        Field::new("time_zone", String),
        Field::new("iana_time_zone", String).read_only(),
        Field::new("phone", String),
        Field::new("shared_phone_number", Boolean),
        Field::new("photo", Object),
        Field::new("locale_id", Integer),
        Field::new("locale", String),
        Field::new("organization_id", Integer),
        Field::new("role", String).not_null().format(Format::OneOf(ROLES)),
        Field::new("verified", Boolean),
        Field::new("external_id", String),
        Field::new("tags", Array),
        Field::new("alias", String),
        Field::new("active", Boolean).not_null().read_only(),
        Field::new("shared", Boolean).read_only(),
        Field::new("shared_agent", Boolean).read_only(),
        Field::new("last_login_at", String).read_only().format(Format::DateTimeUtc),
        Field::new("two_factor_auth_enabled", Boolean).read_only(),
        Field::new("signature", String),
        Field::new("details", String),
        Field::new("notes", String),
        Field::new("role_type", Integer).read_only(),
        Field::new("custom_role_id", Integer),
        Field::new("moderator", Boolean),
        Field::new("ticket_restriction", String),
        Field::new("only_private_comments", Boolean),
        Field::new("restricted_agent", Boolean).read_only(),
        Field::new("suspended", Boolean),
        Field::new("default_group_id", Integer),
        Field::new("report_csv", Boolean).read_only(),
        Field::new("user_fields", Object),
    ],
};

pub static ORGANIZATION: Entity = Entity {
    system: System::Zendesk,
    name: "Organization",
    fields: &[
        Field::new("id", Integer).not_null().read_only(),
        Field::new("url", String).not_null().read_only().format(Format::Url).meaning(Meaning::ApiUrl),
        Field::new("name", String).not_null().required(),
        Field::new("domain_names", Array),
        Field::new("details", String),
        Field::new("notes", String),
        Field::new("external_id", String),
        Field::new("group_id", Integer),
        Field::new("shared_tickets", Boolean),
        Field::new("shared_comments", Boolean),
        Field::new("tags", Array),
        Field::new("organization_fields", Object),
        Field::new("created_at", String).not_null().read_only().format(Format::DateTimeUtc),
        Field::new("updated_at", String).not_null().read_only().format(Format::DateTimeUtc),
    ],
};

pub const IDENTITY_TYPES: &[&str] = &[
    "email",
    "twitter",
    "facebook",
    "google",
    "phone_number",
    "agent_forwarding",
    "any_channel",
    "foreign",
    "sdk",
    "messaging",
];

pub static IDENTITY: Entity = Entity {
    system: System::Zendesk,
    name: "Identity",
    fields: &[
        Field::new("url", String).not_null().read_only().format(Format::Url),
        Field::new("id", Integer).not_null().read_only(),
        Field::new("user_id", Integer).not_null().read_only(),
        Field::new("type", String).not_null().required().format(Format::OneOf(IDENTITY_TYPES)),
        Field::new("value", String).not_null().required(),
        Field::new("verified", Boolean),
        Field::new("primary", Boolean).read_only(),
        Field::new("created_at", String).not_null().read_only().format(Format::DateTimeUtc),
        Field::new("updated_at", String).not_null().read_only().format(Format::DateTimeUtc),
        Field::new("undeliverable_count", Integer).read_only(),
        Field::new("deliverable_state", String).read_only(),
    ],
};

/// The entity a dataflow document means by a Zendesk record type.
pub fn spec_entity(name: &str) -> Option<SpecEntity> {
    let entity = match name.trim().to_lowercase().as_str() {
        "users" | "user" => &USER,
        "organizations" | "organisations" | "organization" | "organisation" => &ORGANIZATION,
        _ => return None,
    };
    Some(SpecEntity { entity, also_required: &[] })
}
