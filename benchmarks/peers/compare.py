#!/usr/bin/python3
"""Runs bytegrad's training-step benchmarks and PyTorch's on the same workloads, one thread, in one go,
and prints a markdown table: time per step, GFLOP/s of the matrix products, and each time as a ratio
to the fastest.

Usage (from the repository root, after ./mvnw -B -DskipTests package -pl benchmarks -am):
    /usr/bin/python3 benchmarks/peers/compare.py [--quick] [--threads N]

The Java peers of issue 6 (TF Java, DJL, DL4J) are not in the table yet.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
JAR = os.path.join(HERE, "..", "target", "benchmarks.jar")

# flops of each step's matrix products (2 per multiply-add), as Workload.gemmFlops and LeNetStepBenchmark count them
FLOPS = {
    "SOFTMAX": 2 * (256 * 784 * 10 * 2),
    "MLP": 2 * ((64 * 784 * 256 + 64 * 256 * 10) + (64 * 784 * 256 + 2 * 64 * 256 * 10)),
    "LENET": 2 * (2 * 20 * 25 * 36864 + 3 * 50 * 500 * 4096 + 3 * 64 * 800 * 500 + 3 * 64 * 500 * 10),
    # T=32 steps of batch 32: the recurrent product forward, and in the backward pass the input gradient
    # and the weight gradient (bytegrad also recomputes the forward product there; not counted), plus the
    # output layer 128->65 three times over T*B rows; the input projection is a lookup, not counted
    "CHAR_LSTM": 2 * (3 * 32 * 32 * 128 * 512 + 3 * 1024 * 128 * 65),
    "CHAR_RNN": 2 * (3 * 32 * 32 * 128 * 128 + 3 * 1024 * 128 * 65),
}


def jmh(threads, quick):
    """{(workload, implementation): milliseconds per step} from one JMH run."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        results = out.name
    iterations = ["-f", "1", "-wi", "3", "-i", "4"] if quick else ["-f", "2", "-wi", "5", "-i", "8"]
    command = ["java", "-jar", JAR, "TrainingStepBenchmark|LeNetStepBenchmark|RecurrentStepBenchmark", *iterations,
               "-p", "implementation=asm,javapoet", "-p", f"threads={threads}", "-rf", "json", "-rff", results]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    times = {}
    with open(results) as f:
        for run in json.load(f):
            params = run["params"]
            workload = params.get("workload") or {"char-lstm": "CHAR_LSTM", "char-rnn": "CHAR_RNN"}.get(params.get("model"), "LENET")
            metric = run["primaryMetric"]
            scale = {"us/op": 1e-3, "ms/op": 1.0}[metric["scoreUnit"]]
            times[(workload, params["implementation"])] = metric["score"] * scale
    os.remove(results)
    return times


def pytorch(threads, quick):
    """{workload: milliseconds per step}, the median of PyTorch's timings."""
    script = os.path.join(HERE, "pytorch_steps.py")
    output = subprocess.run(["/usr/bin/python3", script, "--threads", str(threads), "--seconds", "2" if quick else "6"],
                            check=True, capture_output=True, text=True).stdout
    times = {}
    for line in output.splitlines():
        match = re.match(r"(\w+)\s+threads=\d+\s+median\s+([\d.]+) (us|ms)/step", line)
        if match:
            times[match.group(1)] = float(match.group(2)) * (1e-3 if match.group(3) == "us" else 1.0)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations: a smoke run, not figures to quote")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if not os.path.exists(JAR):
        sys.exit(f"{JAR} is missing; build it with ./mvnw -B -DskipTests package -pl benchmarks -am")
    ours = jmh(args.threads, args.quick)
    try:
        theirs = pytorch(args.threads, args.quick)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"PyTorch column left empty: {e}", file=sys.stderr)
        theirs = {}
    print(f"| workload ({args.threads} thread{'s' if args.threads > 1 else ''}) | implementation | ms/step | GFLOP/s | × fastest |")
    print("|---|---|---|---|---|")
    for workload in ["SOFTMAX", "MLP", "LENET", "CHAR_LSTM", "CHAR_RNN"]:
        rows = [(f"bytegrad {impl}", ours.get((workload, impl))) for impl in ("asm", "javapoet")]
        rows.append(("PyTorch", theirs.get(workload)))
        measured = [ms for _, ms in rows if ms]
        fastest = min(measured) if measured else None
        for name, ms in rows:
            if ms:
                print(f"| {workload.lower()} | {name} | {ms:.3f} | {FLOPS[workload] / ms / 1e6:.1f} | {ms / fastest:.2f} |")
            else:
                print(f"| {workload.lower()} | {name} | – | – | – |")


if __name__ == "__main__":
    main()
