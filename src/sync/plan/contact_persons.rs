//! R1 (a Zendesk user links to every contact person with its email), M1 (email →
//! EmailAddress) and M2 (organization_id ↔ ContactId as a translated reference, never fixed
//! by moving a contact person).

use std::collections::{BTreeMap, HashSet};

use super::two_way::{resolve, same_email, Outcome, Sides};
use super::{record_outcome, Finding, Pair, SyncPlan, ZendeskTarget};
use crate::domain::{ContactPersonRef, Email, EmailError, ZendeskUserId};
use crate::poweroffice::model::ContactPerson;
use crate::sync::links::{Link, LinkTable};
use crate::sync::snapshot::Snapshot;
use crate::zendesk::model::User;

/// Plans R1 and M1; returns the links that hold after this run.
pub(super) fn plan(snapshot: &Snapshot, links: &LinkTable, plan: &mut SyncPlan) -> Vec<Link> {
    let users_by_email = index_users_by_email(&snapshot.users, &mut plan.skipped);
    let users: BTreeMap<ZendeskUserId, &User> = snapshot.users.iter().map(|u| (u.id, u)).collect();
    let contact_persons: HashSet<ContactPersonRef> = snapshot.contact_persons.iter().map(|cp| cp.reference()).collect();

    plan.dropped_links = links
        .links()
        .filter(|link| !users.contains_key(&link.user) || !contact_persons.contains(&link.contact_person))
        .collect();

    let mut current: Vec<Link> = Vec::new();
    for person in &snapshot.contact_persons {
        let reference = person.reference();
        if let Some(user) = links.user_of(reference).filter(|user| users.contains_key(user)) {
            current.push(Link { user, contact_person: reference });
            continue;
        }
        match Email::parse_optional(person.email_address.as_deref()) {
            Ok(email) => {
                if let Some(user) = users_by_email.get(email.key()) {
                    let link = Link { user: *user, contact_person: reference };
                    plan.new_links.push(link);
                    current.push(link);
                }
            }
            Err(error) => plan.skipped.push(Finding {
                item: "R1",
                record: reference.to_string(),
                reason: format!("cannot link: EmailAddress {}", describe(error)),
            }),
        }
    }

    map_emails(snapshot, links, &current, plan);
    current
}

/// M1 both ways (S1). A user's email is shared by all its contact persons: when one of them was
/// edited in PowerOffice Go (the latest edit, if several were), that email goes to Zendesk and
/// to the user's other contact persons.
fn map_emails(snapshot: &Snapshot, links: &LinkTable, current: &[Link], plan: &mut SyncPlan) {
    let mut by_user: BTreeMap<ZendeskUserId, Vec<(Link, &ContactPerson)>> = BTreeMap::new();
    for link in current {
        if let Some(person) = snapshot.contact_persons.iter().find(|cp| cp.reference() == link.contact_person) {
            by_user.entry(link.user).or_default().push((*link, person));
        }
    }
    for (user_id, pairs) in by_user {
        let Some(user) = snapshot.users.iter().find(|u| u.id == user_id) else { continue };
        let key_of: Vec<String> = pairs.iter().map(|(link, _)| link.key()).collect();
        let zendesk = user.email.as_deref();
        let pair_of = |index: usize| {
            let (link, person) = &pairs[index];
            Pair {
                item: "M1",
                link: key_of[index].clone(),
                target: link.contact_person.into(),
                property: "EmailAddress",
                zendesk_target: ZendeskTarget::UserEmail { id: user_id },
                sides: Sides {
                    zendesk,
                    zendesk_changed_at: user.updated_at,
                    poweroffice: person.email_address.as_deref(),
                    poweroffice_changed_at: person.last_changed_date_time_offset,
                    last_synced: links.last_synced(&key_of[index], "M1"),
                },
            }
        };
        let outcomes: Vec<Outcome> = (0..pairs.len()).map(|i| resolve(&pair_of(i).sides, same_email)).collect();
        let latest_edit = outcomes
            .iter()
            .enumerate()
            .filter(|(_, outcome)| matches!(outcome, Outcome::ToZendesk(_)))
            .max_by_key(|(index, _)| pairs[*index].1.last_changed_date_time_offset)
            .map(|(index, _)| index);
        match latest_edit {
            None => {
                for (index, outcome) in outcomes.into_iter().enumerate() {
                    record_outcome(plan, &pair_of(index), outcome);
                }
            }
            Some(winner) => {
                let email = pairs[winner].1.email_address.as_deref().map(str::trim).unwrap_or_default().to_owned();
                for index in 0..pairs.len() {
                    let pair = pair_of(index);
                    let outcome = if index == winner {
                        Outcome::ToZendesk(email.clone())
                    } else if pair.sides.poweroffice.is_some_and(|p| same_email(p.trim(), &email)) {
                        Outcome::InSync(Some(email.clone()))
                    } else {
                        Outcome::ToPowerOffice(email.clone())
                    };
                    record_outcome(plan, &pair, outcome);
                }
            }
        }
    }
}

