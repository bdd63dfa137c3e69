//! Typed step parameters: the systems, Zendesk roles, field paths and JSON types the features
//! name. A value outside the list fails the step with the list of what is allowed.

use std::fmt;
use std::str::FromStr;

use crate::contract::JsonType;
use crate::zendesk::model::Role;

/// The system a step talks about, as the features name it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "system", regex = "Zendesk|PowerOffice Go")]
pub enum SystemParameter {
    #[default]
    Zendesk,
    PowerOffice,
}

impl FromStr for SystemParameter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "Zendesk" => Ok(Self::Zendesk),
            "PowerOffice Go" => Ok(Self::PowerOffice),
            other => Err(format!("{other:?} is not a system: Zendesk or PowerOffice Go")),
        }
    }
}

/// A Zendesk role as the features write it: agent, admin or end-user.
#[derive(Debug, Default, cucumber::Parameter)]
#[param(name = "role", regex = "agent|admin|end-user")]
pub struct RoleParameter(pub Role);

impl FromStr for RoleParameter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "agent" => Ok(Self(Role::Agent)),
            "admin" => Ok(Self(Role::Admin)),
            "end-user" => Ok(Self(Role::EndUser)),
            other => Err(format!("{other:?} is not a Zendesk role: agent, admin or end-user")),
        }
    }
}

/// A property of a record in the API's own spelling, or one level into a nested object:
/// `EmailAddress`, `MailAddress.CountryCode`.
#[derive(Debug, Default, Clone, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "field", regex = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")]
pub struct FieldPath {
    pub object: Option<String>,
    pub name: String,
}

impl FromStr for FieldPath {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let valid = |part: &str| {
            part.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        let (object, name) = match s.split_once('.') {
            Some((object, name)) => (Some(object), name),
            None => (None, s),
        };
        if !valid(name) || object.is_some_and(|o| !valid(o)) {
            return Err(format!("{s:?} is not a field path like EmailAddress or MailAddress.CountryCode"));
        }
        Ok(Self { object: object.map(str::to_owned), name: name.to_owned() })
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.object {
            Some(object) => write!(f, "{object}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A checklist item id (R1…R4, M1…M8, S1), as the report's findings name it.
#[derive(Debug, Default, Clone, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "item", regex = "[RMS][0-9]+")]
pub struct ItemParameter(pub String);

impl FromStr for ItemParameter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let known = crate::harness::results::CHECKLIST;
        if known.iter().any(|(id, _)| *id == s) {
            return Ok(Self(s.to_owned()));
        }
        let ids: Vec<&str> = known.iter().map(|(id, _)| *id).collect();
        Err(format!("{s:?} is not a checklist item ({})", ids.join(", ")))
    }
}

impl fmt::Display for ItemParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A JSON type as the spec's data-type column writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "json_type", regex = "string|integer|number|boolean|object|array")]
pub struct JsonTypeParameter(pub JsonType);

impl FromStr for JsonTypeParameter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JsonType::from_name(s)
            .map(Self)
            .ok_or_else(|| format!("{s:?} is not a JSON type: string, integer, number, boolean, object or array"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_parse_one_level_deep() {
        let nested: FieldPath = "MailAddress.CountryCode".parse().unwrap();
        assert_eq!(nested.object.as_deref(), Some("MailAddress"));
        assert_eq!(nested.to_string(), "MailAddress.CountryCode");
        assert_eq!("EmailAddress".parse::<FieldPath>().unwrap().object, None);
        for bad in ["", ".Name", "Name.", "a.b.c", "1Name", "Email Address"] {
            assert!(bad.parse::<FieldPath>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn unknown_roles_and_types_name_the_allowed_values() {
        assert!("owner".parse::<RoleParameter>().unwrap_err().contains("agent, admin or end-user"));
        assert!("R9".parse::<ItemParameter>().unwrap_err().contains("R1, M1"));
        assert!("float".parse::<JsonTypeParameter>().unwrap_err().contains("string, integer"));
    }
}
