//! The command-line interface: clap argument structs, their conversion into
//! checked settings, and one file per command.

mod args;
mod data_args;
mod deploy;
mod export;
mod model_args;
mod pipeline;
mod progress;
mod quantize;
mod search;
mod show;
pub mod study;
mod train;
mod verify;
mod verify_file;

pub use args::{Cli, Command, run};
