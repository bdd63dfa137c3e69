//! R3 (a company customer is created for an organization once one of its users is synced),
//! R2 (the person-customer rule, which no organization can meet), M3 (name → Name),
//! M4 (url → WebsiteUrl, literally) and M2 (a linked contact person's customer must be the
//! customer of its user's organization; a mismatch is reported, never fixed, and a user
//! without an organization takes the one its contact person's customer stands for).

use std::collections::{BTreeMap, BTreeSet};

use super::two_way::{exact, Sides};
use super::{
    plan_pair, string_write, Finding, Pair, PlannedCustomer, PlannedZendeskWrite, SyncPlan, Target, ZendeskTarget,
};
use crate::domain::{PogContactId, ZendeskOrgId, ZendeskUserId};
use crate::poweroffice::model::{Customer, NewCustomer};
use crate::sync::links::{CustomerLink, Link, LinkTable};
use crate::sync::snapshot::Snapshot;
use crate::zendesk::model::Organization;

/// The `ExternalImportReference` that makes a customer create idempotent.
pub fn import_reference(organization: ZendeskOrgId) -> String {
    format!("zendesk-organization:{organization}")
}

/// `synced_users` are the users synced into PowerOffice Go: linked to a contact person, or
/// synced as an employee (SPEC-NOTES decision 3).
pub(super) fn plan(
    snapshot: &Snapshot,
    links: &LinkTable,
    current_links: &[Link],
    synced_users: &BTreeSet<ZendeskUserId>,
    plan: &mut SyncPlan,
) {
    let customers: BTreeMap<PogContactId, &Customer> = snapshot.customers.iter().map(|c| (c.id, c)).collect();
    let by_reference: BTreeMap<&str, &Customer> =
        snapshot.customers.iter().filter_map(|c| Some((c.external_import_reference.as_deref()?, c))).collect();
    let organizations: BTreeMap<ZendeskOrgId, &Organization> =
        snapshot.organizations.iter().map(|o| (o.id, o)).collect();

    plan.dropped_customer_links = links
        .customer_links()
        .filter(|link| !organizations.contains_key(&link.organization) || !customers.contains_key(&link.customer))
        .collect();

    let mut linked: BTreeMap<ZendeskOrgId, &Customer> = BTreeMap::new();
    for organization in organizations.values() {
        let existing = links.customer_of(organization.id).and_then(|id| customers.get(&id)).copied();
        let customer = existing.or_else(|| {
            let adopted = by_reference.get(import_reference(organization.id).as_str()).copied()?;
            plan.adopted_customers.push(CustomerLink { organization: organization.id, customer: adopted.id });
            Some(adopted)
        });
        match customer {
            Some(customer) => {
                linked.insert(organization.id, customer);
                map_organization(organization, customer, links, plan);
            }
            None if has_synced_user(snapshot, organization.id, synced_users) => create_customer(organization, plan),
            None => {}
        }
    }
    check_contact_person_customers(snapshot, current_links, &linked, plan);
}

/// R3's condition: one of the organization's users is synced into PowerOffice Go.
fn has_synced_user(snapshot: &Snapshot, organization: ZendeskOrgId, synced: &BTreeSet<ZendeskUserId>) -> bool {
    snapshot.users.iter().any(|user| user.organization_id == Some(organization) && synced.contains(&user.id))
}

fn create_customer(organization: &Organization, plan: &mut SyncPlan) {
    let record = format!("Zendesk organization {}", organization.id);
    let name = organization.name.trim();
    if name.is_empty() {
        plan.skipped.push(Finding {
            item: "R3",
            record,
            reason: "it has no name, and a company customer needs one".into(),
        });
        return;
    }
    plan.conflicts.push(Finding {
        item: "R2",
        record,
        reason: "a person customer needs FirstName and LastName, and an organization has neither; \
                 only the company customer of R3 is created"
            .into(),
    });
    plan.customer_creates.push(PlannedCustomer {
        organization: organization.id,
        customer: NewCustomer {
            name: Some(name.to_owned()),
            is_person: Some(false),
            website_url: Some(organization.url.clone()),
            external_import_reference: Some(import_reference(organization.id)),
            ..NewCustomer::default()
        },
    });
}

/// M3 both ways (S1) and M4 on a linked pair. Zendesk's url is read-only, so M4 only goes to
/// PowerOffice Go.
fn map_organization(organization: &Organization, customer: &Customer, links: &LinkTable, plan: &mut SyncPlan) {
    let target = Target::Customer { id: customer.id };
    let link = CustomerLink { organization: organization.id, customer: customer.id }.key();
    let pair = Pair {
        item: "M3",
        target,
        property: "Name",
        zendesk_target: ZendeskTarget::OrganizationName { id: organization.id },
        sides: Sides {
            zendesk: Some(organization.name.as_str()),
            zendesk_changed_at: organization.updated_at,
            poweroffice: customer.name.as_deref(),
            poweroffice_changed_at: customer.last_changed_date_time_offset,
            last_synced: links.last_synced(&link, "M3"),
        },
        link,
    };
    plan_pair(plan, pair, exact);
    plan.writes.extend(string_write("M4", target, "WebsiteUrl", customer.website_url.as_deref(), &organization.url));
}

