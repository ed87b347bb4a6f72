#!/usr/bin/env python3
"""Throughput of onnxruntime on an exported MNIST model, in images per second.

Usage: onnxruntime_bench.py MODEL.onnx [--threads N] [--runs N] [--seconds S]

Times InferenceSession.run on the same batch for about S seconds per run and
prints the median images/s over the runs for batch 1 and batch 256, the same
protocol as examples/onnx_bench.rs. Write the model with
`cargo run --release --example onnx_bench -- --write-model MODEL.onnx`.
Needs the onnxruntime and numpy packages.
"""

import argparse
import statistics
import time

import numpy as np
import onnxruntime as ort

BATCHES = (1, 256)
INPUT_SIZE = 784


def median_throughput(session, images, runs, seconds):
    """Median images/s over `runs` timed runs, after one untimed warm-up run."""
    rates = []
    for run in range(runs + 1):
        calls = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            session.run(None, {"input": images})
            calls += 1
        if run > 0:
            rates.append(calls * images.shape[0] / (time.perf_counter() - start))
    return statistics.median(rates)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="path of the ONNX model")
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads (default 2)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per batch size (default 7)")
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one run in seconds (default 1)")
    args = parser.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])

    print(f"onnxruntime {ort.__version__}, {args.threads} threads, {args.runs} runs of {args.seconds} s, median images/s")
    for batch in BATCHES:
        # Same input pattern as the Rust benchmark: (i mod 251) / 250.
        images = (np.arange(batch * INPUT_SIZE) % 251 / 250.0).astype(np.float32).reshape(batch, INPUT_SIZE)
        rate = median_throughput(session, images, args.runs, args.seconds)
        print(f"onnxruntime threads={args.threads} batch={batch:>3}: {rate:>12.0f} images/s")


if __name__ == "__main__":
    main()
