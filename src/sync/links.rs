//! The link table: which Zendesk user each PowerOffice Go contact person is linked to.
//! A contact person links to at most one user; a user may link to many contact persons
//! (the same person can be a contact at several customers).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::{ContactPersonRef, ZendeskUserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Link {
    pub user: ZendeskUserId,
    pub contact_person: ContactPersonRef,
}

#[derive(Clone, Debug, Default)]
pub struct LinkTable {
    by_contact_person: BTreeMap<ContactPersonRef, ZendeskUserId>,
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
    }

    pub fn len(&self) -> usize {
        self.by_contact_person.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_contact_person.is_empty()
    }
}
