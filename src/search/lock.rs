//! A lock file that keeps two searches out of one run folder, where they
//! would both append the same trials.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// File name of the lock in a run folder; it contains the owner's process id.
pub const LOCK_FILE: &str = "search.lock";

/// Holds the lock of a run folder until dropped.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
}

impl RunLock {
    /// Takes the lock, replacing a lock whose process no longer runs.
    pub fn acquire(run_dir: &Path) -> anyhow::Result<RunLock> {
        let path = run_dir.join(LOCK_FILE);
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    write!(file, "{}", std::process::id()).with_context(|| format!("cannot write {}", path.display()))?;
                    return Ok(RunLock { path });
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner = std::fs::read_to_string(&path).unwrap_or_default();
                    let owner = owner.trim();
                    if !owner.is_empty() && Path::new("/proc").join(owner).exists() {
                        bail!(
                            "another vitis-hpo (process {owner}) is searching in {}; wait for it, \
                             or delete {} if that process is not vitis-hpo",
                            run_dir.display(),
                            path.display()
                        );
                    }
                    log::warn!("removing the stale lock {} of process '{owner}'", path.display());
                    std::fs::remove_file(&path).with_context(|| format!("cannot remove the stale lock {}", path.display()))?;
                }
                Err(error) => return Err(error).with_context(|| format!("cannot create {}", path.display())),
            }
        }
        bail!("cannot take the lock {}", path.display())
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
