//! Reading both sides: everything the plan needs, fetched before anything is decided.

use crate::http::ClientError;
use crate::poweroffice::model::ContactPerson;
use crate::poweroffice::PowerOfficeClient;
use crate::zendesk::model::User;
use crate::zendesk::ZendeskClient;

#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub users: Vec<User>,
    pub contact_persons: Vec<ContactPerson>,
}

pub async fn read(zendesk: &ZendeskClient, poweroffice: &PowerOfficeClient) -> Result<Snapshot, ClientError> {
    let (users, contact_persons) = tokio::try_join!(zendesk.list_users(), poweroffice.list_contact_persons())?;
    Ok(Snapshot { users, contact_persons })
}
