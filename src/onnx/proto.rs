//! Small constructors for the `tract_onnx::pb` messages the exporter writes.

use tract_onnx::pb;
use tract_onnx::pb::attribute_proto::AttributeType;
use tract_onnx::pb::tensor_shape_proto::{Dimension, dimension};

use super::export::{BATCH_DIM, ELEMENT_TYPE};

/// Builds a float32 initializer with its values as little-endian `raw_data`,
/// the compact encoding that every ONNX runtime reads.
pub(crate) fn f32_tensor(name: &str, dims: &[usize], values: &[f32]) -> pb::TensorProto {
    let raw_data = values
        .iter()
        .flat_map(|value| value.to_le_bytes())
        .collect();
    pb::TensorProto {
        name: name.to_string(),
        dims: dims.iter().map(|&dim| dim as i64).collect(),
        data_type: ELEMENT_TYPE as i32,
        raw_data,
        ..Default::default()
    }
}

/// Describes a float32 `[N, width]` graph input or output, `N` symbolic.
pub(crate) fn batch_tensor_info(name: &str, width: usize) -> pb::ValueInfoProto {
    let dims = vec![
        Dimension {
            value: Some(dimension::Value::DimParam(BATCH_DIM.to_string())),
            ..Default::default()
        },
        Dimension {
            value: Some(dimension::Value::DimValue(width as i64)),
            ..Default::default()
        },
    ];
    let tensor_type = pb::type_proto::Tensor {
        elem_type: ELEMENT_TYPE as i32,
        shape: Some(pb::TensorShapeProto { dim: dims }),
    };
    pb::ValueInfoProto {
        name: name.to_string(),
        r#type: Some(pb::TypeProto {
            value: Some(pb::type_proto::Value::TensorType(tensor_type)),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub(crate) fn int_attribute(name: &str, value: i64) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.to_string(),
        r#type: AttributeType::Int as i32,
        i: value,
        ..Default::default()
    }
}
