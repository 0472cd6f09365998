package dev.bytegrad.peers.tensorflow;

import dev.bytegrad.benchmarks.HeadToHead;

/**
 * bytegrad against TensorFlow Java in one JVM ({@link HeadToHead}), TensorFlow's step being
 * {@link TensorFlowStepBenchmark}'s.
 *
 * <pre>
 * java -Xms2g -Xmx2g --add-modules jdk.incubator.vector -cp benchmarks/peers/tensorflow/target/peer-tensorflow.jar \
 *     dev.bytegrad.peers.tensorflow.TensorFlowHeadToHead --workloads mlp --threads 1
 * </pre>
 */
public final class TensorFlowHeadToHead {
  private TensorFlowHeadToHead() {}

  public static void main(String[] args) {
    HeadToHead.run("TensorFlow Java 1.1.0", (workload, threads) -> {
      TensorFlowStepBenchmark benchmark = new TensorFlowStepBenchmark();
      benchmark.workload = workload;
      benchmark.threads = threads;
      benchmark.setUp();
      return HeadToHead.step(benchmark::step, benchmark::tearDown);
    }, args);
  }
}
