#!/usr/bin/env python3
"""Quantizes a trained MNIST MLP with AMD Quark's XINT8 configuration and
reports int8 test accuracy and agreement with the float model.

Usage: PATH=VENV/bin:$PATH quark_quantize.py DIR   (DIR from `cargo run --release --example quant_compare_data -- MODEL_DIR DIR`)

XINT8 is Quark's power-of-two configuration for AMD NPUs: symmetric
per-tensor int8 weights and uint8 activations, MinMSE calibration, QDQ form.
It calibrates on the same 1000 images as `vitis-hpo quantize` and runs the
result in onnxruntime on the test split. Needs amd-quark, torch, ninja and
onnxruntime (pip); Quark compiles its custom operators with torch's C++
extension builder on first use, which needs g++ and ninja on PATH.
"""

import sys
from pathlib import Path

import numpy as np
from quark.onnx import ModelQuantizer
from quark.onnx.quantization.config import Config, get_default_config

from quant_compare_data import ImageReader, logits, read_images


def predictions(model_path, images):
    return logits(model_path, images).argmax(axis=1)


def main():
    folder = Path(sys.argv[1])
    calibration = read_images(folder / "calibration.f32")
    test = read_images(folder / "test.f32")
    labels = np.fromfile(folder / "test_labels.u8", dtype=np.uint8)

    output = folder / "model_quark_xint8.onnx"
    config = Config(global_quant_config=get_default_config("XINT8"))
    ModelQuantizer(config).quantize_model(str(folder / "model.onnx"), str(output), ImageReader(calibration))

    float_predictions = predictions(folder / "model.onnx", test)
    int8_predictions = predictions(output, test)
    float_accuracy = 100.0 * np.mean(float_predictions == labels)
    accuracy = 100.0 * np.mean(int8_predictions == labels)
    agreement = 100.0 * np.mean(int8_predictions == float_predictions)
    print(f"{len(calibration)} calibration images, {len(test)} test images")
    print(f"float {float_accuracy:.2f}%, Quark XINT8 {accuracy:.2f}% "
          f"(drop {float_accuracy - accuracy:+.2f} points), agreement {agreement:.2f}%")


if __name__ == "__main__":
    main()
