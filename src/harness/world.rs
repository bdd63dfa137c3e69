//! The World of one scenario: its own pair of fakes (or, in staging, guarded clients for the
//! real accounts), the sync's link table, the last sync report, and the names the scenario gave
//! its records. Steps call the helpers here; they never build requests themselves.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};

use crate::domain::System;
use crate::domain::{ContactPersonRef, PogContactId, PogDepartmentId, PogEmployeeId, ZendeskOrgId, ZendeskUserId};
use crate::fake::{Fakes, JournalEntry};
use crate::harness::context::{self, StagingRun, SyncMode, Target};
use crate::http::RetryPolicy;
use crate::poweroffice::PowerOfficeClient;
use crate::staging::cleanup::{delete_created, Systems};
use crate::staging::guard::RecordKey;
use crate::staging::WriteGuard;
use crate::sync::{self, LinkTable, SyncReport};
use crate::zendesk::ZendeskClient;
use std::sync::Arc;

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
    sync_mode: SyncMode,
    staging: Option<ScenarioStaging>,
}

/// A staging scenario's marks and write guard.
struct ScenarioStaging {
    run: Arc<StagingRun>,
    scenario: usize,
    guard: Arc<WriteGuard>,
    /// The run-scoped address each email of the scenario stands for (keyed trimmed, lower-case).
    emails: HashMap<String, String>,
    users: usize,
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
        let context = context::current();
        let wait_for_sync = match context.sync {
            SyncMode::Reference => Duration::ZERO,
            SyncMode::External { timeout, .. } => timeout,
        };
        let mut world = match context.target {
            Target::Mock => Self::on_fakes().await?,
            Target::Staging(run) => Self::on_staging(run)?,
        };
        world.wait_for_sync = wait_for_sync;
        world.sync_mode = context.sync;
        Ok(world)
    }

    fn empty(zendesk: ZendeskClient, poweroffice: PowerOfficeClient) -> Self {
        Self {
            fakes: None,
            zendesk,
            poweroffice,
            links: LinkTable::default(),
            last_report: None,
            last_sync_mark: None,
            last_failure: None,
            names: Names::default(),
            wait_for_sync: Duration::ZERO,
            sync_mode: SyncMode::Reference,
            staging: None,
        }
    }

    /// The run's staging clients (their rate limiters are the run's, shared by every scenario)
    /// with a fresh write guard: this scenario may write only what it creates.
    fn on_staging(run: Arc<StagingRun>) -> anyhow::Result<Self> {
        let systems = Systems::new(run.zendesk.clone(), run.poweroffice.clone());
        let scenario = run.scope.next_scenario();
        let mut world = Self::empty(systems.zendesk, systems.poweroffice);
        world.staging = Some(ScenarioStaging { run, scenario, guard: systems.guard, emails: HashMap::new(), users: 0 });
        Ok(world)
    }

    async fn on_fakes() -> anyhow::Result<Self> {
        let fakes = Fakes::start().await;
        // The fakes answer in microseconds; waiting out backoff would only slow the checklist.
        // A Retry-After the fakes send is still honoured.
        let retry = RetryPolicy { base_backoff: Duration::ZERO, ..RetryPolicy::default() };
        let zendesk = fakes.zendesk.settings().client()?.with_retry_policy(retry);
        let poweroffice = fakes.poweroffice.settings().client()?.with_retry_policy(retry);
        let mut world = Self::empty(zendesk, poweroffice);
        world.fakes = Some(fakes);
        Ok(world)
    }

    /// Stops the scenario's fakes, or in staging deletes what the scenario created (what cannot
    /// be deleted is kept for the run's report); called from the runner's after-hook.
    pub async fn shutdown(&mut self) {
        if let Some(fakes) = self.fakes.take() {
            fakes.shutdown().await;
        }
        if let Some(staging) = self.staging.take() {
            let systems =
                Systems { zendesk: self.zendesk.clone(), poweroffice: self.poweroffice.clone(), guard: staging.guard };
            let report = delete_created(&systems).await;
            staging.run.leftovers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).merge(report);
        }
    }

    /// The name a record gets for `name`: as written on the fakes; in staging with the run's
    /// and the scenario's prefix, so it is told from anyone else's records.
    pub fn record_name(&self, name: &str) -> String {
        match &self.staging {
            Some(staging) => format!("{}{name}", staging.run.scope.name_prefix(staging.scenario)),
            None => name.to_owned(),
        }
    }

    /// The email a record gets for `email`: as written on the fakes; in staging a run-scoped
    /// `qa+<run-id>-<n>@example.com` that keeps the original's surrounding blanks and, roughly,
    /// its letter case, so the case and whitespace scenarios still mean what they say.
    pub fn record_email(&mut self, email: &str) -> String {
        let Some(staging) = self.staging.as_mut() else { return email.to_owned() };
        let trimmed = email.trim();
        if !trimmed.contains('@') {
            return email.to_owned();
        }
        let key = trimmed.to_lowercase();
        let scoped = staging.emails.entry(key.clone()).or_insert_with(|| staging.run.scope.next_email()).clone();
        let cased = if trimmed == key {
            scoped
        } else if trimmed == trimmed.to_uppercase() {
            scoped.to_uppercase()
        } else {
            let capitalize = |part: &str| {
                let mut chars = part.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
            };
            let (local, domain) = scoped.split_once('@').unwrap_or((&scoped, ""));
            format!("{}@{}", capitalize(local), capitalize(domain))
        };
        let start = email.len() - email.trim_start().len();
        format!("{}{cased}{}", &email[..start], &email[start + trimmed.len()..])
    }

    /// Takes a record the engine under test made from this scenario's records into the
    /// scenario's guard, so steps may edit it and cleanup deletes it; only when its name carries
    /// the scenario's mark.
    fn adopt_marked(&self, name: &str, key: RecordKey) {
        if let Some(staging) = self.staging.as_ref().filter(|_| self.is_ours(Some(name))) {
            staging.guard.adopt(key);
        }
    }

    /// Whether a record named `name` belongs to this scenario: always on the scenario's own
    /// fakes; in a shared staging account only when it carries the scenario's prefix.
    pub fn is_ours(&self, name: Option<&str>) -> bool {
        match &self.staging {
            Some(staging) => name.is_some_and(|n| n.starts_with(&staging.run.scope.name_prefix(staging.scenario))),
            None => true,
        }
    }

    /// Zendesk marks for a new record in staging: the run's tags, and an external id (used by
    /// users; organizations take the tags only).
    pub fn run_marks(&mut self) -> (Vec<String>, Option<String>) {
        let Some(staging) = self.staging.as_mut() else { return (Vec::new(), None) };
        staging.users += 1;
        let scope = &staging.run.scope;
        (scope.tags(), Some(scope.external_id(staging.scenario, staging.users)))
    }

    /// Fails a step that reads our sync's own state when another engine is under test.
    fn needs_reference_sync(&self, what: &str) -> anyhow::Result<()> {
        match self.sync_mode {
            SyncMode::Reference => Ok(()),
            SyncMode::External { .. } => bail!(
                "this step reads the reference sync's {what}, which an external sync does not expose; tag the scenario @reference-only"
            ),
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

    /// The last request the scenario sent to each system, to show beside a failed check.
    pub fn last_requests(&self) -> Vec<String> {
        let last = [("Zendesk", self.zendesk.last_request()), ("PowerOffice Go", self.poweroffice.last_request())];
        let short = |line: String| match line.char_indices().nth(160) {
            Some((at, _)) => format!("{}…", &line[..at]),
            None => line,
        };
        last.into_iter()
            .filter_map(|(system, line)| Some(format!("last request to {system}: {}", short(line?))))
            .collect()
    }

    pub fn zendesk(&self) -> &ZendeskClient {
        &self.zendesk
    }

    pub fn poweroffice(&self) -> &PowerOfficeClient {
        &self.poweroffice
    }

    pub fn fakes(&self) -> anyhow::Result<&Fakes> {
        match (&self.fakes, &self.staging) {
            (Some(fakes), _) => Ok(fakes),
            (None, Some(_)) => Err(anyhow!("this step needs the built-in fakes; tag the scenario @fakes-only")),
            (None, None) => Err(anyhow!("the fakes of this scenario are already stopped")),
        }
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
    fn customer_of_organization(&self, name: &str) -> anyhow::Result<PogContactId> {
        let organization = self.organization(name)?;
        self.links
            .customer_of(organization)
            .with_context(|| format!("the Zendesk organization {name:?} ({organization}) is linked to no customer"))
    }

    /// The customer standing for the organization: the link the reference sync made, or with
    /// an external sync (whose links are its own) the one company customer named as the
    /// organization is named now.
    pub async fn customer_for(&self, organization: &str) -> anyhow::Result<PogContactId> {
        if self.sync_mode == SyncMode::Reference {
            return self.customer_of_organization(organization);
        }
        self.eventually(|| self.customer_named_like(organization)).await
    }

    async fn customer_named_like(&self, organization: &str) -> anyhow::Result<PogContactId> {
        let name = self.zendesk.organization(self.organization(organization)?).await?.name;
        let customers = self.poweroffice.list_customers().await?;
        let found: Vec<PogContactId> = customers
            .iter()
            .filter(|c| c.name.as_deref() == Some(name.as_str()) && c.is_person != Some(true))
            .map(|c| c.id)
            .collect();
        match found.as_slice() {
            [one] => {
                self.adopt_marked(&name, RecordKey::new(System::PowerOffice, "customers", one));
                Ok(*one)
            }
            [] => bail!("no company customer is named {name:?} (the organization {organization:?}) yet"),
            many => bail!("{} company customers are named {name:?}: {many:?}", many.len()),
        }
    }

    /// The employee standing for the Zendesk user: the reference sync's link, or with an
    /// external sync the one employee whose names are the user's.
    pub async fn employee_for(&self, user: &str) -> anyhow::Result<PogEmployeeId> {
        if self.sync_mode == SyncMode::Reference {
            return self.employee_of_user(user);
        }
        self.eventually(|| self.employee_named_like(user)).await
    }

    async fn employee_named_like(&self, user: &str) -> anyhow::Result<PogEmployeeId> {
        let record = self.zendesk.user_json(self.user(user)?).await?;
        let name = record.get("name").and_then(serde_json::Value::as_str).unwrap_or_default();
        let (first, last) = super::steps::split_name(name)?;
        let employees = self.poweroffice.list_employees().await?;
        let found: Vec<PogEmployeeId> = employees
            .iter()
            .filter(|e| {
                e.first_name.as_deref() == Some(first.as_str()) && e.last_name.as_deref() == Some(last.as_str())
            })
            .map(|e| e.id)
            .collect();
        match found.as_slice() {
            [one] => {
                self.adopt_marked(&first, RecordKey::new(System::PowerOffice, "employees", one));
                Ok(*one)
            }
            [] => bail!("no employee is named {name:?} (the Zendesk user {user:?}) yet"),
            many => bail!("{} employees are named {name:?}: {many:?}", many.len()),
        }
    }

    pub fn name_department(&mut self, name: &str, id: PogDepartmentId) -> anyhow::Result<()> {
        remember(&mut self.names.departments, name.to_owned(), id, "PowerOffice Go department")
    }

    pub fn department(&self, name: &str) -> anyhow::Result<PogDepartmentId> {
        lookup(&self.names.departments, &name.to_owned(), "PowerOffice Go department")
    }

    /// Gives the sync an organization ↔ department link, which this spec has no rule to make.
    pub fn link_department(&mut self, organization: &str, department: &str) -> anyhow::Result<()> {
        self.needs_reference_sync("given links")?;
        let (organization, department) = (self.organization(organization)?, self.department(department)?);
        self.links.link_department(organization, department);
        Ok(())
    }

    /// The employee the sync linked to the named Zendesk user.
    fn employee_of_user(&self, name: &str) -> anyhow::Result<PogEmployeeId> {
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

    pub fn links(&self) -> anyhow::Result<&LinkTable> {
        self.needs_reference_sync("links")?;
        Ok(&self.links)
    }

    /// Forgets the links the sync made, as a sync that crashed before saving its state would.
    /// Links given by the scenario (departments) stay.
    pub fn forget_links(&mut self) -> anyhow::Result<()> {
        self.needs_reference_sync("links")?;
        let mut kept = LinkTable::default();
        for (organization, department) in self.links.department_links() {
            kept.link_department(organization, department);
        }
        self.links = kept;
        Ok(())
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
        if let SyncMode::External { cycle, .. } = self.sync_mode {
            // The engine under test runs on its own and says nothing when a pass is done; give
            // it one pass, and let the Then-steps wait for its effects.
            tokio::time::sleep(cycle).await;
            return Ok(());
        }
        let report = self.run_sync_reporting_failures().await?;
        if let Some(failure) = report.failures.first() {
            bail!("the sync could not {} ({}): {}", failure.action, failure.item, failure.error);
        }
        Ok(())
    }

    /// One pass of the reference sync that may leave writes undone; the report says which.
    pub async fn run_sync_reporting_failures(&mut self) -> anyhow::Result<&SyncReport> {
        self.needs_reference_sync("run")?;
        let mark = self.fakes.as_ref().map(|fakes| JournalMark {
            zendesk: fakes.zendesk.journal().len(),
            poweroffice: fakes.poweroffice.journal().len(),
        });
        let options =
            sync::SyncOptions { scope: self.staging.as_ref().map(|s| Arc::clone(&s.guard)), ..Default::default() };
        let report = sync::sync_once(&self.zendesk, &self.poweroffice, &mut self.links, &options).await?;
        self.last_sync_mark = mark;
        Ok(self.last_report.insert(report))
    }

    pub fn remember_failure(&mut self, failure: String) {
        self.last_failure = Some(failure);
    }

    pub fn last_failure(&self) -> anyhow::Result<&str> {
        self.last_failure.as_deref().context("no sync has failed in this scenario")
    }

    pub fn last_report(&self) -> anyhow::Result<&SyncReport> {
        self.needs_reference_sync("report")?;
        self.last_report.as_ref().context("no sync has run in this scenario yet")
    }

    /// Write requests each fake received since the last sync started.
    /// `None` in staging, where there is no journal; the sync report's request counts say it.
    pub fn writes_since_last_sync(&self) -> anyhow::Result<Option<Vec<JournalEntry>>> {
        self.needs_reference_sync("writes")?;
        let Some(fakes) = self.fakes.as_ref() else { return Ok(None) };
        let mark = self.last_sync_mark.context("no sync has run in this scenario yet")?;
        let zendesk = fakes.zendesk.journal().into_iter().skip(mark.zendesk);
        let poweroffice = fakes.poweroffice.journal().into_iter().skip(mark.poweroffice);
        Ok(Some(zendesk.chain(poweroffice).filter(|entry| entry.write).collect()))
    }

    /// Every write the PowerOffice Go fake received in this scenario.
    pub fn poweroffice_writes(&self) -> anyhow::Result<Vec<JournalEntry>> {
        self.needs_reference_sync("writes")?;
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
