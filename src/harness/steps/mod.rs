//! Step definitions, grouped by domain. Each step is a few lines that call a World helper or a
//! client; assertions name what was expected and what was found.

mod faults;
mod poweroffice;
mod sync;
mod zendesk;

/// Splits "Kari Nordmann" into FirstName "Kari" and LastName "Nordmann" (the last word).
pub(crate) fn split_name(name: &str) -> anyhow::Result<(String, String)> {
    match name.trim().rsplit_once(' ') {
        Some((first, last)) if !first.trim().is_empty() => Ok((first.trim().to_owned(), last.to_owned())),
        _ => anyhow::bail!("{name:?} needs a first and a last name, separated by a space"),
    }
}
