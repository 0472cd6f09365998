package dev.bytegrad.benchmarks;

import dev.bytegrad.cli.text.CharModel;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Gemm;
import dev.bytegrad.runtime.Shape;
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
 * One training step of the character language models (vocabulary 65, hidden 128, T=32 characters for
 * each of 32 streams, float32, SGD with momentum 0.9, the carried state fed in): {@code char-lstm} and
 * the vanilla {@code char-rnn} of the same sizes, compiled by each backend, on one thread and on all
 * cores. The forward and backward loops run 32 steps each inside the step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public class RecurrentStepBenchmark {
  public static final int VOCABULARY = 65;
  public static final int HIDDEN = 128;
  public static final int LENGTH = 32;
  public static final int BATCH = 32;

  @Param({"char-lstm", "char-rnn"})
  public String model;

  @Param({"asm", "javapoet"})
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
    CharModel charModel = new CharModel(CharModel.Kind.named(model), VOCABULARY, HIDDEN);
    CharModel.Function function = charModel.trainingStep(BATCH, LENGTH, new Momentum(0.9), Regularization.NONE,
        Backend.parse(implementation));
    Parameters values = Parameters.initialize(function.network().graph(), 1);
    parameters = function.parameters().stream().map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
    step = function.compiled().instantiate(parameters);
    // the same characters for both models: the char-LSTM peer workload's
    Tensor[] batch = PeerWorkload.CHAR_LSTM.data();
    int states = charModel.stateTensors();
    inputs = new Tensor[3 + states];
    outputs = new Tensor[1 + states];
    inputs[0] = batch[0];
    inputs[1] = batch[1];
    outputs[0] = Tensor.scalar(DType.F32, 0);
    for (int s = 0; s < states; s++) {
      inputs[2 + s] = Tensor.zeros(DType.F32, Shape.of(BATCH, HIDDEN));
      outputs[1 + s] = Tensor.zeros(DType.F32, Shape.of(BATCH, HIDDEN));
    }
    inputs[2 + states] = Tensor.scalar(DType.F32, PeerWorkload.LEARNING_RATE);
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
