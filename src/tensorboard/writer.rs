use std::fs::{File, OpenOptions};
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use prost::Message;

use super::error::TensorboardError;
use super::proto::{Event, Summary, SummaryValue, event, summary_value};
use super::record::encode_record;

/// Version string of the first event in every file, as TensorFlow writes it.
pub const FILE_VERSION: &str = "brain.Event:2";

/// Appends scalar summaries to a new TensorBoard event file.
///
/// The file is `events.out.tfevents.<unix seconds>.<hostname>` in the log
/// folder. When a file of that name already exists (two writers started in
/// the same second), `.1`, `.2`, ... is appended, and TensorBoard still reads
/// it because it loads every file whose name contains `tfevents`.
pub struct EventWriter {
    file: BufWriter<File>,
    path: PathBuf,
}

impl EventWriter {
    /// Creates the log folder if needed and a new event file in it, and
    /// writes the file version event.
    pub fn create(log_dir: &Path) -> Result<Self, TensorboardError> {
        std::fs::create_dir_all(log_dir).map_err(|source| TensorboardError::CreateDir {
            path: log_dir.to_path_buf(),
            source,
        })?;

        let now = SystemTime::now();
        let unix_s = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let base_name = format!("events.out.tfevents.{unix_s}.{}", hostname());
        let (file, path) = create_unique(log_dir, &base_name)?;
        log::debug!("writing TensorBoard events to {}", path.display());

        let mut writer = Self {
            file: BufWriter::new(file),
            path,
        };
        writer.write_event(&Event {
            wall_time: unix_time_s(now),
            step: 0,
            what: Some(event::What::FileVersion(FILE_VERSION.to_string())),
        })?;
        writer.flush()?;
        Ok(writer)
    }

    /// Path of the event file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one scalar at `step`, stamped with the current time. The event
    /// stays buffered until [`flush`](Self::flush) or
    /// [`add_scalars`](Self::add_scalars).
    pub fn add_scalar(&mut self, tag: &str, value: f32, step: i64) -> Result<(), TensorboardError> {
        self.add_scalar_at(tag, value, step, unix_time_s(SystemTime::now()))
    }

    /// Appends one scalar at `step` with an explicit wall time in seconds
    /// since the Unix epoch.
    pub fn add_scalar_at(
        &mut self,
        tag: &str,
        value: f32,
        step: i64,
        wall_time_s: f64,
    ) -> Result<(), TensorboardError> {
        let summary = Summary {
            value: vec![SummaryValue {
                tag: tag.to_string(),
                value: Some(summary_value::Value::SimpleValue(value)),
            }],
        };
        self.write_event(&Event {
            wall_time: wall_time_s,
            step,
            what: Some(event::What::Summary(summary)),
        })
    }

    /// Appends one event per `(tag, value)` pair at `step` and flushes, so a
    /// run interrupted later keeps every epoch written so far.
    pub fn add_scalars(
        &mut self,
        step: i64,
        scalars: &[(&str, f32)],
    ) -> Result<(), TensorboardError> {
        let wall_time_s = unix_time_s(SystemTime::now());
        for &(tag, value) in scalars {
            self.add_scalar_at(tag, value, step, wall_time_s)?;
        }
        self.flush()
    }

    /// Hands buffered events to the operating system.
    pub fn flush(&mut self) -> Result<(), TensorboardError> {
        self.file.flush().map_err(|source| self.write_error(source))
    }

    fn write_event(&mut self, event: &Event) -> Result<(), TensorboardError> {
        let record = encode_record(&event.encode_to_vec());
        self.file
            .write_all(&record)
            .map_err(|source| self.write_error(source))
    }

    fn write_error(&self, source: std::io::Error) -> TensorboardError {
        TensorboardError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        if let Err(error) = self.flush() {
            log::warn!("{error}");
        }
    }
}

