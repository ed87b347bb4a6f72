//! Writes the deployment bundle: compile scripts, model, data and board runner.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::contents::{self, CUSTOM_ARCH_FILE};
use super::dpu_check::{DpuMapping, check_dpu_mapping};
use super::error::BundleError;
use super::inputs::BundleInputs;
use super::npy::{NpyArray, NpyData, write_npy, write_npz};
use super::template::{self, render};
use super::validate::{pixels_to_u8, validate_inputs};
use crate::model::INPUT_SIZE;

/// Result of [`write_bundle`]: the files written and the mapping check.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The bundle root (the `out_dir` argument).
    pub dir: PathBuf,
    /// `compile.sh`, the first command a user runs.
    pub compile_script: PathBuf,
    /// Every file written, relative to `dir`, in writing order.
    pub files: Vec<PathBuf>,
    /// The DPU mapping check the READMEs repeat.
    pub mapping: DpuMapping,
}

/// Writes the bundle for `inputs` into `out_dir` (usually `RUN/deploy`),
/// creating the directory. An earlier bundle there has its files replaced and
/// its compile outputs (`compiled/`, `quantized.h5`, the board's xmodel) removed.
///
/// Every input is checked before the first file is written or removed.
pub fn write_bundle(inputs: &BundleInputs, out_dir: &Path) -> Result<Bundle, BundleError> {
    validate_inputs(inputs)?;
    let board_pixels = pixels_to_u8(&inputs.test.images)?;
    let custom_arch = inputs.custom_arch_path().map(|path| read_arch_json(path)).transpose()?;
    let mapping = check_dpu_mapping(&inputs.weights, inputs.arch.board());

    remove_stale_outputs(out_dir, &inputs.net_name)?;
    let mut writer = BundleWriter { dir: out_dir.to_path_buf(), files: Vec::new() };
    for sub_dir in ["model", "data", "board"] {
        create_dir(&out_dir.join(sub_dir))?;
    }

    write_model(&mut writer, inputs)?;
    write_data(&mut writer, inputs)?;
    write_board(&mut writer, inputs, &mapping, &board_pixels)?;
    if let Some(arch_text) = custom_arch {
        create_dir(&out_dir.join("arch"))?;
        writer.text(CUSTOM_ARCH_FILE, &arch_text)?;
    }
    writer.json("tool_report.json", &contents::tool_report(inputs, &mapping, INPUT_SIZE))?;

    let values = contents::template_values(inputs, &mapping, INPUT_SIZE);
    writer.text("quantize_compile.py", &render(template::QUANTIZE_COMPILE_PY, &values))?;
    writer.text("README.md", &render(template::README_MD, &values))?;
    writer.text("README.ko.md", &render(template::README_KO_MD, &values))?;
    let compile_script = writer.text("compile.sh", &render(template::COMPILE_SH, &values))?;
    make_executable(&compile_script)?;

    log::info!("wrote {} files of the {} bundle to {}", writer.files.len(), mapping.board, out_dir.display());
    Ok(Bundle { dir: writer.dir, compile_script, files: writer.files, mapping })
}

/// `model/`: the architecture and the float weights, kernels `[inputs, outputs]`.
fn write_model(writer: &mut BundleWriter, inputs: &BundleInputs) -> Result<(), BundleError> {
    writer.json("model/architecture.json", &contents::architecture(inputs))?;

    let names: Vec<(String, String)> = inputs
        .weights
        .layers
        .iter()
        .map(|layer| (format!("{}_kernel", layer.name), format!("{}_bias", layer.name)))
        .collect();
    let mut arrays = Vec::new();
    for (layer, (kernel_name, bias_name)) in inputs.weights.layers.iter().zip(&names) {
        let kernel = NpyArray { shape: vec![layer.inputs, layer.outputs], data: NpyData::F32(&layer.weight) };
        let bias = NpyArray { shape: vec![layer.outputs], data: NpyData::F32(&layer.bias) };
        arrays.push((kernel_name.as_str(), kernel));
        arrays.push((bias_name.as_str(), bias));
    }
    writer.write_with("model/weights.npz", |path| write_npz(path, &arrays))
}

