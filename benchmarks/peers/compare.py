#!/usr/bin/python3
"""Times one training step of the same workloads on bytegrad and on its peers, in one go, and writes a
markdown table: time per step, GFLOP/s of the matrix products, the ratio to the fastest peer, and the
bytes each step allocates on the Java heap.

Workloads (benchmarks/src/main/java/dev/bytegrad/benchmarks/PeerWorkload.java): softmax regression 784->10
batch 256, MLP 784-256-10 batch 64, LeNet batch 64, char-LSTM vocabulary 65 hidden 128 T=32 batch 32, and
the char-RNN of the same sizes (bytegrad and PyTorch only). Float32, cross-entropy, SGD with momentum 0.9,
the same initial weights and batch everywhere: each Java peer checks that its first loss equals bytegrad's
before it is timed.

Implementations: bytegrad's ASM and JavaPoet backends (JMH, benchmarks/target/benchmarks.jar); TensorFlow
Java 1.1.0, DJL 0.36 on PyTorch 2.7.1 and DL4J SameDiff 1.0.0-M2.1 (JMH, benchmarks/peers/*/target/peer-*.jar,
built with -Ppeers); PyTorch from Debian's python3-torch (pytorch_steps.py, needs libopenblas0-openmp).

After the tables, bytegrad is timed once more against each workload's fastest Java peer, in one JVM that
alternates the two in half-second windows (HeadToHead), for the same reason: JMH's forks run minutes apart.
When the thread counts include 1 and more, bytegrad's speed-up on the most threads is measured once more
at the end, in one JVM that alternates the two counts in half-second windows (ThreadSpeedup): JMH's forks
for the two counts run minutes apart, and on a machine whose speed drifts their ratio measures the drift.

Usage, from the repository root:
    /usr/bin/python3 benchmarks/peers/compare.py --build                 # build the jars, then run
    /usr/bin/python3 benchmarks/peers/compare.py [--threads 1 2] [--rounds N] [--quick] [--out FILE]
    /usr/bin/python3 benchmarks/peers/compare.py --java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java   # on JDK 25
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
BYTEGRAD_JAR = os.path.join(ROOT, "benchmarks", "target", "benchmarks.jar")
PEERS = {  # name in the table: (jar, benchmark)
    "TensorFlow Java 1.1.0": (os.path.join(HERE, "tensorflow", "target", "peer-tensorflow.jar"), "TensorFlowStepBenchmark"),
    "DJL 0.36 (PyTorch 2.7.1)": (os.path.join(HERE, "djl", "target", "peer-djl.jar"), "DjlStepBenchmark"),
    "DL4J SameDiff M2.1": (os.path.join(HERE, "nd4j", "target", "peer-nd4j.jar"), "SameDiffStepBenchmark"),
}
SKIP_NAMES = {  # each Java peer's name for --skip
    "TensorFlow Java 1.1.0": "tensorflow",
    "DJL 0.36 (PyTorch 2.7.1)": "djl",
    "DL4J SameDiff M2.1": "samediff",
}
HEAD_TO_HEAD = {  # each Java peer's main that times it against bytegrad in one JVM (HeadToHead)
    "TensorFlow Java 1.1.0": "dev.bytegrad.peers.tensorflow.TensorFlowHeadToHead",
    "DJL 0.36 (PyTorch 2.7.1)": "dev.bytegrad.peers.djl.DjlHeadToHead",
    "DL4J SameDiff M2.1": "dev.bytegrad.peers.nd4j.SameDiffHeadToHead",
}
JAVA = "java"  # the JVM every JMH run starts on: --java
WORKLOADS = ["SOFTMAX", "MLP", "LENET", "CHAR_LSTM", "CHAR_RNN"]
PEER_WORKLOADS = ["SOFTMAX", "MLP", "LENET", "CHAR_LSTM"]  # the Java peers have no char-RNN

# flops of each step's matrix products (2 per multiply-add), as PeerWorkload.gemmFlops counts them
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


# JMH's warm-up iterations (2 s each) by workload, 5 unless named here. LeNet's step calls its softmax's
# exp once, on 640 elements; HotSpot compiles a method with C2 only after some 600 calls
# (Tier4MinInvocationThreshold), and until then that Vector API loop runs as C1 code, which allocates its
# vectors: 160 KB a step for the first 20-25 s at one thread (28 ms a step), which 10 s of warm-up left in
# the table's bytes per step.
WARMUP_ITERATIONS = {"LENET": 15}


def run_jmh(jar, pattern, params, threads, quick, env=None, warmup=5):
    """[(params, ms per step, bytes allocated per step or None)] from one JMH run with the gc profiler."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        results = out.name
    iterations = ["-f", "1", "-wi", "3", "-i", "4"] if quick else ["-f", "1", "-wi", str(warmup), "-i", "8"]
    command = [JAVA, "-jar", jar, pattern, *iterations, "-p", f"threads={threads}", "-prof", "gc",
               "-rf", "json", "-rff", results]
    for name, values in params.items():
        command += ["-p", f"{name}={values}"]
    what = "-".join([os.path.splitext(os.path.basename(jar))[0], *params.get("workload", params.get("model", pattern)).split(","), str(threads)])
    log = os.path.join(tempfile.gettempdir(), f"compare-{re.sub(r'[^A-Za-z0-9_.-]', '', what)}.log")
    with open(log, "w") as out:
        finished = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    if finished.returncode != 0:
        print(f"{pattern} failed (exit {finished.returncode}); its output is in {log}", file=sys.stderr)
    rows = []
    try:
        with open(results) as f:
            runs = json.load(f)
    except (OSError, ValueError):
        runs = []
    for run in runs:
        metric = run["primaryMetric"]
        scale = {"us/op": 1e-3, "ms/op": 1.0}[metric["scoreUnit"]]
        allocated = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        rows.append((run["params"], metric["score"] * scale, allocated))
    if os.path.exists(results):
        os.remove(results)
    return rows


