//! Which step of a scenario failed, and why: a small cucumber writer beside the terminal,
//! JUnit and JSON ones, so the checklist page can show the failing step and its message (the
//! expected-versus-found diff included) next to its checklist row.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use cucumber::{cli, event, parser, Event};

use super::QaWorld;

/// The step a scenario failed on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepFailure {
    /// `Then the contact person "Kari Nordmann" at "Acme AS" has the EmailAddress "kari@acme.no"`.
    pub step: String,
    pub message: String,
    /// The last request the scenario sent to each system before the step failed.
    pub requests: Vec<String>,
}

/// Failures by scenario, keyed `path:line` like `ScenarioResult::location`.
pub type Failures = Rc<RefCell<HashMap<String, StepFailure>>>;

#[derive(Debug, Default)]
pub struct FailureCapture {
    pub failures: Failures,
}

fn message(error: &event::StepError) -> String {
    match error {
        event::StepError::Panic(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "the step panicked".to_owned()),
        other => other.to_string(),
    }
}

impl FailureCapture {
    fn record(
        &self,
        feature: &cucumber::gherkin::Feature,
        scenario: &cucumber::gherkin::Scenario,
        step: &cucumber::gherkin::Step,
        error: &event::StepError,
        requests: Vec<String>,
    ) {
        let path = feature.path.as_deref().map(super::runner::relative).unwrap_or_default();
        let failure =
            StepFailure { step: format!("{}{}", step.keyword, step.value), message: message(error), requests };
        self.failures.borrow_mut().entry(format!("{path}:{}", scenario.position.line)).or_insert(failure);
    }
}

impl cucumber::Writer<QaWorld> for FailureCapture {
    type Cli = cli::Empty;

    async fn handle_event(&mut self, event: parser::Result<Event<event::Cucumber<QaWorld>>>, _: &Self::Cli) {
        let Ok(event) = event else { return };
        let event::Cucumber::Feature(feature, feature_event) = &event.value else { return };
        let (scenario, scenario_event) = match feature_event {
            event::Feature::Scenario(scenario, retryable) => (scenario, &retryable.event),
            event::Feature::Rule(_, event::Rule::Scenario(scenario, retryable)) => (scenario, &retryable.event),
            _ => return,
        };
        match scenario_event {
            event::Scenario::Step(step, event::Step::Failed(_, _, world, error))
            | event::Scenario::Background(step, event::Step::Failed(_, _, world, error)) => {
                let requests = world.as_ref().map(|w| w.last_requests()).unwrap_or_default();
                self.record(feature, scenario, step, error, requests);
            }
            _ => {}
        }
    }
}

impl cucumber::writer::NonTransforming for FailureCapture {}
