//! R4 (agents become employees: created, never matched, never twice), M5/M6 (created_at →
//! EmployeeCreatedDateTimeOffset, which PowerOffice Go keeps read-only), M7 (organization_id →
//! DepartmentId, only while the employee's JobTitle holds `wd:Q703534`) and M8 (role →
//! MailAddress.CountryCode, copied literally).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{string_write, Finding, PlannedEmployee, PlannedWrite, SyncPlan, Target};
use crate::domain::{PogEmployeeId, ZendeskUserId};
use crate::poweroffice::model::{Employee, NewEmployee};
use crate::sync::links::{EmployeeLink, LinkTable};
use crate::sync::snapshot::Snapshot;
use crate::sync::SyncOptions;
use crate::zendesk::model::{Role, User};

/// The Wikidata item "employee"; M7 applies only to employees whose JobTitle carries it.
pub const EMPLOYEE_TOKEN: &str = "wd:Q703534";

/// The `ExternalImportReference` that makes an employee create idempotent.
pub fn import_reference(user: ZendeskUserId) -> String {
    format!("zendesk-user:{user}")
}

fn is_employee_role(role: Role, options: &SyncOptions) -> bool {
    role == Role::Agent || (role == Role::Admin && options.include_admins)
}

/// FirstName is every word but the last, LastName the last word.
pub fn split_name(name: &str) -> Option<(String, String)> {
    let (first, last) = name.trim().rsplit_once(char::is_whitespace)?;
    let first = first.trim();
    (!first.is_empty()).then(|| (first.to_owned(), last.to_owned()))
}

/// Plans R4 and M5–M8; returns the users that are (or are about to be) synced as employees.
pub(super) fn plan(
    snapshot: &Snapshot,
    links: &LinkTable,
    options: &SyncOptions,
    plan: &mut SyncPlan,
) -> BTreeSet<ZendeskUserId> {
    let employees: BTreeMap<PogEmployeeId, &Employee> = snapshot.employees.iter().map(|e| (e.id, e)).collect();
    let by_reference: BTreeMap<&str, &Employee> =
        snapshot.employees.iter().filter_map(|e| Some((e.external_import_reference.as_deref()?, e))).collect();
    let users: BTreeSet<ZendeskUserId> = snapshot.users.iter().map(|u| u.id).collect();
    plan.dropped_employee_links = links
        .employee_links()
        .filter(|link| !users.contains(&link.user) || !employees.contains_key(&link.employee))
        .collect();

    for user in snapshot.users.iter().filter(|u| u.role == Role::Unknown) {
        plan.skipped.push(Finding {
            item: "R4",
            record: format!("Zendesk user {}", user.id),
            reason: "its role is none of end-user, agent or admin".into(),
        });
    }
    let mut synced = BTreeSet::new();
    for user in snapshot.users.iter().filter(|u| is_employee_role(u.role, options)) {
        let existing = links.employee_of(user.id).and_then(|id| employees.get(&id)).copied();
        let employee = existing.or_else(|| {
            let adopted = by_reference.get(import_reference(user.id).as_str()).copied()?;
            plan.adopted_employees.push(EmployeeLink { user: user.id, employee: adopted.id });
            Some(adopted)
        });
        match employee {
            Some(employee) => {
                synced.insert(user.id);
                map_agent(user, employee, links, plan);
            }
            None => {
                if create_employee(user, plan) {
                    synced.insert(user.id);
                }
            }
        }
    }
    synced
}

fn create_employee(user: &User, plan: &mut SyncPlan) -> bool {
    let record = format!("Zendesk user {}", user.id);
    let Some((first_name, last_name)) = split_name(&user.name) else {
        plan.skipped.push(Finding {
            item: "R4",
            record,
            reason: format!("{:?} is one word, and an employee needs a FirstName and a LastName", user.name),
        });
        return false;
    };
    plan.employee_creates.push(PlannedEmployee {
        user: user.id,
        employee: NewEmployee { first_name, last_name, external_import_reference: Some(import_reference(user.id)) },
        // A MailAddress posted with the employee would need City and ZipCode, which nothing maps.
        follow_up: vec![role_write(user, None, None)],
    });
    true
}

/// M8's write: the role, literally, as the mail address country code.
fn role_write(user: &User, employee: Option<PogEmployeeId>, current: Option<&str>) -> PlannedWrite {
    let role = role_name(user.role);
    PlannedWrite {
        item: "M8",
        target: Target::Employee { id: employee.unwrap_or(PogEmployeeId::new(0)) },
        property: "MailAddress/CountryCode",
        from: current.map_or(Value::Null, |c| Value::String(c.to_owned())),
        to: Value::String(role.to_owned()),
        link: None,
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::EndUser => "end-user",
        Role::Agent => "agent",
        Role::Admin => "admin",
        Role::Unknown => "unknown",
    }
}

