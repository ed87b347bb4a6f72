use std::path::Path;

use prost::Message;
use tract_onnx::pb;
use tract_onnx::pb::tensor_proto::DataType;

use super::OnnxError;
use super::metadata::{ExportMetadata, KEY_ACTIVATION, KEY_LAYER_SIZES};
use super::proto;
use crate::model::{Activation, DenseLayer, INPUT_SIZE, MlpWeights, NUM_CLASSES};

/// ONNX operator set of the default domain. Opset 13 is the first that
/// defines Softmax over a single axis. tract 0.23.9 and onnxruntime 1.32 both
/// load it, as the unit tests and scripts/onnxruntime_check.py verify.
pub const OPSET_VERSION: i64 = 13;

/// ONNX IR version 7, the one released with opset 13 (ONNX 1.8).
pub const IR_VERSION: i64 = 7;

/// Name of the graph input, float32 `[N, 784]`.
pub const INPUT_NAME: &str = "input";
/// Name of the graph output with the raw scores, float32 `[N, 10]`.
pub const LOGITS_NAME: &str = "logits";
/// Name of the graph output with the softmax of the logits, float32 `[N, 10]`.
pub const PROBABILITIES_NAME: &str = "probabilities";
/// Symbolic batch dimension of the input and outputs.
pub const BATCH_DIM: &str = "N";
/// `producer_name` of the exported model.
pub const PRODUCER_NAME: &str = "vitis-hpo";

/// Builds the ONNX model of `weights` and encodes it as protobuf bytes, the
/// content of model.onnx.
pub fn export_onnx(weights: &MlpWeights, metadata: &ExportMetadata) -> Result<Vec<u8>, OnnxError> {
    Ok(build_model_proto(weights, metadata)?.encode_to_vec())
}

/// Writes the ONNX model of `weights` to `path`, replacing any file there.
pub fn write_onnx(
    path: &Path,
    weights: &MlpWeights,
    metadata: &ExportMetadata,
) -> Result<(), OnnxError> {
    let bytes = export_onnx(weights, metadata)?;
    std::fs::write(path, &bytes).map_err(|source| OnnxError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })?;
    log::info!(
        "wrote {} ({} bytes, {} layers)",
        path.display(),
        bytes.len(),
        weights.layers.len()
    );
    Ok(())
}

/// Builds the ONNX `ModelProto`: per layer a Gemm with the layer's weight and
/// bias as initializers, the shared activation after each hidden layer, and
/// a Softmax over the logits.
pub fn build_model_proto(
    weights: &MlpWeights,
    metadata: &ExportMetadata,
) -> Result<pb::ModelProto, OnnxError> {
    check_exportable(weights)?;

    let mut nodes = Vec::new();
    let mut initializers = Vec::new();
    let mut previous = INPUT_NAME.to_string();
    for (index, layer) in weights.layers.iter().enumerate() {
        let is_output = index + 1 == weights.layers.len();
        let gemm_output = if is_output {
            LOGITS_NAME.to_string()
        } else {
            format!("{}.linear", layer.name)
        };
        initializers.extend(layer_initializers(layer));
        nodes.push(gemm_node(layer, &previous, &gemm_output));
        previous = gemm_output;

        if !is_output {
            let activated = format!("{}.{}", layer.name, weights.activation.name());
            nodes.push(activation_node(
                weights.activation,
                &layer.name,
                &previous,
                &activated,
            ));
            previous = activated;
        }
    }
    nodes.push(softmax_node(&previous));

    let architecture = architecture(weights);
    let graph = pb::GraphProto {
        name: "mnist_mlp".to_string(),
        node: nodes,
        initializer: initializers,
        doc_string: metadata.doc_string(&architecture),
        input: vec![proto::batch_tensor_info(INPUT_NAME, INPUT_SIZE)],
        output: vec![
            proto::batch_tensor_info(LOGITS_NAME, NUM_CLASSES),
            proto::batch_tensor_info(PROBABILITIES_NAME, NUM_CLASSES),
        ],
        ..Default::default()
    };

    let mut properties = metadata.properties();
    properties.push((
        KEY_ACTIVATION.to_string(),
        weights.activation.name().to_string(),
    ));
    properties.push((KEY_LAYER_SIZES.to_string(), architecture));
    Ok(pb::ModelProto {
        ir_version: IR_VERSION,
        opset_import: vec![pb::OperatorSetIdProto {
            domain: String::new(),
            version: OPSET_VERSION,
        }],
        producer_name: PRODUCER_NAME.to_string(),
        producer_version: metadata.tool_version.clone(),
        graph: Some(graph),
        metadata_props: properties
            .into_iter()
            .map(|(key, value)| pb::StringStringEntryProto { key, value })
            .collect(),
        ..Default::default()
    })
}

