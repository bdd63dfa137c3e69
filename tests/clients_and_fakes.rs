//! Pins the wire behaviour of both fakes (with raw HTTP) and of both clients against them:
//! auth and its real error shapes, pagination, validation, read-only fields, token caching.

mod support;

use dataflow_qa::domain::{ContactPersonRef, PogContactId, PogContactPersonId};
use dataflow_qa::fake::{FakeClock, Fakes};
use dataflow_qa::poweroffice::model::{NewContactPerson, NewCustomer, PatchOperation};
use dataflow_qa::poweroffice::{FakePowerOffice, PowerOfficeClient, PowerOfficeSettings};
use dataflow_qa::secret::Secret;
use dataflow_qa::zendesk::model::{NewUser, User, UserUpdate};
use dataflow_qa::zendesk::{FakeZendesk, ZendeskClient};
use pretty_assertions::assert_eq;
use serde_json::{json, Value};
use support::basic;

/// The error names the system, the request and the status, quotes the body, and hides the secret.
fn assert_clear_error(error: &dataflow_qa::http::ClientError, starts_with: &str, quotes: &str, secret: &str) {
    let message = error.to_string();
    assert!(message.starts_with(starts_with), "{message}");
    assert!(message.contains(quotes), "{message}");
    assert!(!message.contains(secret), "the message leaks a secret: {message}");
}

fn zendesk_auth(fake: &FakeZendesk) -> String {
    let settings = fake.settings();
    basic(&format!("{}/token", settings.email), settings.api_token.expose())
}

async fn create_user(client: &ZendeskClient, name: &str, email: &str) -> User {
    let user = NewUser { name: name.to_owned(), email: Some(email.to_owned()), ..NewUser::default() };
    client.create_user(&user).await.expect("create user")
}

async fn seed_users(client: &ZendeskClient, count: usize) {
    for n in 0..count {
        let user =
            NewUser { name: format!("User {n}"), email: Some(format!("user{n}@example.com")), ..NewUser::default() };
        client.create_user(&user).await.expect("create user");
    }
}

// ---- Zendesk ----

