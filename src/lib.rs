//! vitis-hpo: hyper-parameter search for an MNIST MLP, from burn training
//! to ONNX, int8 quantization and a Xilinx DPU deployment bundle.
//!
//! The modules follow the pipeline: [`data`] and [`training`] (burn),
//! [`optimizer`] (Bayesian optimization), [`onnx`] (export and tract),
//! [`quant`] (int8 for the DPU), [`vitis`] (the Vitis AI bundle),
//! [`tensorboard`] and [`report`] (logs and plots), and [`cli`].

pub mod cli;
pub mod data;
pub mod model;
pub mod onnx;
pub mod quant;
pub mod optimizer;
pub mod report;
pub mod search;
pub mod tensorboard;
pub mod training;
pub mod vitis;
