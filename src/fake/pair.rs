//! Both fakes of one scenario (or of one `dataflow-qa mock` process), sharing one clock.

use crate::poweroffice::FakePowerOffice;
use crate::zendesk::FakeZendesk;

use super::FakeClock;

pub struct Fakes {
    pub clock: FakeClock,
    pub zendesk: FakeZendesk,
    pub poweroffice: FakePowerOffice,
}

impl Fakes {
    pub async fn start() -> Self {
        let clock = FakeClock::starting_now();
        let zendesk = FakeZendesk::start(clock.clone()).await;
        let poweroffice = FakePowerOffice::start(clock.clone()).await;
        Self {
            clock,
            zendesk,
            poweroffice,
        }
    }

    /// Stops both servers. Dropping a wiremock server verifies it synchronously, which spends
    /// tokio's cooperative budget; yielding after each drop keeps many scenarios in one task
    /// from spinning forever.
    pub async fn shutdown(self) {
        let Self {
            zendesk, poweroffice, ..
        } = self;
        drop(zendesk);
        tokio::task::yield_now().await;
        drop(poweroffice);
        tokio::task::yield_now().await;
    }
}
