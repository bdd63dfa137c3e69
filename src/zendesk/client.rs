//! The Zendesk Support API client: API-token Basic auth, cursor pagination, users and
//! organizations. It only knows a base URL, so the same code talks to the fake and to a real
//! account.

use std::fmt;

use base64::Engine as _;
use reqwest::Url;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::model::{Identity, NewOrganization, NewUser, Organization, User, UserUpdate};
use crate::domain::{System, ZendeskUserId};
use crate::http::{parse_base_url, Answer, ClientError, Transport};
use crate::secret::Secret;

/// Zendesk's largest cursor page for users and organizations.
const PAGE_SIZE: usize = 100;

/// Where an incremental user export starts: a Unix time, or the cursor the last one ended on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ExportStart {
    Time(i64),
    Cursor(String),
}

/// Where and as whom to reach Zendesk.
#[derive(Clone, Debug)]
pub struct ZendeskSettings {
    /// `https://{subdomain}.zendesk.com`, or a fake's address.
    pub base_url: String,
    /// The agent or admin whose API token is used.
    pub email: String,
    pub api_token: Secret,
}

impl ZendeskSettings {
    pub fn client(&self) -> Result<ZendeskClient, ClientError> {
        ZendeskClient::new(self)
    }

    /// The `Authorization` header value for API-token auth: `{email}/token:{api_token}`.
    pub fn authorization(&self) -> Secret {
        let raw = format!("{}/token:{}", self.email, self.api_token.expose());
        Secret::new(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw)))
    }
}

#[derive(Clone)]
pub struct ZendeskClient {
    transport: Transport,
    base: Url,
    authorization: Secret,
}

impl fmt::Debug for ZendeskClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZendeskClient").field("base", &self.base.as_str()).finish_non_exhaustive()
    }
}

impl ZendeskClient {
    pub fn new(settings: &ZendeskSettings) -> Result<Self, ClientError> {
        let base = parse_base_url(System::Zendesk, &settings.base_url)?;
        if settings.email.trim().is_empty() || settings.api_token.is_empty() {
            return Err(ClientError::Config {
                system: System::Zendesk,
                detail: "the agent email and the API token must both be set".to_owned(),
            });
        }
        Ok(Self { transport: Transport::new(System::Zendesk)?, base, authorization: settings.authorization() })
    }

    crate::http::transport_options!();

    /// Permanently deletes a user that was soft-deleted (`DELETE /api/v2/deleted_users/{id}`).
    pub async fn delete_user_permanently(&self, id: ZendeskUserId) -> Result<(), ClientError> {
        self.send(reqwest::Method::DELETE, &format!("api/v2/deleted_users/{id}"), None).await.map(drop)
    }

    pub async fn delete_organization(&self, id: crate::domain::ZendeskOrgId) -> Result<(), ClientError> {
        self.send(reqwest::Method::DELETE, &format!("api/v2/organizations/{id}"), None).await.map(drop)
    }

    /// The user whose API token this client uses, as `users/me` returns it.
    pub async fn me(&self) -> Result<Value, ClientError> {
        let answer = self.send(reqwest::Method::GET, "api/v2/users/me", None).await?;
        unwrap_envelope(&answer, "user")
    }

    pub async fn list_users(&self) -> Result<Vec<User>, ClientError> {
        self.list_all("api/v2/users", "users").await
    }

    pub async fn list_organizations(&self) -> Result<Vec<Organization>, ClientError> {
        self.list_all("api/v2/organizations", "organizations").await
    }

    pub async fn create_user(&self, user: &NewUser) -> Result<User, ClientError> {
        let answer = self.send(reqwest::Method::POST, "api/v2/users", Some(json!({ "user": user }))).await?;
        unwrap_envelope(&answer, "user")
    }

    pub async fn update_user(&self, id: ZendeskUserId, update: &UserUpdate) -> Result<User, ClientError> {
        let path = format!("api/v2/users/{id}");
        let answer = self.send(reqwest::Method::PUT, &path, Some(json!({ "user": update }))).await?;
        unwrap_envelope(&answer, "user")
    }

