//! Options of `dataflow-qa run`, also parsed by the `cargo test` conformance target.

use std::path::PathBuf;
use std::time::Duration;

use super::context::SyncMode;
use super::RunOptions;

#[derive(Clone, Debug, clap::Args)]
pub struct RunArgs {
    /// A .feature file or a folder of them.
    #[arg(long, value_name = "PATH", default_value = "features")]
    pub features: PathBuf,

    /// Cucumber tag expression selecting scenarios, e.g. '@R1 and not @known-conflict'.
    #[arg(short, long, value_name = "TAGEXPR", env = "CUCUMBER_FILTER_TAGS")]
    pub tags: Option<String>,

    /// Keep only scenarios whose name contains this text.
    #[arg(short, long, value_name = "TEXT")]
    pub name: Option<String>,

    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Write a Cucumber JSON report here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Write the checklist as a self-contained HTML page here: the spec's sections with a
    /// verdict on every row.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// With --html: build the page from this generated dataflow document instead of the
    /// built-in spec, with its drift as a banner.
    #[arg(long, value_name = "FILE", requires = "html")]
    pub spec: Option<PathBuf>,

    /// How many scenarios run at once (each has its own fakes).
    #[arg(short, long, value_name = "N")]
    pub concurrency: Option<usize>,

    /// Stop at the first failing scenario.
    #[arg(long)]
    pub fail_fast: bool,

    /// More detail on failures: -v adds doc strings, -vv also the scenario's World (secrets masked).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Fail the run when a @known-conflict scenario passes (the conflict no longer reproduces).
    #[arg(long)]
    pub strict: bool,

    /// Where the systems are: the built-in fakes, or the staging accounts the environment
    /// (or .env) names with the variables `dataflow-qa sync` reads.
    #[arg(long, value_enum, default_value_t = TargetChoice::Mock)]
    pub target: TargetChoice,

    /// Which sync is checked: ours, run between steps, or an external engine that runs on its
    /// own while Then-steps wait for its effects (@reference-only scenarios are deselected).
    #[arg(long, value_enum, default_value_t = SyncChoice::Reference)]
    pub sync: SyncChoice,

    /// With --sync external: how long a Then-step waits for the expected state (90s, 10m, 1h).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub sync_timeout: Duration,

    /// With --sync external: the longest one pass of that engine takes. A step that says the
    /// sync runs waits this long, because an external engine gives no signal when it is done.
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = parse_duration)]
    pub sync_cycle: Duration,

    /// Allow a PowerOffice Go URL outside the demo environment (prints a warning).
    #[arg(long)]
    pub allow_production: bool,

    /// The id the run marks its records with (default: a new one from the time).
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TargetChoice {
    Mock,
    Staging,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SyncChoice {
    Reference,
    External,
}

/// "90", "90s", "10m", "1h", "24h".
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| format!("{text:?} is not a duration like 90s, 10m or 24h"))?;
    let seconds = match unit {
        "" | "s" => number,
        "m" => number * 60,
        "h" => number * 3600,
        "d" => number * 86_400,
        _ => return Err(format!("{text:?} is not a duration like 90s, 10m or 24h")),
    };
    Ok(Duration::from_secs(seconds))
}

impl RunArgs {
    pub fn options(&self) -> RunOptions {
        RunOptions {
            features: self.features.clone(),
            tags: self.tags.clone(),
            name: self.name.clone(),
            junit: self.junit.clone(),
            json: self.json.clone(),
            html: self.html.clone(),
            spec: self.spec.clone(),
            concurrency: self.concurrency,
            fail_fast: self.fail_fast,
            strict: self.strict,
            verbose: self.verbose,
            target: self.target,
            sync: match self.sync {
                SyncChoice::Reference => SyncMode::Reference,
                SyncChoice::External => SyncMode::External { timeout: self.sync_timeout, cycle: self.sync_cycle },
            },
            allow_production: self.allow_production,
            run_id: self.run_id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_duration("24h").unwrap(), Duration::from_secs(86_400));
        assert!(parse_duration("soon").unwrap_err().contains("like 90s"));
        assert!(parse_duration("5 weeks").is_err());
    }
}
