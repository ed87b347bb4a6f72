use std::process::ExitCode;

use clap::Parser;

// mimalloc reuses the many short-lived tensor buffers of a training step
// faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = vitis_hpo::cli::Cli::parse();
    match vitis_hpo::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vitis-hpo: {error:#}");
            ExitCode::FAILURE
        }
    }
}
