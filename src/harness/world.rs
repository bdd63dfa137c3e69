//! The World of one scenario: its own pair of fakes, clients pointed at them, the sync's link
//! table, the last sync report, and the names the scenario gave its records. Steps call the
//! helpers here; they never build requests themselves.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};

use crate::domain::{ContactPersonRef, PogContactId, PogDepartmentId, PogEmployeeId, ZendeskOrgId, ZendeskUserId};
use crate::fake::{Fakes, JournalEntry};
use crate::http::RetryPolicy;
use crate::poweroffice::PowerOfficeClient;
use crate::sync::{self, LinkTable, SyncReport};
use crate::zendesk::ZendeskClient;

/// What the scenario called its records, so steps can speak in names rather than ids.
#[derive(Default)]
struct Names {
    users: HashMap<String, ZendeskUserId>,
    organizations: HashMap<String, ZendeskOrgId>,
    customers: HashMap<String, PogContactId>,
    departments: HashMap<String, PogDepartmentId>,
    contact_persons: HashMap<(String, String), ContactPersonRef>,
}

/// Where each fake's journal stood when the last sync started.
#[derive(Clone, Copy, Default)]
struct JournalMark {
    zendesk: usize,
    poweroffice: usize,
}

#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct QaWorld {
    fakes: Option<Fakes>,
    zendesk: ZendeskClient,
    poweroffice: PowerOfficeClient,
    links: LinkTable,
    last_report: Option<SyncReport>,
    last_sync_mark: Option<JournalMark>,
    last_failure: Option<String>,
    names: Names,
    /// How long Then-steps wait for the sync under test; zero when it runs in-process.
    wait_for_sync: Duration,
}

impl fmt::Debug for QaWorld {
    // Printed by cucumber on failures (-vv, --junit-v 1): ids and counts, never credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QaWorld")
            .field("zendesk", &self.fakes.as_ref().map(|fakes| fakes.zendesk.uri()))
            .field("poweroffice", &self.fakes.as_ref().map(|fakes| fakes.poweroffice.uri()))
            .field("users", &self.names.users)
            .field("organizations", &self.names.organizations)
            .field("customers", &self.names.customers)
            .field("contact_persons", &self.names.contact_persons)
            .field("links", &self.links.links().collect::<Vec<_>>())
            .field("last_report", &self.last_report)
            .finish()
    }
}

impl QaWorld {
    pub async fn new() -> anyhow::Result<Self> {
        let fakes = Fakes::start().await;
        // The fakes answer in microseconds; waiting out backoff would only slow the checklist.
        // A Retry-After the fakes send is still honoured.
        let retry = RetryPolicy { base_backoff: Duration::ZERO, ..RetryPolicy::default() };
        let zendesk = fakes.zendesk.settings().client()?.with_retry_policy(retry);
        let poweroffice = fakes.poweroffice.settings().client()?.with_retry_policy(retry);
        Ok(Self {
            fakes: Some(fakes),
            zendesk,
            poweroffice,
            links: LinkTable::default(),
            last_report: None,
            last_sync_mark: None,
            last_failure: None,
            names: Names::default(),
            wait_for_sync: Duration::ZERO,
        })
    }

    /// Stops the scenario's fakes; called from the runner's after-hook.
    pub async fn shutdown(&mut self) {
        if let Some(fakes) = self.fakes.take() {
            fakes.shutdown().await;
        }
    }

    /// Checks an expectation about the systems' state until it holds or the sync under test
    /// has had its time (`check::eventually`); with the in-process sync it checks once.
    pub async fn eventually<T, F, Fut>(&self, check: F) -> anyhow::Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = anyhow::Result<T>>,
    {
        crate::harness::check::eventually(self.wait_for_sync, check).await
    }

    pub fn zendesk(&self) -> &ZendeskClient {
        &self.zendesk
    }

    pub fn poweroffice(&self) -> &PowerOfficeClient {
        &self.poweroffice
    }

    pub fn fakes(&self) -> anyhow::Result<&Fakes> {
        self.fakes.as_ref().ok_or_else(|| anyhow!("the fakes of this scenario are already stopped"))
    }

    pub fn name_user(&mut self, name: &str, id: ZendeskUserId) -> anyhow::Result<()> {
        remember(&mut self.names.users, name.to_owned(), id, "Zendesk user")
    }

    pub fn name_organization(&mut self, name: &str, id: ZendeskOrgId) -> anyhow::Result<()> {
        remember(&mut self.names.organizations, name.to_owned(), id, "Zendesk organization")
    }

    pub fn organization(&self, name: &str) -> anyhow::Result<ZendeskOrgId> {
        lookup(&self.names.organizations, &name.to_owned(), "Zendesk organization")
    }

    /// The customer the sync linked to the named organization.
    pub fn customer_of_organization(&self, name: &str) -> anyhow::Result<PogContactId> {
        let organization = self.organization(name)?;
        self.links
            .customer_of(organization)
            .with_context(|| format!("the Zendesk organization {name:?} ({organization}) is linked to no customer"))
    }

    pub fn name_department(&mut self, name: &str, id: PogDepartmentId) -> anyhow::Result<()> {
        remember(&mut self.names.departments, name.to_owned(), id, "PowerOffice Go department")
    }

    pub fn department(&self, name: &str) -> anyhow::Result<PogDepartmentId> {
        lookup(&self.names.departments, &name.to_owned(), "PowerOffice Go department")
    }

