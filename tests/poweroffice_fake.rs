//! The fake PowerOffice Go, resource by resource, over raw HTTP: success, auth failure,
//! validation failure, paging and filters, deletes, faults and state.

mod support;

use dataflow_qa::fake::{FakeClock, Fault};
use dataflow_qa::poweroffice::FakePowerOffice;
use pretty_assertions::assert_eq;
use serde_json::json;
use support::RawPowerOffice;
use time::Duration;

async fn fake() -> (FakePowerOffice, RawPowerOffice) {
    let fake = FakePowerOffice::start(FakeClock::starting_now()).await;
    let raw = RawPowerOffice::new(&fake).await;
    (fake, raw)
}

fn detail(answer: &support::Answer) -> String {
    answer.body["detail"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn employees_need_names_and_keep_their_created_offset_read_only() {
    let (_fake, raw) = fake().await;
    let missing = raw.post("/Employees", json!({ "FirstName": "Ola" })).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.body["title"], "Employee validation error(s)");
    assert!(detail(&missing).contains("LastName is required"));

    let created = raw
        .post("/Employees", json!({ "firstName": "Ola", "LastName": "Nordmann", "JobTitle": "wd:Q703534 Support" }))
        .await;
    assert_eq!(created.status, 201);
    let employee = created.body;
    let created_at = employee["EmployeeCreatedDateTimeOffset"].as_str().unwrap();
    assert!(created_at.ends_with("+00:00"), "a date-time with an offset: {created_at}");
    let path = format!("/Employees/{}", employee["Id"]);
    let read_only = raw.patch(&path, json!([{ "op": "replace", "path": "/EmployeeCreatedDateTimeOffset", "value": "2020-01-01T00:00:00+00:00" }])).await;
    assert_eq!(read_only.status, 400);
    assert!(detail(&read_only).contains("read-only"));
    let unknown_department = raw.patch(&path, json!([{ "op": "replace", "path": "/DepartmentId", "value": 9 }])).await;
    assert_eq!(unknown_department.status, 404);
    assert!(detail(&unknown_department).contains("Department with id = 9 not found."));
    let bad_enum = raw.patch(&path, json!([{ "op": "replace", "path": "/Gender", "value": "Robot" }])).await;
    assert_eq!(bad_enum.status, 400);
    assert!(detail(&bad_enum).contains("Enum 'Gender' with value = Robot is not valid"));
    let enum_as_integer = raw.post("/Employees", json!({ "FirstName": "A", "LastName": "B", "Gender": 1 })).await;
    assert_eq!(enum_as_integer.status, 400, "enums are strings, never integers");
    let no_such_path = raw.patch(&path, json!([{ "op": "replace", "path": "/ManagerEmployeeNo", "value": 2 }])).await;
    assert_eq!(no_such_path.status, 400);
    let patched =
        raw.patch(&path, json!([{ "op": "replace", "path": "/mailAddress/countryCode", "value": "agent" }])).await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(
        patched.body["MailAddress"]["CountryCode"], "agent",
        "the country-code format is recorded, not enforced"
    );
    assert_ne!(patched.body["LastChangedDateTimeOffset"], employee["LastChangedDateTimeOffset"]);
}

#[tokio::test]
async fn departments_need_a_name_start_inactive_and_cannot_be_deleted_while_used() {
    let (_fake, raw) = fake().await;
    assert_eq!(raw.post("/Departments", json!({ "Code": "10" })).await.status, 400);
    let department = raw.post("/Departments", json!({ "Name": "Support", "Code": "10" })).await.body;
    assert_eq!(department["IsActive"], false);
    let employee =
        raw.post("/Employees", json!({ "FirstName": "Ola", "LastName": "N", "DepartmentId": department["Id"] })).await;
    assert_eq!(employee.status, 201);
    let path = format!("/Departments/{}", department["Id"]);
    let refused = raw.delete(&path).await;
    assert_eq!(refused.status, 409);
    assert_eq!(refused.body["title"], "Department conflict");
    raw.delete(&format!("/Employees/{}", employee.body["Id"])).await;
    let deleted = raw.delete(&path).await;
    assert_eq!((deleted.status, deleted.body.clone()), (200, json!("")));
    assert_eq!(raw.get(&path).await.status, 404);
}

#[tokio::test]
async fn customers_follow_their_rules_and_deletes_answer_409_when_in_use() {
    let (fake, raw) = fake().await;
    let no_city =
        raw.post("/Customers", json!({ "Name": "Acme", "MailAddress": { "AddressLine1": "Storgata 1" } })).await;
    assert_eq!(no_city.status, 400);
    assert!(
        detail(&no_city).contains("MailAddress.City is required") && detail(&no_city).contains("MailAddress.ZipCode")
    );
    let too_long = raw.post("/Customers", json!({ "Name": "Acme", "ExternalImportReference": "x".repeat(51) })).await;
    assert_eq!(too_long.status, 400);
    let customer = raw.post("/Customers", json!({ "Name": "Acme", "ExternalImportReference": "QA-1" })).await.body;
    assert_eq!(customer["IsPerson"], false);
    assert!(customer["MailAddress"]["Id"].is_i64(), "the address has its own id");
    let duplicate = raw.post("/Customers", json!({ "Name": "Other", "ExternalImportReference": "QA-1" })).await;
    assert_eq!(duplicate.status, 400);
    assert_eq!(
        detail(&duplicate),
        format!("ExternalImportReference is already in use. 'QA-1' is used on (contact) Id = {}.", customer["Id"])
    );
    let employee =
        raw.post("/Employees", json!({ "FirstName": "A", "LastName": "B", "ExternalImportReference": "QA-1" })).await;
    assert_eq!(employee.status, 201, "references are unique per contact class");

    let person = raw
        .post(&format!("/ContactPersons/{}", customer["Id"]), json!({ "FirstName": "Kari", "LastName": "N" }))
        .await
        .body;
    fake.mark_in_use(customer["Id"].as_i64().unwrap());
    let path = format!("/Customers/{}", customer["Id"]);
    assert_eq!(raw.delete(&path).await.status, 409);
    let other = raw.post("/Customers", json!({ "Name": "Plain" })).await.body;
    assert_eq!(raw.delete(&format!("/Customers/{}", other["Id"])).await.status, 200);
    assert_eq!(raw.get(&format!("/ContactPersons/{}/{}", customer["Id"], person["Id"])).await.status, 200);
}

#[tokio::test]
async fn lists_page_and_filter_and_answer_204_when_empty() {
    let (_fake, raw) = fake().await;
    assert_eq!(raw.get("/Employees").await.status, 204);
    let acme = raw.post("/Customers", json!({ "Name": "Acme", "ExternalImportReference": "A" })).await.body;
    let fjord = raw.post("/Customers", json!({ "Name": "Fjord", "ExternalImportReference": "F" })).await.body;
    for (customer, name) in [(&acme, "Kari A"), (&fjord, "Ola F"), (&acme, "Per A")] {
        let (first, last) = name.split_once(' ').unwrap();
        raw.post(&format!("/ContactPersons/{}", customer["Id"]), json!({ "FirstName": first, "LastName": last })).await;
    }
    for size in [1, 2, 3, 4] {
        let mut names = Vec::new();
        for page in 1.. {
            let answer = raw.get(&format!("/ContactPersons?pageNumber={page}&pageSize={size}")).await;
            if answer.status == 204 {
                break;
            }
            names.extend(answer.body.as_array().unwrap().iter().map(|p| p["FirstName"].as_str().unwrap().to_owned()));
        }
        assert_eq!(names, vec!["Kari", "Ola", "Per"], "page size {size}");
    }
    let at_acme = raw.get(&format!("/ContactPersons?contactIds={}", acme["Id"])).await.body;
    assert_eq!(at_acme.as_array().unwrap().len(), 2);
    let by_reference = raw.get("/Customers?externalImportReference=F").await.body;
    assert_eq!(by_reference[0]["Name"], "Fjord");
    let since = fjord["LastChangedDateTimeOffset"].as_str().unwrap().replace('+', "%2B");
    let changed = raw.get(&format!("/Customers?lastChangedDateTimeOffsetGreaterThan={since}")).await;
    assert_eq!(changed.status, 204, "nothing changed after the last customer");
    assert_eq!(raw.get("/Customers?PageSize=20001").await.status, 400);
    assert_eq!(raw.get("/Customers?lastChangedDateTimeOffsetGreaterThan=yesterday").await.status, 400);
}

#[tokio::test]
async fn tokens_expire_after_expires_in() {
    let clock = FakeClock::starting_now();
    let fake = FakePowerOffice::start(clock.clone()).await;
    let raw = RawPowerOffice::new(&fake).await;
    assert_eq!(raw.get("/Customers").await.status, 204);
    clock.advance(Duration::seconds(1201));
    let expired = raw.get("/Customers").await;
    assert_eq!(expired.status, 401);
    let client = fake.settings().client().unwrap();
    assert_eq!(client.list_customers().await.unwrap().len(), 0, "the client fetches a fresh token");
}

#[tokio::test]
async fn injected_faults_use_the_gateways_429_and_problem_details() {
    let (fake, raw) = fake().await;
    fake.inject(Fault::rate_limit("GET", "/v2/customers", 2));
    let limited = raw.get("/Customers").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.headers["retry-after"], "2");
    assert_eq!(
        limited.body,
        json!({ "statusCode": "429", "message": "Rate limit is exceeded. Try again in 2 seconds." })
    );
    fake.inject(Fault::status("POST", "/v2/*", 500));
    let failed = raw.post("/Customers", json!({ "Name": "Acme" })).await;
    assert_eq!(failed.status, 500);
    assert_eq!(failed.body["status"], 500);
    assert_eq!(raw.get("/Customers").await.status, 204, "nothing was created by the failed request");
    let unknown = raw.get("/Customerz").await;
    assert_eq!(unknown.status, 404);
    assert!(detail(&unknown).contains("GET /v2/Customerz"));
}

