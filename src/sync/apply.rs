//! Carrying out a plan: the link table changes, the creates, then the writes (including those
//! that can only follow a create), one PATCH per
//! record. When a record's PATCH is refused, its properties are tried one by one, so one field
//! that cannot be written never blocks the others; every failure is reported and the run goes on.

use std::collections::BTreeMap;

use super::links::{CustomerLink, EmployeeLink, LinkTable};
use super::plan::{PlannedWrite, PlannedZendeskWrite, SyncPlan, Target, ZendeskTarget};
use super::report::{Failure, SyncReport};
use crate::domain::ContactPersonRef;
use crate::http::ClientError;
use crate::poweroffice::model::PatchOperation;
use crate::poweroffice::PowerOfficeClient;
use crate::zendesk::model::{NewOrganization, UserUpdate};
use crate::zendesk::ZendeskClient;

pub async fn apply(
    plan: SyncPlan,
    zendesk: &ZendeskClient,
    poweroffice: &PowerOfficeClient,
    links: &mut LinkTable,
) -> SyncReport {
    for agreed in &plan.agreed {
        links.remember(&agreed.link, agreed.item, &agreed.value);
    }
    for link in &plan.dropped_links {
        links.remove(*link);
    }
    for link in &plan.new_links {
        links.insert(*link);
    }
    for link in &plan.dropped_customer_links {
        links.unlink_customer(*link);
    }
    for link in &plan.adopted_customers {
        links.link_customer(*link);
    }
    for link in &plan.dropped_employee_links {
        links.unlink_employee(*link);
    }
    for link in &plan.adopted_employees {
        links.link_employee(*link);
    }
    let mut report = SyncReport {
        links_made: plan.new_links,
        links_dropped: plan.dropped_links,
        customers_adopted: plan.adopted_customers,
        customer_links_dropped: plan.dropped_customer_links,
        employees_adopted: plan.adopted_employees,
        employee_links_dropped: plan.dropped_employee_links,
        skipped: plan.skipped,
        conflicts: plan.conflicts,
        ..SyncReport::default()
    };
    for create in plan.customer_creates {
        match poweroffice.create_customer(&create.customer).await {
            Ok(customer) => {
                let link = CustomerLink { organization: create.organization, customer: customer.id };
                links.link_customer(link);
                if let Some(name) = &create.customer.name {
                    // Both sides now hold this name: the first edit on either side is a change.
                    links.remember(&link.key(), "M3", name);
                }
                report.customers_created.push(link);
            }
            Err(error) => report.failures.push(Failure {
                item: "R3",
                action: format!("create a customer for Zendesk organization {}", create.organization),
                error: error.to_string(),
            }),
        }
    }
    let mut writes = plan.writes;
    for create in plan.employee_creates {
        match poweroffice.create_employee(&create.employee).await {
            Ok(employee) => {
                let link = EmployeeLink { user: create.user, employee: employee.id };
                links.link_employee(link);
                report.employees_created.push(link);
                let target = Target::Employee { id: employee.id };
                writes.extend(create.follow_up.into_iter().map(|write| PlannedWrite { target, ..write }));
            }
            Err(error) => report.failures.push(Failure {
                item: "R4",
                action: format!("create an employee for Zendesk user {}", create.user),
                error: error.to_string(),
            }),
        }
    }
    let mut by_target: BTreeMap<String, (Target, Vec<PlannedWrite>)> = BTreeMap::new();
    for write in writes {
        by_target.entry(write.target.to_string()).or_insert_with(|| (write.target, Vec::new())).1.push(write);
    }
    for (target, writes) in by_target.into_values() {
        write_record(poweroffice, target, writes, links, &mut report).await;
    }
    for write in plan.zendesk_writes {
        write_zendesk(zendesk, write, links, &mut report).await;
    }
    report
}

async fn write_zendesk(
    zendesk: &ZendeskClient,
    write: PlannedZendeskWrite,
    links: &mut LinkTable,
    report: &mut SyncReport,
) {
    let result = match write.target {
        ZendeskTarget::UserEmail { id } => zendesk.set_primary_email(id, &write.to).await,
        ZendeskTarget::OrganizationName { id } => zendesk
            .update_organization(id, &NewOrganization { name: write.to.clone(), ..NewOrganization::default() })
            .await
            .map(drop),
        ZendeskTarget::UserOrganization { id, organization } => {
            let update = UserUpdate { organization_id: Some(organization), ..UserUpdate::default() };
            zendesk.update_user(id, &update).await.map(drop)
        }
    };
    match result {
        Ok(()) => {
            for link in &write.links {
                links.remember(link, write.item, &write.to);
            }
            report.zendesk_updates.push(write);
        }
        Err(error) => report.failures.push(Failure {
            item: write.item,
            action: format!("write {} to Zendesk {:?}", write.to, write.target),
            error: error.to_string(),
        }),
    }
}

async fn patch(poweroffice: &PowerOfficeClient, target: Target, writes: &[PlannedWrite]) -> Result<(), ClientError> {
    let operations: Vec<PatchOperation> =
        writes.iter().map(|w| PatchOperation::replace(w.property, w.to.clone())).collect();
    match target {
        Target::ContactPerson { contact_id, id } => {
            poweroffice.patch_contact_person(ContactPersonRef { contact_id, id }, &operations).await.map(drop)
        }
        Target::Customer { id } => poweroffice.patch_customer(id, &operations).await.map(drop),
        Target::Employee { id } => poweroffice.patch_employee(id, &operations).await.map(drop),
    }
}

async fn write_record(
    poweroffice: &PowerOfficeClient,
    target: Target,
    writes: Vec<PlannedWrite>,
    links: &mut LinkTable,
    report: &mut SyncReport,
) {
    match patch(poweroffice, target, &writes).await {
        Ok(()) => writes.into_iter().for_each(|write| written(write, links, report)),
        Err(error) if writes.len() > 1 && error.status().is_some_and(|s| s.is_client_error()) => {
            for write in writes {
                match patch(poweroffice, target, std::slice::from_ref(&write)).await {
                    Ok(()) => written(write, links, report),
                    Err(error) => report.failures.push(failure(&write, error)),
                }
            }
        }
        Err(error) => {
            let message = error.to_string();
            report.failures.extend(writes.iter().map(|write| failure(write, &message)));
        }
    }
}

fn written(write: PlannedWrite, links: &mut LinkTable, report: &mut SyncReport) {
    if let (Some(link), Some(value)) = (&write.link, write.to.as_str()) {
        links.remember(link, write.item, value);
    }
    report.updates.push(write);
}

fn failure(write: &PlannedWrite, error: impl std::fmt::Display) -> Failure {
    Failure {
        item: write.item,
        action: format!("write {} of {}", write.property, write.target),
        error: error.to_string(),
    }
}
