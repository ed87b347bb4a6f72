//! Running ONNX models in tract with named outputs and batching.

use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::*;

use super::QuantError;

/// An optimized tract plan with its output names.
pub struct TractModel {
    plan: Arc<TypedRunnableModel>,
    outputs: Vec<String>,
}

impl TractModel {
    /// Loads `proto` with `outputs` (tensor names) as the model outputs, and optimizes it.
    /// The batch dimension stays symbolic, so one plan runs any batch size.
    pub fn load(proto: &ModelProto, outputs: &[String]) -> Result<Self, QuantError> {
        let model = tract_onnx::onnx()
            .model_for_proto_model(proto)
            .map_err(|e| QuantError::tract("load the ONNX model", e))?;
        let model = model
            .with_outputs_by_name(outputs)
            .map_err(|e| QuantError::tract("select the model outputs", e))?;
        let model = model
            .into_optimized()
            .map_err(|e| QuantError::tract("optimize the model", e))?;
        let plan = model
            .into_runnable()
            .map_err(|e| QuantError::tract("plan the model", e))?;
        Ok(TractModel {
            plan,
            outputs: outputs.to_vec(),
        })
    }

    pub fn output_names(&self) -> &[String] {
        &self.outputs
    }

    /// Runs one batch of row-major `[rows, width]`; returns every output as
    /// f32 values (int8 outputs as their integers, not dequantized).
    pub fn run(&self, input: &[f32], rows: usize) -> Result<Vec<Vec<f32>>, QuantError> {
        let width = input.len() / rows.max(1);
        let tensor = Tensor::from_shape(&[rows, width], input)
            .map_err(|e| QuantError::tract("build the input tensor", e))?;
        let outputs = self
            .plan
            .run(tvec![tensor.into()])
            .map_err(|e| QuantError::tract("run the model", e))?;
        outputs.iter().map(tensor_to_f32).collect()
    }

    /// Runs `input` in batches of `batch` rows and concatenates each output.
    pub fn run_batched(
        &self,
        input: &[f32],
        width: usize,
        batch: usize,
    ) -> Result<Vec<Vec<f32>>, QuantError> {
        let rows = input.len() / width;
        let mut results = vec![Vec::new(); self.outputs.len()];
        for chunk in input.chunks(batch * width) {
            let chunk_rows = chunk.len() / width;
            for (result, output) in results.iter_mut().zip(self.run(chunk, chunk_rows)?) {
                if result.is_empty() {
                    // The first batch gives each output's width: size the result once.
                    result.reserve_exact(output.len() / chunk_rows * rows);
                }
                result.extend(output);
            }
        }
        Ok(results)
    }
}

fn tensor_to_f32(value: &TValue) -> Result<Vec<f32>, QuantError> {
    let tensor: &Tensor = value;
    let convert = |e| QuantError::tract("read an output tensor", e);
    if tensor.datum_type().unquantized() == i8::datum_type() {
        let plain = tensor.try_as_plain_ram().map_err(convert)?;
        // Quantized int8 outputs keep their integer storage; read it as i8.
        let values = unsafe { plain.as_slice_unchecked::<i8>() };
        return Ok(values.iter().map(|&v| v as f32).collect());
    }
    let cast = tensor.cast_to::<f32>().map_err(convert)?;
    let plain = cast.try_as_plain_ram().map_err(convert)?;
    Ok(plain.as_slice::<f32>().map_err(convert)?.to_vec())
}
