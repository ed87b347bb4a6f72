"""Stand-in for the VART Python module of Vitis AI: a runner that emulates
the DPU with integer arithmetic on the quantized weights.

Weights and biases are quantized to int8 with their fix positions (round half
to even, as the Vitis AI quantizer does for parameters), products accumulate
in int64, and every rescale rounds half up, as the DPU does. Sigmoid layers
run the DPU's hard sigmoid relu6(x + 3) * 2731 / 2^14.

Set VART_STANDIN_LOG to a file path to record the thread that created each
runner, one line per runner.
"""
import os
import threading

import numpy as np


class Tensor:
    def __init__(self, name, dims, fix_point):
        self.name = name
        self.dims = list(dims)
        self._attrs = {"fix_point": fix_point}

    def has_attr(self, key):
        return key in self._attrs

    def get_attr(self, key):
        return self._attrs[key]


def _quantize_even(values, fix_point):
    scaled = np.asarray(values, dtype=np.float32) * np.float32(2.0 ** fix_point)
    return np.clip(np.round(scaled), -128, 127).astype(np.int64)


def _shift_round_half_up(values, shift):
    """Return values * 2^-shift rounded half up, for int64 arrays."""
    if shift <= 0:
        return values << -shift
    return (values + (1 << (shift - 1))) >> shift


class _Layer:
    def __init__(self, weights, spec, activation, is_hidden):
        self.weight = _quantize_even(weights[spec["name"] + "_kernel"], spec["weight_fix"])
        self.bias = _quantize_even(weights[spec["name"] + "_bias"], spec["bias_fix"])
        self.weight_fix = spec["weight_fix"]
        self.bias_fix = spec["bias_fix"]
        self.output_fix = spec["output_fix"]
        self.activation = activation if is_hidden else "linear"

    def forward(self, x, x_fix):
        acc_fix = x_fix + self.weight_fix
        acc = x.astype(np.int64) @ self.weight + _shift_round_half_up(self.bias, self.bias_fix - acc_fix)
        if self.activation == "relu":
            y = np.maximum(_shift_round_half_up(acc, acc_fix - self.output_fix), 0)
        elif self.activation == "sigmoid":
            three = np.int64(3) << acc_fix
            relu6 = np.clip(acc + three, 0, 2 * three)
            y = _shift_round_half_up(relu6 * 2731, acc_fix + 14 - self.output_fix)
        else:
            y = _shift_round_half_up(acc, acc_fix - self.output_fix)
        return np.clip(y, -128, 127)


class Runner:
    def __init__(self, subgraph):
        model = subgraph.model
        weights = np.load(model["weights"])
        specs = model["layers"]
        self._layers = [
            _Layer(weights, spec, model["activation"], index + 1 < len(specs)) for index, spec in enumerate(specs)
        ]
        self._input_fix = model["input_fix"]
        batch = model["batch"]
        self._input = Tensor("pixels", [batch, model["input_size"]], model["input_fix"])
        self._output = Tensor("logits", [batch, self._layers[-1].weight.shape[1]], specs[-1]["output_fix"])
        self._jobs = {}
        self._next_job = 0

    @staticmethod
    def create_runner(subgraph, mode):
        if mode != "run":
            raise ValueError("stand-in vart supports mode 'run' only, got {!r}".format(mode))
        if subgraph.get_attr("device") != "DPU":
            raise ValueError("runner requested for a {} subgraph".format(subgraph.get_attr("device")))
        log_path = os.environ.get("VART_STANDIN_LOG")
        if log_path:
            with open(log_path, "a") as handle:
                handle.write("{}\n".format(threading.current_thread().name))
        return Runner(subgraph)

    def get_input_tensors(self):
        return [self._input]

    def get_output_tensors(self):
        return [self._output]

    def execute_async(self, inputs, outputs):
        (input_buffer,) = inputs
        (output_buffer,) = outputs
        for buffer, tensor in ((input_buffer, self._input), (output_buffer, self._output)):
            if buffer.dtype != np.int8 or list(buffer.shape) != tensor.dims:
                raise ValueError("buffer {} {} does not match tensor {} int8 {}".format(
                    buffer.dtype, buffer.shape, tensor.name, tensor.dims))
        x = input_buffer.reshape(input_buffer.shape[0], -1)
        x_fix = self._input_fix
        for layer in self._layers:
            x = layer.forward(x, x_fix)
            x_fix = layer.output_fix
        output_buffer[...] = x.reshape(output_buffer.shape).astype(np.int8)
        job_id = self._next_job
        self._next_job += 1
        self._jobs[job_id] = True
        return job_id, 0

    def wait(self, job):
        job_id, status = job
        if status != 0 or not self._jobs.pop(job_id, False):
            raise ValueError("wait on unknown job {!r}".format(job))
        return 0
