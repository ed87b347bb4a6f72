"""Stand-in for vitis_quantize of Vitis AI's TensorFlow 2 quantizer, for
testing quantize_compile.py outside the Vitis AI image.

VitisQuantizer.quantize_model checks its arguments the way the script passes
them and returns a copy of the model whose weights and biases are rounded to
int8 with power-of-two scales (the largest fix position that does not
saturate, round half to even). Activations stay float.
"""
import numpy as np
import tensorflow as tf


def _fake_quantize_pow2(values):
    max_abs = float(np.max(np.abs(values)))
    fix = 7 if max_abs == 0.0 else int(np.floor(np.log2(127.0 / max_abs)))
    scale = np.float32(2.0 ** fix)
    return (np.clip(np.round(values * scale), -128, 127) / scale).astype(values.dtype)


class VitisQuantizer:
    def __init__(self, model, quantize_strategy="pof2s"):
        if not isinstance(model, tf.keras.Sequential):
            raise TypeError("stand-in VitisQuantizer expects a Sequential model, got {}".format(type(model)))
        self._model = model
        self.quantize_strategy = quantize_strategy

    def quantize_model(self, calib_dataset=None, calib_batch_size=None, **kwargs):
        calib = np.asarray(calib_dataset)
        expected_shape = (None,) + tuple(self._model.input_shape[1:])
        if calib.ndim != len(expected_shape) or calib.shape[1:] != expected_shape[1:] or len(calib) == 0:
            raise ValueError("calib_dataset of shape {} does not fit the model input {}".format(
                calib.shape, expected_shape))
        if calib_batch_size is None or calib_batch_size < 1:
            raise ValueError("calib_batch_size must be positive, got {}".format(calib_batch_size))
        print("stand-in vitis_quantize: calibrated on {} images in batches of {}".format(len(calib), calib_batch_size))

        quantized = tf.keras.models.clone_model(self._model)
        quantized.set_weights([_fake_quantize_pow2(weights) for weights in self._model.get_weights()])
        return quantized
