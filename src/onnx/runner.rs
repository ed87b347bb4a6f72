use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use tract_onnx::prelude::*;

use super::OnnxError;
use crate::model::{INPUT_SIZE, NUM_CLASSES};

/// Smallest batch size that gets a plan specialized to it by default.
/// In examples/onnx_bench.rs on 784-165-165-10 (2-core AVX-512 VM), a plan
/// for a fixed batch of 256 ran 1.5 to 1.7 times as many images/s as the
/// symbolic plan, and at batch 1 up to 20% fewer.
/// NOTE: sizes between 1 and 256 were not measured, so 32 is a guess.
pub const DEFAULT_SPECIALIZE_MIN_BATCH: usize = 32;

/// Batch sizes with a specialized plan kept per runner. Further sizes run on
/// the symbolic plan, which bounds the memory and optimization time spent.
const MAX_SPECIALIZED_PLANS: usize = 8;

/// Execution settings of a [`TractRunner`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunnerOptions {
    /// Threads of tract's matrix-multiplication executor; 1 (the default)
    /// runs every kernel on the calling thread.
    pub threads: usize,
    /// Smallest batch size for which the runner optimizes and caches a plan
    /// with that fixed batch on first use; default
    /// [`DEFAULT_SPECIALIZE_MIN_BATCH`], `usize::MAX` never specializes.
    pub specialize_min_batch: usize,
}

impl Default for RunnerOptions {
    fn default() -> Self {
        RunnerOptions {
            threads: 1,
            specialize_min_batch: DEFAULT_SPECIALIZE_MIN_BATCH,
        }
    }
}

/// An exported MNIST model loaded into tract. It is optimized once with a
/// symbolic batch dimension, so that any batch size runs, and large batch
/// sizes also get a plan optimized for their fixed size on first use.
#[derive(Debug)]
pub struct TractRunner {
    symbolic: Arc<TypedRunnableModel>,
    /// The parsed model before optimization, from which specialized plans are built.
    parsed: InferenceModel,
    run_options: RunOptions,
    specialize_min_batch: usize,
    specialized: Mutex<HashMap<usize, Arc<TypedRunnableModel>>>,
}

/// Model outputs for a batch of images, row-major `[batch, 10]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub batch: usize,
    pub logits: Vec<f32>,
    pub probabilities: Vec<f32>,
}

impl TractRunner {
    /// Loads ONNX bytes with the default options (one thread).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, OnnxError> {
        Self::from_bytes_with_options(bytes, &RunnerOptions::default())
    }

    /// Reads and loads an ONNX file with the default options (one thread).
    pub fn from_path(path: &Path) -> Result<Self, OnnxError> {
        let bytes = std::fs::read(path).map_err(|source| OnnxError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes(&bytes)
    }

    /// Loads ONNX bytes into an optimized tract plan. The input must be float32
    /// `[N, 784]` and the outputs logits and probabilities `[N, 10]`, as
    /// written by [`super::export_onnx`].
    pub fn from_bytes_with_options(
        bytes: &[u8],
        options: &RunnerOptions,
    ) -> Result<Self, OnnxError> {
        let parsed = tract_onnx::onnx()
            .model_for_read(&mut &bytes[..])
            .map_err(|error| OnnxError::tract("parse the ONNX model", error))?;
        let run_options = RunOptions {
            executor: executor(options.threads),
            ..Default::default()
        };
        let symbolic = build_plan(parsed.clone(), &run_options)?;
        Ok(TractRunner {
            symbolic,
            parsed,
            run_options,
            specialize_min_batch: options.specialize_min_batch,
            specialized: Mutex::new(HashMap::new()),
        })
    }

    /// Runs one batch: `images` is row-major `[batch, 784]` with pixels in [0, 1].
    pub fn run(&self, images: &[f32]) -> Result<Prediction, OnnxError> {
        let batch = batch_size(images)?;
        let input = Tensor::from_shape(&[batch, INPUT_SIZE], images)
            .map_err(|error| OnnxError::tract("build the input tensor", error))?;
        let plan = self.plan_for(batch)?;
        let outputs = plan
            .run(tvec!(input.into_tvalue()))
            .map_err(|error| OnnxError::tract("run the model", error))?;

        let logits = output_values(&outputs, 0, batch)?;
        let probabilities = output_values(&outputs, 1, batch)?;
        Ok(Prediction {
            batch,
            logits,
            probabilities,
        })
    }

    /// Runs any number of images in chunks of at most `chunk_images`, which
    /// bounds the memory of the intermediate activations.
    pub fn run_chunked(
        &self,
        images: &[f32],
        chunk_images: usize,
    ) -> Result<Prediction, OnnxError> {
        let batch = batch_size(images)?;
        let mut prediction = Prediction {
            batch,
            logits: Vec::with_capacity(batch * NUM_CLASSES),
            probabilities: Vec::with_capacity(batch * NUM_CLASSES),
        };
        for chunk in images.chunks(chunk_images.max(1) * INPUT_SIZE) {
            let part = self.run(chunk)?;
            prediction.logits.extend(part.logits);
            prediction.probabilities.extend(part.probabilities);
        }
        Ok(prediction)
    }
}

