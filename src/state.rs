//! The sync's state between runs: the link table and the last-synced value of every two-way
//! property, in an embedded SQLite database (a file, or memory for tests). Schema changes are
//! versioned migrations, applied in order when a database is opened.

use std::path::Path;

use rusqlite::{params, Connection};

use crate::domain::{
    ContactPersonRef, PogContactId, PogContactPersonId, PogDepartmentId, PogEmployeeId, ZendeskOrgId, ZendeskUserId,
};
use crate::sync::snapshot::Mirror;
use crate::sync::{CustomerLink, EmployeeLink, Link, LinkTable, SyncState};

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("state database {path}: {source}")]
    Database { path: String, source: rusqlite::Error },
    #[error(
        "state database {path} was written by a newer dataflow-qa (schema version {found}, this one knows {known})"
    )]
    TooNew { path: String, found: i64, known: i64 },
    #[error("state database {path}: cannot create its folder: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("state database {path}: the stored snapshot does not read back: {source}")]
    Snapshot { path: String, source: serde_json::Error },
}

/// Each entry moves the schema one version up; never edit one that has shipped.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE contact_person_links (
        contact_id INTEGER NOT NULL, contact_person_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
        PRIMARY KEY (contact_id, contact_person_id));
    CREATE TABLE customer_links (organization_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL);
    CREATE TABLE employee_links (user_id INTEGER PRIMARY KEY, employee_id INTEGER NOT NULL);
    CREATE TABLE department_links (organization_id INTEGER PRIMARY KEY, department_id INTEGER NOT NULL);
    CREATE TABLE synced_values (link TEXT NOT NULL, property TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (link, property));
",
    "
    CREATE TABLE mirror (name TEXT PRIMARY KEY, value TEXT NOT NULL);
",
];

pub struct StateStore {
    connection: Connection,
    path: String,
}

