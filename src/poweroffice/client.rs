//! The PowerOffice Go v2 client: OAuth client credentials plus the subscription key, a token
//! cached until shortly before it expires, `PageNumber`/`PageSize` paging, and JSON Patch
//! updates. It knows only URLs and keys, so the same code talks to the fake and to PowerOffice.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::model::{
    ContactPerson, Customer, Department, Employee, NewContactPerson, NewCustomer, NewDepartment, NewEmployee,
    PatchOperation,
};
use crate::domain::{ContactPersonRef, PogContactId, PogDepartmentId, PogEmployeeId, System};
use crate::http::{parse_base_url, Answer, ClientError, Transport};
use crate::secret::Secret;

/// Records per page when listing. The API's default is 5000 and its maximum 20000; a smaller
/// page keeps one answer small without costing many requests.
const PAGE_SIZE: usize = 1000;
/// A token is renewed this long before it expires, so no request goes out with a dying one.
const RENEW_MARGIN: Duration = Duration::from_secs(60);
const SUBSCRIPTION_HEADER: &str = "Ocp-Apim-Subscription-Key";

#[derive(Clone, Debug)]
pub struct PowerOfficeSettings {
    /// `https://goapi.poweroffice.net/v2` (or `/Demo/v2`), or a fake's `/v2`.
    pub api_base_url: String,
    /// `https://goapi.poweroffice.net/OAuth/Token` (or `/Demo/OAuth/Token`).
    pub token_url: String,
    pub application_key: Secret,
    pub client_key: Secret,
    pub subscription_key: Secret,
}

impl PowerOfficeSettings {
    pub fn client(&self) -> Result<PowerOfficeClient, ClientError> {
        PowerOfficeClient::new(self)
    }
}

struct CachedToken {
    value: Secret,
    renew_at: Instant,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: u64,
}

#[derive(Clone)]
pub struct PowerOfficeClient {
    transport: Transport,
    api_base: Url,
    token_url: Url,
    basic_credentials: Secret,
    subscription_key: Secret,
    token: Arc<tokio::sync::Mutex<Option<CachedToken>>>,
}

impl fmt::Debug for PowerOfficeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PowerOfficeClient")
            .field("api_base", &self.api_base.as_str())
            .field("token_url", &self.token_url.as_str())
            .finish_non_exhaustive()
    }
}

impl PowerOfficeClient {
    pub fn new(settings: &PowerOfficeSettings) -> Result<Self, ClientError> {
        let api_base = parse_base_url(System::PowerOffice, &settings.api_base_url)?;
        let token_url = Url::parse(settings.token_url.trim()).map_err(|e| ClientError::Config {
            system: System::PowerOffice,
            detail: format!("token URL {:?} is not a URL: {e}", settings.token_url),
        })?;
        let missing: Vec<&str> = [
            ("application key", &settings.application_key),
            ("client key", &settings.client_key),
            ("subscription key", &settings.subscription_key),
        ]
        .into_iter()
        .filter(|(_, secret)| secret.is_empty())
        .map(|(name, _)| name)
        .collect();
        if !missing.is_empty() {
            return Err(ClientError::Config {
                system: System::PowerOffice,
                detail: format!("missing {}", missing.join(", ")),
            });
        }
        let pair = format!("{}:{}", settings.application_key.expose(), settings.client_key.expose());
        Ok(Self {
            transport: Transport::new(System::PowerOffice)?,
            api_base,
            token_url,
            basic_credentials: Secret::new(base64::engine::general_purpose::STANDARD.encode(pair)),
            subscription_key: settings.subscription_key.clone(),
            token: Arc::new(tokio::sync::Mutex::new(None)),
        })
    }

    crate::http::transport_options!();

    pub async fn delete_customer(&self, id: PogContactId) -> Result<(), ClientError> {
        self.call(Method::DELETE, &format!("Customers/{id}"), None).await.map(drop)
    }

    pub async fn delete_employee(&self, id: PogEmployeeId) -> Result<(), ClientError> {
        self.call(Method::DELETE, &format!("Employees/{id}"), None).await.map(drop)
    }

    pub async fn list_departments(&self) -> Result<Vec<Department>, ClientError> {
        self.list_all("Departments", None).await
    }

    /// What the client integration may do (`GET /ClientIntegrationInformation`, no privilege needed).
    pub async fn client_integration_information(&self) -> Result<Value, ClientError> {
        self.call(Method::GET, "ClientIntegrationInformation", None).await?.json()
    }

