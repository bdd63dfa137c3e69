//! Zendesk's error envelopes and its two pagination styles, as the fake writes them.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::fake::{FakeRequest, FakeResponse};

pub(super) const MAX_PAGE_SIZE: usize = 100;
/// Offset pagination stops at 10,000 records (100 pages of 100).
const MAX_OFFSET_RECORDS: usize = 10_000;

pub(super) fn unauthorized() -> FakeResponse {
    FakeResponse::json(401, json!({ "error": "Couldn't authenticate you" }))
        .with_header("WWW-Authenticate", "Basic realm=\"Web Password\"")
}

pub(super) fn record_not_found() -> FakeResponse {
    FakeResponse::json(404, json!({ "error": "RecordNotFound", "description": "Not found" }))
}

pub(super) fn record_invalid(field: &str, description: &str, error: Option<&str>) -> FakeResponse {
    let mut detail = json!({ "description": description });
    if let Some(error) = error {
        detail["error"] = json!(error);
    }
    FakeResponse::json(
        422,
        json!({
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": { field: [detail] },
        }),
    )
}

pub(super) fn bad_request(description: impl Into<String>) -> FakeResponse {
    FakeResponse::json(400, json!({ "error": "InvalidValue", "description": description.into() }))
}

/// The object inside `{"user": {...}}`, `{"organization": {...}}` or `{"identity": {...}}`.
pub(super) fn envelope(request: &FakeRequest<'_>, key: &str) -> Result<Map<String, Value>, FakeResponse> {
    let shape_error = || bad_request(format!("the body must be a JSON object with a {key:?} object"));
    match request.json_body().map_err(bad_request)? {
        Value::Object(mut body) => match body.remove(key) {
            Some(Value::Object(inner)) => Ok(inner),
            _ => Err(shape_error()),
        },
        _ => Err(shape_error()),
    }
}

/// A positive integer query parameter, or its default.
pub(super) fn positive(request: &FakeRequest<'_>, name: &str, default: usize) -> Result<usize, FakeResponse> {
    match request.query_param(name) {
        None => Ok(default),
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(bad_request(format!("{name} must be a positive integer, got {raw:?}"))),
        },
    }
}

/// Lists records in id order: cursor pagination when `page[size]` is given, offset pagination
/// otherwise, as Zendesk does.
pub(super) fn list<'r>(
    records: impl Iterator<Item = (&'r u64, &'r Map<String, Value>)>,
    key: &str,
    request: &FakeRequest<'_>,
    base_uri: &str,
) -> FakeResponse {
    let records: BTreeMap<u64, &Map<String, Value>> = records.map(|(id, r)| (*id, r)).collect();
    let endpoint = format!("{base_uri}{}", request.path());
    match request.query_param("page[size]") {
        Some(_) => cursor_page(&records, key, request, &endpoint),
        None => offset_page(records.values().copied().collect(), key, request, &endpoint),
    }
}

fn cursor_page(
    records: &BTreeMap<u64, &Map<String, Value>>,
    key: &str,
    request: &FakeRequest<'_>,
    endpoint: &str,
) -> FakeResponse {
    let size = match positive(request, "page[size]", MAX_PAGE_SIZE) {
        Ok(size) => size.min(MAX_PAGE_SIZE),
        Err(response) => return response,
    };
    let after = match request.query_param("page[after]") {
        None => 0,
        Some(cursor) => match decode_cursor(cursor) {
            Some(id) => id,
            None => return bad_request(format!("page[after] {cursor:?} is not a cursor this API issued")),
        },
    };
    let mut rest = records.range(after + 1..);
    let page: Vec<(&u64, &&Map<String, Value>)> = rest.by_ref().take(size).collect();
    let has_more = rest.next().is_some();
    let after_cursor = page.last().map(|(id, _)| encode_cursor(**id));
    let before_cursor = page.first().map(|(id, _)| encode_cursor(**id));
    let link = |direction: &str, cursor: &Option<String>| match cursor {
        Some(cursor) => json!(format!("{endpoint}?page[size]={size}&page[{direction}]={cursor}")),
        None => Value::Null,
    };
    FakeResponse::json(
        200,
        json!({
            key: page.iter().map(|(_, record)| Value::Object((**record).clone())).collect::<Vec<_>>(),
            "meta": { "has_more": has_more, "after_cursor": after_cursor, "before_cursor": before_cursor },
            "links": {
                "next": if has_more { link("after", &after_cursor) } else { Value::Null },
                "prev": if after > 0 { link("before", &before_cursor) } else { Value::Null },
            },
        }),
    )
}

/// One page of `page`/`per_page` pagination over records already in order.
pub(super) fn offset_page(
    records: Vec<&Map<String, Value>>,
    key: &str,
    request: &FakeRequest<'_>,
    endpoint: &str,
) -> FakeResponse {
    let (page, per_page) = match (positive(request, "page", 1), positive(request, "per_page", MAX_PAGE_SIZE)) {
        (Ok(page), Ok(per_page)) => (page, per_page.min(MAX_PAGE_SIZE)),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    if (page - 1) * per_page >= MAX_OFFSET_RECORDS {
        return bad_request("offset pagination is limited to the first 10000 records; use cursor pagination");
    }
    let total = records.len();
    let items: Vec<Value> =
        records.into_iter().skip((page - 1) * per_page).take(per_page).map(|r| Value::Object(r.clone())).collect();
    let kept: Vec<(String, String)> =
        request.query.iter().filter(|(k, _)| k != "page" && k != "per_page").cloned().collect();
    let link = |n: usize| {
        let mut query: Vec<String> = kept.iter().map(|(k, v)| format!("{k}={}", encode_query(v))).collect();
        query.push(format!("page={n}"));
        query.push(format!("per_page={per_page}"));
        json!(format!("{endpoint}?{}", query.join("&")))
    };
    FakeResponse::json(
        200,
        json!({
            key: items,
            "next_page": if page * per_page < total { link(page + 1) } else { Value::Null },
            "previous_page": if page > 1 { link(page - 1) } else { Value::Null },
            "count": total,
        }),
    )
}

fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(super) fn encode_cursor(id: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

pub(super) fn decode_cursor(cursor: &str) -> Option<u64> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(raw).ok()?.strip_prefix("id:")?.parse().ok()
}
