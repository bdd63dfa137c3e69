//! How Then-steps decide: one `eventually` helper that re-checks an expectation until a
//! deadline, and `expect_eq`, which fails with a pretty_assertions diff instead of panicking,
//! so a check can be retried and its last mismatch reported.

use std::fmt::Debug;
use std::future::Future;
use std::time::Duration;

use anyhow::anyhow;

/// The first pause between two checks; each further pause doubles, up to `MAX_POLL_INTERVAL`.
const FIRST_POLL_INTERVAL: Duration = Duration::from_millis(250);
/// Reads stay far inside both services' rate limits even with many scenarios polling.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(15);

/// Runs `check` until it passes or `deadline` has passed. With a zero deadline (the reference
/// sync runs in-process, so its effects are already there) it checks exactly once and never
/// waits. On timeout the error is the last unmet expectation, with what was seen instead.
pub async fn eventually<T, F, Fut>(deadline: Duration, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let started = tokio::time::Instant::now();
    let mut interval = FIRST_POLL_INTERVAL;
    let mut checks = 0u32;
    loop {
        checks += 1;
        let error = match check().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let waited = started.elapsed();
        if waited >= deadline {
            if checks == 1 {
                return Err(error);
            }
            return Err(anyhow!(
                "still unmet after waiting {:.1} s ({checks} checks) for the sync under test; last seen: {error:#}",
                waited.as_secs_f64()
            ));
        }
        // The last pause ends at the deadline, so the final check happens right then.
        tokio::time::sleep(interval.min(deadline - waited)).await;
        interval = (interval * 2).min(MAX_POLL_INTERVAL);
    }
}

/// Fails with a readable diff when `actual` is not `expected`; `what` names the value checked.
pub fn expect_eq<T: Debug + PartialEq + ?Sized>(actual: &T, expected: &T, what: &str) -> anyhow::Result<()> {
    if actual == expected {
        return Ok(());
    }
    let diff = without_ansi_colours(&pretty_assertions::Comparison::new(actual, expected).to_string());
    // The diff's own first line names "left" and "right"; the line above says which is which.
    let lines: Vec<&str> = diff.lines().skip_while(|line| line.starts_with("Diff ")).collect();
    Err(anyhow!("{what} differs (< found, > expected):\n{}", lines.join("\n")))
}

/// Reports land in JUnit, JSON and HTML files, where terminal colour codes are noise.
fn without_ansi_colours(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip a CSI sequence: ESC [ parameters final-byte.
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        plain.push(c);
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn a_zero_deadline_checks_once_and_returns_the_error_unchanged() {
        let calls = AtomicU32::new(0);
        let result: anyhow::Result<()> = eventually(Duration::ZERO, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(anyhow!("EmailAddress is \"a\""))
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(result.unwrap_err().to_string(), "EmailAddress is \"a\"");
    }

    #[tokio::test(start_paused = true)]
    async fn it_rechecks_until_the_expectation_holds() {
        let calls = AtomicU32::new(0);
        let value = eventually(Duration::from_secs(60), || async {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            if n < 4 {
                anyhow::bail!("not yet ({n})")
            }
            Ok(n)
        })
        .await
        .unwrap();
        assert_eq!(value, 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_timeout_reports_the_last_mismatch_and_how_long_it_waited() {
        let calls = AtomicU32::new(0);
        let error = eventually(Duration::from_secs(10), || async {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            Err::<(), _>(anyhow!("saw {n}"))
        })
        .await
        .unwrap_err();
        let shown = format!("{error:#}");
        assert!(shown.starts_with("still unmet after waiting"), "{shown}");
        assert!(shown.ends_with(&format!("saw {}", calls.load(Ordering::SeqCst))), "{shown}");
        // Checks at 0, 0.25, 0.75, 1.75, 3.75 and 7.75 s, then one at the deadline (10 s).
        assert_eq!(calls.load(Ordering::SeqCst), 7);
        assert!(shown.contains("waiting 10.0 s (7 checks)"), "{shown}");
    }

    #[test]
    fn expect_eq_shows_both_values() {
        expect_eq(&1, &1, "one").unwrap();
        let error = expect_eq(&"kari@acme.no", &"ola@acme.no", "EmailAddress").unwrap_err().to_string();
        assert!(error.starts_with("EmailAddress differs"), "{error}");
        assert!(error.contains("<\"kari@acme.no\"") && error.contains(">\"ola@acme.no\""), "{error}");
        assert!(!error.contains('\u{1b}'), "no colour codes in reports: {error:?}");
    }
}
