//! Reading both sides: everything the plan needs, fetched (in parallel) before anything is
//! decided. The first run reads everything; later runs read only what changed since (the
//! Zendesk incremental exports and PowerOffice Go's `lastChangedDateTimeOffsetGreaterThan`)
//! and merge it into the snapshot kept from the run before.

use crate::domain::System;
use crate::staging::guard::{RecordKey, WriteGuard};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::http::ClientError;
use crate::poweroffice::model::{ContactPerson, Customer, Employee};
use crate::poweroffice::PowerOfficeClient;
use crate::zendesk::client::ExportStart;
use crate::zendesk::model::{Organization, User};
use crate::zendesk::ZendeskClient;

/// Zendesk's exports leave out the most recent minute, so a start time is always a bit older.
const EXPORT_LAG_SECONDS: i64 = 61;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Snapshot {
    pub users: Vec<User>,
    pub organizations: Vec<Organization>,
    pub contact_persons: Vec<ContactPerson>,
    pub customers: Vec<Customer>,
    pub employees: Vec<Employee>,
}

impl Snapshot {
    /// Drops every record the guard does not hold: the sync then cannot see, link or write
    /// anything outside the staging run.
    pub fn keep_only(&mut self, scope: &WriteGuard) {
        let (zendesk, poweroffice) = (System::Zendesk, System::PowerOffice);
        self.users.retain(|u| scope.owns(&RecordKey::new(zendesk, "users", u.id)));
        self.organizations.retain(|o| scope.owns(&RecordKey::new(zendesk, "organizations", o.id)));
        self.customers.retain(|c| scope.owns(&RecordKey::new(poweroffice, "customers", c.id)));
        self.employees.retain(|e| scope.owns(&RecordKey::new(poweroffice, "employees", e.id)));
        self.contact_persons.retain(|p| {
            scope.owns(&RecordKey::new(poweroffice, "contactpersons", format!("{}/{}", p.contact_id, p.id)))
        });
    }
}

/// Where the next incremental read starts, per source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadCursors {
    pub zendesk_users: ExportStart,
    pub zendesk_organizations: i64,
    /// Per PowerOffice Go resource: the latest LastChangedDateTimeOffset read (RFC 3339).
    pub contact_persons: Option<String>,
    pub customers: Option<String>,
    pub employees: Option<String>,
}

/// The snapshot of the last run and where to read on from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Mirror {
    pub snapshot: Snapshot,
    pub cursors: ReadCursors,
}

fn latest<'a>(stamps: impl Iterator<Item = &'a OffsetDateTime>, floor: Option<&str>) -> Option<String> {
    let format = &time::format_description::well_known::Rfc3339;
    let floor = floor.and_then(|f| OffsetDateTime::parse(f, format).ok());
    stamps.copied().chain(floor).max().and_then(|t| t.format(format).ok())
}

fn cursors_after(snapshot: &Snapshot, read_at: i64, previous: Option<&ReadCursors>, users: ExportStart) -> ReadCursors {
    ReadCursors {
        zendesk_users: users,
        zendesk_organizations: read_at - EXPORT_LAG_SECONDS,
        contact_persons: latest(
            snapshot.contact_persons.iter().map(|r| &r.last_changed_date_time_offset),
            previous.and_then(|p| p.contact_persons.as_deref()),
        ),
        customers: latest(
            snapshot.customers.iter().map(|r| &r.last_changed_date_time_offset),
            previous.and_then(|p| p.customers.as_deref()),
        ),
        employees: latest(
            snapshot.employees.iter().map(|r| &r.last_changed_date_time_offset),
            previous.and_then(|p| p.employees.as_deref()),
        ),
    }
}

pub async fn read(zendesk: &ZendeskClient, poweroffice: &PowerOfficeClient) -> Result<Snapshot, ClientError> {
    Ok(read_full(zendesk, poweroffice).await?.snapshot)
}

/// Reads everything, and where the next incremental read starts.
pub async fn read_full(zendesk: &ZendeskClient, poweroffice: &PowerOfficeClient) -> Result<Mirror, ClientError> {
    let read_at = OffsetDateTime::now_utc().unix_timestamp();
    let (users, organizations, contact_persons, customers, employees) = tokio::try_join!(
        zendesk.list_users(),
        zendesk.list_organizations(),
        poweroffice.list_contact_persons(),
        poweroffice.list_customers(),
        poweroffice.list_employees(),
    )?;
    let snapshot = Snapshot { users, organizations, contact_persons, customers, employees };
    let cursors = cursors_after(&snapshot, read_at, None, ExportStart::Time(read_at - EXPORT_LAG_SECONDS));
    Ok(Mirror { snapshot, cursors })
}

async fn changed<T: serde::de::DeserializeOwned>(
    poweroffice: &PowerOfficeClient,
    resource: &str,
    after: Option<&str>,
) -> Result<Vec<T>, ClientError> {
    match after {
        Some(after) => poweroffice.list_changed(resource, after).await,
        None => poweroffice.list_changed(resource, "0001-01-01T00:00:00+00:00").await,
    }
}

/// Reads what changed since `previous` and merges it in. Deletions in Zendesk show in its
/// exports; a record deleted in PowerOffice Go stays in the snapshot until a full read.
pub async fn read_changes(
    zendesk: &ZendeskClient,
    poweroffice: &PowerOfficeClient,
    previous: Mirror,
) -> Result<Mirror, ClientError> {
    let read_at = OffsetDateTime::now_utc().unix_timestamp();
    let cursors = &previous.cursors;
    let ((users, users_cursor), (organizations, _), contact_persons, customers, employees) = tokio::try_join!(
        zendesk.export_users(&cursors.zendesk_users),
        zendesk.export_organizations(cursors.zendesk_organizations),
        changed::<ContactPerson>(poweroffice, "ContactPersons", cursors.contact_persons.as_deref()),
        changed::<Customer>(poweroffice, "Customers", cursors.customers.as_deref()),
        changed::<Employee>(poweroffice, "Employees", cursors.employees.as_deref()),
    )?;
    let delta = Snapshot { users, organizations, contact_persons, customers, employees };
    let next = cursors_after(&delta, read_at, Some(cursors), ExportStart::Cursor(users_cursor));
    let mut snapshot = previous.snapshot;
    merge(&mut snapshot.users, delta.users, |u| u.id, |u| u.active);
    merge(&mut snapshot.organizations, delta.organizations, |o| o.id, |o| o.deleted_at.is_none());
    merge(&mut snapshot.contact_persons, delta.contact_persons, |c| c.reference(), |_| true);
    merge(&mut snapshot.customers, delta.customers, |c| c.id, |_| true);
    merge(&mut snapshot.employees, delta.employees, |e| e.id, |_| true);
    Ok(Mirror { snapshot, cursors: next })
}

/// Replaces records by key with their changed versions; `keep` false removes one (deleted).
fn merge<T, K: Ord + Copy>(records: &mut Vec<T>, changed: Vec<T>, key: impl Fn(&T) -> K, keep: impl Fn(&T) -> bool) {
    let mut by_key: std::collections::BTreeMap<K, T> = records.drain(..).map(|r| (key(&r), r)).collect();
    for record in changed {
        if keep(&record) {
            by_key.insert(key(&record), record);
        } else {
            by_key.remove(&key(&record));
        }
    }
    records.extend(by_key.into_values());
}
