//! The subset of TensorFlow's `Event` and `Summary` protobuf messages
//! (tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto)
//! needed for scalar logs, derived by hand with prost so that no protoc is
//! needed. Field numbers match the upstream definitions (TensorBoard 2.21 reads
//! the files), and prost skips the fields left out here when it decodes a
//! file written by TensorFlow.

/// One entry of an event file: the file version header or a summary.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Event {
    /// Seconds since the Unix epoch when the event was recorded.
    #[prost(double, tag = "1")]
    pub wall_time: f64,
    /// Global step of the summary (the epoch for per-epoch scalars).
    #[prost(int64, tag = "2")]
    pub step: i64,
    #[prost(oneof = "event::What", tags = "3, 5")]
    pub what: Option<event::What>,
}

pub mod event {
    /// Payload of an [`Event`](super::Event).
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum What {
        /// Version header, `brain.Event:2` in the first event of a file.
        #[prost(string, tag = "3")]
        FileVersion(String),
        #[prost(message, tag = "5")]
        Summary(super::Summary),
    }
}

/// A set of tagged values recorded at one step.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Summary {
    #[prost(message, repeated, tag = "1")]
    pub value: Vec<SummaryValue>,
}

/// One tagged value of a [`Summary`] (`Summary.Value` upstream).
#[derive(Clone, PartialEq, prost::Message)]
pub struct SummaryValue {
    /// Series name shown by TensorBoard, such as `val_accuracy`.
    #[prost(string, tag = "1")]
    pub tag: String,
    #[prost(oneof = "summary_value::Value", tags = "2")]
    pub value: Option<summary_value::Value>,
}

pub mod summary_value {
    /// Payload of a [`SummaryValue`](super::SummaryValue).
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        /// A scalar, which TensorBoard shows in its Scalars tab.
        #[prost(float, tag = "2")]
        SimpleValue(f32),
    }
}
