//! What both API clients share: one reqwest configuration, request counting, and turning every
//! failure into a [`ClientError`] that names the system, the request and the HTTP status, with an
//! excerpt of the body.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::System;
use crate::staging::guard::WriteGuard;

/// How much of a response body an error message quotes.
const EXCERPT_CHARS: usize = 300;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{system} answered {status} to {method} {path}: {excerpt}")]
    Api { system: System, method: Method, path: String, status: StatusCode, excerpt: String },

    #[error("{system}: {method} {path} got no answer: {detail}")]
    Transport { system: System, method: Method, path: String, detail: String },

    #[error("{system}: the answer to {method} {path} does not fit the expected shape at `{field}`: {detail}; body starts: {excerpt}")]
    Decode { system: System, method: Method, path: String, field: String, detail: String, excerpt: String },

    #[error("{system}: {detail}")]
    Config { system: System, detail: String },

    /// The staging write guard stopped a write to a record the run did not create.
    #[error("{system}: refused {method} {path}: {detail}")]
    Refused { system: System, method: Method, path: String, detail: String },

    #[error("{last} (gave up after {attempts} attempts)")]
    Exhausted { attempts: u32, last: Box<ClientError> },
}

impl ClientError {
    /// The HTTP status of an API error, for callers that branch on it.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            ClientError::Exhausted { last, .. } => last.status(),
            _ => None,
        }
    }
}

/// Reads and writes one client has sent, so the sync report can say what a run cost.
#[derive(Clone, Debug, Default)]
pub struct RequestCounter {
    reads: Arc<AtomicUsize>,
    writes: Arc<AtomicUsize>,
    deletes: Arc<AtomicUsize>,
    tokens: Arc<AtomicUsize>,
    /// The last API request and its status, for a report to name what produced a value.
    last: Arc<std::sync::Mutex<Option<String>>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RequestCounts {
    pub reads: usize,
    pub writes: usize,
    /// The DELETEs among the writes.
    pub deletes: usize,
    /// Token requests, which change no data.
    pub tokens: usize,
}

impl RequestCounts {
    pub fn since(self, earlier: RequestCounts) -> RequestCounts {
        RequestCounts {
            reads: self.reads.saturating_sub(earlier.reads),
            writes: self.writes.saturating_sub(earlier.writes),
            deletes: self.deletes.saturating_sub(earlier.deletes),
            tokens: self.tokens.saturating_sub(earlier.tokens),
        }
    }
}

impl RequestCounter {
    fn record(&self, method: &Method) {
        let counter = if method == Method::GET || method == Method::HEAD { &self.reads } else { &self.writes };
        counter.fetch_add(1, Ordering::Relaxed);
        if method == Method::DELETE {
            self.deletes.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The last API request this client sent, with its status and an excerpt of the answer.
    pub fn last_request(&self) -> Option<String> {
        self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub fn snapshot(&self) -> RequestCounts {
        RequestCounts {
            reads: self.reads.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            deletes: self.deletes.load(Ordering::Relaxed),
            tokens: self.tokens.load(Ordering::Relaxed),
        }
    }
}

/// The reqwest client both systems use: rustls, bounded timeouts so nothing hangs.
pub(crate) fn build_http_client(system: System) -> Result<reqwest::Client, ClientError> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .user_agent(concat!("dataflow-qa/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ClientError::Config { system, detail: format!("cannot build an HTTP client: {e}") })
}

/// One system's HTTP plumbing: sends a request, counts it, and checks the status.
/// When to try a failed request again: on 429 and 502–504 always (the request was not
/// carried out), on 500 and lost connections only for requests that are safe to repeat (never a
/// POST, which could create twice). `Retry-After` is honoured; without it the wait doubles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_backoff: Duration,
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_attempts: 4, base_backoff: Duration::from_millis(500), max_wait: Duration::from_secs(60) }
    }
}

impl RetryPolicy {
    /// How long to wait before attempt `attempt + 1`, or `None` to give up. `status` is `None`
    /// when no answer came.
    pub fn wait_before_retry(
        &self,
        attempt: u32,
        method: &Method,
        status: Option<StatusCode>,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let repeatable = *method != Method::POST;
        let retriable = match status.map(|s| s.as_u16()) {
            Some(429 | 502 | 503 | 504) => true,
            Some(500) | None => repeatable,
            Some(_) => false,
        };
        if !retriable {
            return None;
        }
        let backoff = self.base_backoff.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        Some(retry_after.unwrap_or(backoff).min(self.max_wait))
    }
}

/// A token bucket: `per_second` requests on average, up to `burst` at once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: f64,
}

impl RateLimit {
    /// PowerOffice Go allows 10 requests a second per subscription key.
    pub const POWEROFFICE: RateLimit = RateLimit { per_second: 10.0, burst: 10.0 };

