#!/usr/bin/env python3
"""Quantizes a trained MNIST MLP with onnxruntime quantize_static and reports
int8 test accuracy and agreement with the float model.

Usage: onnxruntime_quantize.py DIR   (DIR from `cargo run --release --example quant_compare_data -- MODEL_DIR DIR`)

DIR contains model.onnx, calibration.f32 (the 1000 images `vitis-hpo quantize`
draws with its defaults), test.f32 and test_labels.u8. The script runs
quantize_static with MinMax calibration, int8 activations and int8 weights
(s8s8), per-tensor float scales, in QDQ and QOperator form, with onnxruntime's
default asymmetric activations and with symmetric ones (the form of
`vitis-hpo quantize --scale float`). Each variant is run in onnxruntime on the
test split. Needs the onnxruntime, onnx and numpy packages.
"""

import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import (
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quantize_static,
)

from quant_compare_data import ImageReader, logits, read_images


def main():
    folder = Path(sys.argv[1])
    calibration = read_images(folder / "calibration.f32")
    test = read_images(folder / "test.f32")
    labels = np.fromfile(folder / "test_labels.u8", dtype=np.uint8)

    float_predictions = logits(folder / "model.onnx", test).argmax(axis=1)
    float_accuracy = 100.0 * np.mean(float_predictions == labels)
    print(f"onnxruntime {ort.__version__}; {len(calibration)} calibration images, {len(test)} test images")
    print(f"{'variant':<46} {'accuracy':>9} {'drop':>7} {'agreement':>10}")
    print(f"{'float':<46} {float_accuracy:>8.2f}%")

    for quant_format in (QuantFormat.QDQ, QuantFormat.QOperator):
        for symmetric in (False, True):
            name = f"s8s8 minmax {quant_format.name} {'symmetric' if symmetric else 'asymmetric'} activations"
            output = folder / f"model_ort_{quant_format.name.lower()}_{'sym' if symmetric else 'asym'}.onnx"
            quantize_static(
                str(folder / "model.onnx"),
                str(output),
                ImageReader(calibration),
                quant_format=quant_format,
                activation_type=QuantType.QInt8,
                weight_type=QuantType.QInt8,
                calibrate_method=CalibrationMethod.MinMax,
                per_channel=False,
                extra_options={"ActivationSymmetric": symmetric},
            )
            predictions = logits(output, test).argmax(axis=1)
            accuracy = 100.0 * np.mean(predictions == labels)
            agreement = 100.0 * np.mean(predictions == float_predictions)
            print(f"{name:<46} {accuracy:>8.2f}% {float_accuracy - accuracy:>+7.2f} {agreement:>9.2f}%")


if __name__ == "__main__":
    main()
