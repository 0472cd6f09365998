package dev.bytegrad.benchmarks;

import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
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
 * How fast is one whole training step — forward, backward, momentum update — in each execution?
 * Interpreter, ASM, JavaPoet and a hand-written Java step on the same GEMM, one thread, float32.
 * Read the ratios within one run; run with {@code -prof gc} for bytes allocated per step.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar TrainingStepBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public class TrainingStepBenchmark {
  @Param({"SOFTMAX", "MLP"})
  public Workload workload;

  @Param({"handwritten", "asm", "javapoet", "interpreter"})
  public String implementation;

  /** Which GEMM kernel the step calls: {@code vector} (the default when the module is there) or {@code scalar}. */
  @Param({"vector"})
  public String gemm;

  /** Threads a large matrix product runs on; results are the same for any count. */
  @Param({"1"})
  public int threads;

  private CompiledFunction step;
  private Tensor[] parameters;
  private Tensor[] inputs;
  private Tensor[] outputs;

  @Setup(Level.Trial)
  public void compile() {
    System.setProperty("bytegrad.gemm", gemm);
    if (!dev.bytegrad.runtime.Gemm.implementation().equals(gemm)) {
      throw new IllegalStateException("asked for the " + gemm + " GEMM, have " + dev.bytegrad.runtime.Gemm.implementation());
    }
    dev.bytegrad.runtime.Gemm.setThreads(threads);
    Workload.Built built = workload.build(1);
    inputs = workload.batch(2);
    outputs = new Tensor[] {Tensor.zeros(DType.F32, Shape.scalar())};
    parameters = built.parameters();
    step = implementation.equals("handwritten")
        ? new HandWrittenStep(workload, parameters)
        : GraphCompiler.compile(workload.name().toLowerCase() + "_step", built.signature(), Backend.parse(implementation))
            .instantiate(parameters);
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
