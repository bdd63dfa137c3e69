//! The checklist page of a real run, rendered by headless Chromium: a failure injected into
//! the reference sync through the fakes' fault injection makes the M3 row fail, and the
//! rendered page must show every row with the status the terminal summary gives its item.
//! Without Chromium the test says so and passes; CI installs Debian's chromium first.

use std::path::{Path, PathBuf};
use std::process::Command;

const INJECTED: &str = r#"Feature: A failure injected into the reference sync
  The fake PowerOffice Go refuses every PATCH of a customer, so a rename never arrives.

  @M3 @reference-only @fakes-only
  Scenario: A rename PowerOffice Go refuses leaves the customer's old Name
    Given the Zendesk organization "Acme AS"
    And the PowerOffice Go customer "Ledger Holding AS"
    And the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Acme AS"
    And the contact person "Kari Nordmann" at "Ledger Holding AS" with email "kari@acme.no"
    And the sync has run
    And PowerOffice Go answers the next 20 PATCH requests to "/v2/Customers/*" with status 500
    When the Zendesk organization "Acme AS" is renamed to "Acme Group AS"
    And the sync runs again, reporting what it could not write
    Then the customer for the Zendesk organization "Acme AS" has the Name "Acme Group AS"
"#;

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].iter().map(PathBuf::from).find(|p| p.exists())
}

fn copy_features(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("features");
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(to.join("zz_injected_failure.feature"), INJECTED).unwrap();
}

fn headless(chromium: &Path, profile: &Path) -> Command {
    let mut command = Command::new(chromium);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// `(item, status)` of every row, in page order, from the DOM Chromium rendered.
fn rendered_rows(dom: &str) -> Vec<(String, String)> {
    dom.split("data-item=\"")
        .skip(1)
        .filter_map(|rest| {
            let (item, rest) = rest.split_once('"')?;
            let status = rest.split_once("data-status=\"")?.1.split_once('"')?.0;
            Some((item.to_owned(), status.to_owned()))
        })
        .collect()
}

/// `(item, passed, failed, known)` from the terminal's closing table.
fn summary_rows(stdout: &str) -> Vec<(String, usize, usize, usize)> {
    stdout
        .lines()
        .skip_while(|l| !l.starts_with("Checklist (scenarios per item)"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|line| {
            let item = line.split_whitespace().next()?.to_owned();
            let numbers: Vec<usize> = line
                .trim_end_matches("NOT COVERED")
                .split_whitespace()
                .rev()
                .take(3)
                .filter_map(|n| n.parse().ok())
                .collect();
            let [known, failed, passed] = numbers.as_slice() else { return None };
            Some((item, *passed, *failed, *known))
        })
        .collect()
}

#[test]
fn the_rendered_page_shows_each_rows_verdict_as_the_terminal_summary_does() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var("DATAFLOW_QA_REQUIRE_CHROMIUM").is_err(),
            "CI requires Chromium at /usr/bin/chromium for this test (.ci/run installs Debian's chromium)"
        );
        let mut stderr = std::io::stderr().lock();
        let _ = std::io::Write::write_all(&mut stderr, b"note: skipped, no Chromium at /usr/bin/chromium\n");
        return;
    };
    let dir = std::env::temp_dir().join(format!("dataflow-qa-html-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let features = dir.join("features");
    std::fs::create_dir_all(&features).unwrap();
    copy_features(&features);
    let (page, junit, json) = (dir.join("report.html"), dir.join("junit.xml"), dir.join("cucumber.json"));
    let run = Command::new(env!("CARGO_BIN_EXE_dataflow-qa"))
        .args(["run", "--features", features.to_str().unwrap(), "--html", page.to_str().unwrap()])
        .args(["--junit", junit.to_str().unwrap(), "--json", json.to_str().unwrap()])
        .env_remove("CUCUMBER_FILTER_TAGS")
        .current_dir(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "the injected failure fails the run:\n{stdout}");
    assert!(junit.exists() && json.exists(), "--html goes with --junit and --json in one run");

    let dom = headless(&chromium, &dir.join("profile"))
        .args(["--dump-dom", &format!("file://{}", page.display())])
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    let rows = rendered_rows(&dom);
    let status = |item: &str| rows.iter().find(|(i, _)| i == item).map(|(_, s)| s.as_str());
    assert_eq!(status("M3"), Some("failed"), "{rows:?}");
    assert_eq!(status("R1"), Some("passed"));
    assert_eq!(status("M7"), Some("known-conflict"));
    assert_eq!(status("M3 type"), Some("passed"), "the type of Name is still checked and right");
    assert!(dom.contains("FAILED: 1 checklist row(s) fail"), "the header says so");
    let m3 = dom.split("data-item=\"M3\"").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(
        m3.contains("failed at <b>Then the customer for the Zendesk organization \"Acme AS\" has the Name"),
        "{m3}"
    );
    assert!(m3.contains("Name of the customer for Acme AS differs"), "the diff is on the page: {m3}");
    assert!(m3.contains("last request to PowerOffice Go: GET /v2/Customers/"), "and the request: {m3}");

    let summary = summary_rows(&stdout);
    assert_eq!(summary.len(), 13, "{stdout}");
    for (item, passed, failed, known) in summary {
        let shown = status(&item).unwrap_or_else(|| panic!("{item} has no row on the page"));
        let expected = match (passed, failed, known) {
            (_, f, _) if f > 0 => "failed",
            (0, 0, 0) => "not-covered",
            (_, 0, 0) => "passed",
            _ => "known-conflict",
        };
        assert_eq!(shown, expected, "{item}: the summary says {passed}/{failed}/{known}");
    }

    let screenshot = dir.join("report.png");
    let shot = headless(&chromium, &dir.join("profile"))
        .args([&format!("--screenshot={}", screenshot.display()), "--window-size=1280,1100"])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(shot.status.success(), "{}", String::from_utf8_lossy(&shot.stderr));
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "a real screenshot ({} bytes)", png.len());
}

#[test]
fn with_a_spec_document_the_page_follows_it_and_shows_its_drift() {
    let dir = std::env::temp_dir().join(format!("dataflow-qa-html-spec-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = include_str!("fixtures/zendesk-powerofficego.rst");
    let changed = fixture.replace("     - partyId\n     - \"integer\"", "     - partyId\n     - \"string\"");
    let spec = dir.join("changed.rst");
    std::fs::write(&spec, changed).unwrap();
    let page = dir.join("page.html");
    let features = Path::new(env!("CARGO_MANIFEST_DIR")).join("features");
    let run = Command::new(env!("CARGO_BIN_EXE_dataflow-qa"))
        .args(["run", "--features", features.to_str().unwrap(), "-t", "@smoke"])
        .args(["--html", page.to_str().unwrap(), "--spec", spec.to_str().unwrap()])
        .env_remove("CUCUMBER_FILTER_TAGS")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stdout));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("id=\"drift\""), "a drift banner");
    assert!(html.contains(
        "type changed: M2 Users → Contactperson: organization_id → partyId: &quot;integer&quot; → &quot;string&quot;"
    ));
    assert!(html.contains(&spec.display().to_string()), "the header names the document");
    // Only the smoke scenarios ran: rows without one are "not covered", and say so.
    assert!(html.contains("data-item=\"M5\" data-status=\"not-covered\""));
    assert!(html.contains("PASSED, but"), "the verdict says what is not covered");
}