    /// The user exactly as the API returned it, for checks of JSON types on the wire.
    pub async fn user_json(&self, id: ZendeskUserId) -> Result<Value, ClientError> {
        let answer = self.send(reqwest::Method::GET, &format!("api/v2/users/{id}"), None).await?;
        unwrap_envelope(&answer, "user")
    }

    /// One organization (`GET /api/v2/organizations/{id}`).
    pub async fn organization(&self, id: crate::domain::ZendeskOrgId) -> Result<Organization, ClientError> {
        let answer = self.send(reqwest::Method::GET, &format!("api/v2/organizations/{id}"), None).await?;
        unwrap_envelope(&answer, "organization")
    }

    pub async fn create_organization(&self, organization: &NewOrganization) -> Result<Organization, ClientError> {
        let body = json!({ "organization": organization });
        let answer = self.send(reqwest::Method::POST, "api/v2/organizations", Some(body)).await?;
        unwrap_envelope(&answer, "organization")
    }

    /// Soft-deletes the user, as an administrator would.
    pub async fn delete_user(&self, id: ZendeskUserId) -> Result<(), ClientError> {
        self.send(reqwest::Method::DELETE, &format!("api/v2/users/{id}"), None).await.map(drop)
    }

    /// Makes `email` the user's primary email: a plain update would only add a secondary
    /// identity, so the identity is found (or added) and made primary.
    pub async fn set_primary_email(&self, id: ZendeskUserId, email: &str) -> Result<(), ClientError> {
        let path = format!("api/v2/users/{id}/identities");
        let listed = self.send(reqwest::Method::GET, &path, None).await?;
        let identities: Vec<Identity> = unwrap_envelope(&listed, "identities")?;
        let existing = identities.iter().find(|i| i.kind == "email" && i.value.eq_ignore_ascii_case(email.trim()));
        let identity = match existing {
            Some(identity) if identity.primary => return Ok(()),
            Some(identity) => identity.id,
            None => {
                let body = json!({ "identity": { "type": "email", "value": email.trim() } });
                let created = self.send(reqwest::Method::POST, &path, Some(body)).await?;
                unwrap_envelope::<Identity>(&created, "identity")?.id
            }
        };
        self.send(reqwest::Method::PUT, &format!("{path}/{identity}/make_primary"), Some(json!({}))).await?;
        Ok(())
    }

    pub async fn update_organization(
        &self,
        id: crate::domain::ZendeskOrgId,
        organization: &NewOrganization,
    ) -> Result<Organization, ClientError> {
        let body = json!({ "organization": organization });
        let answer = self.send(reqwest::Method::PUT, &format!("api/v2/organizations/{id}"), Some(body)).await?;
        unwrap_envelope(&answer, "organization")
    }

    /// The users changed since `from`, walked to the end of the incremental export (deleted
    /// users included, `active: false`), and the cursor to resume from.
    pub async fn export_users(&self, from: &ExportStart) -> Result<(Vec<User>, String), ClientError> {
        let mut url = self.url("api/v2/incremental/users/cursor")?;
        match from {
            ExportStart::Time(start) => url.query_pairs_mut().append_pair("start_time", &start.to_string()),
            ExportStart::Cursor(cursor) => url.query_pairs_mut().append_pair("cursor", cursor),
        };
        let mut users = Vec::new();
        loop {
            let answer = self.transport.send(self.authorize(self.transport.http.get(url.clone()))).await?;
            let mut page: Value = answer.json()?;
            let records = page.get_mut("users").map(Value::take).unwrap_or(Value::Null);
            users.extend(answer.decode_value::<Vec<User>>("users.", records)?);
            let cursor = page.get("after_cursor").and_then(Value::as_str).map(str::to_owned);
            let cursor = cursor.ok_or_else(|| answer.shape_error("after_cursor", "missing"))?;
            if page.get("end_of_stream").and_then(Value::as_bool).unwrap_or(true) {
                return Ok((users, cursor));
            }
            let mut next = self.url("api/v2/incremental/users/cursor")?;
            next.query_pairs_mut().append_pair("cursor", &cursor);
            if next == url {
                return Err(answer.shape_error("after_cursor", "the export did not move on"));
            }
            url = next;
        }
    }

