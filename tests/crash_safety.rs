//! Crash safety: a sync killed after any PowerOffice Go request, then run again from the state
//! it last saved (here: none), ends with no duplicates and nothing lost, and the run after that
//! writes nothing. The "kill" lets the first k requests through whole (so a create can land
//! while its answer is never used) and cuts every later connection.

use dataflow_qa::fake::{Fakes, Fault};
use dataflow_qa::http::RetryPolicy;
use dataflow_qa::poweroffice::PowerOfficeClient;
use dataflow_qa::sync::{sync_once, LinkTable, SyncOptions};
use dataflow_qa::zendesk::ZendeskClient;
use serde_json::json;

/// Kari links by email at an existing customer; Anne is an agent; both are in Acme, which
/// becomes a customer.
async fn scenario() -> (Fakes, ZendeskClient, PowerOfficeClient) {
    let fakes = Fakes::start().await;
    let stamp = "2024-01-01T00:00:00Z";
    fakes
        .zendesk
        .load_state(json!({
            "organizations": [{ "id": 100, "name": "Acme AS", "created_at": stamp, "updated_at": stamp }],
            "users": [
                { "id": 1, "name": "Kari Nordmann", "email": "kari@acme.no", "role": "end-user", "organization_id": 100, "active": true, "created_at": stamp, "updated_at": stamp },
                { "id": 2, "name": "Anne Agent", "email": "anne@acme.no", "role": "agent", "organization_id": 100, "active": true, "created_at": stamp, "updated_at": stamp },
            ],
        }))
        .unwrap();
    let changed = "2024-01-01T00:00:00.000000+00:00";
    fakes
        .poweroffice
        .load_state(json!({
            "customers": [{ "Id": 10, "Name": "Ledger AS", "IsPerson": false, "LastChangedDateTimeOffset": changed }],
            "contact_persons": [{ "Id": 11, "ContactId": 10, "FirstName": "Kari", "LastName": "Nordmann", "EmailAddress": "KARI@acme.no", "LastChangedDateTimeOffset": changed }],
        }))
        .unwrap();
    let quick = RetryPolicy { base_backoff: std::time::Duration::ZERO, ..RetryPolicy::default() };
    let zendesk = fakes.zendesk.settings().client().unwrap().with_retry_policy(quick);
    let poweroffice = fakes.poweroffice.settings().client().unwrap().with_retry_policy(quick);
    (fakes, zendesk, poweroffice)
}

/// What must hold once a sync has completed, whatever happened before.
async fn assert_complete(fakes: &Fakes, poweroffice: &PowerOfficeClient, context: &str) {
    let customers = poweroffice.list_customers().await.unwrap();
    let acme: Vec<_> = customers
        .iter()
        .filter(|c| c.external_import_reference.as_deref() == Some("zendesk-organization:100"))
        .collect();
    assert_eq!(acme.len(), 1, "{context}: exactly one customer for Acme, found {customers:?}");
    let employees = poweroffice.list_employees().await.unwrap();
    assert_eq!(employees.len(), 1, "{context}: exactly one employee, found {employees:?}");
    assert_eq!(
        employees[0].mail_address.as_ref().and_then(|m| m.country_code.as_deref()),
        Some("agent"),
        "{context}: M8"
    );
    let person = fakes.poweroffice.contact_person(dataflow_qa::domain::ContactPersonRef {
        contact_id: dataflow_qa::domain::PogContactId::new(10),
        id: dataflow_qa::domain::PogContactPersonId::new(11),
    });
    assert_eq!(person.unwrap()["EmailAddress"], "kari@acme.no", "{context}: M1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_after_any_request_recovers_without_duplicates_or_losses() {
    let (fakes, zendesk, poweroffice) = scenario().await;
    let mut links = LinkTable::default();
    let clean = sync_once(&zendesk, &poweroffice, &mut links, &SyncOptions::default()).await.unwrap();
    assert!(clean.is_clean());
    let requests = fakes.poweroffice.journal().len() as u32;
    assert!(requests >= 8, "the scenario makes enough requests to crash between: {requests}");
    assert_complete(&fakes, &poweroffice, "clean run").await;
    drop((zendesk, poweroffice));
    fakes.shutdown().await;

    for survived in 0..requests {
        let context = format!("killed after {survived} of {requests} requests");
        let (fakes, zendesk, poweroffice) = scenario().await;
        fakes.poweroffice.inject(Fault::close_after("*", survived));
        let mut crashed = LinkTable::default();
        let _ = sync_once(&zendesk, &poweroffice, &mut crashed, &SyncOptions::default()).await;
        fakes.poweroffice.clear_faults();

        // The process died before saving: the next run starts from the last saved state.
        let mut links = LinkTable::default();
        let recovery = sync_once(&zendesk, &poweroffice, &mut links, &SyncOptions::default()).await.unwrap();
        assert!(recovery.is_clean(), "{context}: {:?}", recovery.failures);
        assert_complete(&fakes, &poweroffice, &context).await;
        let settled = sync_once(&zendesk, &poweroffice, &mut links, &SyncOptions::default()).await.unwrap();
        assert_eq!(
            settled.requests.poweroffice.writes + settled.requests.zendesk.writes,
            0,
            "{context}: a settled run writes nothing"
        );
        drop((zendesk, poweroffice));
        fakes.shutdown().await;
    }
}
