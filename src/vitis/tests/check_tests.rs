use crate::model::{Activation, DenseLayer, MlpWeights};
use crate::vitis::{Board, DpuWarning, check_dpu_mapping};

fn tiny_model(activation: Activation, hidden_layers: usize) -> MlpWeights {
    let mut layers = Vec::new();
    let mut inputs = 784;
    for index in 0..hidden_layers {
        layers.push(DenseLayer {
            name: format!("dense_{}", index + 1),
            inputs,
            outputs: 4,
            weight: vec![0.0; inputs * 4],
            bias: vec![0.0; 4],
        });
        inputs = 4;
    }
    layers.push(DenseLayer {
        name: "logits".into(),
        inputs,
        outputs: 10,
        weight: vec![0.0; inputs * 10],
        bias: vec![0.0; 10],
    });
    MlpWeights { activation, layers }
}

#[test]
fn relu_model_only_moves_softmax() {
    let mapping = check_dpu_mapping(&tiny_model(Activation::Relu, 2), Board::Zcu102);
    assert_eq!(mapping.warnings, vec![DpuWarning::SoftmaxOnCpu]);
    assert!(!mapping.changes_function());
    assert_eq!(mapping.dense_layers, 3);
    assert_eq!(mapping.dpu, "DPUCZDX8G");
}

#[test]
fn sigmoid_model_warns_hard_sigmoid() {
    let mapping = check_dpu_mapping(&tiny_model(Activation::Sigmoid, 2), Board::Vck190);
    assert_eq!(
        mapping.warnings[0],
        DpuWarning::HardSigmoid { layers: vec!["dense_1".to_string(), "dense_2".to_string()] }
    );
    assert!(mapping.changes_function());
    let text = mapping.to_string();
    assert!(text.contains("hard sigmoid relu6(x + 3) * 2731 / 2^14"), "{text}");
    assert!(text.contains("dense_1, dense_2"), "{text}");
    assert!(text.contains("softmax"), "{text}");
    assert!(text.starts_with("3 dense layers on the DPUCVDX8G DPU of vck190"), "{text}");
}

#[test]
fn sigmoid_without_hidden_layers_is_fine() {
    let mapping = check_dpu_mapping(&tiny_model(Activation::Sigmoid, 0), Board::U50);
    assert!(!mapping.changes_function());
}
