//! Removing what a run created, in both systems. After a scenario: everything its write guard
//! holds, newest first. After a run, or from `dataflow-qa cleanup`: every record that carries
//! the harness's marks for one run id, or for runs older than a cut-off. Nothing unmarked is
//! ever touched: marked records are taken into a guard, and the guarded clients delete them.

use std::fmt;
use std::sync::Arc;

use reqwest::StatusCode;
use time::OffsetDateTime;

use super::guard::{RecordKey, WriteGuard};
use super::scope::RunId;
use crate::domain::{
    ContactPersonRef, PogContactId, PogContactPersonId, PogDepartmentId, PogEmployeeId, System, ZendeskOrgId,
    ZendeskUserId,
};
use crate::http::ClientError;
use crate::poweroffice::PowerOfficeClient;
use crate::zendesk::client::ExportStart;
use crate::zendesk::ZendeskClient;

/// Which marked records a sweep removes.
#[derive(Clone, Debug)]
pub enum Marked {
    Run(RunId),
    /// Runs that started before this time.
    StartedBefore(OffsetDateTime),
}

impl Marked {
    fn matches(&self, text: &str) -> bool {
        let Some(run) = RunId::find_in(text) else { return false };
        match self {
            Marked::Run(id) => run == *id,
            Marked::StartedBefore(cutoff) => run.started_at().is_some_and(|started| started < *cutoff),
        }
    }
}

#[derive(Debug, Default)]
pub struct CleanupReport {
    pub deleted: Vec<String>,
    /// Records that could not be deleted, with why (PowerOffice Go answers 409 when in use).
    pub kept: Vec<(String, String)>,
    /// With `--dry-run`: what would go.
    pub would_delete: Vec<String>,
}

impl CleanupReport {
    pub fn merge(&mut self, other: CleanupReport) {
        self.deleted.extend(other.deleted);
        self.kept.extend(other.kept);
        self.would_delete.extend(other.would_delete);
    }
}

impl fmt::Display for CleanupReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.would_delete.is_empty() {
            writeln!(f, "would delete {} record(s):", self.would_delete.len())?;
            for record in &self.would_delete {
                writeln!(f, "  {record}")?;
            }
        }
        write!(f, "cleanup: {} deleted, {} could not be deleted", self.deleted.len(), self.kept.len())?;
        for (record, why) in &self.kept {
            write!(f, "\n  kept {record}: {why}")?;
        }
        Ok(())
    }
}

/// The two systems, through clients that write only what `guard` holds.
pub struct Systems {
    pub zendesk: ZendeskClient,
    pub poweroffice: PowerOfficeClient,
    pub guard: Arc<WriteGuard>,
}

impl Systems {
    pub fn new(zendesk: ZendeskClient, poweroffice: PowerOfficeClient) -> Self {
        let guard = Arc::new(WriteGuard::new());
        Self {
            zendesk: zendesk.with_guard(Some(Arc::clone(&guard))),
            poweroffice: poweroffice.with_guard(Some(Arc::clone(&guard))),
            guard,
        }
    }
}

fn gone(error: &ClientError) -> bool {
    error.status() == Some(StatusCode::NOT_FOUND)
}

/// Deletes one record the guard holds. `Ok(false)` when it was already gone.
async fn delete(
    zendesk: &ZendeskClient,
    poweroffice: &PowerOfficeClient,
    key: &RecordKey,
) -> Result<bool, ClientError> {
    let number = |text: &str| text.parse::<u64>().unwrap_or_default();
    let pog = |text: &str| text.parse::<i64>().unwrap_or_default();
    let result = match (key.system, key.collection.as_str()) {
        (System::Zendesk, "users") => {
            let id = ZendeskUserId::new(number(&key.id));
            // A soft delete first (404 if it already was), then the permanent one.
            match zendesk.delete_user(id).await {
                Err(e) if !gone(&e) => Err(e),
                _ => zendesk.delete_user_permanently(id).await,
            }
        }
        (System::Zendesk, "organizations") => zendesk.delete_organization(ZendeskOrgId::new(number(&key.id))).await,
        (System::PowerOffice, "contactpersons") => {
            let (customer, person) = key.id.split_once('/').unwrap_or(("0", "0"));
            let reference = ContactPersonRef {
                contact_id: PogContactId::new(pog(customer)),
                id: PogContactPersonId::new(pog(person)),
            };
            poweroffice.delete_contact_person(reference).await
        }
        (System::PowerOffice, "customers") => poweroffice.delete_customer(PogContactId::new(pog(&key.id))).await,
        (System::PowerOffice, "employees") => poweroffice.delete_employee(PogEmployeeId::new(pog(&key.id))).await,
        (System::PowerOffice, "departments") => poweroffice.delete_department(PogDepartmentId::new(pog(&key.id))).await,
        _ => return Ok(false),
    };
    match result {
        Ok(()) => Ok(true),
        Err(error) if gone(&error) => Ok(false),
        Err(error) => Err(error),
    }
}