impl StateStore {
    pub fn open(path: &Path) -> Result<Self, StateError> {
        let shown = path.display().to_string();
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|source| StateError::Folder { path: shown.clone(), source })?;
        }
        let connection =
            Connection::open(path).map_err(|source| StateError::Database { path: shown.clone(), source })?;
        Self::migrated(connection, shown)
    }

    pub fn in_memory() -> Result<Self, StateError> {
        let connection =
            Connection::open_in_memory().map_err(|source| StateError::Database { path: ":memory:".into(), source })?;
        Self::migrated(connection, ":memory:".into())
    }

    fn error(&self) -> impl Fn(rusqlite::Error) -> StateError + '_ {
        move |source| StateError::Database { path: self.path.clone(), source }
    }

    fn migrated(connection: Connection, path: String) -> Result<Self, StateError> {
        let mut store = Self { connection, path };
        let version: i64 =
            store.connection.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(store.error())?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StateError::TooNew { path: store.path, found: version, known });
        }
        let transaction = store
            .connection
            .transaction()
            .map_err(|source| StateError::Database { path: store.path.clone(), source })?;
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            transaction
                .execute_batch(&format!("{migration}; PRAGMA user_version = {};", index + 1))
                .map_err(|source| StateError::Database { path: store.path.clone(), source })?;
        }
        transaction.commit().map_err(|source| StateError::Database { path: store.path.clone(), source })?;
        Ok(store)
    }

    pub fn schema_version(&self) -> Result<i64, StateError> {
        self.connection.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(self.error())
    }

    pub fn load(&self) -> Result<LinkTable, StateError> {
        let mut links = LinkTable::default();
        let query = |sql: &str| self.connection.prepare(sql).map_err(self.error());
        let mut statement = query("SELECT contact_id, contact_person_id, user_id FROM contact_person_links")?;
        let rows = statement
            .query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get::<_, i64>(2)?)))
            .map_err(self.error())?;
        for row in rows {
            let (contact_id, id, user) = row.map_err(self.error())?;
            let contact_person =
                ContactPersonRef { contact_id: PogContactId::new(contact_id), id: PogContactPersonId::new(id) };
            links.insert(Link { user: ZendeskUserId::new(user as u64), contact_person });
        }
        for (organization, customer) in self.pairs("SELECT organization_id, customer_id FROM customer_links")? {
            links.link_customer(CustomerLink {
                organization: ZendeskOrgId::new(organization as u64),
                customer: PogContactId::new(customer),
            });
        }
        for (user, employee) in self.pairs("SELECT user_id, employee_id FROM employee_links")? {
            links.link_employee(EmployeeLink {
                user: ZendeskUserId::new(user as u64),
                employee: PogEmployeeId::new(employee),
            });
        }
        for (organization, department) in self.pairs("SELECT organization_id, department_id FROM department_links")? {
            links.link_department(ZendeskOrgId::new(organization as u64), PogDepartmentId::new(department));
        }
        let mut statement = query("SELECT link, property, value FROM synced_values")?;
        let rows = statement
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)))
            .map_err(self.error())?;
        for row in rows {
            let (link, property, value) = row.map_err(self.error())?;
            links.remember(&link, &property, &value);
        }
        Ok(links)
    }

    fn pairs(&self, sql: &str) -> Result<Vec<(i64, i64)>, StateError> {
        let mut statement = self.connection.prepare(sql).map_err(self.error())?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).map_err(self.error())?;
        rows.collect::<Result<_, _>>().map_err(self.error())
    }

    /// The links and the snapshot of the last run.
    pub fn load_state(&self) -> Result<SyncState, StateError> {
        let links = self.load()?;
        let stored: Option<String> = self
            .connection
            .query_row("SELECT value FROM mirror WHERE name = 'snapshot'", [], |row| row.get(0))
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
            .map_err(self.error())?;
        let mirror = stored
            .map(|json| serde_json::from_str::<Mirror>(&json))
            .transpose()
            .map_err(|source| StateError::Snapshot { path: self.path.clone(), source })?;
        Ok(SyncState { links, mirror })
    }

    /// Saves links and snapshot in one transaction.
    pub fn save_state(&mut self, state: &SyncState) -> Result<(), StateError> {
        let snapshot = state
            .mirror
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|source| StateError::Snapshot { path: self.path.clone(), source })?;
        self.write(&state.links, snapshot.as_deref())
    }

    /// Replaces the stored links (and drops any stored snapshot), all at once.
    pub fn save(&mut self, links: &LinkTable) -> Result<(), StateError> {
        self.write(links, None)
    }

    /// Replaces the stored state, all at once: a crash leaves the old state whole.
    fn write(&mut self, links: &LinkTable, snapshot: Option<&str>) -> Result<(), StateError> {
        let path = self.path.clone();
        let error = |source| StateError::Database { path: path.clone(), source };
        let transaction = self.connection.transaction().map_err(error)?;
        transaction
            .execute_batch(
                "DELETE FROM contact_person_links; DELETE FROM customer_links; DELETE FROM employee_links;
                 DELETE FROM department_links; DELETE FROM synced_values; DELETE FROM mirror;",
            )
            .map_err(error)?;
        for link in links.links() {
            transaction
                .execute(
                    "INSERT INTO contact_person_links VALUES (?1, ?2, ?3)",
                    params![link.contact_person.contact_id.get(), link.contact_person.id.get(), link.user.get() as i64],
                )
                .map_err(error)?;
        }
        for link in links.customer_links() {
            transaction
                .execute(
                    "INSERT INTO customer_links VALUES (?1, ?2)",
                    params![link.organization.get() as i64, link.customer.get()],
                )
                .map_err(error)?;
        }
        for link in links.employee_links() {
            transaction
                .execute(
                    "INSERT INTO employee_links VALUES (?1, ?2)",
                    params![link.user.get() as i64, link.employee.get()],
                )
                .map_err(error)?;
        }
        for (organization, department) in links.department_links() {
            transaction
                .execute(
                    "INSERT INTO department_links VALUES (?1, ?2)",
                    params![organization.get() as i64, department.get()],
                )
                .map_err(error)?;
        }
        for (link, property, value) in links.synced_values() {
            transaction
                .execute("INSERT INTO synced_values VALUES (?1, ?2, ?3)", params![link, property, value])
                .map_err(error)?;
        }
        if let Some(snapshot) = snapshot {
            transaction.execute("INSERT INTO mirror VALUES ('snapshot', ?1)", params![snapshot]).map_err(error)?;
        }
        transaction.commit().map_err(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> LinkTable {
        let mut links = LinkTable::default();
        let contact_person = ContactPersonRef { contact_id: PogContactId::new(10), id: PogContactPersonId::new(11) };
        links.insert(Link { user: ZendeskUserId::new(360_000_000_001), contact_person });
        links.link_customer(CustomerLink { organization: ZendeskOrgId::new(5), customer: PogContactId::new(10) });
        links.link_employee(EmployeeLink { user: ZendeskUserId::new(7), employee: PogEmployeeId::new(70) });
        links.link_department(ZendeskOrgId::new(5), PogDepartmentId::new(80));
        links.remember("organization:5", "M3", "Acme AS");
        links
    }

    fn summary(links: &LinkTable) -> String {
        format!(
            "{:?} {:?} {:?} {:?} {:?}",
            links.links().collect::<Vec<_>>(),
            links.customer_links().collect::<Vec<_>>(),
            links.employee_links().collect::<Vec<_>>(),
            links.department_links().collect::<Vec<_>>(),
            links.synced_values().collect::<Vec<_>>()
        )
    }

    #[test]
    fn state_round_trips_and_a_save_replaces_the_old_state() {
        let mut store = StateStore::in_memory().unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        store.save(&sample()).unwrap();
        assert_eq!(summary(&store.load().unwrap()), summary(&sample()));
        store.save(&LinkTable::default()).unwrap();
        assert!(store.load().unwrap().is_empty());
    }

    #[test]
    fn a_file_keeps_the_state_and_a_newer_schema_is_refused() {
        let folder = std::env::temp_dir().join(format!("dataflow-qa-state-{}", std::process::id()));
        let path = folder.join("nested/state.sqlite");
        StateStore::open(&path).unwrap().save(&sample()).unwrap();
        assert_eq!(summary(&StateStore::open(&path).unwrap().load().unwrap()), summary(&sample()));
        Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 99;").unwrap();
        let error = StateStore::open(&path).err().unwrap().to_string();
        assert!(error.contains("schema version 99"), "{error}");
        std::fs::remove_dir_all(folder).unwrap();
    }
}
