package dev.bytegrad.benchmarks;

import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.Functions;
import dev.bytegrad.cli.zoo.Zoo;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Gemm;
import dev.bytegrad.runtime.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of the zoo's LeNet (conv 5x5 1→20, max-pool 2, conv 5x5 20→50, max-pool 2, dense 800→500
 * ReLU, dense 500→10) on a batch of 64 28x28 images, float32, SGD with momentum 0.9, compiled by each
 * backend and by hand ({@link HandWrittenLeNetStep}), on one thread and on all cores. {@link #GEMM_FLOPS} gives GFLOP/s from the time per step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public class LeNetStepBenchmark {
  /**
   * Flops of the step's matrix products: conv1 forward and kernel gradient (20x25x36864 each), conv2
   * forward, kernel gradient and input gradient (50x500x4096 each), dense 800→500 three times and
   * 500→10 three times, at batch 64.
   */
  public static final long GEMM_FLOPS = 2L * (2L * 20 * 25 * 36864 + 3L * 50 * 500 * 4096 + 3L * 64 * 800 * 500 + 3L * 64 * 500 * 10);

  @Param({"handwritten", "asm", "javapoet"})
  public String implementation;

  @Param({"1", "2"})
  public int threads;

  private CompiledFunction step;
  private Tensor[] parameters;
  private Tensor[] inputs;
  private Tensor[] outputs;

  @Setup(Level.Trial)
  public void compile() {
    Gemm.setThreads(threads);
    Functions functions = Functions.trainingStep(Zoo.get("lenet"), new Data.Dims(784, 10), 64, new Momentum(0.9), Regularization.NONE);
    Parameters values = Parameters.initialize(functions.graph(), 1);
    parameters = functions.bind(values);
    step = implementation.equals("handwritten")
        ? new HandWrittenLeNetStep(64, parameters)
        : GraphCompiler.compile("lenet_step", functions.step(), Backend.parse(implementation)).instantiate(parameters);
    Tensor[] batch = PeerWorkload.LENET.data();
    inputs = new Tensor[] {batch[0], batch[1], Tensor.scalar(DType.F32, PeerWorkload.LEARNING_RATE)};
    outputs = functions.newOutputs();
  }

  /** The parameters the step updates in place (after {@link #compile}). */
  Tensor[] parameters() {
    return parameters;
  }

  @Benchmark
  public Tensor step() {
    step.run(inputs, outputs);
    return outputs[0];
  }
}
