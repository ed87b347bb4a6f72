use std::process::ExitCode;

use clap::Parser;

// mimalloc reuses the many short-lived tensor buffers of a training step
// faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so `vitis-hpo ... | head` would panic on the
    // next print. Restore the default: the process ends quietly, and every
    // finished trial is already on disk.
    #[cfg(unix)]
    // SAFETY: setting a signal disposition to SIG_DFL before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = vitis_hpo::cli::Cli::parse();
    match vitis_hpo::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vitis-hpo: {error:#}");
            ExitCode::FAILURE
        }
    }
}
