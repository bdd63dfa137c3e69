//! Renders a `Page` as one self-contained HTML file: no scripts, fonts or styles from
//! elsewhere, readable on a laptop and in print. Failed rows can be shown alone with a
//! checkbox and CSS, without JavaScript; nothing is hidden behind a click otherwise.

use std::fmt::Write as _;

use super::{Page, Row, ScenarioLine, Status};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --none: #6e7781; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1.5rem; color: #1f2328; }
header.verdict { border-left: 10px solid var(--none); padding: .75rem 1rem; margin-bottom: 1rem; background: #f6f8fa; }
header.verdict.passed { border-color: var(--pass); }
header.verdict.failed { border-color: var(--fail); }
header h1 { margin: 0 0 .25rem; font-size: 1.9rem; }
header.passed h1 { color: var(--pass); }
header.failed h1 { color: var(--fail); }
.counts { font-size: 1.15rem; margin: .25rem 0 .5rem; }
.counts span { margin-right: 1.25rem; white-space: nowrap; }
.meta { border-collapse: collapse; font-size: .9rem; }
.meta th { text-align: left; font-weight: 600; padding: 0 1rem 0 0; color: #57606a; }
.meta td { padding: 0; }
.drift { border: 2px solid var(--warn); background: #fff8c5; padding: .5rem 1rem; margin: 1rem 0; }
.drift h2 { font-size: 1.05rem; margin: .25rem 0; }
.filter-bar { margin: .75rem 0; font-size: .95rem; }
h2.section { font-size: 1.2rem; margin: 1.75rem 0 .5rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
table.rows { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.rows th, table.rows td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
table.rows th { background: #f6f8fa; font-size: .85rem; }
col.item { width: 5.5rem; } col.source { width: 10rem; } col.target { width: 14rem; } col.status { width: 8.5rem; } col.type { width: 6rem; }
nav.overview { display: flex; flex-wrap: wrap; gap: .35rem; margin: .75rem 0; }
nav.overview a { text-decoration: none; font-weight: 700; font-size: .85rem; padding: .15rem .5rem; border-radius: 1rem; border: 1px solid var(--line); color: #1f2328; white-space: nowrap; }
nav.overview a.passed { background: #dafbe1; border-color: var(--pass); }
nav.overview a.failed { background: #ffebe9; border-color: var(--fail); color: var(--fail); }
nav.overview a.known-conflict { background: #fff8c5; border-color: var(--warn); }
nav.overview a.not-covered { background: #eaeef2; }
td.item { font-weight: 700; white-space: nowrap; }
td.status { font-weight: 700; white-space: nowrap; }
tr.passed td.status { color: var(--pass); }
tr.failed td.status { color: var(--fail); }
tr.failed { background: #ffebe9; }
tr.known-conflict td.status { color: var(--warn); }
tr.not-covered td.status { color: var(--none); }
tr.type td { font-size: .9rem; color: #424a53; }
ul.scenarios { margin: 0; padding-left: 0; list-style: none; font-size: .85rem; }
ul.scenarios li { margin: 0 0 .15rem; }
ul.scenarios li.failed { color: var(--fail); }
.where { color: #6e7781; font-size: .75rem; white-space: nowrap; }
.request { color: #57606a; font-size: .75rem; font-family: ui-monospace, monospace; }
pre { white-space: pre-wrap; background: #fff; border: 1px solid var(--line); padding: .35rem .5rem; margin: .25rem 0; font-size: .8rem; color: #1f2328; }
.why { color: var(--warn); }
#only-failed:checked ~ main tr.row:not(.failed):not(.not-covered) { display: none; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  .filter-bar, #only-failed { display: none; }
  tr { break-inside: avoid; }
  header.verdict, tr.failed, .drift { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

fn class(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::KnownConflict => "known-conflict",
        Status::NotCovered => "not-covered",
    }
}

fn scenario_item(out: &mut String, scenario: &ScenarioLine) {
    let _ = write!(
        out,
        "<li class=\"{}\">{} {} <span class=\"where\">{}</span>",
        class(scenario.status),
        scenario.status.symbol(),
        escape(&scenario.name),
        escape(&scenario.location)
    );
    if let Some(step) = &scenario.failed_step {
        let _ = write!(out, "<div>failed at <b>{}</b></div>", escape(step));
    }
    if let Some(message) = &scenario.message {
        let _ = write!(out, "<pre>{}</pre>", escape(message));
    }
    for request in &scenario.requests {
        let _ = write!(out, "<div class=\"request\">{}</div>", escape(request));
    }
    if let Some((id, why)) = &scenario.conflict {
        let _ = write!(out, "<div class=\"why\">known conflict <b>{}</b>: {}</div>", escape(id), escape(why));
    }
    out.push_str("</li>");
}

fn row(out: &mut String, row: &Row, kind: &str) {
    let _ = write!(
        out,
        "<tr class=\"row {} {kind}\" id=\"{}\" data-item=\"{}\" data-status=\"{}\"><td class=\"item\">{}</td>",
        class(row.status),
        anchor(&row.item),
        escape(&row.item),
        class(row.status),
        escape(&row.item)
    );
    if kind == "rule" || kind == "promise" {
        let _ = write!(out, "<td colspan=\"3\">{}</td>", escape(&row.columns[0]));
    } else {
        for column in &row.columns {
            let _ = write!(out, "<td>{}</td>", escape(column));
        }
    }
    let _ = write!(out, "<td class=\"status\">{} {}</td><td>", row.status.symbol(), row.status.label());
    if row.scenarios.is_empty() {
        out.push_str("<span class=\"where\">no scenario checks this row</span>");
    } else {
        out.push_str("<ul class=\"scenarios\">");
        for scenario in &row.scenarios {
            scenario_item(out, scenario);
        }
        out.push_str("</ul>");
    }
    out.push_str("</td></tr>\n");
}

/// `M4 type` → `row-M4-type`.
fn anchor(item: &str) -> String {
    format!("row-{}", escape(&item.replace(' ', "-")))
}

fn table_head(out: &mut String, first: &str, second: &str) {
    let _ = writeln!(
        out,
        "<table class=\"rows\"><colgroup><col class=\"item\"><col class=\"source\"><col class=\"target\"><col class=\"type\"><col class=\"status\"><col></colgroup>\
         <thead><tr><th>Item</th><th>{}</th><th>{}</th><th>Data type</th><th>Status</th><th>Scenarios</th></tr></thead><tbody>",
        escape(first),
        escape(second)
    );
}

pub fn render(page: &Page) -> String {
    let header = &page.header;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — {}</title><style>{STYLE}</style></head><body>\n",
        escape(&header.verdict),
        escape(&header.spec_title)
    );
    let verdict_class = if header.failed > 0 || header.not_covered > 0 { "failed" } else { "passed" };
    let _ = write!(
        out,
        "<header class=\"verdict {verdict_class}\" id=\"verdict\"><h1>{}</h1><div class=\"counts\">\
         <span>✓ {} passed</span><span>✗ {} failed</span><span>⚠ {} known conflict</span><span>— {} not covered</span></div>\
         <table class=\"meta\">",
        escape(&header.verdict),
        header.passed,
        header.failed,
        header.known_conflicts,
        header.not_covered
    );
    let meta = [
        ("Spec", format!("{} ({})", header.spec_title, header.spec_source)),
        ("Spec generated", header.spec_generated.clone().unwrap_or_else(|| "unknown".to_owned())),
        ("Target", header.target.clone()),
        ("Sync under test", header.sync.clone()),
        ("Run id", header.run_id.clone().unwrap_or_else(|| "— (built-in fakes)".to_owned())),
        ("Started", header.started.clone()),
        ("Duration", format!("{:.2} s", header.duration_seconds)),
        ("Tool", format!("dataflow-qa {}", header.tool_version)),
    ];
    for (name, value) in meta {
        let _ = write!(out, "<tr><th>{name}</th><td>{}</td></tr>", escape(&value));
    }
    out.push_str("</table></header>\n<nav class=\"overview\" aria-label=\"every checklist row\">");
    for row in page.rows() {
        let _ = write!(
            out,
            "<a class=\"{}\" href=\"#{}\" title=\"{}\">{} {}</a>",
            class(row.status),
            anchor(&row.item),
            row.status.label(),
            escape(&row.item),
            row.status.symbol()
        );
    }
    out.push_str("</nav>\n");
    if !page.drift.is_empty() {
        let _ = write!(
            out,
            "<section class=\"drift\" id=\"drift\"><h2>This document differs from the built-in spec: {} change(s) the harness does not yet check as stated</h2><ul>",
            page.drift.len()
        );
        for change in &page.drift {
            let _ = write!(out, "<li>{}</li>", escape(change));
        }
        out.push_str("</ul></section>\n");
    }
    out.push_str(
        "<input type=\"checkbox\" id=\"only-failed\"><label class=\"filter-bar\" for=\"only-failed\"> show only failed and uncovered rows</label>\n<main>\n",
    );
    for block in &page.blocks {
        let _ = writeln!(out, "<h2 class=\"section\">{}</h2>", escape(&block.heading));
        table_head(&mut out, "Source property", "Target property");
        for rule in &block.rules {
            row(&mut out, rule, "rule");
        }
        for mapping in &block.mappings {
            let kind = if mapping.item.ends_with(" type") { "type" } else { "mapping" };
            row(&mut out, mapping, kind);
        }
        if block.mappings.is_empty() {
            out.push_str("<tr><td></td><td colspan=\"5\" class=\"where\">the mapping table is empty</td></tr>\n");
        }
        out.push_str("</tbody></table>\n");
    }
    if let Some(promise) = &page.promise {
        out.push_str("<h2 class=\"section\">The sync promise: once linked, records stay in sync</h2>\n");
        table_head(&mut out, "Promise", "");
        row(&mut out, promise, "promise");
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</main></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Block, Header};

    #[test]
    fn text_is_escaped_and_nothing_is_fetched_from_elsewhere() {
        let page = Page {
            header: Header { verdict: "FAILED".into(), spec_title: "<T> & co".into(), ..Header::default() },
            drift: vec!["row added: a → <b>".into()],
            blocks: vec![Block {
                heading: "Zendesk Users to PowerOfficeGo Contactperson".into(),
                rules: vec![],
                mappings: vec![Row {
                    item: "M1".into(),
                    columns: ["email".into(), "emailAddress".into(), "\"string\"".into()],
                    status: Status::Failed,
                    scenarios: vec![ScenarioLine {
                        name: "x".into(),
                        location: "f:1".into(),
                        status: Status::Failed,
                        failed_step: Some("Then <x>".into()),
                        message: Some("< found\n> expected".into()),
                        requests: vec![],
                        conflict: None,
                    }],
                }],
            }],
            promise: None,
        };
        let html = render(&page);
        assert!(html.contains("&lt;T&gt; &amp; co"));
        assert!(html.contains("<pre>&lt; found\n&gt; expected</pre>"));
        assert!(html.contains("data-item=\"M1\" data-status=\"failed\""));
        for external in ["<script", "<link", "src=\"http", "@import", "url("] {
            assert!(!html.contains(external), "{external} in the page");
        }
    }
}