    pub async fn list_contact_persons(&self) -> Result<Vec<ContactPerson>, ClientError> {
        self.list_all("ContactPersons", None).await
    }

    pub async fn list_customers(&self) -> Result<Vec<Customer>, ClientError> {
        self.list_all("Customers", None).await
    }

    /// Records of `resource` (`ContactPersons`, `Customers`, `Employees`) changed after `after`.
    pub async fn list_changed<T: DeserializeOwned>(&self, resource: &str, after: &str) -> Result<Vec<T>, ClientError> {
        self.list_all(resource, Some(("lastChangedDateTimeOffsetGreaterThan", after))).await
    }

    pub async fn create_customer(&self, customer: &NewCustomer) -> Result<Customer, ClientError> {
        self.call(Method::POST, "Customers", Some(Body::Json(serde_json::to_value(customer).unwrap_or_default())))
            .await?
            .json()
    }

    pub async fn create_contact_person(
        &self,
        contact_id: PogContactId,
        person: &NewContactPerson,
    ) -> Result<ContactPerson, ClientError> {
        let body = Body::Json(serde_json::to_value(person).unwrap_or_default());
        self.call(Method::POST, &format!("ContactPersons/{contact_id}"), Some(body)).await?.json()
    }

    pub async fn patch_contact_person(
        &self,
        person: ContactPersonRef,
        operations: &[PatchOperation],
    ) -> Result<ContactPerson, ClientError> {
        let path = format!("ContactPersons/{}/{}", person.contact_id, person.id);
        let body = Body::Patch(serde_json::to_value(operations).unwrap_or_default());
        self.call(Method::PATCH, &path, Some(body)).await?.json()
    }

    /// Deletes a contact person. The sync never calls this: nothing is deleted in the accounting
    /// system. Scenarios use it to delete on the PowerOffice Go side.
    pub async fn delete_contact_person(&self, person: ContactPersonRef) -> Result<(), ClientError> {
        let path = format!("ContactPersons/{}/{}", person.contact_id, person.id);
        self.call(Method::DELETE, &path, None).await.map(drop)
    }

    pub async fn patch_customer(
        &self,
        id: PogContactId,
        operations: &[PatchOperation],
    ) -> Result<Customer, ClientError> {
        let body = Body::Patch(serde_json::to_value(operations).unwrap_or_default());
        self.call(Method::PATCH, &format!("Customers/{id}"), Some(body)).await?.json()
    }

    pub async fn list_employees(&self) -> Result<Vec<Employee>, ClientError> {
        self.list_all("Employees", None).await
    }

    pub async fn create_employee(&self, employee: &NewEmployee) -> Result<Employee, ClientError> {
        let body = Body::Json(serde_json::to_value(employee).unwrap_or_default());
        self.call(Method::POST, "Employees", Some(body)).await?.json()
    }

    pub async fn patch_employee(
        &self,
        id: PogEmployeeId,
        operations: &[PatchOperation],
    ) -> Result<Employee, ClientError> {
        let body = Body::Patch(serde_json::to_value(operations).unwrap_or_default());
        self.call(Method::PATCH, &format!("Employees/{id}"), Some(body)).await?.json()
    }

    /// The employee exactly as the API returned it, for checks of JSON types on the wire.
    pub async fn employee_json(&self, id: PogEmployeeId) -> Result<Value, ClientError> {
        self.call(Method::GET, &format!("Employees/{id}"), None).await?.json()
    }

    pub async fn create_department(&self, department: &NewDepartment) -> Result<Department, ClientError> {
        let body = Body::Json(serde_json::to_value(department).unwrap_or_default());
        self.call(Method::POST, "Departments", Some(body)).await?.json()
    }

    /// Deletes a department; like `delete_contact_person`, only scenarios call it.
    pub async fn delete_department(&self, id: PogDepartmentId) -> Result<(), ClientError> {
        self.call(Method::DELETE, &format!("Departments/{id}"), None).await.map(drop)
    }

    /// The customer exactly as the API returned it, for checks of JSON types on the wire.
    pub async fn customer_json(&self, id: PogContactId) -> Result<Value, ClientError> {
        self.call(Method::GET, &format!("Customers/{id}"), None).await?.json()
    }

    /// The contact person exactly as the API returned it, for checks of JSON types on the wire.
    pub async fn contact_person_json(&self, person: ContactPersonRef) -> Result<Value, ClientError> {
        let path = format!("ContactPersons/{}/{}", person.contact_id, person.id);
        self.call(Method::GET, &path, None).await?.json()
    }

