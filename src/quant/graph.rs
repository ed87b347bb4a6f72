//! Minimal ONNX graph building on `tract_onnx::pb` messages.

use tract_onnx::pb::attribute_proto::AttributeType;
use tract_onnx::pb::tensor_proto::DataType;
use tract_onnx::pb::tensor_shape_proto::{Dimension, dimension};
use tract_onnx::pb::{
    AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto,
    TensorProto, TensorShapeProto, TypeProto, ValueInfoProto, type_proto,
};

/// ONNX opset of the written models. Opset 13 has QuantizeLinear and
/// DequantizeLinear with int8 and int32 zero points, MatMulInteger, Clip with
/// min/max inputs, and Softmax over one axis. tract 0.23 loads it.
pub const OPSET: i64 = 13;
/// IR version that goes with opset 13.
pub const IR_VERSION: i64 = 7;
/// Name of the symbolic batch dimension of the input and outputs.
pub const BATCH_DIM: &str = "N";

/// Nodes and initializers of a graph under construction.
#[derive(Default)]
pub struct GraphBuilder {
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
}

impl GraphBuilder {
    /// Appends a node whose name is its first output.
    pub fn node(
        &mut self,
        op_type: &str,
        inputs: &[&str],
        output: &str,
        attributes: Vec<AttributeProto>,
    ) -> String {
        self.nodes.push(NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.to_string()],
            name: output.to_string(),
            op_type: op_type.to_string(),
            attribute: attributes,
            ..Default::default()
        });
        output.to_string()
    }

    pub fn f32_tensor(&mut self, name: &str, dims: &[usize], values: &[f32]) -> String {
        let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.raw_tensor(name, dims, DataType::Float, raw)
    }

    pub fn i8_tensor(&mut self, name: &str, dims: &[usize], values: &[i8]) -> String {
        let raw: Vec<u8> = values.iter().map(|&v| v as u8).collect();
        self.raw_tensor(name, dims, DataType::Int8, raw)
    }

    pub fn i64_tensor(&mut self, name: &str, dims: &[usize], values: &[i64]) -> String {
        let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.raw_tensor(name, dims, DataType::Int64, raw)
    }

    pub fn i32_tensor(&mut self, name: &str, dims: &[usize], values: &[i32]) -> String {
        let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.raw_tensor(name, dims, DataType::Int32, raw)
    }

    fn raw_tensor(
        &mut self,
        name: &str,
        dims: &[usize],
        data_type: DataType,
        raw_data: Vec<u8>,
    ) -> String {
        self.initializers.push(TensorProto {
            dims: dims.iter().map(|&d| d as i64).collect(),
            data_type: data_type as i32,
            name: name.to_string(),
            raw_data,
            ..Default::default()
        });
        name.to_string()
    }

    /// Wraps the graph into a model with one float input `[N, input_width]`
    /// and float outputs `[N, width]`.
    pub fn finish(
        self,
        graph_name: &str,
        input: (&str, usize),
        outputs: &[(&str, usize)],
        doc: &str,
        metadata: &[(&str, String)],
    ) -> ModelProto {
        let graph = GraphProto {
            node: self.nodes,
            name: graph_name.to_string(),
            initializer: self.initializers,
            doc_string: doc.to_string(),
            input: vec![batch_value_info(input.0, input.1)],
            output: outputs
                .iter()
                .map(|&(name, width)| batch_value_info(name, width))
                .collect(),
            ..Default::default()
        };
        ModelProto {
            ir_version: IR_VERSION,
            opset_import: vec![OperatorSetIdProto {
                domain: String::new(),
                version: OPSET,
            }],
            producer_name: "vitis-hpo".to_string(),
            producer_version: env!("CARGO_PKG_VERSION").to_string(),
            doc_string: doc.to_string(),
            graph: Some(graph),
            metadata_props: metadata
                .iter()
                .map(|(key, value)| StringStringEntryProto {
                    key: key.to_string(),
                    value: value.clone(),
                })
                .collect(),
            ..Default::default()
        }
    }
}

fn batch_value_info(name: &str, width: usize) -> ValueInfoProto {
    let dims = vec![
        Dimension {
            denotation: String::new(),
            value: Some(dimension::Value::DimParam(BATCH_DIM.to_string())),
        },
        Dimension {
            denotation: String::new(),
            value: Some(dimension::Value::DimValue(width as i64)),
        },
    ];
    ValueInfoProto {
        name: name.to_string(),
        r#type: Some(TypeProto {
            denotation: String::new(),
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Float as i32,
                shape: Some(TensorShapeProto { dim: dims }),
            })),
        }),
        ..Default::default()
    }
}

pub fn int_attribute(name: &str, value: i64) -> AttributeProto {
    AttributeProto {
        name: name.to_string(),
        r#type: AttributeType::Int as i32,
        i: value,
        ..Default::default()
    }
}
