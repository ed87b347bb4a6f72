//! The Vitis AI deployment bundle: docker scripts that quantize and compile
//! the model for a board's DPU, and a VART runner for the board.

mod board;
mod bundle;
mod contents;
mod dpu_check;
mod error;
mod inputs;
mod npy;
mod template;
mod validate;
mod zip_store;

pub use board::{ARCH_ROOT_IN_IMAGE, ArchSource, BOARDS, Board, BoardSpec, ParseBoardError};
pub use bundle::{Bundle, write_bundle};
pub use dpu_check::{DpuMapping, DpuWarning, check_dpu_mapping};
pub use error::BundleError;
pub use inputs::{BundleInputs, DEFAULT_IMAGE, DpuFixPositions, LabeledImages, LayerFixPositions};
pub use npy::{NpyArray, NpyData, npy_bytes, write_npy, write_npz};

#[cfg(test)]
mod tests;
