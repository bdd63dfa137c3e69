//! Planning, as pure functions over a snapshot and the link table. Nothing here does I/O, so
//! every rule is unit tested without HTTP. Each flow of the spec has its own module:
//! [`contact_persons`] (R1, M1), [`employees`] (R4, M5–M8) and [`customers`] (R2, R3, M2–M4).

mod contact_persons;
mod customers;
mod employees;

pub use customers::import_reference as organization_import_reference;
pub use employees::{import_reference as user_import_reference, EMPLOYEE_TOKEN};

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::links::{CustomerLink, EmployeeLink, Link, LinkTable};
use super::snapshot::Snapshot;
use super::SyncOptions;
use crate::domain::{ContactPersonRef, PogContactId, PogEmployeeId, ZendeskOrgId, ZendeskUserId};
use crate::poweroffice::model::{NewCustomer, NewEmployee};

/// The PowerOffice Go record a write goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    ContactPerson { contact_id: PogContactId, id: crate::domain::PogContactPersonId },
    Customer { id: PogContactId },
    Employee { id: PogEmployeeId },
}

impl From<ContactPersonRef> for Target {
    fn from(person: ContactPersonRef) -> Self {
        Target::ContactPerson { contact_id: person.contact_id, id: person.id }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::ContactPerson { contact_id, id } => write!(f, "contact person {id} of customer {contact_id}"),
            Target::Customer { id } => write!(f, "customer {id}"),
            Target::Employee { id } => write!(f, "employee {id}"),
        }
    }
}

/// A write of one mapped property to one PowerOffice Go record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedWrite {
    /// The checklist item the write serves (`M1`, `M3`, …).
    pub item: &'static str,
    pub target: Target,
    /// The wire path of the target property below the record (`EmailAddress`, `Name`).
    pub property: &'static str,
    pub from: Value,
    pub to: Value,
}

/// A customer to create for an organization (R3).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlannedCustomer {
    pub organization: ZendeskOrgId,
    pub customer: NewCustomer,
}

/// An employee to create for an agent (R4), and the writes that can only follow the create.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlannedEmployee {
    pub user: ZendeskUserId,
    pub employee: NewEmployee,
    /// Writes to the new employee; their target id is filled in once it exists.
    pub follow_up: Vec<PlannedWrite>,
}

/// A record or property the sync left alone, or a rule it could not meet, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub item: &'static str,
    pub record: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SyncPlan {
    pub new_links: Vec<Link>,
    /// Links whose user or contact person no longer exists.
    pub dropped_links: Vec<Link>,
    /// Customers found again by their import reference (a create whose link was lost).
    pub adopted_customers: Vec<CustomerLink>,
    /// Customer links whose organization or customer no longer exists.
    pub dropped_customer_links: Vec<CustomerLink>,
    pub customer_creates: Vec<PlannedCustomer>,
    /// Employees found again by their import reference (a create whose link was lost).
    pub adopted_employees: Vec<EmployeeLink>,
    pub dropped_employee_links: Vec<EmployeeLink>,
    pub employee_creates: Vec<PlannedEmployee>,
    pub writes: Vec<PlannedWrite>,
    pub skipped: Vec<Finding>,
    /// Rules of the spec that cannot be met for these records; nothing is done about them.
    pub conflicts: Vec<Finding>,
}

pub fn plan(snapshot: &Snapshot, links: &LinkTable, options: &SyncOptions) -> SyncPlan {
    let mut plan = SyncPlan::default();
    let current_links = contact_persons::plan(snapshot, links, &mut plan);
    let employees = employees::plan(snapshot, links, options, &mut plan);
    let synced_users: BTreeSet<ZendeskUserId> = current_links.iter().map(|link| link.user).chain(employees).collect();
    customers::plan(snapshot, links, &current_links, &synced_users, &mut plan);
    plan
}

/// A string property write when the value differs; `None` when already equal.
fn string_write(
    item: &'static str,
    target: Target,
    property: &'static str,
    current: Option<&str>,
    wanted: &str,
) -> Option<PlannedWrite> {
    (current != Some(wanted)).then(|| PlannedWrite {
        item,
        target,
        property,
        from: current.map_or(Value::Null, |c| Value::String(c.to_owned())),
        to: Value::String(wanted.to_owned()),
    })
}
