//! S1: once linked, a mapped property stays in sync whichever side is edited. Each side's
//! value is compared with the value both had after the last sync: the side that changed wins;
//! when both changed, the most recently modified record wins, and a tie goes to Zendesk. An
//! empty value never overwrites a non-empty one. With no last-synced value (a new link),
//! Zendesk is the source, and a value both sides hold in different spellings (an email in
//! other letter case) takes Zendesk's spelling.

use time::OffsetDateTime;

/// One property of a linked pair, as both sides have it now.
pub(super) struct Sides<'a> {
    pub zendesk: Option<&'a str>,
    pub zendesk_changed_at: OffsetDateTime,
    pub poweroffice: Option<&'a str>,
    pub poweroffice_changed_at: OffsetDateTime,
    pub last_synced: Option<&'a str>,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Both sides agree on this value (None: both are empty).
    InSync(Option<String>),
    ToPowerOffice(String),
    ToZendesk(String),
    /// The winning side is empty; the other side keeps its value.
    KeepBoth(String),
}

fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Decides one property. `same` says when two non-empty values count as equal (emails, for
/// instance, compare without regard to case).
pub(super) fn resolve(sides: &Sides<'_>, same: fn(&str, &str) -> bool) -> Outcome {
    let (zendesk, poweroffice) = (present(sides.zendesk), present(sides.poweroffice));
    let equal = |a: Option<&str>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (a, b) => a == b,
    };
    if equal(zendesk, poweroffice) {
        // The same value written differently (case, spaces) takes Zendesk's form, once.
        return match zendesk {
            Some(value) if sides.poweroffice != Some(value) => Outcome::ToPowerOffice(value.to_owned()),
            _ => Outcome::InSync(zendesk.map(str::to_owned)),
        };
    }
    let last = sides.last_synced;
    let zendesk_changed = last.is_none_or(|last| !equal(zendesk, present(Some(last))));
    let poweroffice_changed = last.is_some_and(|last| !equal(poweroffice, present(Some(last))));
    let poweroffice_wins = match (zendesk_changed, poweroffice_changed) {
        (false, true) => true,
        (true, true) => sides.poweroffice_changed_at > sides.zendesk_changed_at,
        _ => false,
    };
    match (poweroffice_wins, zendesk, poweroffice) {
        (false, Some(value), _) => Outcome::ToPowerOffice(value.to_owned()),
        (true, _, Some(value)) => Outcome::ToZendesk(value.to_owned()),
        (false, None, _) => {
            Outcome::KeepBoth("Zendesk's value is empty, and an empty value never overwrites one".into())
        }
        (true, _, None) => {
            Outcome::KeepBoth("PowerOffice Go's value is empty, and an empty value never overwrites one".into())
        }
    }
}

pub(super) fn exact(a: &str, b: &str) -> bool {
    a == b
}

pub(super) fn same_email(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const EARLY: OffsetDateTime = datetime!(2024-01-01 10:00 UTC);
    const LATE: OffsetDateTime = datetime!(2024-01-01 11:00 UTC);

    fn sides<'a>(zendesk: Option<&'a str>, poweroffice: Option<&'a str>, last: Option<&'a str>) -> Sides<'a> {
        Sides { zendesk, zendesk_changed_at: EARLY, poweroffice, poweroffice_changed_at: EARLY, last_synced: last }
    }

    #[test]
    fn equal_sides_are_in_sync_and_take_zendesks_spelling() {
        assert_eq!(
            resolve(&sides(Some("a@b.no"), Some("a@b.no"), None), same_email),
            Outcome::InSync(Some("a@b.no".into()))
        );
        assert_eq!(
            resolve(&sides(Some("a@b.no"), Some(" A@B.no "), Some("a@b.no")), same_email),
            Outcome::ToPowerOffice("a@b.no".into())
        );
        assert_eq!(resolve(&sides(None, Some(""), Some("x")), exact), Outcome::InSync(None));
    }

    #[test]
    fn a_new_link_takes_zendesk_as_the_source() {
        assert_eq!(resolve(&sides(Some("Acme"), Some("ACME AS"), None), exact), Outcome::ToPowerOffice("Acme".into()));
    }

    #[test]
    fn the_side_that_changed_since_the_last_sync_wins() {
        assert_eq!(resolve(&sides(Some("New"), Some("Old"), Some("Old")), exact), Outcome::ToPowerOffice("New".into()));
        assert_eq!(resolve(&sides(Some("Old"), Some("New"), Some("Old")), exact), Outcome::ToZendesk("New".into()));
    }

    #[test]
    fn when_both_changed_the_later_edit_wins_and_a_tie_goes_to_zendesk() {
        let mut both = sides(Some("Z"), Some("P"), Some("Old"));
        assert_eq!(resolve(&both, exact), Outcome::ToPowerOffice("Z".into()), "a tie goes to Zendesk");
        both.poweroffice_changed_at = LATE;
        assert_eq!(resolve(&both, exact), Outcome::ToZendesk("P".into()));
        both.zendesk_changed_at = LATE + time::Duration::seconds(1);
        assert_eq!(resolve(&both, exact), Outcome::ToPowerOffice("Z".into()));
    }

    #[test]
    fn an_empty_value_never_overwrites_a_non_empty_one() {
        assert!(matches!(resolve(&sides(None, Some("P"), Some("Old")), exact), Outcome::KeepBoth(_)));
        assert_eq!(resolve(&sides(Some("Z"), Some("  "), Some("Z2")), exact), Outcome::ToPowerOffice("Z".into()));
        assert!(matches!(resolve(&sides(Some("Old"), Some(""), Some("Old")), exact), Outcome::KeepBoth(_)));
    }
}
