#!/usr/bin/python3
"""Times one training step of bytegrad's benchmark workloads in PyTorch (CPU, float32).

The workloads match benchmarks/src/main/java/dev/bytegrad/benchmarks: softmax regression 784->10 on
batches of 256, an MLP 784-256-10 with ReLU on batches of 64, and LeNet (conv 5x5 1->20, max-pool 2,
conv 5x5 20->50, max-pool 2, dense 800->500 ReLU, dense 500->10) on batches of 64 28x28 images, and
the character language models (vocabulary 65, an LSTM or a tanh RNN of 128 hidden units, 32 characters
for each of 32 streams); random data, cross-entropy, SGD with momentum 0.9. Prints one line per workload and thread count: the median
and the best time per step over repeated runs, in the same units as the JMH tables (us or ms).

Usage: /usr/bin/python3 benchmarks/peers/pytorch_steps.py [--threads 1 2] [--seconds 5]
(Debian's python3-torch is installed for /usr/bin/python3, not for a pyenv python.)
Debian's python3-torch needs libopenblas0-openmp, or it runs on the reference BLAS.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.dense = nn.Linear(800, 500)
        self.output = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x.view(-1, 1, 28, 28)), 2)
        x = F.max_pool2d(self.conv2(x), 2)
        return self.output(F.relu(self.dense(x.flatten(1))))


class CharModel(nn.Module):
    """Character language model: one-hot characters into an LSTM (or tanh RNN), a dense layer to the logits."""

    def __init__(self, cell, vocabulary=65, hidden=128):
        super().__init__()
        self.vocabulary = vocabulary
        self.recurrent = (nn.LSTM if cell == "lstm" else nn.RNN)(vocabulary, hidden)
        self.output = nn.Linear(hidden, vocabulary)

    def forward(self, tokens, state):
        states, last = self.recurrent(F.one_hot(tokens, self.vocabulary).float(), state)
        return self.output(states), last


def workloads():
    yield "SOFTMAX", nn.Linear(784, 10), 256, "us"
    yield "MLP", nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)), 64, "us"
    yield "LENET", LeNet(), 64, "ms"
    yield "CHAR_LSTM", CharModel("lstm"), 32, "ms"
    yield "CHAR_RNN", CharModel("rnn"), 32, "ms"


def time_step(model, batch, seconds):
    torch.manual_seed(1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    if isinstance(model, CharModel):
        # 32 characters for each of 32 streams, the carried state fed in (truncated BPTT)
        tokens = torch.randint(0, 65, (32, batch))
        targets = torch.randint(0, 65, (32, batch))
        h0 = torch.zeros(1, batch, 128)
        state = (h0, torch.zeros(1, batch, 128)) if isinstance(model.recurrent, nn.LSTM) else h0

        def step():
            optimizer.zero_grad(set_to_none=True)
            logits, _ = model(tokens, state)
            loss = F.cross_entropy(logits.reshape(-1, 65), targets.reshape(-1))
            loss.backward()
            optimizer.step()
    else:
        x = torch.rand(batch, 784)
        y = torch.randint(0, 10, (batch,))

        def step():
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()

    for _ in range(20):
        step()
    samples = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(10):
            step()
        samples.append((time.perf_counter() - start) / 10)
    return statistics.median(samples), min(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--only", nargs="+", help="workloads to time, by name (default: all)")
    args = parser.parse_args()
    print(f"# PyTorch {torch.__version__}, {torch.__config__.parallel_info().splitlines()[0]}")
    for threads in args.threads:
        torch.set_num_threads(threads)
        for name, model, batch, unit in workloads():
            if args.only and name not in args.only:
                continue
            median, best = time_step(model, batch, args.seconds)
            scale = 1e6 if unit == "us" else 1e3
            print(f"{name:8s} threads={threads}  median {median * scale:9.1f} {unit}/step  best {best * scale:9.1f} {unit}/step")


if __name__ == "__main__":
    main()
