//! One logical clock shared by both fakes of a scenario, so that timestamps on the two sides
//! order the way the edits happened, and every change gets a strictly later stamp even when
//! edits come faster than Zendesk's one-second timestamp resolution.

use std::sync::{Arc, Mutex};

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

const ZENDESK_FORMAT: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
const POWEROFFICE_FORMAT: &[FormatItem<'static>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6][offset_hour sign:mandatory]:[offset_minute]"
);

#[derive(Clone, Debug)]
pub struct FakeClock {
    last: Arc<Mutex<OffsetDateTime>>,
}

impl Default for FakeClock {
    fn default() -> Self {
        Self::starting_now()
    }
}

impl FakeClock {
    pub fn starting_now() -> Self {
        let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        Self { last: Arc::new(Mutex::new(now)) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OffsetDateTime> {
        self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The present moment: the wall clock, or the last stamp handed out if that is later.
    pub fn now(&self) -> OffsetDateTime {
        let last = *self.lock();
        last.max(OffsetDateTime::now_utc())
    }

    /// A stamp for a Zendesk change: a whole second, strictly after every earlier stamp of
    /// either system (Zendesk timestamps have no fraction).
    pub fn tick(&self) -> OffsetDateTime {
        let mut last = self.lock();
        let wall = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(*last);
        let next_second = (*last + Duration::seconds(1)).replace_nanosecond(0).unwrap_or(*last);
        *last = wall.max(next_second);
        *last
    }

    /// A stamp for a PowerOffice Go change: microseconds, strictly after every earlier stamp.
    /// Only Zendesk's stamps need whole seconds, so this one does not push the clock ahead.
    pub fn tick_precise(&self) -> OffsetDateTime {
        let mut last = self.lock();
        let wall = OffsetDateTime::now_utc();
        let wall = wall.replace_nanosecond(wall.nanosecond() / 1000 * 1000).unwrap_or(wall);
        *last = wall.max(*last + Duration::microseconds(1));
        *last
    }

    /// Moves time forward, as a scenario does to let a token expire.
    pub fn advance(&self, by: Duration) {
        let mut last = self.lock();
        *last = (*last).max(OffsetDateTime::now_utc()) + by;
    }
}

/// `2021-11-15T23:20:11Z`, as Zendesk writes `created_at` and `updated_at`.
pub fn zendesk_timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(ZENDESK_FORMAT).unwrap_or_default()
}

/// `2021-09-30T08:03:00.123456+00:00`, as PowerOffice Go writes its `…DateTimeOffset` fields.
pub fn poweroffice_timestamp(at: OffsetDateTime) -> String {
    at.format(POWEROFFICE_FORMAT).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn ticks_are_strictly_increasing_by_whole_seconds() {
        let clock = FakeClock::starting_now();
        let first = clock.tick();
        let second = clock.tick();
        assert!(second - first >= Duration::seconds(1));
        assert!(clock.now() >= second);
    }

    #[test]
    fn precise_ticks_stay_ordered_with_whole_second_ticks_without_running_ahead() {
        let clock = FakeClock::starting_now();
        let zendesk = clock.tick();
        let poweroffice = clock.tick_precise();
        let zendesk_again = clock.tick();
        assert!(zendesk < poweroffice && poweroffice < zendesk_again);
        assert_eq!(zendesk_again.nanosecond(), 0);
        let before = clock.tick_precise();
        for _ in 0..1000 {
            clock.tick_precise();
        }
        assert!(clock.tick_precise() - before < Duration::seconds(1), "a thousand changes do not move time by seconds");
    }

    #[test]
    fn advance_moves_now_forward() {
        let clock = FakeClock::starting_now();
        let before = clock.now();
        clock.advance(Duration::hours(1));
        assert!(clock.now() - before >= Duration::minutes(59));
    }

    #[test]
    fn timestamps_use_each_api_format() {
        let at = datetime!(2021-11-15 23:20:11.5 UTC);
        assert_eq!(zendesk_timestamp(at), "2021-11-15T23:20:11Z");
        assert_eq!(poweroffice_timestamp(at), "2021-11-15T23:20:11.500000+00:00");
    }
}
