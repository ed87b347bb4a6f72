//! Checks on [`BundleInputs`] before any file is written.

use super::error::BundleError;
use super::inputs::BundleInputs;
use crate::model::{INPUT_SIZE, NUM_CLASSES};

/// Largest distance of `pixel * 255` from an integer that still counts as an
/// 8-bit value; f32 division by 255 is off by far less.
const EIGHT_BIT_TOLERANCE: f32 = 1e-3;

pub fn validate_inputs(inputs: &BundleInputs) -> Result<(), BundleError> {
    inputs.weights.validate()?;
    if inputs.weights.input_size() != INPUT_SIZE {
        return Err(BundleError::InputSize { expected: INPUT_SIZE, actual: inputs.weights.input_size() });
    }
    validate_fix_layers(inputs)?;

    check_image_buffer("the calibration set", inputs.calibration_images.len())?;
    check_image_buffer("the test split", inputs.test.images.len())?;
    let test_count = inputs.test.images.len() / INPUT_SIZE;
    if inputs.test.labels.len() != test_count {
        return Err(BundleError::LabelCount { images: test_count, labels: inputs.test.labels.len() });
    }
    if let Some(index) = inputs.test.labels.iter().position(|&label| label as usize >= NUM_CLASSES) {
        return Err(BundleError::LabelRange { index, label: inputs.test.labels[index] });
    }

    check_accuracy("float", inputs.float_accuracy)?;
    check_accuracy("int8", inputs.int8_accuracy)?;
    check_net_name(&inputs.net_name)?;
    check_image_name(&inputs.image)
}

fn validate_fix_layers(inputs: &BundleInputs) -> Result<(), BundleError> {
    let layers = &inputs.weights.layers;
    let fix_layers = &inputs.fix_positions.layers;
    if fix_layers.len() != layers.len() {
        return Err(BundleError::FixLayerCount { expected: layers.len(), actual: fix_layers.len() });
    }
    for (index, (layer, fix)) in layers.iter().zip(fix_layers).enumerate() {
        if layer.name != fix.name {
            return Err(BundleError::FixLayerName { index, expected: layer.name.clone(), actual: fix.name.clone() });
        }
    }
    Ok(())
}

fn check_image_buffer(buffer: &'static str, len: usize) -> Result<(), BundleError> {
    if len == 0 || !len.is_multiple_of(INPUT_SIZE) {
        return Err(BundleError::ImageBufferLength { buffer, len, image_size: INPUT_SIZE });
    }
    Ok(())
}

fn check_accuracy(kind: &'static str, value: f64) -> Result<(), BundleError> {
    if !(0.0..=1.0).contains(&value) {
        return Err(BundleError::Accuracy { kind, value });
    }
    Ok(())
}

fn check_net_name(name: &str) -> Result<(), BundleError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if name.is_empty() || name.len() > 64 || !name.chars().all(allowed) {
        return Err(BundleError::NetName(name.to_string()));
    }
    Ok(())
}

/// Accepts the characters of a docker reference (`registry/name:tag@digest`),
/// which also keeps the name safe inside the generated shell script.
fn check_image_name(image: &str) -> Result<(), BundleError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._-/:@".contains(c);
    if image.is_empty() || !image.chars().all(allowed) {
        return Err(BundleError::ImageName(image.to_string()));
    }
    Ok(())
}

/// Converts test pixels in [0, 1] back to the 8-bit values they came from.
pub fn pixels_to_u8(images: &[f32]) -> Result<Vec<u8>, BundleError> {
    images
        .iter()
        .enumerate()
        .map(|(index, &value)| {
            let scaled = value * 255.0;
            let rounded = scaled.round();
            if !(0.0..=255.0).contains(&rounded) || (scaled - rounded).abs() > EIGHT_BIT_TOLERANCE {
                return Err(BundleError::NotEightBit { index, value });
            }
            Ok(rounded as u8)
        })
        .collect()
}
