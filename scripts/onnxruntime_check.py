#!/usr/bin/env python3
"""Checks that onnxruntime loads the committed reference model and reproduces
its stored outputs.

Usage: onnxruntime_check.py [MODELS_DIR]   (default: models)

Loads MODELS_DIR/mnist_mlp_reference.onnx, runs the images stored in
mnist_mlp_reference.expected.json (input = pixel / 255) and exits non-zero
when a probability differs from the stored one by more than 1e-5 or a logit
by more than 1e-4. Needs the onnxruntime and numpy packages.
"""

import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort

PROBABILITY_TOLERANCE = 1e-5
LOGIT_TOLERANCE = 1e-4


def main():
    models = Path(sys.argv[1] if len(sys.argv) > 1 else "models")
    expected = json.loads((models / "mnist_mlp_reference.expected.json").read_text())
    session = ort.InferenceSession(str(models / "mnist_mlp_reference.onnx"), providers=["CPUExecutionProvider"])

    images = np.array(expected["pixels"], dtype=np.float32) / np.float32(255.0)
    logits, probabilities = session.run(["logits", "probabilities"], {"input": images})
    logit_diff = float(np.max(np.abs(logits - np.array(expected["logits"], dtype=np.float32))))
    probability_diff = float(np.max(np.abs(probabilities - np.array(expected["probabilities"], dtype=np.float32))))

    print(f"onnxruntime {ort.__version__}: {len(images)} images, "
          f"max |logit diff| {logit_diff:.3e}, max |probability diff| {probability_diff:.3e}")
    if logit_diff > LOGIT_TOLERANCE or probability_diff > PROBABILITY_TOLERANCE:
        sys.exit(f"onnxruntime outputs differ from the stored reference outputs beyond "
                 f"{LOGIT_TOLERANCE} (logits) or {PROBABILITY_TOLERANCE} (probabilities)")


if __name__ == "__main__":
    main()
