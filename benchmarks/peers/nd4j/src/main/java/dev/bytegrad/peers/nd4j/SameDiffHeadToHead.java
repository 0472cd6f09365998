package dev.bytegrad.peers.nd4j;

import dev.bytegrad.benchmarks.HeadToHead;

/**
 * bytegrad against DL4J SameDiff in one JVM ({@link HeadToHead}), SameDiff's step being
 * {@link SameDiffStepBenchmark}'s. libnd4j and OpenBLAS read their thread counts from the environment when
 * they start: set {@code OMP_NUM_THREADS} to {@code --threads}.
 *
 * <pre>
 * OMP_NUM_THREADS=1 java -Xms2g -Xmx2g --add-modules jdk.incubator.vector -cp benchmarks/peers/nd4j/target/peer-nd4j.jar \
 *     dev.bytegrad.peers.nd4j.SameDiffHeadToHead --workloads mlp --threads 1
 * </pre>
 */
public final class SameDiffHeadToHead {
  private SameDiffHeadToHead() {}

  public static void main(String[] args) {
    HeadToHead.run("DL4J SameDiff M2.1", (workload, threads) -> {
      SameDiffStepBenchmark benchmark = new SameDiffStepBenchmark();
      benchmark.workload = workload;
      benchmark.threads = threads;
      benchmark.setUp();
      return HeadToHead.step(benchmark::step, () -> { });
    }, args);
  }
}
