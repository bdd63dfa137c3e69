//! Options of `dataflow-qa run`, also parsed by the `cargo test` conformance target.

use std::path::PathBuf;

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
}

impl RunArgs {
    pub fn options(&self) -> RunOptions {
        RunOptions {
            features: self.features.clone(),
            tags: self.tags.clone(),
            name: self.name.clone(),
            junit: self.junit.clone(),
            json: self.json.clone(),
            concurrency: self.concurrency,
            fail_fast: self.fail_fast,
            strict: self.strict,
            verbose: self.verbose,
        }
    }
}
