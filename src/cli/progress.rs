use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::training::{EpochMetrics, TrainProgress};

/// Per-epoch progress bar on stdout (hidden when stdout is not a terminal)
/// and one metrics line per finished epoch.
pub struct EpochBar {
    epochs: usize,
    bar: Option<ProgressBar>,
    prefix: String,
    interrupted: Option<&'static std::sync::atomic::AtomicBool>,
}

impl EpochBar {
    pub fn new(epochs: usize, prefix: impl Into<String>) -> EpochBar {
        EpochBar { epochs, bar: None, prefix: prefix.into(), interrupted: None }
    }

    /// Stops training when `flag` becomes true (set by the Ctrl-C handler).
    pub fn with_interrupt(mut self, flag: &'static std::sync::atomic::AtomicBool) -> EpochBar {
        self.interrupted = Some(flag);
        self
    }
}

impl TrainProgress for EpochBar {
    fn epoch_started(&mut self, epoch: usize, num_batches: usize) {
        let bar = ProgressBar::with_draw_target(Some(num_batches as u64), ProgressDrawTarget::stdout());
        bar.set_style(
            ProgressStyle::with_template("{prefix}epoch {msg} [{bar:30}] {pos}/{len} batches {elapsed}")
                .expect("valid progress template")
                .progress_chars("=> "),
        );
        bar.set_prefix(self.prefix.clone());
        bar.set_message(format!("{epoch}/{}", self.epochs));
        self.bar = Some(bar);
    }

    fn batch_finished(&mut self, _epoch: usize, _batch: usize) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn epoch_finished(&mut self, metrics: &EpochMetrics) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        println!("{}{}", self.prefix, format_epoch(metrics, self.epochs));
    }

    fn should_stop(&self) -> bool {
        self.interrupted.is_some_and(|flag| flag.load(std::sync::atomic::Ordering::Relaxed))
    }
}

/// Formats one line of epoch metrics, in Keras's names.
pub fn format_epoch(metrics: &EpochMetrics, epochs: usize) -> String {
    format!(
        "epoch {}/{epochs}: loss {:.4}  accuracy {:.4}  val_loss {:.4}  val_accuracy {:.4}  ({:.1} s)",
        metrics.epoch, metrics.loss, metrics.accuracy, metrics.val_loss, metrics.val_accuracy, metrics.elapsed_s
    )
}
