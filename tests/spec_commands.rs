//! `dataflow-qa coverage` and `dataflow-qa lint` through the real binary: the gate on the
//! built-in spec, drift of a changed document, a sibling document of other systems, and bad
//! input named by file and line.

use std::path::PathBuf;
use std::process::{Command, Output};

const FIXTURE: &str = include_str!("fixtures/zendesk-powerofficego.rst");

fn dataflow_qa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dataflow-qa")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn document(name: &str, text: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("dataflow-qa-spec-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn coverage_of_the_built_in_spec_passes_the_gate() {
    let output = dataflow_qa(&["coverage"]);
    let shown = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(shown.contains("M7    6         yes   @M7"), "{shown}");
    assert!(shown.contains("coverage: every item has a scenario and every mapping a data-type check"), "{shown}");
}

#[test]
fn the_fixture_shows_no_drift_and_a_changed_document_shows_what_is_unchecked() {
    let same = document("same.rst", FIXTURE.as_bytes());
    let output = dataflow_qa(&["coverage", "--spec", same.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("none: the document states what the built-in spec states"));

    let changed = FIXTURE
        .replace("     - partyId\n     - \"integer\"", "     - partyId\n     - \"string\"")
        .replace("wd:Q703534 in JobTitle", "wd:Q5 in JobTitle")
        .replace(
            "   * - url\n     - WebsiteUrl\n     - \"string\"\n",
            "   * - domain_names\n     - Domain\n     - \"string\"\n",
        );
    let changed = document("changed.rst", changed.as_bytes());
    let output = dataflow_qa(&["coverage", "--spec", changed.to_str().unwrap()]);
    let shown = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    for line in [
        "type changed: M2 Users → Contactperson: organization_id → partyId: \"integer\" → \"string\" (line 43)",
        "row removed: M4 Organizations → Customers: url → WebsiteUrl",
        "row added in Organizations → Customers: domain_names → Domain (\"string\") (line 85)",
        "condition changed: M7 Users → Employees: organization_id → DepartmentId: \"wd:Q703534\" in JobTitle → \"wd:Q5\" in JobTitle",
        "M4 (not in the built-in spec) has no scenario: Organizations.domain_names → Customers.Domain (\"string\")",
    ] {
        assert!(shown.contains(line), "missing {line:?} in:\n{shown}");
    }
}

const SIBLING: &str = "==========================
Asana to Tripletex Dataflow
==========================

Generated: 2024-11-13 00:00:00

Asana Tasks to  Activities
--------------------------
Every Asana Tasks will be synchronized with a  Activities.

The following properties are synchronized between a Asana Tasks and a  Activities:

.. list-table::
   :header-rows: 1

   * - Asana Tasks Property
     -  Activities Property
     -  Data Type
   * - name
     - Name (Dependant on having  in Type)
     - \"string\"
   * - notes
     - description
     - N/A
";

#[test]
fn a_document_of_other_systems_gets_structural_findings_only() {
    let sibling = document("sibling.rst", SIBLING.as_bytes());
    let output = dataflow_qa(&["lint", "--spec", sibling.to_str().unwrap()]);
    let shown = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(shown.contains("no contract model for (blank), Asana: structural checks only"), "{shown}");
    assert!(shown.contains("warning activities-blank-system"), "{shown}");
    assert!(shown.contains("warning name-empty-condition [M1]"), "{shown}");
    assert!(shown.contains("warning description-no-data-type [M2]"), "{shown}");
    assert!(!shown.contains("error "), "no contract, so no conflict: {shown}");

    let output = dataflow_qa(&["coverage", "--spec", sibling.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(1), "nothing of it is covered");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["coverage"]["rows"].as_array().unwrap().len(), 3, "R1, M1, M2: {report}");
}

#[test]
fn lint_json_carries_every_finding_with_its_id_severity_and_rows() {
    let output = dataflow_qa(&["lint", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let department = findings.iter().find(|f| f["id"] == "department-id-type").unwrap();
    assert_eq!(department["severity"], "error");
    assert_eq!(department["items"], serde_json::json!(["M7"]));
    assert!(department["explanation"].as_str().unwrap().contains("integer"));
}

#[test]
fn an_unreadable_document_is_refused_with_its_file_and_line() {
    let binary = document("binary.rst", b"Title\n=====\n\x89PNG\x00\xff");
    let output = dataflow_qa(&["lint", "--spec", binary.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{}:3: the document", binary.display())), "{stderr}");
    let missing = dataflow_qa(&["coverage", "--spec", "no/such/spec.rst"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read the spec no/such/spec.rst"));
}
