"""Reads the arrays that `examples/quant_compare_data.rs` writes and runs
ONNX models on them in onnxruntime, for the quantizer comparison scripts."""

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader

INPUT_SIZE = 784
CALIBRATION_BATCH = 100


class ImageReader(CalibrationDataReader):
    """Feeds the calibration images in batches of CALIBRATION_BATCH."""

    def __init__(self, images):
        self.batches = iter(np.split(images, max(1, len(images) // CALIBRATION_BATCH)))

    def get_next(self):
        batch = next(self.batches, None)
        return None if batch is None else {"input": batch}


def read_images(path):
    return np.fromfile(path, dtype="<f4").reshape(-1, INPUT_SIZE)


def logits(model_path, images):
    session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    return session.run(["logits"], {"input": images})[0]
