//! Reading both sides: everything the plan needs, fetched (in parallel) before anything is
//! decided.

use crate::http::ClientError;
use crate::poweroffice::model::{ContactPerson, Customer, Employee};
use crate::poweroffice::PowerOfficeClient;
use crate::zendesk::model::{Organization, User};
use crate::zendesk::ZendeskClient;

#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub users: Vec<User>,
    pub organizations: Vec<Organization>,
    pub contact_persons: Vec<ContactPerson>,
    pub customers: Vec<Customer>,
    pub employees: Vec<Employee>,
}

pub async fn read(zendesk: &ZendeskClient, poweroffice: &PowerOfficeClient) -> Result<Snapshot, ClientError> {
    let (users, organizations, contact_persons, customers, employees) = tokio::try_join!(
        zendesk.list_users(),
        zendesk.list_organizations(),
        poweroffice.list_contact_persons(),
        poweroffice.list_customers(),
        poweroffice.list_employees(),
    )?;
    Ok(Snapshot { users, organizations, contact_persons, customers, employees })
}
