//! The fake Zendesk, endpoint by endpoint, over raw HTTP: success, auth failure, validation
//! failure and pagination, plus faults, the journal and state.

mod support;

use dataflow_qa::fake::{FakeClock, Fault, FaultAction};
use dataflow_qa::http::RetryPolicy;
use dataflow_qa::zendesk::FakeZendesk;
use pretty_assertions::assert_eq;
use serde_json::{json, Value};
use support::RawZendesk;
use time::Duration;

async fn fake() -> (FakeZendesk, RawZendesk) {
    let fake = FakeZendesk::start(FakeClock::starting_now()).await;
    let raw = RawZendesk::new(&fake);
    (fake, raw)
}

async fn create_user(raw: &RawZendesk, name: &str, email: &str) -> Value {
    let answer =
        raw.call("POST", "/api/v2/users.json", Some(json!({ "user": { "name": name, "email": email } }))).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.body["user"].clone()
}

#[tokio::test]
async fn every_route_refuses_wrong_credentials_with_the_real_401() {
    let (fake, _) = fake().await;
    let http = reqwest::Client::new();
    for (method, path) in [
        ("GET", "/api/v2/users/1.json"),
        ("POST", "/api/v2/users/create_or_update.json"),
        ("PUT", "/api/v2/users/1/identities/2/make_primary.json"),
        ("DELETE", "/api/v2/organizations/1.json"),
        ("GET", "/api/v2/incremental/users/cursor.json?start_time=0"),
    ] {
        let response = http
            .request(method.parse().unwrap(), format!("{}{path}", fake.uri()))
            .header("Authorization", support::basic("qa-agent@example.com/token", "guess"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{method} {path}");
        assert_eq!(response.json::<Value>().await.unwrap(), json!({ "error": "Couldn't authenticate you" }));
    }
}

#[tokio::test]
async fn create_or_update_matches_by_email_or_external_id() {
    let (_fake, raw) = fake().await;
    let created = raw
        .call(
            "POST",
            "/api/v2/users/create_or_update.json",
            Some(json!({ "user": { "name": "Kari", "email": "kari@acme.no", "external_id": "K-1" } })),
        )
        .await;
    assert_eq!(created.status, 201);
    assert!(created.headers["location"]
        .to_str()
        .unwrap()
        .ends_with(&format!("/api/v2/users/{}.json", created.body["user"]["id"])));
    let by_email = raw
        .call(
            "POST",
            "/api/v2/users/create_or_update",
            Some(json!({ "user": { "name": "Kari N", "email": "KARI@acme.no" } })),
        )
        .await;
    assert_eq!(by_email.status, 200);
    assert_eq!(by_email.body["user"]["id"], created.body["user"]["id"]);
    assert_eq!(by_email.body["user"]["name"], "Kari N");
    let by_external_id = raw
        .call(
            "POST",
            "/api/v2/users/create_or_update",
            Some(json!({ "user": { "name": "Kari", "external_id": "k-1" } })),
        )
        .await;
    assert_eq!(by_external_id.status, 200);
    assert_eq!(by_external_id.body["user"]["external_id"], "k-1", "a match by external_id takes the request's casing");
}

#[tokio::test]
async fn a_deleted_user_is_inactive_without_email_and_frees_its_email() {
    let (_fake, raw) = fake().await;
    let user = create_user(&raw, "Kari", "kari@acme.no").await;
    let deleted = raw.call("DELETE", &format!("/api/v2/users/{}.json", user["id"]), None).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.body["user"]["active"], false);
    assert_eq!(deleted.body["user"]["email"], Value::Null);
    assert_eq!(raw.get("/api/v2/users.json").await.body["users"], json!([]), "lists show active users");
    create_user(&raw, "Kari again", "kari@acme.no").await;
    assert_eq!(raw.call("DELETE", "/api/v2/users/12.json", None).await.status, 404);
}

#[tokio::test]
async fn search_finds_users_by_any_email_identity_by_name_and_by_external_id() {
    let (_fake, raw) = fake().await;
    let user = create_user(&raw, "Kari Nordmann", "kari@acme.no").await;
    let path = format!("/api/v2/users/{}.json", user["id"]);
    raw.call("PUT", &path, Some(json!({ "user": { "email": "kari@home.no", "external_id": "EXT-7" } }))).await;
    for query in ["query=kari%40home.no", "query=email%3AKARI%40acme.no", "query=nordmann", "external_id=ext-7"] {
        let found = raw.get(&format!("/api/v2/users/search.json?{query}")).await.body;
        assert_eq!(found["count"], 1, "{query}");
        assert_eq!(found["users"][0]["id"], user["id"], "{query}");
    }
    assert_eq!(raw.get("/api/v2/users/search.json?query=nobody%40acme.no").await.body["count"], 0);
    assert_eq!(raw.get("/api/v2/users/search.json").await.status, 400);
}

#[tokio::test]
async fn make_primary_moves_the_users_email_to_another_identity() {
    let (_fake, raw) = fake().await;
    let user = create_user(&raw, "Kari", "kari@acme.no").await;
    let identities = format!("/api/v2/users/{}/identities", user["id"]);
    let added = raw
        .call(
            "POST",
            &format!("{identities}.json"),
            Some(json!({ "identity": { "type": "email", "value": "Kari@Home.no" } })),
        )
        .await;
    assert_eq!(added.status, 201);
    assert_eq!(added.body["identity"]["value"], "kari@home.no");
    assert_eq!(added.body["identity"]["primary"], false);
    let duplicate =
        raw.call("POST", &identities, Some(json!({ "identity": { "type": "email", "value": "kari@acme.no" } }))).await;
    assert_eq!(duplicate.status, 422);

    let answer = raw
        .call("PUT", &format!("{identities}/{}/make_primary.json", added.body["identity"]["id"]), Some(json!({})))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["count"], 2);
    assert_eq!(answer.body["identities"][0]["value"], "kari@home.no");
    assert_eq!(answer.body["identities"][0]["primary"], true);
    let after = raw.get(&format!("/api/v2/users/{}", user["id"])).await.body["user"].clone();
    assert_eq!(after["email"], "kari@home.no");
    assert_ne!(after["updated_at"], user["updated_at"]);
    assert_eq!(raw.call("PUT", &format!("{identities}/1/make_primary"), None).await.status, 404);
}

