//! Planning, as pure functions over a snapshot and the link table. Nothing here does I/O, so
//! every rule is unit tested without HTTP. Each flow of the spec has its own module:
//! [`contact_persons`] (R1, M1), [`employees`] (R4, M5–M8) and [`customers`] (R2, R3, M2–M4).

mod contact_persons;
mod customers;
mod employees;
mod two_way;

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
    /// For a two-way property: the link whose last-synced value becomes `to` once written.
    #[serde(skip)]
    pub link: Option<String>,
}

/// The Zendesk record a write from PowerOffice Go goes to (S1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ZendeskTarget {
    /// The primary email changes through an identity and make_primary.
    UserEmail {
        id: ZendeskUserId,
    },
    OrganizationName {
        id: ZendeskOrgId,
    },
    /// M2 back to Zendesk: the user's organization.
    UserOrganization {
        id: ZendeskUserId,
        organization: ZendeskOrgId,
    },
}

/// A write of one mapped property back to Zendesk (S1, PowerOffice Go → Zendesk).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedZendeskWrite {
    pub item: &'static str,
    pub target: ZendeskTarget,
    pub from: Value,
    pub to: String,
    /// The links whose last-synced value becomes `to` once written.
    #[serde(skip)]
    pub links: Vec<String>,
}

/// A two-way property both sides agree on, to remember as last synced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agreed {
    pub link: String,
    pub item: &'static str,
    pub value: String,
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
    pub zendesk_writes: Vec<PlannedZendeskWrite>,
    #[serde(skip)]
    pub agreed: Vec<Agreed>,
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
        link: None,
    })
}

/// One two-way property of a linked pair (S1).
struct Pair<'a> {
    item: &'static str,
    link: String,
    target: Target,
    property: &'static str,
    zendesk_target: ZendeskTarget,
    sides: two_way::Sides<'a>,
}

/// Decides a pair and turns the outcome into a write, an agreement or a finding.
fn plan_pair(plan: &mut SyncPlan, pair: Pair<'_>, same: fn(&str, &str) -> bool) {
    let outcome = two_way::resolve(&pair.sides, same);
    record_outcome(plan, &pair, outcome);
}

fn record_outcome(plan: &mut SyncPlan, pair: &Pair<'_>, outcome: two_way::Outcome) {
    let as_value = |v: Option<&str>| v.map_or(Value::Null, |v| Value::String(v.to_owned()));
    let Pair { item, target, property, zendesk_target, .. } = *pair;
    let link = pair.link.clone();
    match outcome {
        two_way::Outcome::InSync(Some(value)) => plan.agreed.push(Agreed { link, item, value }),
        two_way::Outcome::InSync(None) => {}
        two_way::Outcome::ToPowerOffice(value) => plan.writes.push(PlannedWrite {
            item,
            target,
            property,
            from: as_value(pair.sides.poweroffice),
            to: Value::String(value),
            link: Some(link),
        }),
        two_way::Outcome::ToZendesk(value) => {
            match plan.zendesk_writes.iter_mut().find(|w| w.target == zendesk_target && w.to == value) {
                Some(existing) => existing.links.push(link),
                None => plan.zendesk_writes.push(PlannedZendeskWrite {
                    item,
                    target: zendesk_target,
                    from: as_value(pair.sides.zendesk),
                    to: value,
                    links: vec![link],
                }),
            }
        }
        two_way::Outcome::KeepBoth(reason) => plan.skipped.push(Finding { item, record: target.to_string(), reason }),
    }
}
