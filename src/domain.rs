//! Values parsed at the boundary: which system a thing belongs to, per-system record ids that
//! cannot be mixed up, and email addresses compared the way the merge rule R1 compares them.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

/// One of the two systems the dataflow connects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum System {
    Zendesk,
    PowerOffice,
}

impl fmt::Display for System {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            System::Zendesk => "Zendesk",
            System::PowerOffice => "PowerOffice Go",
        })
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name($inner);

        impl $name {
            pub const fn new(value: $inner) -> Self {
                Self(value)
            }

            pub const fn get(self) -> $inner {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// `id` of a Zendesk user (int64 on the wire; real ids exceed 2^32).
    ZendeskUserId(u64)
);
id_type!(
    /// `id` of a Zendesk organization.
    ZendeskOrgId(u64)
);
id_type!(
    /// `Id` of a PowerOffice Go contact (the customer a contact person belongs to, `ContactId`).
    PogContactId(i64)
);
id_type!(
    /// `Id` of a PowerOffice Go contact person. Only unique together with its `ContactId`
    /// in the URL, so the engine carries [`ContactPersonRef`] rather than this alone.
    PogContactPersonId(i64)
);

id_type!(
    /// `Id` of a PowerOffice Go employee.
    PogEmployeeId(i64)
);
id_type!(
    /// `Id` of a PowerOffice Go department.
    PogDepartmentId(i64)
);

/// Where a contact person lives: `/ContactPersons/{contact_id}/{id}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ContactPersonRef {
    pub contact_id: PogContactId,
    pub id: PogContactPersonId,
}

impl fmt::Display for ContactPersonRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "contact person {} of customer {}", self.id, self.contact_id)
    }
}

/// Why a string is not an email address the merge rule can use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the email is empty")]
    Empty,
    #[error("{0:?} is not an email address (expected local@domain)")]
    Malformed(String),
}

/// An email address as R1 sees it: surrounding whitespace removed, compared case-insensitively
/// (SPEC-NOTES decision 2). The address keeps the casing it was written with, for display and
/// for writing; equality and hashing use the lower-cased key.
#[derive(Clone, Debug)]
pub struct Email {
    address: String,
    key: String,
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let address = raw.trim();
        if address.is_empty() {
            return Err(EmailError::Empty);
        }
        let well_formed = match address.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !address.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if !well_formed {
            return Err(EmailError::Malformed(address.to_owned()));
        }
        Ok(Self { address: address.to_owned(), key: address.to_lowercase() })
    }

    /// Parses an optional wire value; `None`, `""` and whitespace all give [`EmailError::Empty`].
    pub fn parse_optional(raw: Option<&str>) -> Result<Self, EmailError> {
        Self::parse(raw.unwrap_or_default())
    }

    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The comparison key: trimmed and lower-cased.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl PartialEq for Email {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Email {}

impl Hash for Email {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_compare_trimmed_and_case_insensitively() {
        let zendesk = Email::parse("kari@acme.no").unwrap();
        let poweroffice = Email::parse("  KARI@Acme.NO \t").unwrap();
        assert_eq!(zendesk, poweroffice);
        assert_eq!(poweroffice.as_str(), "KARI@Acme.NO");
        assert_eq!(poweroffice.key(), "kari@acme.no");
    }

    #[test]
    fn different_addresses_differ() {
        assert_ne!(Email::parse("kari@acme.no").unwrap(), Email::parse("ola@acme.no").unwrap());
    }

    #[test]
    fn empty_and_blank_emails_are_rejected() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        assert_eq!(Email::parse_optional(None), Err(EmailError::Empty));
    }

    #[test]
    fn malformed_emails_are_rejected_with_the_value() {
        for raw in ["kari", "@acme.no", "kari@", "a@b@c", "ka ri@acme.no"] {
            assert!(matches!(Email::parse(raw), Err(EmailError::Malformed(_))), "{raw}");
        }
    }
}