    /// The organizations changed since `start_time` (deleted ones carry `deleted_at`), walked to
    /// the end of the time-based export, and the `end_time` to resume from.
    pub async fn export_organizations(&self, start_time: i64) -> Result<(Vec<Organization>, i64), ClientError> {
        let mut start = start_time;
        let mut organizations = Vec::new();
        loop {
            let mut url = self.url("api/v2/incremental/organizations")?;
            url.query_pairs_mut().append_pair("start_time", &start.to_string());
            let answer = self.transport.send(self.authorize(self.transport.http.get(url))).await?;
            let mut page: Value = answer.json()?;
            let records = page.get_mut("organizations").map(Value::take).unwrap_or(Value::Null);
            organizations.extend(answer.decode_value::<Vec<Organization>>("organizations.", records)?);
            let end_time = page.get("end_time").and_then(Value::as_i64).unwrap_or(start);
            if page.get("end_of_stream").and_then(Value::as_bool).unwrap_or(true) {
                return Ok((organizations, end_time));
            }
            if end_time <= start {
                return Err(answer.shape_error("end_time", "the export did not move on"));
            }
            start = end_time;
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Answer, ClientError> {
        self.transport.check_write(&method, path)?;
        let url = self.url(path)?;
        let mut request = self.transport.http.request(method.clone(), url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = self.transport.send(self.authorize(request)).await?;
        self.transport.record_write(&method, path, &answer);
        Ok(answer)
    }

    fn authorize(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request.header(reqwest::header::AUTHORIZATION, self.authorization.expose()).header("Accept", "application/json")
    }

    fn url(&self, path: &str) -> Result<Url, ClientError> {
        self.base.join(path).map_err(|e| ClientError::Config {
            system: System::Zendesk,
            detail: format!("cannot join {path:?} to the base URL: {e}"),
        })
    }

    /// Walks a cursor-paginated list (`page[size]`, `meta.has_more`, `links.next`) to its end.
    async fn list_all<T: DeserializeOwned>(&self, path: &str, key: &str) -> Result<Vec<T>, ClientError> {
        let mut url = self.url(path)?;
        url.query_pairs_mut().append_pair("page[size]", &PAGE_SIZE.to_string());
        let mut items = Vec::new();
        loop {
            let answer = self.transport.send(self.authorize(self.transport.http.get(url.clone()))).await?;
            let mut page: Value = answer.json()?;
            let records = page.get_mut(key).map(Value::take).unwrap_or(Value::Null);
            let records: Vec<T> = answer.decode_value(&format!("{key}."), records)?;
            items.extend(records);
            let has_more = page.pointer("/meta/has_more").and_then(Value::as_bool).unwrap_or(false);
            if !has_more {
                return Ok(items);
            }
            let next = page
                .pointer("/links/next")
                .and_then(Value::as_str)
                .ok_or_else(|| answer.shape_error("links.next", "meta.has_more is true but there is no next link"))?;
            let next = Url::parse(next).map_err(|e| answer.shape_error("links.next", e.to_string()))?;
            if next.origin() != self.base.origin() {
                // Following it would send the API token to another host.
                return Err(answer.shape_error("links.next", format!("the next page {next} is not on {}", self.base)));
            }
            if next == url {
                return Err(answer.shape_error("links.next", "the next page is the page just read"));
            }
            url = next;
        }
    }
}

fn unwrap_envelope<T: DeserializeOwned>(answer: &Answer, key: &str) -> Result<T, ClientError> {
    let mut body: Value = answer.json()?;
    let inner = body.get_mut(key).map(Value::take).ok_or_else(|| answer.shape_error(key, "missing"))?;
    answer.decode_value(&format!("{key}."), inner)
}
