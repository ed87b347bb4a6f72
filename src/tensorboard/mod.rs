//! TensorBoard event files: scalar summaries per training epoch, written in
//! the TFRecord framing that TensorBoard reads, and a strict reader that
//! verifies both checksums of every record.

mod error;
mod proto;
mod reader;
mod record;
mod run_name;
mod writer;

pub use error::TensorboardError;
pub use proto::{Event, Summary, SummaryValue, event, summary_value};
pub use reader::{ScalarPoint, read_events, read_scalars};
pub use record::{RecordError, encode_record, masked_crc32c, parse_records};
pub use run_name::{HyperValue, run_dir_name};
pub use writer::{EventWriter, FILE_VERSION};
