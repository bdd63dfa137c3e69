//! The project's own statement of the Zendesk → PowerOffice Go checklist, written as data so
//! the harness does not depend on the document file being present. Its item ids (R1–R4,
//! M1–M8, S1) are the tags the features carry. A test parses a fixture in the generator's
//! format and expects exactly this.

use super::{Condition, DataType, Mapping, Party, Rule, Section, Spec};
use crate::contract::JsonType;

const ZENDESK: &str = "Zendesk";
const POWEROFFICE: &str = "PowerOfficeGo";

fn row(source: &str, target: &str, ty: JsonType) -> Mapping {
    Mapping {
        source_property: source.to_owned(),
        target_property: target.to_owned(),
        conditions: Vec::new(),
        data_type: DataType::Json(ty),
        line: 0,
    }
}

fn section(source: &str, target: &str, rules: Vec<Rule>, mappings: Vec<Mapping>) -> Section {
    Section {
        heading: format!("{ZENDESK} {source} to {POWEROFFICE} {target}"),
        source: Party::new(ZENDESK, source),
        target: Party::new(POWEROFFICE, target),
        rules,
        keeps_in_sync: true,
        mappings: Some(mappings),
        line: 0,
    }
}

/// The checklist this project makes executable (generated 2023-11-29 14:42:10).
pub fn zendesk_powerofficego() -> Spec {
    use JsonType::{Integer, String};
    let synced_users = || Rule::CreateIfConnected { connectors: vec![format!("{ZENDESK} Users")] };
    let gated = Mapping {
        conditions: vec![Condition { value: "wd:Q703534".to_owned(), property: "JobTitle".to_owned() }],
        ..row("organization_id", "DepartmentId", String)
    };
    Spec {
        title: format!("{ZENDESK} to {POWEROFFICE} Dataflow"),
        source_system: ZENDESK.to_owned(),
        target_system: POWEROFFICE.to_owned(),
        generated: Some("2023-11-29 14:42:10".to_owned()),
        sections: vec![
            section(
                "Users",
                "Contactperson",
                vec![Rule::Merge { pairs: vec![("email".to_owned(), "emailAddress".to_owned())] }],
                vec![row("email", "emailAddress", String), row("organization_id", "partyId", Integer)],
            ),
            section("Organizations", "Customers person", vec![synced_users()], vec![]),
            section(
                "Organizations",
                "Customers",
                vec![synced_users()],
                vec![row("name", "Name", String), row("url", "WebsiteUrl", String)],
            ),
            section(
                "Users",
                "Employees",
                vec![Rule::When { condition: format!("a {ZENDESK} User is of type Agent") }],
                vec![
                    row("created_at", "EmployeeCreatedDateTimeOffset", String),
                    row("created_at", "employeeCreatedDateTimeOffset", String),
                    gated,
                    row("role", "MailAddress.countryCode", String),
                ],
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_item_ids_are_the_checklist_the_runner_reports() {
        let ids: Vec<String> = zendesk_powerofficego().items().into_iter().map(|item| item.id).collect();
        let checklist: Vec<&str> = crate::harness::results::CHECKLIST.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, checklist);
    }

    #[test]
    fn the_fixture_in_the_generators_format_parses_to_the_built_in_spec() {
        let fixture = include_bytes!("../../tests/fixtures/zendesk-powerofficego.rst");
        let parsed = super::super::parse(fixture).unwrap().without_lines();
        pretty_assertions::assert_eq!(parsed, zendesk_powerofficego());
    }
}
