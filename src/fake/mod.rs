//! Shared machinery of the fake servers. Each fake is a wiremock [`MockServer`] with a single
//! catch-all mock whose responder hands every request to a stateful API model ([`FakeApi`]),
//! records it in a journal, and answers. One responder per server keeps routing, auth, faults
//! and the journal in one place, and an unknown route gets a descriptive answer instead of a
//! bare 404. The same controls are served over HTTP under `/__admin/` (no credentials):
//! `GET`/`DELETE /__admin/requests`, `POST /__admin/reset`, `GET`/`PUT /__admin/state`,
//! `GET`/`POST`/`DELETE /__admin/faults`.

pub mod clock;
pub mod faults;
mod pair;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub use clock::FakeClock;
pub use faults::{Fault, FaultAction};
pub use pair::Fakes;

/// A request as the API models see it.
pub struct FakeRequest<'a> {
    pub method: &'a str,
    /// Percent-decoded path segments, without empty ones.
    pub segments: Vec<String>,
    pub query: Vec<(String, String)>,
    raw: &'a Request,
}

impl<'a> FakeRequest<'a> {
    fn new(raw: &'a Request) -> Self {
        let segments = raw
            .url
            .path_segments()
            .map(|parts| parts.filter(|s| !s.is_empty()).map(percent_decode).collect())
            .unwrap_or_default();
        let query = raw.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        Self { method: raw.method.as_str(), segments, query, raw }
    }

    pub fn path(&self) -> &str {
        self.raw.url.path()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.raw.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn body(&self) -> &[u8] {
        &self.raw.body
    }

    pub fn json_body(&self) -> Result<Value, String> {
        serde_json::from_slice(&self.raw.body).map_err(|e| format!("the body is not valid JSON: {e}"))
    }

    pub fn is_write(&self) -> bool {
        !matches!(self.method, "GET" | "HEAD" | "OPTIONS")
    }
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Clone, Debug)]
enum Body {
    Empty,
    Json(Value),
    Text(String),
}

/// An answer from an API model, turned into a wiremock response by the dispatcher.
#[derive(Clone, Debug)]
pub struct FakeResponse {
    pub status: u16,
    headers: Vec<(String, String)>,
    content_type: &'static str,
    body: Body,
}

impl FakeResponse {
    pub fn json(status: u16, body: Value) -> Self {
        Self { status, headers: Vec::new(), content_type: "application/json; charset=utf-8", body: Body::Json(body) }
    }

    pub fn text(status: u16, content_type: &'static str, body: impl Into<String>) -> Self {
        Self { status, headers: Vec::new(), content_type, body: Body::Text(body.into()) }
    }

    pub fn empty(status: u16) -> Self {
        Self { status, headers: Vec::new(), content_type: "", body: Body::Empty }
    }