/// `data/`: float32 images exactly as vitis-hpo used them.
fn write_data(writer: &mut BundleWriter, inputs: &BundleInputs) -> Result<(), BundleError> {
    let calibration = image_array(NpyData::F32(&inputs.calibration_images), inputs.calibration_images.len());
    writer.write_with("data/calibration_images.npy", |path| write_npy(path, &calibration))?;
    let test = image_array(NpyData::F32(&inputs.test.images), inputs.test.images.len());
    writer.write_with("data/test_images.npy", |path| write_npy(path, &test))?;
    writer.write_with("data/test_labels.npy", |path| write_npy(path, &label_array(&inputs.test.labels)))
}

/// `board/`: the runner with 8-bit test images, what the board reads.
fn write_board(
    writer: &mut BundleWriter,
    inputs: &BundleInputs,
    mapping: &DpuMapping,
    board_pixels: &[u8],
) -> Result<(), BundleError> {
    let values = contents::template_values(inputs, mapping, INPUT_SIZE);
    writer.text("board/app_mnist.py", &render(template::APP_MNIST_PY, &values))?;
    writer.text("board/README.md", &render(template::BOARD_README_MD, &values))?;
    writer.json("board/expected.json", &contents::expected(inputs, mapping))?;

    let images = image_array(NpyData::U8(board_pixels), board_pixels.len());
    writer.write_with("board/test_images.npy", |path| write_npy(path, &images))?;
    writer.write_with("board/test_labels.npy", |path| write_npy(path, &label_array(&inputs.test.labels)))
}

fn image_array(data: NpyData<'_>, len: usize) -> NpyArray<'_> {
    NpyArray { shape: vec![len / INPUT_SIZE, INPUT_SIZE], data }
}

fn label_array(labels: &[u8]) -> NpyArray<'_> {
    NpyArray { shape: vec![labels.len()], data: NpyData::U8(labels) }
}

/// Removes what `compile.sh` produced from an earlier bundle in `out_dir`, so
/// that the board runner never pairs an old xmodel with new test images.
fn remove_stale_outputs(out_dir: &Path, net_name: &str) -> Result<(), BundleError> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BundleError::Io { path, source }
    };
    for file in [out_dir.join("quantized.h5"), out_dir.join(format!("board/{net_name}.xmodel"))] {
        if file.is_file() {
            log::warn!("removing {} from an earlier compile", file.display());
            fs::remove_file(&file).map_err(io_error(&file))?;
        }
    }
    let compiled = out_dir.join("compiled");
    if compiled.is_dir() {
        log::warn!("removing {} from an earlier compile", compiled.display());
        fs::remove_dir_all(&compiled).map_err(io_error(&compiled))?;
    }
    Ok(())
}

fn read_arch_json(path: &Path) -> Result<String, BundleError> {
    let arch_error = |reason: String| BundleError::ArchFile { path: path.to_path_buf(), reason };
    let text = fs::read_to_string(path).map_err(|error| arch_error(error.to_string()))?;
    serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|error| arch_error(format!("not valid JSON ({error})")))?;
    Ok(text)
}

fn create_dir(path: &Path) -> Result<(), BundleError> {
    fs::create_dir_all(path).map_err(|source| BundleError::Io { path: path.to_path_buf(), source })
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), BundleError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .map_err(|source| BundleError::Io { path: path.to_path_buf(), source })
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), BundleError> {
    Ok(())
}

/// Writes files under the bundle root and records their relative paths.
struct BundleWriter {
    dir: PathBuf,
    files: Vec<PathBuf>,
}

impl BundleWriter {
    fn write_with(
        &mut self,
        relative: &str,
        write: impl FnOnce(&Path) -> std::io::Result<()>,
    ) -> Result<(), BundleError> {
        let path = self.dir.join(relative);
        write(&path).map_err(|source| BundleError::Io { path: path.clone(), source })?;
        self.files.push(PathBuf::from(relative));
        Ok(())
    }

    fn text(&mut self, relative: &str, text: &str) -> Result<PathBuf, BundleError> {
        self.write_with(relative, |path| fs::write(path, text))?;
        Ok(self.dir.join(relative))
    }

    fn json(&mut self, relative: &str, value: &impl Serialize) -> Result<(), BundleError> {
        let text = serde_json::to_string_pretty(value).expect("bundle JSON documents serialize") + "\n";
        self.text(relative, &text).map(|_| ())
    }
}
