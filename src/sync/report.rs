//! What one sync run did, for the features to assert on and for the CLI to print as JSON.

use serde::Serialize;

use super::links::{CustomerLink, EmployeeLink, Link};
use super::plan::{Finding, PlannedWrite, PlannedZendeskWrite};
use crate::http::RequestCounts;

/// An action that did not go through, with the error that stopped it.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    pub item: &'static str,
    pub action: String,
    pub error: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct SystemRequests {
    pub zendesk: RequestCounts,
    pub poweroffice: RequestCounts,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct SyncReport {
    pub links_made: Vec<Link>,
    pub links_dropped: Vec<Link>,
    /// Customers created for organizations (R3).
    pub customers_created: Vec<CustomerLink>,
    /// Customers found again by their import reference and linked.
    pub customers_adopted: Vec<CustomerLink>,
    pub customer_links_dropped: Vec<CustomerLink>,
    /// Employees created for agents (R4).
    pub employees_created: Vec<EmployeeLink>,
    pub employees_adopted: Vec<EmployeeLink>,
    pub employee_links_dropped: Vec<EmployeeLink>,
    /// Properties written to PowerOffice Go.
    pub updates: Vec<PlannedWrite>,
    /// Properties written back to Zendesk (S1).
    pub zendesk_updates: Vec<PlannedZendeskWrite>,
    pub failures: Vec<Failure>,
    pub skipped: Vec<Finding>,
    pub conflicts: Vec<Finding>,
    pub requests: SystemRequests,
}

impl SyncReport {
    /// True when every planned create and write went through.
    pub fn is_clean(&self) -> bool {
        self.failures.is_empty()
    }
}