    /// Reads every page: `PageNumber` from 1 until a short page or a 204.
    async fn list_all<T: DeserializeOwned>(
        &self,
        resource: &str,
        filter: Option<(&str, &str)>,
    ) -> Result<Vec<T>, ClientError> {
        let mut items = Vec::new();
        for page_number in 1.. {
            let mut query =
                url_query(&[("PageNumber", &page_number.to_string()), ("PageSize", &PAGE_SIZE.to_string())]);
            if let Some((name, value)) = filter {
                query.push('&');
                query.push_str(&url_query(&[(name, value)]));
            }
            let answer = self.call(Method::GET, &format!("{resource}?{query}"), None).await?;
            if answer.status == StatusCode::NO_CONTENT || answer.body.trim().is_empty() {
                break;
            }
            let page: Vec<T> = answer.json()?;
            let full = page.len() >= PAGE_SIZE;
            items.extend(page);
            if !full {
                break;
            }
        }
        Ok(items)
    }

    /// Sends an API call with a bearer token. A 401 means the token died early (revoked, or a
    /// clock skew): the client fetches a new one and tries once more.
    async fn call(&self, method: Method, path: &str, body: Option<Body>) -> Result<Answer, ClientError> {
        let url = self.api_base.join(path).map_err(|e| ClientError::Config {
            system: System::PowerOffice,
            detail: format!("cannot join {path:?} to the API base URL: {e}"),
        })?;
        self.transport.check_write(&method, path)?;
        let answer = match self.send_authorized(&method, &url, body.as_ref()).await {
            Err(error) if error.status() == Some(StatusCode::UNAUTHORIZED) => {
                self.token.lock().await.take();
                self.send_authorized(&method, &url, body.as_ref()).await
            }
            other => other,
        }?;
        self.transport.record_write(&method, path, &answer);
        Ok(answer)
    }

    async fn send_authorized(&self, method: &Method, url: &Url, body: Option<&Body>) -> Result<Answer, ClientError> {
        let token = self.bearer_token().await?;
        let mut request = self
            .transport
            .http
            .request(method.clone(), url.clone())
            .bearer_auth(token.expose())
            .header(SUBSCRIPTION_HEADER, self.subscription_key.expose())
            .header("Accept", "application/json");
        request = match body {
            Some(Body::Json(value)) => request.json(value),
            Some(Body::Patch(value)) => {
                request.header(reqwest::header::CONTENT_TYPE, "application/json-patch+json").body(value.to_string())
            }
            None => request,
        };
        self.transport.send(request).await
    }

    async fn bearer_token(&self) -> Result<Secret, ClientError> {
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.renew_at) {
            return Ok(token.value.clone());
        }
        let request = self
            .transport
            .http
            .post(self.token_url.clone())
            .header(reqwest::header::AUTHORIZATION, format!("Basic {}", self.basic_credentials.expose()))
            .header(SUBSCRIPTION_HEADER, self.subscription_key.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded; charset=utf-8")
            .header("Accept", "application/json")
            .body("grant_type=client_credentials");
        let answer = self.transport.send_token_request(request).await?;
        let response: TokenResponse = answer.json()?;
        let token = CachedToken {
            value: Secret::new(response.access_token),
            renew_at: renewal_deadline(Instant::now(), response.expires_in),
        };
        let value = token.value.clone();
        *cached = Some(token);
        Ok(value)
    }
}

/// A query string with every value percent-encoded (a `+` in a date-time offset included).
fn url_query(pairs: &[(&str, &str)]) -> String {
    let mut url = Url::parse("http://query.invalid/").expect("a fixed URL parses");
    url.query_pairs_mut().extend_pairs(pairs);
    url.query().unwrap_or_default().to_owned()
}

/// When a token fetched at `fetched` must be replaced: a minute before it expires, or after
/// three quarters of its life when it lives less than four minutes.
fn renewal_deadline(fetched: Instant, expires_in_seconds: u64) -> Instant {
    let lifetime = Duration::from_secs(expires_in_seconds);
    fetched + lifetime.saturating_sub(RENEW_MARGIN.min(lifetime / 4))
}

enum Body {
    Json(Value),
    Patch(Value),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_renewed_a_minute_early_or_at_three_quarters_of_a_short_life() {
        let now = Instant::now();
        assert_eq!(renewal_deadline(now, 1200) - now, Duration::from_secs(1140));
        assert_eq!(renewal_deadline(now, 600) - now, Duration::from_secs(540));
        assert_eq!(renewal_deadline(now, 120) - now, Duration::from_secs(90));
        assert_eq!(renewal_deadline(now, 0), now);
    }
}