/// Creates `base_name`, or `base_name.1`, `base_name.2`, ... when taken,
/// without ever truncating an existing file.
fn create_unique(dir: &Path, base_name: &str) -> Result<(File, PathBuf), TensorboardError> {
    let mut suffix = 0u32;
    loop {
        let name = match suffix {
            0 => base_name.to_string(),
            n => format!("{base_name}.{n}"),
        };
        let path = dir.join(name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(error) if error.kind() == ErrorKind::AlreadyExists && suffix < 1000 => suffix += 1,
            Err(source) => return Err(TensorboardError::CreateFile { path, source }),
        }
    }
}

fn unix_time_s(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Host name for the file name, reduced to characters safe in file names.
fn hostname() -> String {
    let raw = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default();
    let safe: String = raw
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() {
        "localhost".to_string()
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensorboard::{read_events, read_scalars};

    #[test]
    fn file_name_follows_tensorflow_pattern() {
        let dir = tempfile::tempdir().unwrap();
        let writer = EventWriter::create(&dir.path().join("run")).unwrap();

        let name = writer
            .path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let parts: Vec<&str> = name.splitn(5, '.').collect();

        assert_eq!(&parts[..3], ["events", "out", "tfevents"]);
        assert!(parts[3].parse::<u64>().unwrap() > 1_600_000_000, "{name}");
        assert!(!parts[4].is_empty(), "{name}");
        assert_eq!(writer.path().parent().unwrap(), dir.path().join("run"));
    }

    #[test]
    fn first_event_is_file_version() {
        let dir = tempfile::tempdir().unwrap();
        let writer = EventWriter::create(dir.path()).unwrap();

        let events = read_events(writer.path()).unwrap();

        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0].what,
            Some(event::What::FileVersion(FILE_VERSION.to_string()))
        );
        assert!(events[0].wall_time > 1.6e9);
    }

    #[test]
    fn scalars_are_on_disk_after_add_scalars() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = EventWriter::create(dir.path()).unwrap();

        writer
            .add_scalars(0, &[("loss", 0.5), ("accuracy", 0.875)])
            .unwrap();
        writer
            .add_scalars(1, &[("loss", 0.25), ("accuracy", 0.9375)])
            .unwrap();
        // Read while the writer is still open: nothing may wait in a buffer.
        let scalars = read_scalars(writer.path()).unwrap();

        let as_tuples: Vec<(&str, i64, f32)> = scalars
            .iter()
            .map(|s| (s.tag.as_str(), s.step, s.value))
            .collect();
        assert_eq!(
            as_tuples,
            [
                ("loss", 0, 0.5),
                ("accuracy", 0, 0.875),
                ("loss", 1, 0.25),
                ("accuracy", 1, 0.9375)
            ]
        );
        assert!(scalars.iter().all(|s| s.wall_time_s > 1.6e9));
    }

    #[test]
    fn two_writers_in_one_folder_keep_separate_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = EventWriter::create(dir.path()).unwrap();
        let mut second = EventWriter::create(dir.path()).unwrap();

        first.add_scalars(0, &[("loss", 1.0)]).unwrap();
        second.add_scalars(0, &[("loss", 2.0)]).unwrap();

        assert_ne!(first.path(), second.path());
        assert_eq!(read_scalars(first.path()).unwrap()[0].value, 1.0);
        assert_eq!(read_scalars(second.path()).unwrap()[0].value, 2.0);
    }

    #[test]
    fn corrupted_byte_in_file_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let path = {
            let mut writer = EventWriter::create(dir.path()).unwrap();
            writer.add_scalars(3, &[("val_accuracy", 0.97)]).unwrap();
            writer.path().to_path_buf()
        };
        let mut bytes = std::fs::read(&path).unwrap();
        let last_data_byte = bytes.len() - 5;
        bytes[last_data_byte] ^= 0x10;
        std::fs::write(&path, bytes).unwrap();

        let error = read_events(&path).unwrap_err();

        assert!(
            matches!(
                error,
                TensorboardError::Record {
                    source: crate::tensorboard::RecordError::DataChecksum { .. },
                    ..
                }
            ),
            "{error}"
        );
    }
}
