//! After the first run, the sync reads only what changed (Zendesk's incremental exports and
//! PowerOffice Go's change filter) and still sees every kind of change: edits, new records and
//! deletions in Zendesk. A full read is one flag away.

use dataflow_qa::fake::Fakes;
use dataflow_qa::poweroffice::model::{NewContactPerson, NewCustomer, PatchOperation};
use dataflow_qa::sync::{sync_with_state, SyncOptions, SyncState};
use dataflow_qa::zendesk::model::NewUser;

#[tokio::test]
async fn later_runs_read_only_changes_and_still_see_them() {
    let fakes = Fakes::start().await;
    let zendesk = fakes.zendesk.settings().client().unwrap();
    let poweroffice = fakes.poweroffice.settings().client().unwrap();
    let customer =
        poweroffice.create_customer(&NewCustomer { name: Some("Acme AS".into()), ..Default::default() }).await.unwrap();
    let new_person = |first: &str, email: &str| NewContactPerson {
        first_name: first.into(),
        last_name: "Nordmann".into(),
        email_address: Some(email.into()),
    };
    let kari = poweroffice.create_contact_person(customer.id, &new_person("Kari", "kari@acme.no")).await.unwrap();
    let ola = poweroffice.create_contact_person(customer.id, &new_person("Ola", "ola@acme.no")).await.unwrap();
    let user = zendesk
        .create_user(&NewUser {
            name: "Kari Nordmann".into(),
            email: Some("kari@acme.no".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut state = SyncState::default();
    let options = SyncOptions::default();
    let first = sync_with_state(&zendesk, &poweroffice, &mut state, &options, false).await.unwrap();
    assert_eq!(first.links_made.len(), 1);

    let quiet = sync_with_state(&zendesk, &poweroffice, &mut state, &options, false).await.unwrap();
    let reads = quiet.requests.zendesk.reads + quiet.requests.poweroffice.reads;
    assert!(reads <= 5, "a run with no changes reads a handful of pages, not everything: {reads}");
    assert_eq!(quiet.requests.zendesk.writes + quiet.requests.poweroffice.writes, 0);

    // A change in PowerOffice Go, a new Zendesk user, and a deletion in Zendesk.
    poweroffice
        .patch_contact_person(kari.reference(), &[PatchOperation::replace("EmailAddress", "kari.n@acme.no")])
        .await
        .unwrap();
    let ola_user = zendesk
        .create_user(&NewUser { name: "Ola Nordmann".into(), email: Some("ola@acme.no".into()), ..Default::default() })
        .await
        .unwrap();
    let changes = sync_with_state(&zendesk, &poweroffice, &mut state, &options, false).await.unwrap();
    assert!(changes.is_clean(), "{:?}", changes.failures);
    assert_eq!(zendesk.user_json(user.id).await.unwrap()["email"], "kari.n@acme.no", "the edit reached Zendesk");
    assert_eq!(state.links.user_of(ola.reference()), Some(ola_user.id), "the new user linked");

    zendesk.delete_user(ola_user.id).await.unwrap();
    let deletion = sync_with_state(&zendesk, &poweroffice, &mut state, &options, false).await.unwrap();
    assert_eq!(deletion.links_dropped.len(), 1, "the deletion came through the export");
    assert_eq!(state.links.user_of(ola.reference()), None);

    let full = sync_with_state(&zendesk, &poweroffice, &mut state, &options, true).await.unwrap();
    assert_eq!(
        full.requests.zendesk.writes + full.requests.poweroffice.writes,
        0,
        "a full read finds nothing left to do"
    );
    drop((zendesk, poweroffice));
    fakes.shutdown().await;
}