    /// Gives the sync an organization ↔ department link, which this spec has no rule to make.
    pub fn link_department(&mut self, organization: &str, department: &str) -> anyhow::Result<()> {
        let (organization, department) = (self.organization(organization)?, self.department(department)?);
        self.links.link_department(organization, department);
        Ok(())
    }

    /// The employee the sync linked to the named Zendesk user.
    pub fn employee_of_user(&self, name: &str) -> anyhow::Result<PogEmployeeId> {
        let user = self.user(name)?;
        self.links
            .employee_of(user)
            .with_context(|| format!("the Zendesk user {name:?} ({user}) is linked to no employee"))
    }

    pub fn name_customer(&mut self, name: &str, id: PogContactId) -> anyhow::Result<()> {
        remember(&mut self.names.customers, name.to_owned(), id, "PowerOffice Go customer")
    }

    pub fn name_contact_person(&mut self, name: &str, customer: &str, person: ContactPersonRef) -> anyhow::Result<()> {
        remember(&mut self.names.contact_persons, (name.to_owned(), customer.to_owned()), person, "contact person")
    }

    pub fn user(&self, name: &str) -> anyhow::Result<ZendeskUserId> {
        lookup(&self.names.users, &name.to_owned(), "Zendesk user")
    }

    pub fn customer(&self, name: &str) -> anyhow::Result<PogContactId> {
        lookup(&self.names.customers, &name.to_owned(), "PowerOffice Go customer")
    }

    pub fn contact_person(&self, name: &str, customer: &str) -> anyhow::Result<ContactPersonRef> {
        lookup(&self.names.contact_persons, &(name.to_owned(), customer.to_owned()), "contact person")
    }

    pub fn links(&self) -> &LinkTable {
        &self.links
    }

    /// Forgets the links the sync made, as a sync that crashed before saving its state would.
    /// Links given by the scenario (departments) stay.
    pub fn forget_links(&mut self) {
        let mut kept = LinkTable::default();
        for (organization, department) in self.links.department_links() {
            kept.link_department(organization, department);
        }
        self.links = kept;
    }

    /// One pass of the sync that is expected to fail; returns why it failed.
    pub async fn run_failing_sync(&mut self) -> anyhow::Result<String> {
        match self.run_sync().await {
            Ok(()) => bail!("the sync was expected to fail, but it went through"),
            Err(error) => Ok(format!("{error:#}")),
        }
    }

    /// One pass of the reference sync against this scenario's fakes; any write it reports as
    /// failed fails the step.
    pub async fn run_sync(&mut self) -> anyhow::Result<()> {
        let report = self.run_sync_reporting_failures().await?;
        if let Some(failure) = report.failures.first() {
            bail!("the sync could not {} ({}): {}", failure.action, failure.item, failure.error);
        }
        Ok(())
    }

    /// One pass of the reference sync that may leave writes undone; the report says which.
    pub async fn run_sync_reporting_failures(&mut self) -> anyhow::Result<&SyncReport> {
        let fakes = self.fakes()?;
        let mark =
            JournalMark { zendesk: fakes.zendesk.journal().len(), poweroffice: fakes.poweroffice.journal().len() };
        let report =
            sync::sync_once(&self.zendesk, &self.poweroffice, &mut self.links, &sync::SyncOptions::default()).await?;
        self.last_sync_mark = Some(mark);
        Ok(self.last_report.insert(report))
    }

    pub fn remember_failure(&mut self, failure: String) {
        self.last_failure = Some(failure);
    }

    pub fn last_failure(&self) -> anyhow::Result<&str> {
        self.last_failure.as_deref().context("no sync has failed in this scenario")
    }

    pub fn last_report(&self) -> anyhow::Result<&SyncReport> {
        self.last_report.as_ref().context("no sync has run in this scenario yet")
    }

    /// Write requests each fake received since the last sync started.
    pub fn writes_since_last_sync(&self) -> anyhow::Result<Vec<JournalEntry>> {
        let mark = self.last_sync_mark.context("no sync has run in this scenario yet")?;
        let fakes = self.fakes()?;
        let zendesk = fakes.zendesk.journal().into_iter().skip(mark.zendesk);
        let poweroffice = fakes.poweroffice.journal().into_iter().skip(mark.poweroffice);
        Ok(zendesk.chain(poweroffice).filter(|entry| entry.write).collect())
    }

    /// Every write the PowerOffice Go fake received in this scenario.
    pub fn poweroffice_writes(&self) -> anyhow::Result<Vec<JournalEntry>> {
        Ok(self.fakes()?.poweroffice.journal().into_iter().filter(|entry| entry.write).collect())
    }
}

fn remember<K, V>(names: &mut HashMap<K, V>, key: K, value: V, kind: &str) -> anyhow::Result<()>
where
    K: std::hash::Hash + Eq + fmt::Debug,
{
    if names.contains_key(&key) {
        bail!("the scenario already has a {kind} called {key:?}");
    }
    names.insert(key, value);
    Ok(())
}

fn lookup<K, V: Copy>(names: &HashMap<K, V>, key: &K, kind: &str) -> anyhow::Result<V>
where
    K: std::hash::Hash + Eq + fmt::Debug,
{
    names
        .get(key)
        .copied()
        .ok_or_else(|| anyhow!("the scenario has no {kind} called {key:?}; add a Given step that creates it"))
}
