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
            eprintln!("vitis-hpo: {}", error_chain(&error));
            ExitCode::FAILURE
        }
    }
}

/// Joins the error and its causes with ": ", skipping a cause whose text
/// the message already ends with (errors that repeat their source).
fn error_chain(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}