#[tokio::test]
async fn zendesk_wrong_credentials_get_the_real_401_and_a_clear_client_error() {
    let fake = FakeZendesk::start(FakeClock::starting_now()).await;
    let response = reqwest::Client::new()
        .get(format!("{}/api/v2/users.json", fake.uri()))
        .header("Authorization", basic("qa-agent@example.com/token", "wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Basic realm=\"Web Password\"");
    assert_eq!(response.headers()["content-type"], "application/json; charset=UTF-8");
    assert_eq!(response.json::<Value>().await.unwrap(), json!({ "error": "Couldn't authenticate you" }));

    let mut settings = fake.settings();
    settings.api_token = Secret::new("not-the-token");
    let error = settings.client().unwrap().list_users().await.unwrap_err();
    assert_clear_error(
        &error,
        "Zendesk answered 401 Unauthorized to GET /api/v2/users",
        "Couldn't authenticate you",
        "not-the-token",
    );
}

#[tokio::test]
async fn zendesk_password_style_basic_auth_is_refused() {
    let fake = FakeZendesk::start(FakeClock::starting_now()).await;
    let settings = fake.settings();
    let response = reqwest::Client::new()
        .get(format!("{}/api/v2/users", fake.uri()))
        .header("Authorization", basic(&settings.email, settings.api_token.expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn zendesk_cursor_pagination_walks_every_user_exactly_once_at_any_page_size() {
    let fake = FakeZendesk::start(FakeClock::starting_now()).await;
    let client = fake.settings().client().unwrap();
    seed_users(&client, 7).await;
    let http = reqwest::Client::new();
    for size in [1, 2, 3, 7, 100] {
        let mut next = Some(format!("{}/api/v2/users.json?page[size]={size}", fake.uri()));
        let mut names = Vec::new();
        while let Some(url) = next {
            let page: Value =
                http.get(&url).header("Authorization", zendesk_auth(&fake)).send().await.unwrap().json().await.unwrap();
            let users = page["users"].as_array().unwrap();
            assert!(users.len() <= size, "page size {size} exceeded");
            names.extend(users.iter().map(|u| u["name"].as_str().unwrap().to_owned()));
            next = match page["meta"]["has_more"].as_bool().unwrap() {
                true => Some(page["links"]["next"].as_str().unwrap().to_owned()),
                false => None,
            };
        }
        let expected: Vec<String> = (0..7).map(|n| format!("User {n}")).collect();
        assert_eq!(names, expected, "page size {size}");
    }
    assert_eq!(client.list_users().await.unwrap().len(), 7);
}

#[tokio::test]
async fn zendesk_offset_pagination_counts_and_links_pages() {
    let fake = FakeZendesk::start(FakeClock::starting_now()).await;
    seed_users(&fake.settings().client().unwrap(), 3).await;
    let page = support::RawZendesk::new(&fake).get("/api/v2/users?per_page=2&page=2").await.body;
    assert_eq!(page["count"], 3);
    assert_eq!(page["users"].as_array().unwrap().len(), 1);
    assert_eq!(page["next_page"], Value::Null);
    assert!(page["previous_page"].as_str().unwrap().ends_with("page=1&per_page=2"));
}

#[tokio::test]
async fn zendesk_users_carry_every_field_with_explicit_nulls() {
    let fake = FakeZendesk::start(FakeClock::starting_now()).await;
    let client = fake.settings().client().unwrap();
    let user = create_user(&client, "Kari", "  Kari@Acme.NO ").await;
    let wire = client.user_json(user.id).await.unwrap();
    for field in dataflow_qa::zendesk::contract::USER.fields {
        assert!(wire.get(field.name).is_some(), "{} is missing", field.name);
        assert_eq!(field.type_mismatch(&wire[field.name]), None);
    }
    assert_eq!(wire["email"], "kari@acme.no", "Zendesk stores emails trimmed and lower-cased");
    assert_eq!(wire["role"], "end-user");
    assert_eq!(wire["phone"], Value::Null);
    assert!(wire["id"].as_u64().unwrap() > u64::from(u32::MAX), "ids exceed 32 bits as real ones do");
    assert!(wire["url"].as_str().unwrap().ends_with(&format!("/api/v2/users/{}.json", user.id)));
    let created = wire["created_at"].as_str().unwrap();
    assert_eq!(created.len(), "2021-11-15T23:20:11Z".len());
    assert!(created.ends_with('Z'));
}

#[tokio::test]
async fn zendesk_put_with_email_adds_a_secondary_identity_and_keeps_the_primary() {
    let fake = FakeZendesk::start(FakeClock::starting_now()).await;
    let client = fake.settings().client().unwrap();
    let user = create_user(&client, "Kari", "kari@acme.no").await;
    let update = UserUpdate { email: Some("kari.new@acme.no".into()), ..UserUpdate::default() };
    let updated = client.update_user(user.id, &update).await.unwrap();
    assert_eq!(updated.email.as_deref(), Some("kari@acme.no"));
    assert!(updated.updated_at > user.updated_at, "updated_at moves on every change");
    // The secondary identity now belongs to Kari, so nobody else can take it.
    let clash = NewUser { name: "Other".into(), email: Some("KARI.NEW@acme.no".into()), ..NewUser::default() };
    let error = client.create_user(&clash).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    assert!(error.to_string().contains("DuplicateValue"), "{error}");
}

#[tokio::test]
async fn zendesk_validation_errors_use_the_record_invalid_envelope() {
    let fake = FakeZendesk::start(FakeClock::starting_now()).await;
    let http = reqwest::Client::new();
    let post = |body: Value| {
        http.post(format!("{}/api/v2/users.json", fake.uri()))
            .header("Authorization", zendesk_auth(&fake))
            .json(&body)
            .send()
    };
    let missing_name: Value = post(json!({ "user": { "email": "x@acme.no" } })).await.unwrap().json().await.unwrap();
    assert_eq!(
        missing_name,
        json!({
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": { "name": [{ "description": "Name: is too short (minimum is 1 characters)" }] }
        })
    );
    let bad_email = post(json!({ "user": { "name": "X", "email": "badmail" } })).await.unwrap();
    assert_eq!(bad_email.status(), 422);
    let body: Value = bad_email.json().await.unwrap();
    assert_eq!(body["details"]["email"][0]["description"], "Email: badmail is not properly formatted");
    let bad_role = post(json!({ "user": { "name": "X", "role": "owner" } })).await.unwrap();
    assert_eq!(bad_role.status(), 422);
}

#[tokio::test]
async fn zendesk_paths_work_with_and_without_json_suffix_and_unknown_ids_are_not_found() {
    let fake = FakeZendesk::start(FakeClock::starting_now()).await;
    let http = reqwest::Client::new();
    for path in ["/api/v2/users", "/api/v2/users.json", "/api/v2/organizations.json"] {
        let response =
            http.get(format!("{}{path}", fake.uri())).header("Authorization", zendesk_auth(&fake)).send().await;
        assert_eq!(response.unwrap().status(), 200, "{path}");
    }
    let missing = http.get(format!("{}/api/v2/users/42.json", fake.uri())).header("Authorization", zendesk_auth(&fake));
    let missing = missing.send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().await.unwrap(),
        json!({ "error": "RecordNotFound", "description": "Not found" })
    );
}

// ---- PowerOffice Go ----

async fn customer_with_person(client: &PowerOfficeClient) -> ContactPersonRef {
    let customer =
        client.create_customer(&NewCustomer { name: Some("Acme AS".into()), ..NewCustomer::default() }).await.unwrap();
    let person = NewContactPerson {
        first_name: "Kari".into(),
        last_name: "Nordmann".into(),
        email_address: Some("kari@acme.no".into()),
    };
    client.create_contact_person(customer.id, &person).await.unwrap().reference()
}

#[tokio::test]
async fn poweroffice_token_needs_the_keys_and_the_api_needs_token_and_subscription_key() {
    let fake = FakePowerOffice::start(FakeClock::starting_now()).await;
    let settings = fake.settings();
    let http = reqwest::Client::new();
    let token_url = settings.token_url.clone();
    let token_request = |authorization: String, subscription: &str| {
        http.post(&token_url)
            .header("Authorization", authorization)
            .header("Ocp-Apim-Subscription-Key", subscription)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
    };
    let subscription = settings.subscription_key.expose();
    let good = basic(settings.application_key.expose(), settings.client_key.expose());

    let wrong_keys = token_request(basic("app", "wrong"), subscription).await.unwrap();
    assert_eq!(wrong_keys.status(), 400);
    assert_eq!(wrong_keys.json::<Value>().await.unwrap()["error"], "invalid_client");

    let wrong_subscription = token_request(good.clone(), "nope").await.unwrap();
    assert_eq!(wrong_subscription.status(), 401);

    let token: Value = token_request(good, subscription).await.unwrap().json().await.unwrap();
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["expires_in"], 1200);
    let access_token = token["access_token"].as_str().unwrap();

    let list = format!("{}/ContactPersons", settings.api_base_url);
    let no_token = http.get(&list).header("Ocp-Apim-Subscription-Key", subscription).send().await.unwrap();
    assert_eq!(no_token.status(), 401);
    let bad_token =
        http.get(&list).bearer_auth("forged").header("Ocp-Apim-Subscription-Key", subscription).send().await.unwrap();
    assert_eq!(bad_token.status(), 401);
    let no_key = http.get(&list).bearer_auth(access_token).send().await.unwrap();
    assert_eq!(no_key.status(), 401);
    assert!(no_key.text().await.unwrap().contains("missing subscription key"));
    let empty = http.get(&list).bearer_auth(access_token).header("Ocp-Apim-Subscription-Key", subscription);
    let empty = empty.send().await.unwrap();
    assert_eq!(empty.status(), 204, "an empty list is a 204");
    assert_eq!(empty.text().await.unwrap(), "");
}

#[tokio::test]
async fn poweroffice_client_errors_name_the_system_and_status_without_secrets() {
    let fake = FakePowerOffice::start(FakeClock::starting_now()).await;
    let settings = PowerOfficeSettings { client_key: Secret::new("stolen-client-key"), ..fake.settings() };
    let error = settings.client().unwrap().list_customers().await.unwrap_err();
    assert_clear_error(
        &error,
        "PowerOffice Go answered 400 Bad Request to POST /OAuth/Token",
        "invalid_client",
        "stolen-client-key",
    );
}

#[tokio::test]
async fn poweroffice_client_reuses_its_token_and_replaces_a_revoked_one() {
    let fake = FakePowerOffice::start(FakeClock::starting_now()).await;
    let client = fake.settings().client().unwrap();
    let token_requests = || fake.journal().iter().filter(|e| e.path.eq_ignore_ascii_case("/OAuth/Token")).count();
    client.list_customers().await.unwrap();
    client.list_contact_persons().await.unwrap();
    client.list_customers().await.unwrap();
    assert_eq!(token_requests(), 1, "a fresh token is reused");

    fake.revoke_tokens();
    client.list_customers().await.unwrap();
    assert_eq!(token_requests(), 2, "a 401 makes the client fetch a new token and try once more");
    let statuses: Vec<u16> = fake.journal().iter().rev().take(3).map(|e| e.status).collect();
    assert_eq!(statuses, vec![204, 200, 401]);
}

#[tokio::test]
async fn poweroffice_contact_person_posts_and_patches_follow_the_contract() {
    let fakes = Fakes::start().await;
    let client = fakes.poweroffice.settings().client().unwrap();
    let person = customer_with_person(&client).await;
    let wire = client.contact_person_json(person).await.unwrap();
    for field in dataflow_qa::poweroffice::contract::CONTACT_PERSON.fields {
        assert!(wire.get(field.name).is_some(), "{} is missing", field.name);
        assert_eq!(field.type_mismatch(&wire[field.name]), None);
    }
    assert_eq!(wire["ContactId"], json!(person.contact_id.get()));

    let patched =
        client.patch_contact_person(person, &[PatchOperation::replace("emailAddress", "k@acme.no")]).await.unwrap();
    assert_eq!(patched.email_address.as_deref(), Some("k@acme.no"), "patch paths match without regard to case");
    let read_only = client.patch_contact_person(person, &[PatchOperation::replace("ContactId", 1)]).await.unwrap_err();
    assert_eq!(read_only.status().map(|s| s.as_u16()), Some(400));
    assert!(read_only.to_string().contains("read-only"), "{read_only}");
    let wrong_type =
        client.patch_contact_person(person, &[PatchOperation::replace("EmailAddress", 5)]).await.unwrap_err();
    assert!(wrong_type.to_string().contains("must be a JSON string"), "{wrong_type}");
    let missing = ContactPersonRef { contact_id: person.contact_id, id: PogContactPersonId::new(1) };
    assert_eq!(client.contact_person_json(missing).await.unwrap_err().status().map(|s| s.as_u16()), Some(404));
    drop(client);
    fakes.shutdown().await;
}

#[tokio::test]
async fn poweroffice_rejects_what_the_real_api_rejects() {
    let fake = FakePowerOffice::start(FakeClock::starting_now()).await;
    let client = fake.settings().client().unwrap();
    let no_name = client.create_customer(&NewCustomer::default()).await.unwrap_err();
    assert!(no_name.to_string().contains("Name is required"), "{no_name}");
    let person_without_names = NewCustomer { is_person: Some(true), ..NewCustomer::default() };
    assert!(client.create_customer(&person_without_names).await.unwrap_err().to_string().contains("FirstName"));
    let orphan = NewContactPerson { first_name: "A".into(), last_name: "B".into(), email_address: None };
    let error = client.create_contact_person(PogContactId::new(999), &orphan).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));

    let settings = fake.settings();
    let token = support::RawPowerOffice::new(&fake).await.token().to_owned();
    let customer =
        client.create_customer(&NewCustomer { name: Some("Acme".into()), ..Default::default() }).await.unwrap();
    let http = reqwest::Client::new();
    let create = |body: Value| {
        http.post(format!("{}/contactpersons/{}", settings.api_base_url, customer.id))
            .bearer_auth(&token)
            .header("Ocp-Apim-Subscription-Key", settings.subscription_key.expose())
            .json(&body)
            .send()
    };
    let missing_last_name = create(json!({ "firstName": "Kari" })).await.unwrap();
    assert_eq!(missing_last_name.status(), 400);
    let problem: Value = missing_last_name.json().await.unwrap();
    assert_eq!(problem["title"], "ContactPerson validation error(s)");
    assert!(problem["detail"].as_str().unwrap().contains("LastName is required"));
    let camel_case: Value =
        create(json!({ "firstName": "Kari", "lastname": "N", "id": 7 })).await.unwrap().json().await.unwrap();
    assert_eq!(camel_case["FirstName"], "Kari", "input names are matched without regard to case");
    assert_ne!(camel_case["Id"], 7, "a read-only Id in a POST body is ignored");
    let not_json_patch = http
        .patch(format!("{}/ContactPersons/{}/{}", settings.api_base_url, customer.id, camel_case["Id"]))
        .bearer_auth(&token)
        .header("Ocp-Apim-Subscription-Key", settings.subscription_key.expose())
        .json(&json!([{ "op": "replace", "path": "/Title", "value": "CFO" }]))
        .send()
        .await
        .unwrap();
    assert_eq!(not_json_patch.status(), 415);
}

