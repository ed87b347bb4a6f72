use std::path::Path;

use prost::Message;

use super::error::TensorboardError;
use super::proto::{Event, event, summary_value};
use super::record::parse_records;

/// One scalar read back from an event file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalarPoint {
    pub tag: String,
    pub step: i64,
    pub value: f32,
    /// Seconds since the Unix epoch.
    pub wall_time_s: f64,
}

/// Reads every event of a file, rejecting a truncated or corrupted record.
pub fn read_events(path: &Path) -> Result<Vec<Event>, TensorboardError> {
    let bytes = std::fs::read(path).map_err(|source| TensorboardError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let records = parse_records(&bytes).map_err(|source| TensorboardError::Record {
        path: path.to_path_buf(),
        source,
    })?;

    records
        .into_iter()
        .map(|(offset, data)| {
            Event::decode(data).map_err(|source| TensorboardError::Decode {
                path: path.to_path_buf(),
                offset,
                source,
            })
        })
        .collect()
}

/// Reads the scalar summaries of a file in the order they were written.
pub fn read_scalars(path: &Path) -> Result<Vec<ScalarPoint>, TensorboardError> {
    let mut scalars = Vec::new();
    for event in read_events(path)? {
        let Some(event::What::Summary(summary)) = event.what else {
            continue;
        };
        for value in summary.value {
            if let Some(summary_value::Value::SimpleValue(scalar)) = value.value {
                scalars.push(ScalarPoint {
                    tag: value.tag,
                    step: event.step,
                    value: scalar,
                    wall_time_s: event.wall_time,
                });
            }
        }
    }
    Ok(scalars)
}