#[tokio::test]
async fn the_incremental_user_export_walks_every_change_once_and_resumes() {
    let clock = FakeClock::starting_now();
    let fake = FakeZendesk::start(clock.clone()).await;
    let raw = RawZendesk::new(&fake);
    let start = clock.now().unix_timestamp() - 1;
    let too_recent = raw.get(&format!("/api/v2/incremental/users/cursor.json?start_time={start}")).await;
    assert_eq!(too_recent.status, 400, "start_time must be a minute old");
    for n in 0..5 {
        create_user(&raw, &format!("User {n}"), &format!("user{n}@acme.no")).await;
    }
    clock.advance(Duration::minutes(2));
    let mut names = Vec::new();
    let mut url = format!("/api/v2/incremental/users/cursor.json?start_time={start}&per_page=2");
    let cursor = loop {
        let page = raw.get(&url).await.body;
        names.extend(page["users"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap().to_owned()));
        if page["end_of_stream"] == true {
            break page["after_cursor"].as_str().unwrap().to_owned();
        }
        url = page["after_url"].as_str().unwrap().replace(&fake.uri(), "");
    };
    assert_eq!(names, (0..5).map(|n| format!("User {n}")).collect::<Vec<_>>());

    let first = raw.get("/api/v2/users/search.json?query=user0%40acme.no").await.body["users"][0]["id"].clone();
    raw.call("PUT", &format!("/api/v2/users/{first}.json"), Some(json!({ "user": { "name": "User 0 renamed" } })))
        .await;
    let resumed = raw.get(&format!("/api/v2/incremental/users/cursor.json?cursor={cursor}")).await.body;
    let renamed: Vec<&str> = resumed["users"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(renamed, vec!["User 0 renamed"]);
}

#[tokio::test]
async fn organizations_are_listed_in_both_pagination_styles_at_any_page_size() {
    let (_fake, raw) = fake().await;
    for n in 0..5 {
        let created = raw
            .call("POST", "/api/v2/organizations.json", Some(json!({ "organization": { "name": format!("Org {n}") } })))
            .await;
        assert_eq!(created.status, 201);
    }
    let expected: Vec<String> = (0..5).map(|n| format!("Org {n}")).collect();
    for size in [1, 2, 4, 5, 100] {
        assert_eq!(
            raw.walk_cursor("/api/v2/organizations.json", "organizations", size).await,
            expected,
            "cursor {size}"
        );
        assert_eq!(raw.walk_offset("/api/v2/organizations", "organizations", size).await, expected, "offset {size}");
    }
    assert_eq!(raw.get("/api/v2/organizations.json?page=101&per_page=100").await.status, 400, "offset stops at 10,000");
}

#[tokio::test]
async fn organization_names_and_external_ids_are_unique_and_deletes_cascade() {
    let (_fake, raw) = fake().await;
    let org = raw
        .call(
            "POST",
            "/api/v2/organizations",
            Some(json!({ "organization": { "name": "Acme AS", "external_id": "ACME" } })),
        )
        .await
        .body["organization"]
        .clone();
    for (body, field) in [
        (json!({ "name": "Acme AS " }), "name"),
        (json!({ "name": "acme as" }), "name"),
        (json!({ "name": "Other", "external_id": "acme" }), "external_id"),
    ] {
        let answer = raw.call("POST", "/api/v2/organizations", Some(json!({ "organization": body }))).await;
        assert_eq!(answer.status, 422, "{body}");
        assert_eq!(answer.body["details"][field][0]["error"], "DuplicateValue");
    }
    assert_eq!(raw.call("POST", "/api/v2/organizations", Some(json!({ "organization": {} }))).await.status, 422);
    let path = format!("/api/v2/organizations/{}.json", org["id"]);
    let updated = raw.call("PUT", &path, Some(json!({ "organization": { "notes": "VIP" } }))).await;
    assert_eq!(updated.body["organization"]["notes"], "VIP");
    let member = raw
        .call("POST", "/api/v2/users", Some(json!({ "user": { "name": "Kari", "organization_id": org["id"] } })))
        .await
        .body["user"]
        .clone();
    assert_eq!(raw.call("DELETE", &path, None).await.status, 204);
    assert_eq!(raw.get(&path).await.status, 404);
    assert_eq!(raw.get(&format!("/api/v2/users/{}", member["id"])).await.body["user"]["organization_id"], Value::Null);
}

#[tokio::test]
async fn the_organization_export_includes_deleted_organizations() {
    let clock = FakeClock::starting_now();
    let fake = FakeZendesk::start(clock.clone()).await;
    let raw = RawZendesk::new(&fake);
    let start = clock.now().unix_timestamp() - 1;
    let org =
        raw.call("POST", "/api/v2/organizations", Some(json!({ "organization": { "name": "Gone AS" } }))).await.body
            ["organization"]
            .clone();
    raw.call("POST", "/api/v2/organizations", Some(json!({ "organization": { "name": "Kept AS" } }))).await;
    raw.call("DELETE", &format!("/api/v2/organizations/{}", org["id"]), None).await;
    clock.advance(Duration::minutes(2));
    let export = raw.get(&format!("/api/v2/incremental/organizations.json?start_time={start}")).await.body;
    assert_eq!(export["count"], 2);
    assert_eq!(export["end_of_stream"], true);
    let gone = export["organizations"].as_array().unwrap().iter().find(|o| o["name"] == "Gone AS").unwrap();
    assert!(gone["deleted_at"].is_string());
}

#[tokio::test]
async fn writes_of_the_wrong_type_are_refused() {
    let (_fake, raw) = fake().await;
    let answer =
        raw.call("POST", "/api/v2/users", Some(json!({ "user": { "name": "Kari", "organization_id": "12" } }))).await;
    assert_eq!(answer.status, 422);
    assert!(answer.body["details"]["organization_id"][0]["description"]
        .as_str()
        .unwrap()
        .contains("must be a JSON integer"));
    let not_json = reqwest::Client::new()
        .post(format!("{}/api/v2/users", _fake.uri()))
        .header(
            "Authorization",
            support::basic(&format!("{}/token", _fake.settings().email), _fake.settings().api_token.expose()),
        )
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
}

#[tokio::test]
async fn injected_faults_answer_like_the_real_api_and_are_journaled() {
    let (fake, raw) = fake().await;
    let user = create_user(&raw, "Kari", "kari@acme.no").await;
    let path = format!("/api/v2/users/{}.json", user["id"]);
    let admin = reqwest::Client::new();
    let armed = admin
        .post(format!("{}/__admin/faults", fake.uri()))
        .json(
            &json!({ "method": "PUT", "path": "/api/v2/users/*", "kind": "status", "status": 429, "retry_after": 27 }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(armed.status(), 201);
    let limited = raw.call("PUT", &path, Some(json!({ "user": { "name": "K" } }))).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.headers["retry-after"], "27");
    assert_eq!(limited.headers["content-type"], "text/plain; charset=UTF-8");
    assert!(limited
        .body
        .as_str()
        .unwrap()
        .starts_with("You have exceeded the rate limit for updating a single unique user."));
    assert_eq!(
        raw.call("PUT", &path, Some(json!({ "user": { "name": "K" } }))).await.status,
        200,
        "the fault disarmed"
    );

    fake.inject(Fault::status("GET", "/api/v2/users*", 503).times(2));
    assert_eq!(raw.get("/api/v2/users").await.status, 503);
    assert_eq!(raw.get("/api/v2/users.json").await.status, 503);
    assert_eq!(raw.get("/api/v2/users").await.status, 200);

    let close =
        Fault { method: None, path: "/api/v2/users".into(), times: 1, skip: 0, action: FaultAction::CloseConnection };
    let delay = Fault { action: FaultAction::Delay { millis: 20 }, ..close.clone() };
    fake.inject(delay);
    assert_eq!(raw.get("/api/v2/users").await.status, 200, "a delayed answer is still the real answer");

    fake.inject(close.clone());
    let closed = reqwest::Client::new().get(format!("{}/api/v2/users", fake.uri())).send().await;
    assert!(closed.is_err(), "the connection closes without an answer");
    let no_waiting = RetryPolicy { base_backoff: std::time::Duration::ZERO, ..RetryPolicy::default() };
    let client = fake.settings().client().unwrap().with_retry_policy(no_waiting);
    fake.inject(Fault { times: 4, ..close });
    let error = client.list_users().await.unwrap_err().to_string();
    assert!(error.starts_with("Zendesk: GET /api/v2/users?page%5Bsize%5D=100 got no answer"), "{error}");
    assert!(error.ends_with("(gave up after 4 attempts)"), "{error}");

    let journal: Value =
        admin.get(format!("{}/__admin/requests", fake.uri())).send().await.unwrap().json().await.unwrap();
    let faults: Vec<&str> = journal.as_array().unwrap().iter().filter_map(|e| e["fault"].as_str()).collect();
    assert_eq!(
        faults,
        vec!["status 429", "status 503", "status 503", "delay 20 ms", "close connection"]
            .into_iter()
            .chain(std::iter::repeat_n("close connection", 4))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn unknown_routes_name_the_request_and_are_journaled() {
    let (fake, raw) = fake().await;
    let answer = raw.get("/api/v2/userz.json").await;
    assert_eq!(answer.status, 404);
    assert!(answer.body["description"].as_str().unwrap().contains("GET /api/v2/userz.json"));
    let journal = fake.journal();
    assert_eq!((journal[0].path.as_str(), journal[0].status), ("/api/v2/userz.json", 404));
}

#[tokio::test]
async fn state_round_trips_through_the_admin_endpoints() {
    let (fake, raw) = fake().await;
    create_user(&raw, "Kari", "kari@acme.no").await;
    let admin = reqwest::Client::new();
    let state: Value = admin.get(format!("{}/__admin/state", fake.uri())).send().await.unwrap().json().await.unwrap();
    assert_eq!(state["users"].as_array().unwrap().len(), 1);
    assert_eq!(admin.post(format!("{}/__admin/reset", fake.uri())).send().await.unwrap().status(), 204);
    assert_eq!(raw.get("/api/v2/users").await.body["count"], 0);
    let loaded = admin.put(format!("{}/__admin/state", fake.uri())).json(&state).send().await.unwrap();
    assert_eq!(loaded.status(), 204);
    assert_eq!(raw.get("/api/v2/users").await.body["users"][0]["email"], "kari@acme.no");
    let duplicate =
        raw.call("POST", "/api/v2/users", Some(json!({ "user": { "name": "X", "email": "kari@acme.no" } }))).await;
    assert_eq!(duplicate.status, 422, "identities came back with the state");
    let bad = admin
        .put(format!("{}/__admin/state", fake.uri()))
        .json(&json!({ "users": [{ "id": "x" }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("users[0].id"));
}