/// Users keyed by the R1 comparison key. Zendesk keeps emails unique, so a clash means the data
/// is not what the API promises: the lowest id keeps the email and the clash is reported.
fn index_users_by_email<'a>(users: &'a [User], skipped: &mut Vec<Finding>) -> BTreeMap<String, ZendeskUserId> {
    let mut sorted: Vec<&'a User> = users.iter().collect();
    sorted.sort_by_key(|u| u.id);
    let mut index = BTreeMap::new();
    for user in sorted {
        match Email::parse_optional(user.email.as_deref()) {
            Ok(email) => {
                if let Some(first) = index.get(email.key()) {
                    skipped.push(Finding {
                        item: "R1",
                        record: format!("Zendesk user {}", user.id),
                        reason: format!("its email {email} is also the email of Zendesk user {first}, which keeps it"),
                    });
                } else {
                    index.insert(email.key().to_owned(), user.id);
                }
            }
            Err(error) => skipped.push(Finding {
                item: "R1",
                record: format!("Zendesk user {}", user.id),
                reason: format!("cannot link: email {}", describe(error)),
            }),
        }
    }
    index
}

fn describe(error: EmailError) -> String {
    match error {
        EmailError::Empty => "is empty".to_owned(),
        EmailError::Malformed(value) => format!("{value:?} is not an email address"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PogContactId, PogContactPersonId, ZendeskUserId};
    use crate::poweroffice::model::ContactPerson;
    use crate::sync::plan::{plan, Target};
    use crate::sync::SyncOptions;

    fn plan_with(snapshot: &Snapshot, links: &LinkTable) -> SyncPlan {
        plan(snapshot, links, &SyncOptions::default())
    }
    use crate::zendesk::model::Role;
    use pretty_assertions::assert_eq;
    use time::OffsetDateTime;

    fn user(id: u64, email: Option<&str>) -> User {
        User {
            id: ZendeskUserId::new(id),
            name: format!("User {id}"),
            email: email.map(str::to_owned),
            role: Role::EndUser,
            organization_id: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
            active: true,
        }
    }

    fn person(contact: i64, id: i64, email: Option<&str>) -> ContactPerson {
        ContactPerson {
            id: PogContactPersonId::new(id),
            contact_id: PogContactId::new(contact),
            first_name: Some("First".to_owned()),
            last_name: Some("Last".to_owned()),
            email_address: email.map(str::to_owned),
            last_changed_date_time_offset: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn link(user: u64, contact: i64, id: i64) -> Link {
        Link {
            user: ZendeskUserId::new(user),
            contact_person: ContactPersonRef {
                contact_id: PogContactId::new(contact),
                id: PogContactPersonId::new(id),
            },
        }
    }

    fn snapshot(users: Vec<User>, contact_persons: Vec<ContactPerson>) -> Snapshot {
        Snapshot { users, contact_persons, ..Snapshot::default() }
    }

    #[test]
    fn matching_email_links_and_needs_no_write() {
        let plan = plan_with(
            &snapshot(vec![user(1, Some("kari@acme.no"))], vec![person(10, 100, Some("kari@acme.no"))]),
            &LinkTable::default(),
        );
        assert_eq!(plan.new_links, vec![link(1, 10, 100)]);
        assert_eq!(plan.writes, vec![]);
    }

    #[test]
    fn different_email_does_not_link() {
        let plan = plan_with(
            &snapshot(vec![user(1, Some("kari@acme.no"))], vec![person(10, 100, Some("ola@acme.no"))]),
            &LinkTable::default(),
        );
        assert_eq!(plan.new_links, vec![]);
    }

    #[test]
    fn case_and_whitespace_differences_link_and_write_the_zendesk_form() {
        let plan = plan_with(
            &snapshot(vec![user(1, Some("kari@acme.no"))], vec![person(10, 100, Some("  KARI@Acme.no "))]),
            &LinkTable::default(),
        );
        assert_eq!(plan.new_links, vec![link(1, 10, 100)]);
        assert_eq!(plan.writes.len(), 1);
        assert_eq!(plan.writes[0].to, "kari@acme.no");
        assert_eq!(
            plan.writes[0].target,
            Target::ContactPerson { contact_id: PogContactId::new(10), id: PogContactPersonId::new(100) }
        );
        assert_eq!(plan.writes[0].from, "  KARI@Acme.no ");
    }

    #[test]
    fn empty_emails_never_link() {
        let users = vec![user(1, None), user(2, Some(""))];
        let persons = vec![person(10, 100, None), person(10, 101, Some("")), person(10, 102, Some("   "))];
        let plan = plan_with(&snapshot(users, persons), &LinkTable::default());
        assert_eq!(plan.new_links, vec![]);
        assert_eq!(plan.skipped.iter().filter(|s| s.reason.contains("is empty")).count(), 5);
    }

    #[test]
    fn one_user_links_to_every_contact_person_with_the_email() {
        let persons = vec![person(10, 100, Some("kari@acme.no")), person(20, 200, Some("Kari@Acme.no"))];
        let plan = plan_with(&snapshot(vec![user(1, Some("kari@acme.no"))], persons), &LinkTable::default());
        assert_eq!(plan.new_links, vec![link(1, 10, 100), link(1, 20, 200)]);
    }

    #[test]
    fn an_existing_link_survives_an_email_change_and_carries_it() {
        let mut links = LinkTable::default();
        links.insert(link(1, 10, 100));
        let plan = plan_with(
            &snapshot(vec![user(1, Some("kari.new@acme.no"))], vec![person(10, 100, Some("kari@acme.no"))]),
            &links,
        );
        assert_eq!(plan.new_links, vec![]);
        assert_eq!(plan.writes[0].to, "kari.new@acme.no");
    }

    #[test]
    fn a_linked_user_without_email_never_empties_the_contact_person() {
        let mut links = LinkTable::default();
        links.insert(link(1, 10, 100));
        let plan = plan_with(&snapshot(vec![user(1, None)], vec![person(10, 100, Some("kari@acme.no"))]), &links);
        assert_eq!(plan.writes, vec![]);
        assert!(plan.skipped.iter().any(|s| s.item == "M1"));
    }

    #[test]
    fn links_to_vanished_records_are_dropped() {
        let mut links = LinkTable::default();
        links.insert(link(1, 10, 100));
        links.insert(link(2, 10, 101));
        let plan = plan_with(&snapshot(vec![user(1, Some("a@b.no"))], vec![person(10, 101, Some("x@y.no"))]), &links);
        assert_eq!(plan.dropped_links, vec![link(1, 10, 100), link(2, 10, 101)]);
    }

    #[test]
    fn a_duplicate_zendesk_email_is_reported_and_the_lowest_id_keeps_it() {
        let users = vec![user(2, Some("kari@acme.no")), user(1, Some("KARI@acme.no"))];
        let plan = plan_with(&snapshot(users, vec![person(10, 100, Some("kari@acme.no"))]), &LinkTable::default());
        assert_eq!(plan.new_links, vec![link(1, 10, 100)]);
        assert!(plan.skipped.iter().any(|s| s.record == "Zendesk user 2"));
    }
}