fn map_agent(user: &User, employee: &Employee, links: &LinkTable, plan: &mut SyncPlan) {
    let target = Target::Employee { id: employee.id };
    let record = target.to_string();
    for item in ["M5", "M6"] {
        plan.skipped.push(Finding {
            item,
            record: record.clone(),
            reason: "EmployeeCreatedDateTimeOffset is read-only in PowerOffice Go v2: it keeps its own creation time, \
                     not Zendesk's created_at"
                .into(),
        });
    }
    let gated = employee.job_title.as_deref().is_some_and(|title| title.contains(EMPLOYEE_TOKEN));
    if let (true, Some(organization)) = (gated, user.organization_id) {
        match links.department_of(organization) {
            Some(department) if employee.department_id != Some(department) => plan.writes.push(PlannedWrite {
                item: "M7",
                target,
                property: "DepartmentId",
                from: employee.department_id.map_or(Value::Null, |d| Value::from(d.get())),
                to: Value::from(department.get()),
                link: None,
            }),
            Some(_) => {}
            None => plan.skipped.push(Finding {
                item: "M7",
                record: record.clone(),
                reason: format!("organization {organization} is linked to no department"),
            }),
        }
    }
    let country_code = employee.mail_address.as_ref().and_then(|m| m.country_code.as_deref());
    plan.writes.extend(string_write("M8", target, "MailAddress/CountryCode", country_code, role_name(user.role)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PogDepartmentId, ZendeskOrgId};
    use crate::poweroffice::model::MailAddress;
    use pretty_assertions::assert_eq;
    use time::OffsetDateTime;

    fn user(id: u64, name: &str, role: Role, organization: Option<u64>) -> User {
        User {
            id: ZendeskUserId::new(id),
            name: name.to_owned(),
            email: None,
            role,
            organization_id: organization.map(ZendeskOrgId::new),
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
            active: true,
        }
    }

    fn employee(
        id: i64,
        title: &str,
        department: Option<i64>,
        country: Option<&str>,
        reference: Option<&str>,
    ) -> Employee {
        Employee {
            id: PogEmployeeId::new(id),
            first_name: Some("Anne".into()),
            last_name: Some("Agent".into()),
            job_title: Some(title.to_owned()),
            department_id: department.map(PogDepartmentId::new),
            mail_address: Some(MailAddress { country_code: country.map(str::to_owned) }),
            external_import_reference: reference.map(str::to_owned),
            last_changed_date_time_offset: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn run(users: Vec<User>, employees: Vec<Employee>, links: &LinkTable, options: SyncOptions) -> SyncPlan {
        let snapshot = Snapshot { users, employees, ..Snapshot::default() };
        let mut result = SyncPlan::default();
        super::plan(&snapshot, links, &options, &mut result);
        result
    }

    #[test]
    fn names_split_into_first_names_and_a_last_name() {
        assert_eq!(split_name("Anne Marie  Agent"), Some(("Anne Marie".into(), "Agent".into())));
        assert_eq!(split_name("  Cher "), None);
    }

    #[test]
    fn only_agents_become_employees_unless_admins_are_included() {
        let users = vec![
            user(1, "Anne Agent", Role::Agent, None),
            user(2, "Arne Admin", Role::Admin, None),
            user(3, "Eva End", Role::EndUser, None),
        ];
        let plan = run(users.clone(), vec![], &LinkTable::default(), SyncOptions::default());
        let created: Vec<&str> = plan.employee_creates.iter().map(|c| c.employee.last_name.as_str()).collect();
        assert_eq!(created, vec!["Agent"]);
        let with_admins =
            run(users, vec![], &LinkTable::default(), SyncOptions { include_admins: true, ..SyncOptions::default() });
        assert_eq!(with_admins.employee_creates.len(), 2);
    }

    #[test]
    fn a_new_employee_carries_the_import_reference_and_gets_its_role_afterwards() {
        let plan =
            run(vec![user(1, "Anne Agent", Role::Agent, None)], vec![], &LinkTable::default(), SyncOptions::default());
        let create = &plan.employee_creates[0];
        assert_eq!(create.employee.external_import_reference.as_deref(), Some("zendesk-user:1"));
        assert_eq!(create.follow_up[0].property, "MailAddress/CountryCode");
        assert_eq!(create.follow_up[0].to, "agent");
    }

    #[test]
    fn an_employee_with_the_reference_is_adopted_and_a_one_word_name_is_reported() {
        let users = vec![user(1, "Anne Agent", Role::Agent, None), user(2, "Cher", Role::Agent, None)];
        let plan = run(
            users,
            vec![employee(9, "", None, Some("agent"), Some("zendesk-user:1"))],
            &LinkTable::default(),
            SyncOptions::default(),
        );
        assert_eq!(
            plan.adopted_employees,
            vec![EmployeeLink { user: ZendeskUserId::new(1), employee: PogEmployeeId::new(9) }]
        );
        assert_eq!(plan.employee_creates, vec![]);
        assert!(plan.skipped.iter().any(|s| s.item == "R4" && s.record == "Zendesk user 2"));
    }

    #[test]
    fn department_follows_the_organization_only_with_the_token_in_job_title() {
        let mut links = LinkTable::default();
        links.link_employee(EmployeeLink { user: ZendeskUserId::new(1), employee: PogEmployeeId::new(9) });
        links.link_department(ZendeskOrgId::new(5), PogDepartmentId::new(70));
        let agent = user(1, "Anne Agent", Role::Agent, Some(5));
        let gated = run(
            vec![agent.clone()],
            vec![employee(9, "wd:Q703534 Support", None, Some("agent"), None)],
            &links,
            SyncOptions::default(),
        );
        let writes: Vec<(&str, Value)> = gated.writes.iter().map(|w| (w.property, w.to.clone())).collect();
        assert_eq!(writes, vec![("DepartmentId", Value::from(70))]);
        let ungated =
            run(vec![agent], vec![employee(9, "Support", None, Some("agent"), None)], &links, SyncOptions::default());
        assert_eq!(ungated.writes, vec![]);
        assert_eq!(ungated.skipped.iter().map(|s| s.item).collect::<Vec<_>>(), vec!["M5", "M6"]);
    }
}
