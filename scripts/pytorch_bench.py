"""PyTorch reference for examples/train_bench.rs: the same 784-165-165-10 relu
MLP, Adam (lr 1.4e-3, epsilon 1e-7), batch 128, 3 epochs on 49,000 MNIST
images with validation on 14,000 after each epoch. Prints the wall time of
each run and the median.

Usage: python3 -m venv VENV && VENV/bin/pip install torch numpy, then
VENV/bin/python scripts/pytorch_bench.py [RUNS]
"""

import gzip
import pathlib
import statistics
import sys
import time

import numpy as np
import torch

DATA = pathlib.Path(__file__).resolve().parent.parent / "data" / "mnist"


def read_idx(name: str) -> np.ndarray:
    raw = gzip.decompress((DATA / name).read_bytes())
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_splits():
    images = np.concatenate([read_idx("train-images-idx3-ubyte.gz"), read_idx("t10k-images-idx3-ubyte.gz")])
    labels = np.concatenate([read_idx("train-labels-idx1-ubyte.gz"), read_idx("t10k-labels-idx1-ubyte.gz")])
    images = images.reshape(len(images), 784).astype(np.float32) / 255.0
    order = np.random.default_rng(42).permutation(len(images))
    train, validation = order[:49_000], order[49_000:63_000]
    as_tensors = lambda idx: (torch.from_numpy(images[idx]), torch.from_numpy(labels[idx].astype(np.int64)))
    return as_tensors(train), as_tensors(validation)


def train_once(train, validation) -> tuple[float, float]:
    torch.manual_seed(1)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 165), torch.nn.ReLU(), torch.nn.Linear(165, 165), torch.nn.ReLU(), torch.nn.Linear(165, 10)
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1.4e-3, eps=1e-7)
    loss_function = torch.nn.CrossEntropyLoss()
    (x, y), (vx, vy) = train, validation
    started = time.perf_counter()
    accuracy = 0.0
    for _ in range(3):
        model.train()
        for batch in torch.randperm(len(x)).split(128):
            optimizer.zero_grad()
            loss = loss_function(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            correct = sum(int((model(vx[i : i + 1000]).argmax(1) == vy[i : i + 1000]).sum()) for i in range(0, len(vx), 1000))
        accuracy = correct / len(vx)
    return time.perf_counter() - started, accuracy


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    train, validation = load_splits()
    times = []
    for run in range(1, runs + 1):
        seconds, accuracy = train_once(train, validation)
        times.append(seconds)
        print(f"run {run}: {seconds:.2f} s, val_accuracy {accuracy:.4f}")
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} threads: median {statistics.median(times):.2f} s over {runs} runs")


if __name__ == "__main__":
    main()