    pub fn with_content_type(mut self, content_type: &'static str) -> Self {
        self.content_type = content_type;
        self
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    fn into_template(self) -> ResponseTemplate {
        let mut template = ResponseTemplate::new(self.status);
        for (name, value) in self.headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        match self.body {
            Body::Empty => template,
            Body::Json(value) => template.set_body_raw(value.to_string().into_bytes(), self.content_type),
            Body::Text(text) => template.set_body_raw(text.into_bytes(), self.content_type),
        }
    }
}

/// A stateful model of one API. It is called under the server's lock, one request at a time,
/// so it needs no locking of its own.
pub trait FakeApi: Send + 'static {
    /// `base_uri` is the fake's own address, for links that point back at it.
    fn handle(&mut self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse;

    /// The answer the real API gives for an injected status (its 429 body, say).
    fn fault_response(&self, status: u16, retry_after: Option<u32>) -> FakeResponse;

    /// Every record, in the API's own shapes.
    fn dump_state(&self) -> Value;

    /// Replaces every record; the error names what does not fit.
    fn load_state(&mut self, state: Value, base_uri: &str) -> Result<(), String>;

    /// Forgets every record.
    fn reset(&mut self);

    /// Whether the journal counts the request as a write to the system's data.
    fn is_data_write(&self, request: &FakeRequest<'_>) -> bool {
        request.is_write()
    }
}

/// One request as the fake saw it.
#[derive(Clone, Debug, Serialize)]
pub struct JournalEntry {
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    pub write: bool,
    /// The injected fault that answered, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// The request body when it was JSON, for checks of what the sync sent on the wire.
    #[serde(skip)]
    pub body: Option<Value>,
}

struct Shared<A> {
    api: A,
    journal: Vec<JournalEntry>,
    faults: Vec<Fault>,
}

type SharedState<A> = Arc<Mutex<Shared<A>>>;

fn lock<A>(shared: &SharedState<A>) -> MutexGuard<'_, Shared<A>> {
    // A panic in one handler must not take the whole fake down for the scenarios after it.
    shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<A: FakeApi> Shared<A> {
    fn record(&mut self, request: &FakeRequest<'_>, status: u16, fault: Option<String>) {
        let write = self.api.is_data_write(request);
        self.journal.push(JournalEntry {
            method: request.method.to_owned(),
            path: request.path().to_owned(),
            query: request.raw.url.query().unwrap_or_default().to_owned(),
            status,
            write,
            fault,
            body: serde_json::from_slice(request.body()).ok(),
        });
    }

    fn admin(&mut self, request: &FakeRequest<'_>, base_uri: &str) -> FakeResponse {
        let route: Vec<&str> = request.segments.iter().skip(1).map(String::as_str).collect();
        match (request.method, route.as_slice()) {
            ("GET", ["requests"]) => FakeResponse::json(200, serde_json::to_value(&self.journal).unwrap_or_default()),
            ("DELETE", ["requests"]) => {
                self.journal.clear();
                FakeResponse::empty(204)
            }
            ("POST", ["reset"]) => {
                self.api.reset();
                self.journal.clear();
                self.faults.clear();
                FakeResponse::empty(204)
            }
            ("GET", ["state"]) => FakeResponse::json(200, self.api.dump_state()),
            ("PUT", ["state"]) => match request.json_body().and_then(|state| self.api.load_state(state, base_uri)) {
                Ok(()) => FakeResponse::empty(204),
                Err(error) => admin_error(400, &format!("the state was not loaded: {error}")),
            },
            ("GET", ["faults"]) => FakeResponse::json(200, serde_json::to_value(&self.faults).unwrap_or_default()),
            ("POST", ["faults"]) => match serde_json::from_slice::<Fault>(request.body()) {
                Ok(fault) => {
                    self.faults.push(fault);
                    FakeResponse::empty(201)
                }
                Err(error) => admin_error(400, &format!("not a fault: {error}")),
            },
            ("DELETE", ["faults"]) => {
                self.faults.clear();
                FakeResponse::empty(204)
            }
            _ => admin_error(404, &format!("no admin route {} {}", request.method, request.path())),
        }
    }
}

fn admin_error(status: u16, message: &str) -> FakeResponse {
    FakeResponse::json(status, serde_json::json!({ "error": message }))
}

fn is_admin(request: &FakeRequest<'_>) -> bool {
    request.segments.first().is_some_and(|s| s == "__admin")
}

struct Dispatch<A> {
    shared: SharedState<A>,
    base_uri: String,
}

impl<A: FakeApi> Respond for Dispatch<A> {
    fn respond(&self, raw: &Request) -> ResponseTemplate {
        let request = FakeRequest::new(raw);
        let mut shared = lock(&self.shared);
        if is_admin(&request) {
            return shared.admin(&request, &self.base_uri).into_template();
        }
        let (response, fault, delay) = match faults::take_matching(&mut shared.faults, request.method, request.path()) {
            Some(FaultAction::Status { status, retry_after }) => {
                (shared.api.fault_response(status, retry_after), Some(format!("status {status}")), None)
            }
            Some(FaultAction::Delay { millis }) => {
                let response = shared.api.handle(&request, &self.base_uri);
                (response, Some(format!("delay {millis} ms")), Some(Duration::from_millis(millis)))
            }
            // Closing is done by the connection-dropping mock, which matched first.
            Some(FaultAction::CloseConnection) | None => (shared.api.handle(&request, &self.base_uri), None, None),
        };
        shared.record(&request, response.status, fault);
        let template = response.into_template();
        match delay {
            Some(delay) => template.set_delay(delay),
            None => template,
        }
    }
}

/// Matches (and so answers, by closing the connection) a request an armed
/// [`FaultAction::CloseConnection`] fault covers.
struct CloseConnectionFault<A> {
    shared: SharedState<A>,
}

impl<A: FakeApi> wiremock::Match for CloseConnectionFault<A> {
    fn matches(&self, raw: &Request) -> bool {
        let request = FakeRequest::new(raw);
        let mut shared = lock(&self.shared);
        let armed = shared.faults.iter().position(|f| f.matches(request.method, request.path()));
        if !armed
            .is_some_and(|i| shared.faults[i].action == FaultAction::CloseConnection && shared.faults[i].fires_next())
        {
            return false;
        }
        faults::take_matching(&mut shared.faults, request.method, request.path());
        shared.record(&request, 0, Some("close connection".to_owned()));
        true
    }
}

/// A running fake: the server plus the model and journal behind it.
pub struct FakeServer<A> {
    server: MockServer,
    shared: SharedState<A>,
}

impl<A: FakeApi> FakeServer<A> {
    pub async fn start(api: A) -> Self {
        Self::serve(MockServer::start().await, api).await
    }

    /// Serves on a listener the caller bound (a fixed port for `dataflow-qa mock`).
    pub async fn start_on(listener: std::net::TcpListener, api: A) -> Self {
        Self::serve(MockServer::builder().listener(listener).start().await, api).await
    }

    async fn serve(server: MockServer, api: A) -> Self {
        let shared = Arc::new(Mutex::new(Shared { api, journal: Vec::new(), faults: Vec::new() }));
        Mock::given(CloseConnectionFault { shared: Arc::clone(&shared) })
            .respond_with_err(|_: &Request| {
                std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "injected fault: connection closed")
            })
            .with_priority(1)
            .named("injected connection close")
            .mount(&server)
            .await;
        Mock::given(any())
            .respond_with(Dispatch { shared: Arc::clone(&shared), base_uri: server.uri() })
            .named("fake API model")
            .mount(&server)
            .await;
        Self { server, shared }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn journal(&self) -> Vec<JournalEntry> {
        lock(&self.shared).journal.clone()
    }

    /// Arms a fault for the next matching requests.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared).faults.push(fault);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared).faults.clear();
    }

    pub fn clear_journal(&self) {
        lock(&self.shared).journal.clear();
    }

    /// Every record, in the API's own shapes (what `GET /__admin/state` answers).
    pub fn dump_state(&self) -> Value {
        lock(&self.shared).api.dump_state()
    }

    /// Replaces every record (what `PUT /__admin/state` does).
    pub fn load_state(&self, state: Value) -> Result<(), String> {
        let base_uri = self.uri();
        lock(&self.shared).api.load_state(state, &base_uri)
    }

    /// Reads or changes the model directly, as an administrator of the real system would.
    pub fn with_api<R>(&self, f: impl FnOnce(&mut A) -> R) -> R {
        f(&mut lock(&self.shared).api)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_handles_escapes_and_stray_percent_signs() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