BYTEGRAD_BENCHMARKS = {  # workload: (JMH benchmark, its parameters)
    "SOFTMAX": ("TrainingStepBenchmark", {"workload": "SOFTMAX"}),
    "MLP": ("TrainingStepBenchmark", {"workload": "MLP"}),
    "LENET": ("LeNetStepBenchmark", {}),
    "CHAR_LSTM": ("RecurrentStepBenchmark", {"model": "char-lstm"}),
    "CHAR_RNN": ("RecurrentStepBenchmark", {"model": "char-rnn"}),
}


def bytegrad(workload, threads, quick):
    """{(workload, implementation): (ms, bytes)} for the ASM and JavaPoet backends."""
    benchmark, params = BYTEGRAD_BENCHMARKS[workload]
    rows = run_jmh(BYTEGRAD_JAR, benchmark + ".step$", dict(params, implementation="asm,javapoet"), threads, quick,
                   warmup=WARMUP_ITERATIONS.get(workload, 5))
    return {(workload, f"bytegrad {p['implementation']}"): (ms, allocated) for p, ms, allocated in rows}


def peer(name, workload, threads, quick):
    jar, benchmark = PEERS[name]
    if not os.path.exists(jar):
        print(f"{name}: {jar} is missing; build it with ./mvnw -B -Ppeers -DskipTests package", file=sys.stderr)
        return {}
    # libnd4j and OpenBLAS read their thread counts from the environment at start-up
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    return {(params["workload"], name): (ms, allocated)
            for params, ms, allocated in run_jmh(jar, benchmark, {"workload": workload}, threads, quick, env,
                                                         warmup=WARMUP_ITERATIONS.get(workload, 5))}


def pytorch(workload, threads, quick):
    script = os.path.join(HERE, "pytorch_steps.py")
    try:
        output = subprocess.run(["/usr/bin/python3", script, "--threads", str(threads), "--seconds", "2" if quick else "6",
                                 "--only", workload], check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"PyTorch left out: {e}", file=sys.stderr)
        return {}, None
    version = output.stdout.splitlines()[0].lstrip("# ").split(",")[0] if output.stdout else "PyTorch"
    times = {}
    for line in output.stdout.splitlines():
        match = re.match(r"(\w+)\s+threads=\d+\s+median\s+([\d.]+) (us|ms)/step", line)
        if match:
            times[(match.group(1), version)] = (float(match.group(2)) * (1e-3 if match.group(3) == "us" else 1.0), None)
    return times, version