/// Formats the layer widths from input to output, such as `784-165-165-10`.
pub fn architecture(weights: &MlpWeights) -> String {
    let mut sizes = vec![weights.input_size()];
    sizes.extend(weights.layers.iter().map(|layer| layer.outputs));
    sizes
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("-")
}

fn check_exportable(weights: &MlpWeights) -> Result<(), OnnxError> {
    weights.validate()?;
    if weights.input_size() != INPUT_SIZE {
        return Err(OnnxError::InputSize {
            expected: INPUT_SIZE,
            actual: weights.input_size(),
        });
    }
    if weights.output_size() != NUM_CLASSES {
        return Err(OnnxError::OutputSize {
            expected: NUM_CLASSES,
            actual: weights.output_size(),
        });
    }
    Ok(())
}

/// Returns the `<layer>.weight` `[inputs, outputs]` and `<layer>.bias`
/// `[outputs]` initializers, in the row-major layout of `DenseLayer`.
fn layer_initializers(layer: &DenseLayer) -> [pb::TensorProto; 2] {
    [
        proto::f32_tensor(
            &weight_name(&layer.name),
            &[layer.inputs, layer.outputs],
            &layer.weight,
        ),
        proto::f32_tensor(&bias_name(&layer.name), &[layer.outputs], &layer.bias),
    ]
}

/// Name of a layer's weight initializer (`dense_1.weight`).
pub fn weight_name(layer: &str) -> String {
    format!("{layer}.weight")
}

/// Name of a layer's bias initializer (`dense_1.bias`).
pub fn bias_name(layer: &str) -> String {
    format!("{layer}.bias")
}

/// Builds `Y = X W + b` as a Gemm with the defaults alpha = beta = 1 and no
/// transposes, because `W` is stored as `[inputs, outputs]`. The bias `b`
/// broadcasts over the rows.
fn gemm_node(layer: &DenseLayer, input: &str, output: &str) -> pb::NodeProto {
    pb::NodeProto {
        name: format!("{}/Gemm", layer.name),
        op_type: "Gemm".to_string(),
        input: vec![
            input.to_string(),
            weight_name(&layer.name),
            bias_name(&layer.name),
        ],
        output: vec![output.to_string()],
        ..Default::default()
    }
}

fn activation_node(
    activation: Activation,
    layer: &str,
    input: &str,
    output: &str,
) -> pb::NodeProto {
    let op_type = match activation {
        Activation::Relu => "Relu",
        Activation::Sigmoid => "Sigmoid",
    };
    pb::NodeProto {
        name: format!("{layer}/{op_type}"),
        op_type: op_type.to_string(),
        input: vec![input.to_string()],
        output: vec![output.to_string()],
        ..Default::default()
    }
}

/// Softmax over the class axis. Axis 1 is set explicitly although opset 13's
/// default of -1 is the same axis for this rank-2 tensor.
fn softmax_node(logits: &str) -> pb::NodeProto {
    pb::NodeProto {
        name: "probabilities/Softmax".to_string(),
        op_type: "Softmax".to_string(),
        input: vec![logits.to_string()],
        output: vec![PROBABILITIES_NAME.to_string()],
        attribute: vec![proto::int_attribute("axis", 1)],
        ..Default::default()
    }
}

/// ONNX element type of every tensor in the exported graph.
pub(crate) const ELEMENT_TYPE: DataType = DataType::Float;
