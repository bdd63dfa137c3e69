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
        Self { clock, zendesk, poweroffice }
    }

    /// Stops both servers. Dropping a wiremock server runs a blocking verify that takes a tokio
    /// lock; on an async worker whose cooperative budget is spent, that lock never becomes
    /// ready and the thread spins forever. A blocking thread has no budget, so the servers are
    /// dropped there.
    pub async fn shutdown(self) {
        if let Err(error) = tokio::task::spawn_blocking(move || drop(self)).await {
            eprintln!("dataflow-qa: stopping the fake servers failed: {error}");
        }
    }
}
