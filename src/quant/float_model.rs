//! The float model as an ONNX graph with the same tensor names as the int8
//! model, so that verification can compare them layer by layer in tract.

use tract_onnx::pb::ModelProto;

use super::QuantError;
use super::graph::{GraphBuilder, int_attribute};
use super::int8_model::{INPUT_NAME, LOGITS_NAME, PROBABILITIES_NAME};
use crate::model::{Activation, MlpWeights};

/// Name of a hidden layer's float output (after its activation).
pub fn layer_output_name(layer: &str) -> String {
    format!("{layer}/output")
}

/// Builds `MatMul -> Add -> Relu|Sigmoid` per hidden layer, `MatMul -> Add`
/// for the logits, then Softmax.
pub fn build_float_model(weights: &MlpWeights) -> Result<ModelProto, QuantError> {
    weights.validate()?;
    let mut graph = GraphBuilder::default();
    let mut x = INPUT_NAME.to_string();
    let last = weights.layers.len() - 1;
    for (index, layer) in weights.layers.iter().enumerate() {
        let name = &layer.name;
        let weight = graph.f32_tensor(
            &format!("{name}/weight"),
            &[layer.inputs, layer.outputs],
            &layer.weight,
        );
        let bias = graph.f32_tensor(&format!("{name}/bias"), &[layer.outputs], &layer.bias);
        let matmul = graph.node("MatMul", &[&x, &weight], &format!("{name}/matmul"), vec![]);
        if index == last {
            x = graph.node("Add", &[&matmul, &bias], LOGITS_NAME, vec![]);
        } else {
            let pre_activation = graph.node(
                "Add",
                &[&matmul, &bias],
                &format!("{name}/pre_activation"),
                vec![],
            );
            let op = match weights.activation {
                Activation::Relu => "Relu",
                Activation::Sigmoid => "Sigmoid",
            };
            x = graph.node(op, &[&pre_activation], &layer_output_name(name), vec![]);
        }
    }
    graph.node(
        "Softmax",
        &[&x],
        PROBABILITIES_NAME,
        vec![int_attribute("axis", 1)],
    );

    let outputs = [
        (LOGITS_NAME, weights.output_size()),
        (PROBABILITIES_NAME, weights.output_size()),
    ];
    let doc = "float MNIST MLP, the reference of int8 verification";
    Ok(graph.finish(
        "mlp_float",
        (INPUT_NAME, weights.input_size()),
        &outputs,
        doc,
        &[("activation", weights.activation.to_string())],
    ))
}