#[tokio::test]
async fn poweroffice_list_pages_cover_every_record_once() {
    let fake = FakePowerOffice::start(FakeClock::starting_now()).await;
    let client = fake.settings().client().unwrap();
    for n in 0..5 {
        client
            .create_customer(&NewCustomer { name: Some(format!("Customer {n}")), ..Default::default() })
            .await
            .unwrap();
    }
    let settings = fake.settings();
    let token = support::RawPowerOffice::new(&fake).await.token().to_owned();
    let http = reqwest::Client::new();
    for size in [1, 2, 5, 6] {
        let mut names = Vec::new();
        for page in 1.. {
            let response = http
                .get(format!("{}/Customers?PageNumber={page}&PageSize={size}", settings.api_base_url))
                .bearer_auth(&token)
                .header("Ocp-Apim-Subscription-Key", settings.subscription_key.expose())
                .send()
                .await
                .unwrap();
            if response.status() == 204 {
                break;
            }
            let records: Vec<Value> = response.json().await.unwrap();
            names.extend(records.iter().map(|r| r["Name"].as_str().unwrap().to_owned()));
        }
        let expected: Vec<String> = (0..5).map(|n| format!("Customer {n}")).collect();
        assert_eq!(names, expected, "page size {size}");
    }
    assert_eq!(client.list_customers().await.unwrap().len(), 5);
}