    /// A limit of `n` requests a second, with a burst of `n`.
    pub fn per_second(n: u32) -> RateLimit {
        let n = f64::from(n.max(1));
        RateLimit { per_second: n, burst: n }
    }

    /// Zendesk's limit depends on the plan; `per_minute` is the account's.
    pub fn zendesk(per_minute: u32) -> RateLimit {
        let per_second = f64::from(per_minute.max(1)) / 60.0;
        RateLimit { per_second, burst: per_second.max(1.0) }
    }
}

#[derive(Debug)]
struct RateLimiter {
    limit: RateLimit,
    bucket: tokio::sync::Mutex<(f64, tokio::time::Instant)>,
}

impl RateLimiter {
    fn new(limit: RateLimit) -> Self {
        Self { limit, bucket: tokio::sync::Mutex::new((limit.burst, tokio::time::Instant::now())) }
    }

    async fn acquire(&self) {
        let mut bucket = self.bucket.lock().await;
        let now = tokio::time::Instant::now();
        let (tokens, last) = *bucket;
        let tokens = (tokens + now.duration_since(last).as_secs_f64() * self.limit.per_second).min(self.limit.burst);
        if tokens >= 1.0 {
            *bucket = (tokens - 1.0, now);
            return;
        }
        // Holding the lock while waiting keeps later callers in line behind this one.
        let wait = Duration::from_secs_f64((1.0 - tokens) / self.limit.per_second);
        tokio::time::sleep(wait).await;
        *bucket = (0.0, tokio::time::Instant::now());
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Transport {
    pub system: System,
    pub http: reqwest::Client,
    pub counter: RequestCounter,
    pub retry: RetryPolicy,
    limiter: Option<Arc<RateLimiter>>,
    /// In staging, the guard every write passes (see `staging::guard`).
    guard: Option<Arc<WriteGuard>>,
}

/// The options both clients take, written once: each client keeps its `Transport` in a
/// field named `transport`, and this expands inside the client's `impl`.
macro_rules! transport_options {
    () => {
        /// Spaces requests to stay within the API's rate limit (none by default).
        pub fn with_rate_limit(mut self, limit: Option<$crate::http::RateLimit>) -> Self {
            self.transport.set_rate_limit(limit);
            self
        }

        pub fn with_retry_policy(mut self, policy: $crate::http::RetryPolicy) -> Self {
            self.transport.retry = policy;
            self
        }

        /// Lets every write through the staging write guard first.
        pub fn with_guard(mut self, guard: Option<std::sync::Arc<$crate::staging::WriteGuard>>) -> Self {
            self.transport.set_guard(guard);
            self
        }

        /// The last API request sent, its status and an excerpt of the answer.
        pub fn last_request(&self) -> Option<String> {
            self.transport.counter.last_request()
        }

        pub fn request_counts(&self) -> $crate::http::RequestCounts {
            self.transport.counter.snapshot()
        }
    };
}
pub(crate) use transport_options;

/// A successful answer, kept with what is needed to explain a decode failure.
pub(crate) struct Answer {
    pub system: System,
    pub method: Method,
    pub path: String,
    pub status: StatusCode,
    pub body: String,
}

impl Transport {
    pub fn new(system: System) -> Result<Self, ClientError> {
        Ok(Self {
            system,
            http: build_http_client(system)?,
            counter: RequestCounter::default(),
            retry: RetryPolicy::default(),
            limiter: None,
            guard: None,
        })
    }

    /// Puts the transport under a write guard. A guarded transport serves one scenario (or one
    /// cleanup), so it also counts its own requests; the rate limiter stays shared.
    pub fn set_guard(&mut self, guard: Option<Arc<WriteGuard>>) {
        self.guard = guard;
        self.counter = RequestCounter::default();
    }

    /// Asks the write guard, if there is one, whether `method path` may be sent (`path`
    /// relative to the API base).
    pub fn check_write(&self, method: &Method, path: &str) -> Result<(), ClientError> {
        match &self.guard {
            Some(guard) => guard.check(self.system, method, path),
            None => Ok(()),
        }
    }

    /// Tells the write guard about a record a POST created.
    pub fn record_write(&self, method: &Method, path: &str, answer: &Answer) {
        if let (Some(guard), &Method::POST) = (&self.guard, method) {
            if let Ok(body) = serde_json::from_str::<serde_json::Value>(&answer.body) {
                guard.record_create(self.system, path, &body);
            }
        }
    }

    pub fn set_rate_limit(&mut self, limit: Option<RateLimit>) {
        self.limiter = limit.map(|limit| Arc::new(RateLimiter::new(limit)));
    }

    /// Sends the request; any status outside 2xx becomes [`ClientError::Api`].
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, ClientError> {
        self.send_counted(request, false).await
    }

    /// Sends a token request, counted apart from reads and writes.
    pub async fn send_token_request(&self, request: reqwest::RequestBuilder) -> Result<Answer, ClientError> {
        self.send_counted(request, true).await
    }

    async fn send_counted(&self, request: reqwest::RequestBuilder, token: bool) -> Result<Answer, ClientError> {
        let request = request
            .build()
            .map_err(|e| ClientError::Config { system: self.system, detail: format!("cannot build a request: {e}") })?;
        let mut attempt = 1;
        loop {
            let Some(this_try) = request.try_clone() else {
                return self.attempt(request, token).await.map_err(|f| f.0);
            };
            match self.attempt(this_try, token).await {
                Ok(answer) => return Ok(answer),
                Err(Failed(error, retry_after)) => {
                    match self.retry.wait_before_retry(attempt, request.method(), error.status(), retry_after) {
                        Some(wait) => tokio::time::sleep(wait).await,
                        None if attempt > 1 => {
                            return Err(ClientError::Exhausted { attempts: attempt, last: Box::new(error) })
                        }
                        None => return Err(error),
                    }
                }
            }
            attempt += 1;
        }
    }

    async fn attempt(&self, request: reqwest::Request, token: bool) -> Result<Answer, Failed> {
        if let Some(limiter) = &self.limiter {
            limiter.acquire().await;
        }
        let method = request.method().clone();
        let path = display_path(request.url());
        if token {
            self.counter.tokens.fetch_add(1, Ordering::Relaxed);
        } else {
            self.counter.record(&method);
        }
        let transport_error = |detail: String| {
            Failed(
                ClientError::Transport { system: self.system, method: method.clone(), path: path.clone(), detail },
                None,
            )
        };
        let response = self.http.execute(request).await.map_err(|e| transport_error(describe(&e)))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response.text().await.map_err(|e| transport_error(describe(&e)))?;
        if !token {
            let line = format!("{method} {path} → {status}: {}", excerpt(&body));
            *self.counter.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(line);
        }
        if !status.is_success() {
            let error = ClientError::Api { system: self.system, method, path, status, excerpt: excerpt(&body) };
            return Err(Failed(error, retry_after));
        }
        Ok(Answer { system: self.system, method, path, status, body })
    }
}

/// A failed attempt, with the wait the server asked for.
struct Failed(ClientError, Option<Duration>);

impl Answer {
    /// Decodes the body, naming the first field that does not fit.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ClientError> {
        let deserializer = &mut serde_json::Deserializer::from_str(&self.body);
        serde_path_to_error::deserialize(deserializer).map_err(|e| ClientError::Decode {
            system: self.system,
            method: self.method.clone(),
            path: self.path.clone(),
            field: e.path().to_string(),
            detail: e.inner().to_string(),
            excerpt: excerpt(&self.body),
        })
    }

    /// Decodes an already parsed part of the body (one array inside an envelope, say).
    pub fn decode_value<T: DeserializeOwned>(&self, prefix: &str, value: serde_json::Value) -> Result<T, ClientError> {
        serde_path_to_error::deserialize(value).map_err(|e| ClientError::Decode {
            system: self.system,
            method: self.method.clone(),
            path: self.path.clone(),
            field: format!("{prefix}{}", e.path()),
            detail: e.inner().to_string(),
            excerpt: excerpt(&self.body),
        })
    }

    pub fn shape_error(&self, field: &str, detail: impl Into<String>) -> ClientError {
        ClientError::Decode {
            system: self.system,
            method: self.method.clone(),
            path: self.path.clone(),
            field: field.to_owned(),
            detail: detail.into(),
            excerpt: excerpt(&self.body),
        }
    }
}

/// Parses a configured base URL; it always ends in `/` so that joining extends its path.
pub(crate) fn parse_base_url(system: System, raw: &str) -> Result<Url, ClientError> {
    let config_error = |detail: String| ClientError::Config { system, detail };
    let mut url = Url::parse(raw.trim()).map_err(|e| config_error(format!("base URL {raw:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(config_error(format!("base URL {raw:?} must use http or https")));
    }
    if !url.path().ends_with('/') {
        // Without the slash, `join` would replace the last path segment instead of extending it.
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Path and query only: hosts are configuration, and the path is what a reader needs.
fn display_path(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{}", url.path(), query),
        None => url.path().to_owned(),
    }
}

fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The start of a body on one line, for error messages.
pub fn excerpt(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return "(empty body)".to_owned();
    }
    match flat.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_flattens_and_cuts_long_bodies() {
        assert_eq!(excerpt("{\n  \"error\": \"x\"\n}"), "{ \"error\": \"x\" }");
        assert_eq!(excerpt(""), "(empty body)");
        let long = "é".repeat(EXCERPT_CHARS + 10);
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn retries_follow_the_policy() {
        let policy = RetryPolicy::default();
        let status = |code: u16| Some(StatusCode::from_u16(code).unwrap());
        assert_eq!(
            policy.wait_before_retry(1, &Method::PUT, status(429), Some(Duration::from_secs(27))),
            Some(Duration::from_secs(27))
        );
        assert_eq!(policy.wait_before_retry(1, &Method::POST, status(503), None), Some(Duration::from_millis(500)));
        assert_eq!(policy.wait_before_retry(3, &Method::GET, status(503), None), Some(Duration::from_secs(2)));
        assert_eq!(policy.wait_before_retry(4, &Method::GET, status(503), None), None, "attempts run out");
        assert_eq!(
            policy.wait_before_retry(1, &Method::POST, None, None),
            None,
            "a POST whose answer was lost may have created"
        );
        assert_eq!(policy.wait_before_retry(1, &Method::GET, None, None), Some(Duration::from_millis(500)));
        assert_eq!(policy.wait_before_retry(1, &Method::GET, status(404), None), None);
        assert_eq!(
            policy.wait_before_retry(1, &Method::GET, status(429), Some(Duration::from_secs(600))),
            Some(Duration::from_secs(60))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_limiter_allows_a_burst_then_spaces_requests() {
        let limiter = RateLimiter::new(RateLimit::POWEROFFICE);
        let start = tokio::time::Instant::now();
        for _ in 0..10 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "a burst of 10 passes at once");
        for _ in 0..5 {
            limiter.acquire().await;
        }
        let spent = start.elapsed();
        assert!(spent >= Duration::from_millis(499) && spent <= Duration::from_millis(520), "{spent:?}");
    }

    #[test]
    fn request_counts_subtract() {
        let later = RequestCounts { reads: 5, writes: 2, deletes: 1, tokens: 1 };
        let earlier = RequestCounts { reads: 3, writes: 2, deletes: 0, tokens: 0 };
        assert_eq!(later.since(earlier), RequestCounts { reads: 2, writes: 0, deletes: 1, tokens: 1 });
    }
}
