//! The link table: which Zendesk user each PowerOffice Go contact person is linked to (R1),
//! which customer each Zendesk organization is linked to (R3), which employee each agent is
//! (R4), and which department each organization stands for (M7). A contact person links to at
//! most one user; a user may link to many contact persons (the same person can be a contact at
//! several customers). An organization links to at most one customer.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::{ContactPersonRef, PogContactId, PogDepartmentId, PogEmployeeId, ZendeskOrgId, ZendeskUserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Link {
    pub user: ZendeskUserId,
    pub contact_person: ContactPersonRef,
}

impl Link {
    /// The key of this link's last-synced values.
    pub fn key(&self) -> String {
        format!("contact-person:{}:{}", self.contact_person.contact_id, self.contact_person.id)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CustomerLink {
    pub organization: ZendeskOrgId,
    pub customer: PogContactId,
}

impl CustomerLink {
    /// The key of this link's last-synced values.
    pub fn key(&self) -> String {
        format!("organization:{}", self.organization)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EmployeeLink {
    pub user: ZendeskUserId,
    pub employee: PogEmployeeId,
}

#[derive(Clone, Debug, Default)]
pub struct LinkTable {
    by_contact_person: BTreeMap<ContactPersonRef, ZendeskUserId>,
    customers: BTreeMap<ZendeskOrgId, PogContactId>,
    employees: BTreeMap<ZendeskUserId, PogEmployeeId>,
    /// This spec defines no organization ↔ department rule, so these links are given from outside.
    departments: BTreeMap<ZendeskOrgId, PogDepartmentId>,
    /// The value each two-way property had when both sides last agreed, per link (S1).
    synced: BTreeMap<(String, String), String>,
}

impl LinkTable {
    pub fn user_of(&self, contact_person: ContactPersonRef) -> Option<ZendeskUserId> {
        self.by_contact_person.get(&contact_person).copied()
    }

    pub fn contact_persons_of(&self, user: ZendeskUserId) -> Vec<ContactPersonRef> {
        self.by_contact_person.iter().filter(|(_, u)| **u == user).map(|(cp, _)| *cp).collect()
    }

    pub fn links(&self) -> impl Iterator<Item = Link> + '_ {
        self.by_contact_person
            .iter()
            .map(|(contact_person, user)| Link { user: *user, contact_person: *contact_person })
    }

    pub fn insert(&mut self, link: Link) {
        self.by_contact_person.insert(link.contact_person, link.user);
    }

    pub fn remove(&mut self, link: Link) {
        self.by_contact_person.remove(&link.contact_person);
        let key = link.key();
        self.synced.retain(|(linked, _), _| *linked != key);
    }

    pub fn customer_of(&self, organization: ZendeskOrgId) -> Option<PogContactId> {
        self.customers.get(&organization).copied()
    }

    pub fn customer_links(&self) -> impl Iterator<Item = CustomerLink> + '_ {
        self.customers
            .iter()
            .map(|(organization, customer)| CustomerLink { organization: *organization, customer: *customer })
    }

    pub fn link_customer(&mut self, link: CustomerLink) {
        self.customers.insert(link.organization, link.customer);
    }

    pub fn unlink_customer(&mut self, link: CustomerLink) {
        self.customers.remove(&link.organization);
        let key = link.key();
        self.synced.retain(|(linked, _), _| *linked != key);
    }

    pub fn employee_of(&self, user: ZendeskUserId) -> Option<PogEmployeeId> {
        self.employees.get(&user).copied()
    }

    pub fn employee_links(&self) -> impl Iterator<Item = EmployeeLink> + '_ {
        self.employees.iter().map(|(user, employee)| EmployeeLink { user: *user, employee: *employee })
    }

    pub fn link_employee(&mut self, link: EmployeeLink) {
        self.employees.insert(link.user, link.employee);
    }

    pub fn unlink_employee(&mut self, link: EmployeeLink) {
        self.employees.remove(&link.user);
    }

    pub fn department_of(&self, organization: ZendeskOrgId) -> Option<PogDepartmentId> {
        self.departments.get(&organization).copied()
    }

    pub fn department_links(&self) -> impl Iterator<Item = (ZendeskOrgId, PogDepartmentId)> + '_ {
        self.departments.iter().map(|(organization, department)| (*organization, *department))
    }

    pub fn link_department(&mut self, organization: ZendeskOrgId, department: PogDepartmentId) {
        self.departments.insert(organization, department);
    }

    /// The value `property` had on both sides of the link `link` after the last sync.
    pub fn last_synced(&self, link: &str, property: &str) -> Option<&str> {
        self.synced.get(&(link.to_owned(), property.to_owned())).map(String::as_str)
    }

    pub fn remember(&mut self, link: &str, property: &str, value: &str) {
        self.synced.insert((link.to_owned(), property.to_owned()), value.to_owned());
    }

    /// Every remembered value: (link, property, value).
    pub fn synced_values(&self) -> impl Iterator<Item = (&str, &str, &str)> + '_ {
        self.synced.iter().map(|((link, property), value)| (link.as_str(), property.as_str(), value.as_str()))
    }

    pub fn len(&self) -> usize {
        self.by_contact_person.len() + self.customers.len() + self.employees.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