#[tokio::test]
async fn debug_output_of_the_world_and_clients_never_shows_credentials() {
    let mut world = dataflow_qa::harness::QaWorld::new().await.unwrap();
    let zendesk = dataflow_qa::zendesk::ZendeskCredentials::default();
    let poweroffice = dataflow_qa::poweroffice::PowerOfficeCredentials::default();
    let secrets =
        [&zendesk.api_token, &poweroffice.application_key, &poweroffice.client_key, &poweroffice.subscription_key];
    let printed = format!(
        "{world:?} {:?} {:?} {:?}",
        world.zendesk(),
        world.poweroffice(),
        world.fakes().unwrap().poweroffice.settings()
    );
    for secret in secrets {
        assert!(!printed.contains(secret.expose()), "Debug output leaks a credential: {printed}");
    }
    world.shutdown().await;
}

#[tokio::test]
async fn clients_retry_what_the_server_did_not_carry_out_and_never_repeat_a_lost_post() {
    use dataflow_qa::fake::Fault;
    use dataflow_qa::http::RetryPolicy;
    let fakes = Fakes::start().await;
    let no_waiting = RetryPolicy { base_backoff: std::time::Duration::ZERO, ..RetryPolicy::default() };
    let zendesk = fakes.zendesk.settings().client().unwrap().with_retry_policy(no_waiting);
    let user = create_user(&zendesk, "Kari", "kari@acme.no").await;

    fakes.zendesk.inject(Fault::rate_limit("PUT", "/api/v2/users/*", 0));
    let update = UserUpdate { name: Some("Kari N".into()), ..UserUpdate::default() };
    assert_eq!(zendesk.update_user(user.id, &update).await.unwrap().name, "Kari N", "a 429 is waited out");

    let poweroffice = fakes.poweroffice.settings().client().unwrap().with_retry_policy(no_waiting);
    fakes.poweroffice.inject(Fault::status("GET", "/v2/Customers", 503).times(2));
    assert_eq!(poweroffice.list_customers().await.unwrap().len(), 0, "two 503s, then the answer");

    let lost_post = Fault { method: Some("POST".into()), ..Fault::close_after("/v2/Customers", 0) }.times(1);
    fakes.poweroffice.inject(lost_post);
    let lost = poweroffice.create_customer(&NewCustomer { name: Some("Acme".into()), ..NewCustomer::default() }).await;
    assert!(lost.is_err(), "a POST whose answer was lost is not sent again");
    let posts = fakes.poweroffice.journal().iter().filter(|e| e.method == "POST" && e.path == "/v2/Customers").count();
    assert_eq!(posts, 1);

    fakes.poweroffice.inject(Fault::status("GET", "/v2/Customers", 503).times(4));
    let error = poweroffice.list_customers().await.unwrap_err().to_string();
    assert!(error.contains("503 Service Unavailable") && error.ends_with("(gave up after 4 attempts)"), "{error}");
    drop((zendesk, poweroffice));
    fakes.shutdown().await;
}
