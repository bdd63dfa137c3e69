//! Bad data from either side is reported per record and the rest of the run goes on: an
//! undocumented role, an organization_id that points nowhere, malformed and duplicate emails,
//! one-word names, very long strings and unicode.

use dataflow_qa::fake::Fakes;
use dataflow_qa::sync::{sync_once, LinkTable, SyncOptions};
use serde_json::json;

#[tokio::test]
async fn one_bad_record_never_stops_the_others() {
    let fakes = Fakes::start().await;
    let stamp = "2024-01-01T00:00:00Z";
    let long_name = "Ø".repeat(300);
    let user = |id: u64, name: &str, email: Option<&str>, role: &str, org: Option<u64>| json!({ "id": id, "name": name, "email": email, "role": role, "organization_id": org, "active": true, "created_at": stamp, "updated_at": stamp });
    fakes
        .zendesk
        .load_state(json!({
            "organizations": [
                { "id": 100, "name": long_name, "created_at": stamp, "updated_at": stamp },
            ],
            "users": [
                user(1, "Owner Person", Some("owner@acme.no"), "owner", None),
                user(2, "Åse Øyvør Ærlig", Some("åse@acme.no"), "agent", Some(100)),
                user(3, "Nowhere Org", Some("nowhere@acme.no"), "end-user", Some(999)),
                user(4, "Broken Mail", Some("broken@"), "end-user", None),
                user(5, "Cher", Some("cher@acme.no"), "agent", None),
                user(6, "Dup Licate", Some("dup@acme.no"), "end-user", None),
            ],
        }))
        .unwrap();
    let changed = "2024-01-01T00:00:00.000000+00:00";
    let person = |id: i64, email: &str| json!({ "Id": id, "ContactId": 10, "FirstName": "X", "LastName": "Y", "EmailAddress": email, "LastChangedDateTimeOffset": changed });
    fakes
        .poweroffice
        .load_state(json!({
            "customers": [{ "Id": 10, "Name": "Ledger AS", "IsPerson": false, "LastChangedDateTimeOffset": changed }],
            "contact_persons": [person(11, "dup@acme.no"), person(12, "DUP@acme.no"), person(13, "not-an-email"), person(14, "nowhere@acme.no")],
        }))
        .unwrap();
    let zendesk = fakes.zendesk.settings().client().unwrap();
    let poweroffice = fakes.poweroffice.settings().client().unwrap();
    let mut links = LinkTable::default();
    let report = sync_once(&zendesk, &poweroffice, &mut links, &SyncOptions::default()).await.unwrap();
    assert!(report.is_clean(), "{:?}", report.failures);

    let skipped = |item: &str, record: &str| report.skipped.iter().any(|s| s.item == item && s.record == record);
    assert!(skipped("R4", "Zendesk user 1"), "an undocumented role is reported: {:?}", report.skipped);
    assert!(skipped("R4", "Zendesk user 5"), "a one-word agent is reported");
    assert!(skipped("R1", "Zendesk user 4"), "a malformed Zendesk email is reported");
    assert!(skipped("R1", "contact person 13 of customer 10"), "a malformed EmailAddress is reported");

    let linked_to_dup = links.contact_persons_of(dataflow_qa::domain::ZendeskUserId::new(6));
    assert_eq!(linked_to_dup.len(), 2, "both contact persons with the duplicate email link");
    assert_eq!(links.links().count(), 3, "dup twice, and the user whose organization is missing");

    let employees = poweroffice.list_employees().await.unwrap();
    assert_eq!(employees.len(), 1, "the unicode agent is an employee: {employees:?}");
    assert_eq!(employees[0].first_name.as_deref(), Some("Åse Øyvør"));
    let customers = poweroffice.list_customers().await.unwrap();
    assert!(
        customers.iter().any(|c| c.name.as_deref() == Some(long_name.as_str())),
        "a 300-character name is carried whole"
    );
    drop((zendesk, poweroffice));
    fakes.shutdown().await;
}

#[tokio::test]
async fn a_field_that_cannot_be_written_never_blocks_the_rest_of_its_record() {
    use dataflow_qa::domain::{PogDepartmentId, ZendeskOrgId};
    use dataflow_qa::poweroffice::model::PatchOperation;
    let fakes = Fakes::start().await;
    let stamp = "2024-01-01T00:00:00Z";
    fakes
        .zendesk
        .load_state(json!({
            "organizations": [{ "id": 100, "name": "Nordlys Support", "created_at": stamp, "updated_at": stamp }],
            "users": [{ "id": 2, "name": "Anne Agent", "email": "anne@nordlys.no", "role": "agent", "organization_id": 100, "active": true, "created_at": stamp, "updated_at": stamp }],
        }))
        .unwrap();
    let zendesk = fakes.zendesk.settings().client().unwrap();
    let poweroffice = fakes.poweroffice.settings().client().unwrap();
    let mut links = LinkTable::default();
    sync_once(&zendesk, &poweroffice, &mut links, &SyncOptions::default()).await.unwrap();
    let employee = links.employee_of(dataflow_qa::domain::ZendeskUserId::new(2)).expect("an employee for Anne");

    // M7 will point at a department that does not exist; M8 has a change to carry as well.
    links.link_department(ZendeskOrgId::new(100), PogDepartmentId::new(999));
    let operations = [
        PatchOperation::replace("JobTitle", "wd:Q703534 Support"),
        PatchOperation::replace("MailAddress/CountryCode", "NO"),
    ];
    poweroffice.patch_employee(employee, &operations).await.unwrap();
    let report = sync_once(&zendesk, &poweroffice, &mut links, &SyncOptions::default()).await.unwrap();

    let written: Vec<&str> = report.updates.iter().map(|u| u.item).collect();
    assert_eq!(written, vec!["M8"], "the country code went through");
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    assert_eq!(report.failures[0].item, "M7");
    assert!(report.failures[0].error.contains("Department with id = 999 not found"), "{}", report.failures[0].error);
    let stored = poweroffice.employee_json(employee).await.unwrap();
    assert_eq!(stored["MailAddress"]["CountryCode"], "agent");
    drop((zendesk, poweroffice));
    fakes.shutdown().await;
}