def table(threads, measured, peer_names):
    lines = [f"| workload ({threads} thread{'s' if threads > 1 else ''}) | implementation | ms/step | GFLOP/s | ÷ fastest peer | bytes/step (Java heap) |",
             "|---|---|---|---|---|---|"]
    for workload in [w for w in WORKLOADS if any(key[0] == w for key in measured)]:
        names = ["bytegrad asm", "bytegrad javapoet", *peer_names]
        peers = [measured[(workload, p)][0] for p in peer_names if (workload, p) in measured]
        fastest_peer = min(peers) if peers else None
        for name in names:
            if (workload, name) not in measured:
                if name.startswith("bytegrad") or workload != "CHAR_RNN":
                    lines.append(f"| {workload.lower()} | {name} | – | – | – | – |")
                continue
            ms, allocated = measured[(workload, name)]
            ratio = f"{ms / fastest_peer:.2f}" if fastest_peer else "–"
            bytes_ = "–" if allocated is None else f"{allocated:,.0f}"
            bold = "**" if name.startswith("bytegrad") and fastest_peer and ms < fastest_peer else ""
            lines.append(f"| {workload.lower()} | {name} | {bold}{ms:.3f}{bold} | {FLOPS[workload] / ms / 1e6:.1f} | {ratio} | {bytes_} |")
    return "\n".join(lines)


SPEEDUP_WORKLOADS = {"SOFTMAX": "softmax", "MLP": "mlp", "LENET": "lenet", "CHAR_LSTM": "char-lstm", "CHAR_RNN": "char-rnn"}


def speedup(workloads, threads, seconds, quick):
    """ThreadSpeedup's markdown table for bytegrad's backends, `threads` against 1, or None when it failed."""
    command = [JAVA, "--add-modules", "jdk.incubator.vector", "-cp", BYTEGRAD_JAR, "dev.bytegrad.benchmarks.ThreadSpeedup",
               "--threads", str(threads), "--seconds", str(3 if quick else seconds), "--warmup", str(2 if quick else 10),
               "--workloads", *[SPEEDUP_WORKLOADS[w] for w in workloads]]
    finished = subprocess.run(command, capture_output=True, text=True)
    rows = [line for line in finished.stdout.splitlines() if line.startswith("|")]
    if finished.returncode != 0:
        print(f"ThreadSpeedup exited with {finished.returncode}:\n{finished.stderr[-2000:]}", file=sys.stderr)
    return "\n".join(rows) if rows else None


def head_to_head(name, workloads, threads, seconds, quick):
    """HeadToHead's markdown table (header first) for bytegrad against the Java peer `name`, or [] when it failed."""
    jar, _ = PEERS[name]
    command = [JAVA, "-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true", "-cp", jar,
               HEAD_TO_HEAD[name], "--threads", str(threads), "--seconds", str(3 if quick else seconds),
               "--warmup", str(2 if quick else 10), "--workloads", *[SPEEDUP_WORKLOADS[w] for w in workloads]]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    finished = subprocess.run(command, capture_output=True, text=True, env=env)
    if finished.returncode != 0:
        print(f"{HEAD_TO_HEAD[name]} exited with {finished.returncode}:\n{finished.stderr[-2000:]}", file=sys.stderr)
    return [line for line in finished.stdout.splitlines() if line.startswith("|")]


def build():
    wrapper = os.path.join(ROOT, "mvnw")
    subprocess.run([wrapper, "-B", "-q", "-Ppeers", "-DskipTests", "package"], cwd=ROOT, check=True)