/// Deletes everything the guard of `systems` holds, newest first.
pub async fn delete_created(systems: &Systems) -> CleanupReport {
    let mut report = CleanupReport::default();
    for key in systems.guard.newest_first() {
        match delete(&systems.zendesk, &systems.poweroffice, &key).await {
            Ok(_) => report.deleted.push(key.to_string()),
            Err(error) => report.kept.push((key.to_string(), error.to_string())),
        }
    }
    report
}

/// Finds every record marked as `marked` in both systems, takes it into the guard, and deletes
/// it (or only lists it, with `dry_run`).
pub async fn sweep(systems: &Systems, marked: &Marked, dry_run: bool) -> Result<CleanupReport, ClientError> {
    let (zendesk, poweroffice) = (System::Zendesk, System::PowerOffice);
    let mut found: Vec<(RecordKey, String)> = Vec::new();
    // Contact persons and employees before the customers and departments they point at.
    for person in systems.poweroffice.list_contact_persons().await? {
        let name =
            format!("{} {}", person.first_name.as_deref().unwrap_or(""), person.last_name.as_deref().unwrap_or(""));
        if marked.matches(&name) || person.email_address.as_deref().is_some_and(|e| marked.matches(e)) {
            let key = RecordKey::new(poweroffice, "contactpersons", format!("{}/{}", person.contact_id, person.id));
            found.push((key, name));
        }
    }
    for employee in systems.poweroffice.list_employees().await? {
        let name = employee.first_name.clone().unwrap_or_default();
        if marked.matches(&name) {
            found.push((RecordKey::new(poweroffice, "employees", employee.id), name));
        }
    }
    for customer in systems.poweroffice.list_customers().await? {
        let name = customer.name.clone().unwrap_or_default();
        if marked.matches(&name) {
            found.push((RecordKey::new(poweroffice, "customers", customer.id), name));
        }
    }
    for department in systems.poweroffice.list_departments().await? {
        let name = department.name.clone().unwrap_or_default();
        if marked.matches(&name) {
            found.push((RecordKey::new(poweroffice, "departments", department.id), name));
        }
    }
    // The export, unlike the user list, shows soft-deleted users too: a cleanup cut off between
    // the soft and the permanent delete leaves one behind.
    let (users, _) = systems.zendesk.export_users(&ExportStart::Time(0)).await?;
    for user in users {
        if marked.matches(&user.name) || user.email.as_deref().is_some_and(|e| marked.matches(e)) {
            found.push((RecordKey::new(zendesk, "users", user.id), user.name.clone()));
        }
    }
    for organization in systems.zendesk.list_organizations().await? {
        if marked.matches(&organization.name) {
            found.push((RecordKey::new(zendesk, "organizations", organization.id), organization.name.clone()));
        }
    }
    let mut report = CleanupReport::default();
    for (key, name) in found {
        let shown = format!("{key} ({name})");
        if dry_run {
            report.would_delete.push(shown);
            continue;
        }
        systems.guard.adopt(key.clone());
        match delete(&systems.zendesk, &systems.poweroffice, &key).await {
            Ok(_) => report.deleted.push(shown),
            Err(error) => report.kept.push((shown, error.to_string())),
        }
    }
    Ok(report)
}
