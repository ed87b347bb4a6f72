use std::fmt;
use std::path::Path;

use prost::Message;
use serde::Serialize;
use tract_onnx::pb;
use tract_onnx::pb::tensor_shape_proto::dimension;

use super::OnnxError;

/// The structure of an ONNX file as stored: what tests check after export and
/// what `vitis-hpo show` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OnnxSummary {
    pub ir_version: i64,
    /// `(domain, version)` per imported operator set; the default domain is `""`.
    pub opsets: Vec<(String, i64)>,
    pub producer_name: String,
    pub producer_version: String,
    pub graph_name: String,
    pub doc_string: String,
    pub inputs: Vec<TensorSummary>,
    pub outputs: Vec<TensorSummary>,
    /// Nodes in file order, which ONNX requires to be topological.
    pub nodes: Vec<NodeSummary>,
    pub initializers: Vec<TensorSummary>,
    /// `metadata_props` in file order.
    pub metadata: Vec<(String, String)>,
}

/// Name, element type and shape of a graph input, output or initializer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TensorSummary {
    pub name: String,
    /// ONNX element type name, such as `FLOAT`.
    pub element_type: String,
    pub dims: Vec<Dim>,
}

/// One dimension of a tensor shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Dim {
    Fixed(i64),
    Symbolic(String),
    /// The file leaves the dimension unspecified.
    Unknown,
}

/// One operator node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeSummary {
    pub name: String,
    pub op_type: String,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
}

impl OnnxSummary {
    /// Returns the opset version of the default ONNX domain, if imported.
    pub fn default_opset(&self) -> Option<i64> {
        self.opsets
            .iter()
            .find(|(domain, _)| domain.is_empty() || domain == "ai.onnx")
            .map(|(_, version)| *version)
    }

    pub fn op_types(&self) -> Vec<&str> {
        self.nodes
            .iter()
            .map(|node| node.op_type.as_str())
            .collect()
    }

    pub fn initializer_names(&self) -> Vec<&str> {
        self.initializers
            .iter()
            .map(|tensor| tensor.name.as_str())
            .collect()
    }

    /// Returns the value of a `metadata_props` key.
    pub fn metadata_value(&self, key: &str) -> Option<&str> {
        self.metadata
            .iter()
            .find(|(entry, _)| entry == key)
            .map(|(_, value)| value.as_str())
    }
}

/// Decodes ONNX bytes and summarizes their graph without running anything.
pub fn inspect_onnx(bytes: &[u8]) -> Result<OnnxSummary, OnnxError> {
    let model = pb::ModelProto::decode(bytes)?;
    let graph = model
        .graph
        .ok_or_else(|| OnnxError::Malformed("the model has no graph".to_string()))?;
    Ok(OnnxSummary {
        ir_version: model.ir_version,
        opsets: model
            .opset_import
            .into_iter()
            .map(|opset| (opset.domain, opset.version))
            .collect(),
        producer_name: model.producer_name,
        producer_version: model.producer_version,
        graph_name: graph.name,
        doc_string: graph.doc_string,
        inputs: graph.input.iter().map(value_info_summary).collect(),
        outputs: graph.output.iter().map(value_info_summary).collect(),
        nodes: graph.node.into_iter().map(node_summary).collect(),
        initializers: graph.initializer.iter().map(initializer_summary).collect(),
        metadata: model
            .metadata_props
            .into_iter()
            .map(|entry| (entry.key, entry.value))
            .collect(),
    })
}

/// Reads an ONNX file and summarizes it with [`inspect_onnx`].
pub fn inspect_onnx_file(path: &Path) -> Result<OnnxSummary, OnnxError> {
    let bytes = std::fs::read(path).map_err(|source| OnnxError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })?;
    inspect_onnx(&bytes)
}

fn value_info_summary(info: &pb::ValueInfoProto) -> TensorSummary {
    let tensor_type = info.r#type.as_ref().and_then(|t| t.value.as_ref()).map(|value| match value {
        pb::type_proto::Value::TensorType(tensor) => tensor,
    });
    let dims = tensor_type
        .and_then(|tensor| tensor.shape.as_ref())
        .map(|shape| shape.dim.iter().map(dim_summary).collect())
        .unwrap_or_default();
    TensorSummary {
        name: info.name.clone(),
        element_type: element_type_name(tensor_type.map_or(0, |tensor| tensor.elem_type)),
        dims,
    }
}

fn dim_summary(dim: &pb::tensor_shape_proto::Dimension) -> Dim {
    match &dim.value {
        Some(dimension::Value::DimValue(value)) => Dim::Fixed(*value),
        Some(dimension::Value::DimParam(name)) => Dim::Symbolic(name.clone()),
        None => Dim::Unknown,
    }
}

fn initializer_summary(tensor: &pb::TensorProto) -> TensorSummary {
    TensorSummary {
        name: tensor.name.clone(),
        element_type: element_type_name(tensor.data_type),
        dims: tensor.dims.iter().map(|&dim| Dim::Fixed(dim)).collect(),
    }
}

fn node_summary(node: pb::NodeProto) -> NodeSummary {
    NodeSummary {
        name: node.name,
        op_type: node.op_type,
        inputs: node.input,
        outputs: node.output,
    }
}

fn element_type_name(code: i32) -> String {
    pb::tensor_proto::DataType::try_from(code).map_or_else(
        |_| format!("type {code}"),
        |data_type| data_type.as_str_name().to_string(),
    )
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dim::Fixed(value) => write!(f, "{value}"),
            Dim::Symbolic(name) => f.write_str(name),
            Dim::Unknown => f.write_str("?"),
        }
    }
}

impl fmt::Display for TensorSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dims: Vec<String> = self.dims.iter().map(Dim::to_string).collect();
        write!(
            f,
            "{} {} [{}]",
            self.name,
            self.element_type,
            dims.join(", ")
        )
    }
}

impl fmt::Display for OnnxSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opsets: Vec<String> = self
            .opsets
            .iter()
            .map(|(domain, version)| {
                format!(
                    "{}:{version}",
                    if domain.is_empty() { "ai.onnx" } else { domain }
                )
            })
            .collect();
        writeln!(
            f,
            "producer: {} {}",
            self.producer_name, self.producer_version
        )?;
        writeln!(
            f,
            "IR version {}, opsets {}",
            self.ir_version,
            opsets.join(", ")
        )?;
        for input in &self.inputs {
            writeln!(f, "input: {input}")?;
        }
        for output in &self.outputs {
            writeln!(f, "output: {output}")?;
        }
        for node in &self.nodes {
            writeln!(
                f,
                "node {}: {}({}) -> {}",
                node.name,
                node.op_type,
                node.inputs.join(", "),
                node.outputs.join(", ")
            )?;
        }
        for initializer in &self.initializers {
            writeln!(f, "initializer: {initializer}")?;
        }
        for (key, value) in &self.metadata {
            writeln!(f, "metadata {key}: {value}")?;
        }
        Ok(())
    }
}