def java_version():
    """The JVM's version line, as `java -version` prints it first."""
    try:
        output = subprocess.run([JAVA, "-version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"cannot run {JAVA}: {e}")
    return output.stderr.splitlines()[0].strip() if output.stderr else JAVA


def main():
    global JAVA
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, os.cpu_count() or 1],
                        help="thread counts to run (default: 1 and all cores)")
    parser.add_argument("--quick", action="store_true", help="fewer iterations: a smoke run, not figures to quote")
    parser.add_argument("--build", action="store_true", help="build bytegrad's and the peers' JMH jars first")
    parser.add_argument("--workloads", nargs="+", default=WORKLOADS, type=str.upper, choices=WORKLOADS,
                        help="the workloads to run (default: all)")
    parser.add_argument("--rounds", type=int, default=1, help="run everything this many times, keeping each best")
    parser.add_argument("--out", help="also write the tables to this markdown file")
    parser.add_argument("--java", default="java", help="the java executable the JMH benchmarks run on (default: java on the PATH)")
    parser.add_argument("--skip", nargs="*", default=[], type=str.lower, choices=[*SKIP_NAMES.values(), "pytorch"],
                        help="implementations to leave out: tensorflow, djl, samediff, pytorch")
    parser.add_argument("--head-to-head-seconds", type=float, default=20,
                        help="seconds of alternating windows per workload, thread count and backend for bytegrad against "
                             "each workload's fastest Java peer in one JVM (0: leave it out)")
    parser.add_argument("--speedup-seconds", type=float, default=30,
                        help="seconds of alternating windows per workload and backend for bytegrad's thread speed-up (0: leave it out)")
    args = parser.parse_args()
    JAVA = args.java
    jvm = java_version()
    if args.build:
        build()
    if not os.path.exists(BYTEGRAD_JAR):
        sys.exit(f"{BYTEGRAD_JAR} is missing; run with --build, or ./mvnw -B -Ppeers -DskipTests package")
    skip = set(args.skip)
    # by name: "pytorch" is in DJL's name too, and leaves only Debian's PyTorch out
    peer_names = [p for p in PEERS if SKIP_NAMES[p] not in skip]
    started = time.strftime("%Y-%m-%d %H:%M")
    sections = [f"# bytegrad and its peers, one training step\n\nRun {started} on {os.cpu_count()} cores with {jvm} "
                f"({'quick' if args.quick else 'full'} iterations, best of {args.rounds} round{'s' if args.rounds > 1 else ''}): `/usr/bin/python3 benchmarks/peers/compare.py "
                f"{' '.join(sys.argv[1:])}`. Bold: bytegrad ahead of every peer measured.\n"]
    duels = []  # HeadToHead's rows, every thread count
    for threads in args.threads:
        measured = {}
        names = list(peer_names)
        # workload by workload, every implementation back to back, so that they see the machine in the same
        # state; with --rounds, the whole sequence again, keeping each implementation's best
        for round_ in range(args.rounds):
            for workload in [w for w in WORKLOADS if w in args.workloads]:
                print(f"[{time.strftime('%H:%M:%S')}] {workload}, {threads} thread(s), round {round_ + 1}", file=sys.stderr)
                results = dict(bytegrad(workload, threads, args.quick))
                for name in peer_names:
                    if workload in PEER_WORKLOADS:
                        results.update(peer(name, workload, threads, args.quick))
                if "pytorch" not in skip:
                    times, version = pytorch(workload, threads, args.quick)
                    results.update(times)
                    if version and version not in names:
                        names.append(version)
                for key, value in results.items():
                    if key not in measured or value[0] < measured[key][0]:
                        measured[key] = value
        section = table(threads, measured, names)
        print(section + "\n", flush=True)
        sections.append(section + "\n")
        if args.head_to_head_seconds > 0:
            # each workload against its fastest Java peer in this table, in one JVM
            opponents = {}
            for workload in [w for w in PEER_WORKLOADS if w in args.workloads]:
                timed = [(measured[(workload, p)][0], p) for p in peer_names if (workload, p) in measured]
                if timed:
                    opponents.setdefault(min(timed)[1], []).append(workload)
            for name, workloads in opponents.items():
                print(f"[{time.strftime('%H:%M:%S')}] bytegrad against {name} in one JVM, {threads} thread(s): "
                      f"{', '.join(SPEEDUP_WORKLOADS[w] for w in workloads)}", file=sys.stderr)
                rows = head_to_head(name, workloads, threads, args.head_to_head_seconds, args.quick)
                duels += rows if not duels else rows[2:]  # one header for all the runs
    most = max(args.threads)
    if 1 in args.threads and most > 1 and args.speedup_seconds > 0:
        workloads = [w for w in WORKLOADS if w in args.workloads]
        print(f"[{time.strftime('%H:%M:%S')}] bytegrad's speed-up on {most} threads, alternating with 1 in one JVM", file=sys.stderr)
        rows = speedup(workloads, most, args.speedup_seconds, args.quick)
        if rows:
            section = (f"bytegrad on {most} threads against 1, in one JVM alternating the two in half-second windows "
                       f"({3 if args.quick else args.speedup_seconds:g} s a row; `ThreadSpeedup`); the parameters after five steps are compared bit for bit, and a loop of multiply-adds in registers "
                       f"(`Ceiling`) is timed in the same windows for the speed-up the machine itself gave:\n\n{rows}")
            print(section + "\n", flush=True)
            sections.append(section + "\n")
    if duels:
        section = (f"bytegrad against each workload's fastest Java peer in the tables above, in one JVM alternating the two "
                   f"in half-second windows ({3 if args.quick else args.head_to_head_seconds:g} s a row; `HeadToHead`):\n\n"
                   + "\n".join(duels))
        print(section + "\n", flush=True)
        sections.append(section + "\n")
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(sections))


if __name__ == "__main__":
    main()