#[tokio::test]
async fn state_loads_in_the_api_shapes_and_refuses_what_does_not_fit() {
    let (fake, raw) = fake().await;
    let state = json!({
        "customers": [{ "Id": 7, "Name": "Acme AS", "IsPerson": false }],
        "contact_persons": [{ "Id": 8, "ContactId": 7, "FirstName": "Kari", "LastName": "N", "EmailAddress": "kari@acme.no" }],
    });
    fake.load_state(state).unwrap();
    let person = raw.get("/ContactPersons/7/8").await;
    assert_eq!(person.body["EmailAddress"], "kari@acme.no");
    assert!(person.body.as_object().unwrap().contains_key("Title"), "missing fields come back as nulls");
    let created = raw.post("/Customers", json!({ "Name": "New" })).await.body;
    assert!(created["Id"].as_i64().unwrap() > 8, "new ids do not collide with seeded ones");
    let orphan = json!({ "contact_persons": [{ "Id": 1, "ContactId": 99, "FirstName": "A", "LastName": "B" }] });
    assert!(fake.load_state(orphan).unwrap_err().contains("customer 99"));
    let wrong_type = json!({ "customers": [{ "Id": 1, "Name": 5 }] });
    assert!(fake.load_state(wrong_type).unwrap_err().contains("customers[0].Name"));
    assert_eq!(fake.dump_state()["customers"].as_array().unwrap().len(), 2, "a refused state changes nothing");
}
