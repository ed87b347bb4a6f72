//! The DPU mapping check: the parts of the model that the DPU does not run
//! as trained, found before any bundle file is written.

use std::fmt;

use super::board::Board;
use crate::model::{Activation, MlpWeights};

/// A place where the deployed model leaves the DPU or changes function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DpuWarning {
    /// The Vitis AI quantizer replaces sigmoid by the DPU's hard sigmoid,
    /// relu6(x + 3) * 2731 / 2^14 (`convert_sigmoid_to_hard_sigmoid=True` by
    /// default), so these layers compute a different function on the board.
    HardSigmoid { layers: Vec<String> },
    /// Softmax is not quantized by Vitis AI. The bundle's model ends at the
    /// logits, and the board runner takes the argmax on the CPU.
    SoftmaxOnCpu,
}

impl fmt::Display for DpuWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DpuWarning::HardSigmoid { layers } => write!(
                f,
                "sigmoid in {} becomes the DPU's hard sigmoid relu6(x + 3) * 2731 / 2^14, so the board computes a \
                 different function than the float model; vitis-hpo's int8 accuracy for the DPU target simulates it",
                layers.join(", ")
            ),
            DpuWarning::SoftmaxOnCpu => f.write_str(
                "softmax is not quantized and runs on the CPU: the compiled model ends at the logits and the board \
                 runner takes their argmax",
            ),
        }
    }
}

/// Result of [`check_dpu_mapping`]: the target and every warning, in model order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpuMapping {
    pub board: Board,
    pub dpu: &'static str,
    /// Dense layers, each compiled to a DPU matmul.
    pub dense_layers: usize,
    pub warnings: Vec<DpuWarning>,
}

impl DpuMapping {
    /// Whether the board computes a different function than the float model.
    pub fn changes_function(&self) -> bool {
        self.warnings.iter().any(|warning| matches!(warning, DpuWarning::HardSigmoid { .. }))
    }
}

impl fmt::Display for DpuMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} dense layers on the {} DPU of {}", self.dense_layers, self.dpu, self.board)?;
        for warning in &self.warnings {
            write!(f, "\nwarning: {warning}")?;
        }
        Ok(())
    }
}

/// Lists where `weights` would not map unchanged to the DPU of `board`.
pub fn check_dpu_mapping(weights: &MlpWeights, board: Board) -> DpuMapping {
    let mut warnings = Vec::new();

    let hidden = &weights.layers[..weights.num_hidden_layers()];
    // NOTE: which DPUs run hard sigmoid themselves is not confirmed here. Where
    // one does not, the compiler moves those layers to CPU subgraphs, and
    // compile.sh reports the DPU and CPU subgraph counts.
    if weights.activation == Activation::Sigmoid && !hidden.is_empty() {
        let layers = hidden.iter().map(|layer| layer.name.clone()).collect();
        warnings.push(DpuWarning::HardSigmoid { layers });
    }
    warnings.push(DpuWarning::SoftmaxOnCpu);

    DpuMapping { board, dpu: board.dpu(), dense_layers: weights.layers.len(), warnings }
}
