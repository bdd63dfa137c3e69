//! `cargo bench --bench sync_scale`: the reference sync at scale against in-process fakes with
//! rate limiting off. 10,000 Zendesk users (5% agents) in 1,000 organizations; 30% of the
//! users have a PowerOffice Go contact person with the same email. Prints, for the first sync
//! and for a second sync with no edits in between: wall time, requests by kind, the ratio of
//! requests made to the minimum needed, and the process's peak memory. The second sync reads
//! only what changed.

use std::time::Instant;

use dataflow_qa::fake::Fakes;
use dataflow_qa::sync::{sync_with_state, SyncOptions, SyncReport, SyncState};
use serde_json::{json, Value};

const USERS: usize = 10_000;
const ORGANIZATIONS: usize = 1_000;
const CUSTOMERS_WITH_CONTACTS: usize = 100;
const ZENDESK_PAGE: usize = 100;
const POWEROFFICE_PAGE: usize = 1_000;

fn zendesk_state() -> Value {
    let organizations: Vec<Value> = (0..ORGANIZATIONS)
        .map(|n| json!({ "id": 1_000_000 + n, "name": format!("Organization {n}"), "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z" }))
        .collect();
    let users: Vec<Value> = (0..USERS)
        .map(|n| {
            json!({
                "id": 2_000_000 + n,
                "name": format!("User Number{n}"),
                "email": format!("user{n}@example.com"),
                "role": if n % 20 == 0 { "agent" } else { "end-user" },
                "organization_id": 1_000_000 + n % ORGANIZATIONS,
                "active": true,
                "created_at": "2024-01-01T00:00:00Z",
                "updated_at": "2024-01-01T00:00:00Z",
            })
        })
        .collect();
    json!({ "organizations": organizations, "users": users })
}

fn poweroffice_state() -> Value {
    let stamp = "2024-01-01T00:00:00.000000+00:00";
    let customers: Vec<Value> = (0..CUSTOMERS_WITH_CONTACTS)
        .map(|n| json!({ "Id": 10_000 + n, "Name": format!("Ledger customer {n}"), "IsPerson": false, "LastChangedDateTimeOffset": stamp }))
        .collect();
    let contact_persons: Vec<Value> = (0..USERS)
        .filter(|n| n % 10 < 3)
        .map(|n| {
            json!({
                "Id": 20_000 + n,
                "ContactId": 10_000 + n % CUSTOMERS_WITH_CONTACTS,
                "FirstName": "User",
                "LastName": format!("Number{n}"),
                "EmailAddress": format!("user{n}@example.com"),
                "LastChangedDateTimeOffset": stamp,
            })
        })
        .collect();
    json!({ "customers": customers, "contact_persons": contact_persons })
}

/// Zendesk's cursor says when there is no more, so a listing costs exactly its pages.
fn zendesk_pages(records: usize) -> usize {
    records.div_ceil(ZENDESK_PAGE).max(1)
}

/// A PowerOffice Go listing ends on a short page, so an exact multiple costs one more request.
fn poweroffice_pages(records: usize) -> usize {
    records / POWEROFFICE_PAGE + 1
}

fn peak_memory_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse::<f64>().ok());
    kib.unwrap_or(0.0) / 1024.0
}

fn print(label: &str, report: &SyncReport, seconds: f64, minimum: usize) {
    let r = &report.requests;
    let made = r.zendesk.reads + r.zendesk.writes + r.poweroffice.reads + r.poweroffice.writes + r.poweroffice.tokens;
    println!(
        "{label}: {seconds:.2} s; requests: Zendesk {} reads, {} writes; PowerOffice Go {} reads, {} writes, {} token; \
         {made} made / {minimum} needed = {:.3}x; peak memory {:.0} MiB",
        r.zendesk.reads,
        r.zendesk.writes,
        r.poweroffice.reads,
        r.poweroffice.writes,
        r.poweroffice.tokens,
        made as f64 / minimum.max(1) as f64,
        peak_memory_mib()
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let fakes = Fakes::start().await;
        fakes.zendesk.load_state(zendesk_state()).unwrap();
        fakes.poweroffice.load_state(poweroffice_state()).unwrap();
        let zendesk = fakes.zendesk.settings().client().unwrap();
        let poweroffice = fakes.poweroffice.settings().client().unwrap();
        let mut state = SyncState::default();
        let options = SyncOptions::default();

        let started = Instant::now();
        let first = sync_with_state(&zendesk, &poweroffice, &mut state, &options, false).await.unwrap();
        let first_seconds = started.elapsed().as_secs_f64();
        assert!(first.is_clean(), "{:?}", first.failures.first());
        let contact_persons = USERS * 3 / 10;
        let read_pages = zendesk_pages(USERS)
            + zendesk_pages(ORGANIZATIONS)
            + poweroffice_pages(contact_persons)
            + poweroffice_pages(CUSTOMERS_WITH_CONTACTS)
            + poweroffice_pages(0)
            + 1;
        // The pages to read everything, one token, and one write per create or changed record
        // (a new employee's MailAddress cannot go in its POST, which would need City and
        // ZipCode, so a new employee is both a create and a changed record).
        let creates = first.customers_created.len() + first.employees_created.len();
        let changed: std::collections::BTreeSet<String> = first.updates.iter().map(|u| u.target.to_string()).collect();
        print("first sync", &first, first_seconds, read_pages + creates + changed.len());
        println!(
            "  links made {}, customers created {}, employees created {}, conflicts {}, skipped {}",
            first.links_made.len(),
            first.customers_created.len(),
            first.employees_created.len(),
            first.conflicts.len(),
            first.skipped.len()
        );

        let started = Instant::now();
        let second = sync_with_state(&zendesk, &poweroffice, &mut state, &options, false).await.unwrap();
        // Reading only changes: one export page per Zendesk source, and one page per PowerOffice
        // Go resource of the records the first sync itself created or changed.
        let second_pages = 2
            + poweroffice_pages(0)
            + poweroffice_pages(first.customers_created.len())
            + poweroffice_pages(first.employees_created.len());
        print("second sync (no edits)", &second, started.elapsed().as_secs_f64(), second_pages);
        drop((zendesk, poweroffice));
        fakes.shutdown().await;
    });
}
