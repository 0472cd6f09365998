package dev.bytegrad.peers.djl;

import dev.bytegrad.benchmarks.HeadToHead;

/**
 * bytegrad against DJL on PyTorch in one JVM ({@link HeadToHead}), DJL's step being
 * {@link DjlStepBenchmark}'s. The engine takes its thread counts when it starts, so one count a JVM.
 *
 * <pre>
 * java -Xms2g -Xmx2g --add-modules jdk.incubator.vector -Dai.djl.offline=true -cp benchmarks/peers/djl/target/peer-djl.jar \
 *     dev.bytegrad.peers.djl.DjlHeadToHead --workloads char-lstm --threads 1
 * </pre>
 */
public final class DjlHeadToHead {
  private DjlHeadToHead() {}

  public static void main(String[] args) {
    HeadToHead.run("DJL 0.36 (PyTorch 2.7.1)", (workload, threads) -> {
      DjlStepBenchmark benchmark = new DjlStepBenchmark();
      benchmark.workload = workload;
      benchmark.threads = threads;
      benchmark.setUp();
      return HeadToHead.step(benchmark::step, benchmark::tearDown);
    }, args);
  }
}