impl TractRunner {
    /// Returns the plan for `batch`: a cached or new specialized plan for
    /// large batches while the cache has room, else the symbolic plan.
    fn plan_for(&self, batch: usize) -> Result<Arc<TypedRunnableModel>, OnnxError> {
        if batch < self.specialize_min_batch {
            return Ok(self.symbolic.clone());
        }
        let mut specialized = self
            .specialized
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(plan) = specialized.get(&batch) {
            return Ok(plan.clone());
        }
        if specialized.len() >= MAX_SPECIALIZED_PLANS {
            return Ok(self.symbolic.clone());
        }

        log::debug!("optimizing a tract plan for batch size {batch}");
        let fixed = self
            .parsed
            .clone()
            .with_input_fact(0, f32::fact([batch, INPUT_SIZE]).into())
            .map_err(|error| OnnxError::tract("set the batch size", error))?;
        let plan = build_plan(fixed, &self.run_options)?;
        specialized.insert(batch, plan.clone());
        Ok(plan)
    }
}

/// Optimizes a parsed model, checks its interface and makes it runnable.
fn build_plan(
    model: InferenceModel,
    run_options: &RunOptions,
) -> Result<Arc<TypedRunnableModel>, OnnxError> {
    let model = model
        .into_optimized()
        .map_err(|error| OnnxError::tract("optimize the model", error))?;
    check_io(&model)?;
    model
        .into_runnable_with_options(run_options)
        .map_err(|error| OnnxError::tract("build the execution plan", error))
}

/// Returns a rayon pool of `threads` workers for tract's kernels, or `None`
/// for tract's single-threaded default. Needs tract-linalg's `multithread-mm`.
fn executor(threads: usize) -> Option<multithread::Executor> {
    (threads > 1).then(|| multithread::Executor::multithread(threads))
}

fn batch_size(images: &[f32]) -> Result<usize, OnnxError> {
    if !images.len().is_multiple_of(INPUT_SIZE) {
        return Err(OnnxError::InputLength {
            len: images.len(),
            width: INPUT_SIZE,
        });
    }
    Ok(images.len() / INPUT_SIZE)
}

/// Checks the optimized model's interface, so that a foreign ONNX file fails
/// at load time with its shapes named instead of at the first run.
fn check_io(model: &TypedModel) -> Result<(), OnnxError> {
    let describe = |fact: &TypedFact| format!("{:?} {:?}", fact.datum_type, fact.shape);
    let input = model
        .input_fact(0)
        .map_err(|error| OnnxError::tract("read the input fact", error))?;
    let input_ok = model.inputs.len() == 1
        && input.datum_type == f32::datum_type()
        && input.rank() == 2
        && input.shape[1] == INPUT_SIZE.to_dim();
    if !input_ok {
        return Err(OnnxError::Malformed(format!(
            "expected one float32 input [N, {INPUT_SIZE}], found {} inputs, the first {}",
            model.inputs.len(),
            describe(input)
        )));
    }
    if model.outputs.len() != 2 {
        return Err(OnnxError::Malformed(format!(
            "expected two outputs (logits, probabilities), found {}",
            model.outputs.len()
        )));
    }
    for index in 0..2 {
        let output = model
            .output_fact(index)
            .map_err(|error| OnnxError::tract("read an output fact", error))?;
        if output.rank() != 2 || output.shape[1] != NUM_CLASSES.to_dim() {
            return Err(OnnxError::Malformed(format!(
                "expected output {index} of shape [N, {NUM_CLASSES}], found {}",
                describe(output)
            )));
        }
    }
    Ok(())
}

fn output_values(
    outputs: &TVec<TValue>,
    index: usize,
    batch: usize,
) -> Result<Vec<f32>, OnnxError> {
    let view = outputs[index]
        .to_plain_array_view::<f32>()
        .map_err(|error| OnnxError::tract("read a float32 output", error))?;
    let values: Vec<f32> = view.iter().copied().collect();
    if values.len() != batch * NUM_CLASSES {
        return Err(OnnxError::LengthMismatch {
            what: "a model output",
            expected: batch * NUM_CLASSES,
            actual: values.len(),
        });
    }
    Ok(values)
}
