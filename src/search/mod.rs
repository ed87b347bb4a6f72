//! The search stage: the lab's hyper-parameter search joined to training,
//! with trial logs, resume, the best model, a summary and plots.

mod hyper;
mod lock;
mod plots;
mod runner;
mod spec;
mod spec_file;
mod summary;
mod trial;

pub use hyper::{HYPER_PARAMETERS, trial_config};
pub use lock::{LOCK_FILE, RunLock};
pub use plots::write_plots;
pub use runner::{RUN_JSON, SearchOutcome, SearchRun, run_search};
pub use spec::{DimensionSpec, SearchSpec, SpecError};
pub use spec_file::parse_spec_file;
pub use summary::{SUMMARY_JSON, Summary, format_params, read_summary};
pub use trial::{TRIALS_JSONL, TrialRecord, TrialStatus, append_trial, fitness_of_surrogate_value, read_trials, surrogate_value};