/// M2: a contact person belongs to the customer of its user's organization. v2 cannot move a
/// contact person, and nothing may be deleted, so a mismatch is only reported.
fn check_contact_person_customers(
    snapshot: &Snapshot,
    current_links: &[Link],
    linked: &BTreeMap<ZendeskOrgId, &Customer>,
    plan: &mut SyncPlan,
) {
    let organization_of_customer: BTreeMap<PogContactId, ZendeskOrgId> =
        linked.iter().map(|(organization, customer)| (customer.id, *organization)).collect();
    let mut organization_for_user: BTreeMap<ZendeskUserId, BTreeSet<ZendeskOrgId>> = BTreeMap::new();
    for link in current_links {
        let Some(user) = snapshot.users.iter().find(|u| u.id == link.user) else { continue };
        let Some(organization) = user.organization_id else {
            // P→Z: a user without an organization takes the one its contact person's customer stands for.
            if let Some(organization) = organization_of_customer.get(&link.contact_person.contact_id) {
                organization_for_user.entry(user.id).or_default().insert(*organization);
            }
            continue;
        };
        let Some(customer) = linked.get(&organization) else { continue };
        if customer.id != link.contact_person.contact_id {
            plan.conflicts.push(Finding {
                item: "M2",
                record: link.contact_person.to_string(),
                reason: format!(
                    "Zendesk user {} belongs to organization {organization}, whose customer is {}, but the contact \
                     person belongs to customer {}; ContactId is read-only and nothing is deleted, so it stays",
                    link.user, customer.id, link.contact_person.contact_id
                ),
            });
        }
    }
    for (user, organizations) in organization_for_user {
        match organizations.iter().collect::<Vec<_>>().as_slice() {
            [organization] => plan.zendesk_writes.push(PlannedZendeskWrite {
                item: "M2",
                target: ZendeskTarget::UserOrganization { id: user, organization: **organization },
                from: serde_json::Value::Null,
                to: organization.to_string(),
                links: Vec::new(),
            }),
            several => plan.conflicts.push(Finding {
                item: "M2",
                record: format!("Zendesk user {user}"),
                reason: format!("its contact persons stand for several organizations ({several:?}), so none is set"),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ContactPersonRef, PogContactPersonId};
    use crate::sync::plan::plan as plan_all;
    use crate::sync::SyncOptions;
    use crate::zendesk::model::{Role, User};
    use pretty_assertions::assert_eq;
    use time::OffsetDateTime;

    fn organization(id: u64, name: &str) -> Organization {
        Organization {
            id: ZendeskOrgId::new(id),
            name: name.to_owned(),
            url: format!("https://acme.zendesk.com/api/v2/organizations/{id}.json"),
            updated_at: OffsetDateTime::UNIX_EPOCH,
            deleted_at: None,
        }
    }

    fn user(id: u64, organization: Option<u64>) -> User {
        User {
            id: ZendeskUserId::new(id),
            name: "Kari Nordmann".into(),
            email: Some(format!("user{id}@acme.no")),
            role: Role::EndUser,
            organization_id: organization.map(ZendeskOrgId::new),
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
            active: true,
        }
    }

    fn customer(id: i64, name: &str, reference: Option<&str>, url: Option<&str>) -> Customer {
        Customer {
            id: PogContactId::new(id),
            name: Some(name.to_owned()),
            is_person: Some(false),
            website_url: url.map(str::to_owned),
            external_import_reference: reference.map(str::to_owned),
            last_changed_date_time_offset: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn link(user: u64, contact: i64) -> Link {
        Link {
            user: ZendeskUserId::new(user),
            contact_person: ContactPersonRef { contact_id: PogContactId::new(contact), id: PogContactPersonId::new(1) },
        }
    }

    fn synced(users: &[u64]) -> BTreeSet<ZendeskUserId> {
        users.iter().copied().map(ZendeskUserId::new).collect()
    }

    fn snapshot(organizations: Vec<Organization>, users: Vec<User>, customers: Vec<Customer>) -> Snapshot {
        Snapshot { organizations, users, customers, ..Snapshot::default() }
    }

    #[test]
    fn an_organization_with_a_synced_user_gets_one_company_customer_and_an_r2_conflict() {
        let snapshot = snapshot(vec![organization(1, " Acme AS ")], vec![user(7, Some(1))], vec![]);
        let mut plan = SyncPlan::default();
        super::plan(&snapshot, &LinkTable::default(), &[link(7, 50)], &synced(&[7]), &mut plan);
        assert_eq!(plan.customer_creates.len(), 1);
        let created = &plan.customer_creates[0].customer;
        assert_eq!(created.name.as_deref(), Some("Acme AS"));
        assert_eq!(created.is_person, Some(false));
        assert_eq!(created.external_import_reference.as_deref(), Some("zendesk-organization:1"));
        assert_eq!(created.website_url.as_deref(), Some("https://acme.zendesk.com/api/v2/organizations/1.json"));
        assert_eq!(plan.conflicts.iter().map(|c| c.item).collect::<Vec<_>>(), vec!["R2"]);
    }

    #[test]
    fn an_organization_without_synced_users_is_never_created() {
        let snapshot = snapshot(vec![organization(1, "Acme AS")], vec![user(7, Some(1))], vec![]);
        let plan = plan_all(&snapshot, &LinkTable::default(), &SyncOptions::default());
        assert_eq!(plan.customer_creates, vec![]);
    }

    #[test]
    fn a_customer_carrying_the_import_reference_is_adopted_not_created_again() {
        let existing = customer(
            90,
            "Acme AS",
            Some("zendesk-organization:1"),
            Some("https://acme.zendesk.com/api/v2/organizations/1.json"),
        );
        let snapshot = snapshot(vec![organization(1, "Acme AS")], vec![user(7, Some(1))], vec![existing]);
        let mut plan = SyncPlan::default();
        super::plan(&snapshot, &LinkTable::default(), &[link(7, 50)], &synced(&[7]), &mut plan);
        assert_eq!(plan.customer_creates, vec![]);
        assert_eq!(
            plan.adopted_customers,
            vec![CustomerLink { organization: ZendeskOrgId::new(1), customer: PogContactId::new(90) }]
        );
        assert_eq!(plan.writes, vec![]);
    }

    #[test]
    fn a_linked_customer_gets_name_and_url_from_its_organization() {
        let mut links = LinkTable::default();
        links.link_customer(CustomerLink { organization: ZendeskOrgId::new(1), customer: PogContactId::new(90) });
        let snapshot = snapshot(
            vec![organization(1, "Acme Group AS")],
            vec![],
            vec![customer(90, "Acme AS", None, Some("www.acme.no"))],
        );
        let plan = plan_all(&snapshot, &links, &SyncOptions::default());
        let written: Vec<(&str, &str)> = plan.writes.iter().map(|w| (w.item, w.to.as_str().unwrap())).collect();
        assert_eq!(
            written,
            vec![("M3", "Acme Group AS"), ("M4", "https://acme.zendesk.com/api/v2/organizations/1.json")]
        );
    }

    #[test]
    fn a_contact_person_at_another_customer_is_an_m2_conflict() {
        let mut links = LinkTable::default();
        links.link_customer(CustomerLink { organization: ZendeskOrgId::new(1), customer: PogContactId::new(90) });
        let url = "https://acme.zendesk.com/api/v2/organizations/1.json";
        let snapshot = snapshot(
            vec![organization(1, "Acme AS")],
            vec![user(7, Some(1))],
            vec![customer(90, "Acme AS", None, Some(url))],
        );
        let mut plan = SyncPlan::default();
        super::plan(&snapshot, &links, &[link(7, 50), link(7, 90)], &synced(&[7]), &mut plan);
        let conflicts: Vec<&str> = plan.conflicts.iter().map(|c| c.record.as_str()).collect();
        assert_eq!(conflicts, vec!["contact person 1 of customer 50"]);
    }

    #[test]
    fn a_user_without_organization_takes_the_one_of_its_contact_persons_customer() {
        let mut links = LinkTable::default();
        links.link_customer(CustomerLink { organization: ZendeskOrgId::new(1), customer: PogContactId::new(90) });
        let url = "https://acme.zendesk.com/api/v2/organizations/1.json";
        let snapshot = snapshot(
            vec![organization(1, "Acme AS")],
            vec![user(7, None)],
            vec![customer(90, "Acme AS", None, Some(url))],
        );
        let mut plan = SyncPlan::default();
        super::plan(&snapshot, &links, &[link(7, 90)], &synced(&[7]), &mut plan);
        let target = ZendeskTarget::UserOrganization { id: ZendeskUserId::new(7), organization: ZendeskOrgId::new(1) };
        assert_eq!(plan.zendesk_writes.iter().map(|w| w.target).collect::<Vec<_>>(), vec![target]);
    }

    #[test]
    fn links_to_vanished_organizations_or_customers_are_dropped() {
        let mut links = LinkTable::default();
        links.link_customer(CustomerLink { organization: ZendeskOrgId::new(1), customer: PogContactId::new(90) });
        links.link_customer(CustomerLink { organization: ZendeskOrgId::new(2), customer: PogContactId::new(91) });
        let snapshot = snapshot(vec![organization(2, "B")], vec![], vec![customer(90, "A", None, None)]);
        let plan = plan_all(&snapshot, &links, &SyncOptions::default());
        assert_eq!(plan.dropped_customer_links.len(), 2);
    }
}
