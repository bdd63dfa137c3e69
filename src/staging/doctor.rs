//! `dataflow-qa doctor`: the staging configuration with its secrets masked, whether each system
//! answers and accepts the credentials, and which privileges the harness needs but lacks.

use std::fmt::Write as _;

use serde_json::Value;

use super::config::StagingConfig;

/// What the harness and the reference sync do in PowerOffice Go: create, change and delete
/// customers, contact persons, employees and departments.
pub const NEEDED_PRIVILEGES: &[&str] = &["Customer_Full", "ContactPerson_Full", "Employee_Full", "Department_Full"];

/// The report, and whether everything needed is there.
pub async fn doctor(config: &StagingConfig, production_warning: Option<&str>) -> (String, bool) {
    let mut out = String::from("configuration (secrets masked):\n");
    out.push_str(&config.describe());
    if let Some(warning) = production_warning {
        let _ = writeln!(out, "{warning}");
    }
    let mut healthy = true;

    let clients = config.clients();
    let zendesk_check = match &clients {
        Err(error) => Err(error.to_string()),
        Ok((zendesk, _)) => zendesk.me().await.map_err(|e| e.to_string()),
    };
    match zendesk_check {
        Ok(me) => {
            let role = me.get("role").and_then(Value::as_str).unwrap_or("unknown");
            let email = me.get("email").and_then(Value::as_str).unwrap_or("?");
            if matches!(role, "admin" | "agent") {
                let _ = writeln!(out, "ok    Zendesk answers; the token belongs to {email} ({role})");
            } else {
                healthy = false;
                let _ = writeln!(
                    out,
                    "FAIL  Zendesk answers, but the token belongs to {email} with role {role}: the harness needs an agent or an admin"
                );
            }
        }
        Err(error) => {
            healthy = false;
            let _ = writeln!(out, "FAIL  Zendesk: {error}");
        }
    }

    let poweroffice_check = match &clients {
        Err(error) => Err(error.to_string()),
        Ok((_, poweroffice)) => poweroffice.client_integration_information().await.map_err(|e| e.to_string()),
    };
    match poweroffice_check {
        Ok(information) => {
            let list = |field: &str| -> Vec<String> {
                information
                    .get(field)
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                    .unwrap_or_default()
            };
            let valid = list("ValidPrivileges");
            let client = information.get("ClientName").and_then(Value::as_str).unwrap_or("?");
            let missing: Vec<&str> =
                NEEDED_PRIVILEGES.iter().copied().filter(|p| !valid.iter().any(|v| v == p)).collect();
            if missing.is_empty() {
                let _ = writeln!(out, "ok    PowerOffice Go answers; client {client:?} has every privilege needed");
            } else {
                healthy = false;
                let _ = writeln!(
                    out,
                    "FAIL  PowerOffice Go answers (client {client:?}), but these privileges are missing: {}",
                    missing.join(", ")
                );
            }
            let invalid = list("InvalidPrivileges");
            if !invalid.is_empty() {
                let _ = writeln!(out, "note  PowerOffice Go lists invalid privileges: {}", invalid.join(", "));
            }
        }
        Err(error) => {
            healthy = false;
            let _ = writeln!(out, "FAIL  PowerOffice Go: {error}");
        }
    }
    let _ = writeln!(out, "doctor: {}", if healthy { "ready for a staging run" } else { "not ready" });
    (out, healthy)
}
