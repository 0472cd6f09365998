package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.KernelTimes;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** A step compiled with timed kernels computes what the untimed step does, bit for bit, and says where its time went. */
class TimedKernelsTest {
  private static final int BATCH = 32;
  private static final int STEPS = 20;

  private record Model(Graph graph, Signature step) {}

  private static Model mlp() {
    Graph g = new Graph();
    Node x = g.input("x", BATCH, 30);
    Node y = g.input("y", DType.I32, BATCH);
    Node hidden = Layers.dense(x, "hidden", 40, Init.glorotUniform()).relu();
    Node loss = Losses.crossEntropy(Layers.dense(hidden, "output", 10, Init.glorotUniform()), y);
    TrainingGraph training = TrainingGraph.build(loss, g.parameters(), new Momentum(0.9), Regularization.NONE);
    List<Node> inputs = List.of(x, y, training.learningRate());
    return new Model(g, new Signature(inputs, g.parameters(), List.of(loss), training.updates()));
  }

  /** Trains {@code STEPS} steps from seed-7 parameters; returns the parameters. */
  private static Tensor[] train(Model model, Compiled compiled, CompiledFunction[] function) {
    Parameters values = Parameters.initialize(model.graph(), 7);
    Tensor[] parameters = model.graph().parameters().stream()
        .map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
    function[0] = compiled.instantiate(parameters);
    SplittableRandom random = new SplittableRandom(3);
    Tensor[] outputs = {Tensor.zeros(DType.F32, Shape.scalar())};
    for (int i = 0; i < STEPS; i++) {
      Tensor features = Tensor.zeros(DType.F32, Shape.of(BATCH, 30));
      Tensor labels = Tensor.zeros(DType.I32, Shape.of(BATCH));
      for (int row = 0; row < BATCH; row++) {
        labels.ints()[row] = random.nextInt(10);
        for (int column = 0; column < 30; column++) {
          features.floats()[row * 30 + column] = (float) random.nextGaussian() + (column % 10 == labels.ints()[row] ? 1 : 0);
        }
      }
      function[0].run(new Tensor[] {features, labels, Tensor.scalar(DType.F32, 0.05)}, outputs);
    }
    return parameters;
  }

  @ParameterizedTest
  @EnumSource(value = Backend.class, names = {"ASM", "JAVAPOET"})
  void timedStep_trainsTheSameBits_andTimesEveryKernelOfEveryCall(Backend backend) {
    Model model = mlp();
    Compiled plain = GraphCompiler.compile("plain", model.step(), backend);
    Compiled timed = GraphCompiler.compileTimed("timed", model.step(), backend);
    CompiledFunction[] plainFunction = new CompiledFunction[1];
    CompiledFunction[] timedFunction = new CompiledFunction[1];
    Tensor[] expected = train(model, plain, plainFunction);
    Tensor[] actual = train(model, timed, timedFunction);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i].floats()).as("parameter %d", i).containsExactly(expected[i].floats());
    }

    assertThat(KernelTimes.of(plainFunction[0])).isEmpty();
    KernelTimes times = KernelTimes.of(timedFunction[0]).orElseThrow();
    List<String> kernels = timed.program().kernels().stream().map(dev.bytegrad.codegen.loop.Kernel::name).toList();
    assertThat(times.size()).isEqualTo(kernels.size());
    assertThat(times.calls()).isEqualTo(STEPS);
    for (int i = 0; i < times.size(); i++) {
      assertThat(times.kernel(i)).isEqualTo(kernels.get(i));
      assertThat(times.computes(i)).startsWith("%").doesNotContain("\n");
      assertThat(times.nanos(i)).as("kernel %s", times.kernel(i)).isPositive();
    }
    assertThat(times.totalNanos()).isEqualTo(java.util.stream.IntStream.range(0, times.size()).mapToLong(times::nanos).sum());
    assertThat(times.computes(0)).contains("matmul");
    assertThat(times.table(3)).contains("total").contains(STEPS + " calls").contains(kernels.size() + " kernels")
        .contains((kernels.size() - 3) + " more kernels");

    times.reset();
    assertThat(times.calls()).isZero();
    assertThat(times.totalNanos()).isZero();
  }

  @ParameterizedTest
  @EnumSource(value = Backend.class, names = {"ASM", "JAVAPOET"})
  void timedLoop_timesTheKernelsOfItsStep_onEveryThread_andComputesTheSame(Backend backend) {
    Graph g = new Graph();
    Node h0 = g.input("h0", BATCH, 16);
    Node xs = g.input("xs", 6, BATCH, 16);
    Node w = g.parameter("w", Init.uniform(-0.5, 0.5), DType.F32, 16, 16);
    Node last = dev.bytegrad.graph.Scans.scan(List.of(h0), List.of(xs),
        (h, x) -> dev.bytegrad.graph.Scans.step(x.get(0).add(h.get(0).matmul(w)).tanh())).carry(0);
    Signature signature = new Signature(List.of(h0, xs), List.of(w), List.of(last), java.util.Map.of());
    Tensor weights = Parameters.initialize(g, 5).get("w");
    Tensor[] inputs = {Tensor.zeros(DType.F32, Shape.of(BATCH, 16)), Tensor.zeros(DType.F32, Shape.of(6, BATCH, 16))};
    SplittableRandom random = new SplittableRandom(2);
    for (Tensor input : inputs) {
      for (int i = 0; i < input.size(); i++) {
        input.floats()[i] = (float) random.nextGaussian();
      }
    }
    Tensor plainOut = Tensor.zeros(DType.F32, Shape.of(BATCH, 16));
    Tensor timedOut = Tensor.zeros(DType.F32, Shape.of(BATCH, 16));
    GraphCompiler.compile("plain", signature, backend).instantiate(weights).run(inputs, new Tensor[] {plainOut});
    CompiledFunction timed = GraphCompiler.compileTimed("timed", signature, backend).instantiate(weights);
    int threads = dev.bytegrad.runtime.Gemm.threads();
    dev.bytegrad.runtime.Gemm.setThreads(2); // the loop's two chunks of 16 rows on two threads
    try {
      timed.run(inputs, new Tensor[] {timedOut});
    } finally {
      dev.bytegrad.runtime.Gemm.setThreads(threads);
    }
    assertThat(timedOut.floats()).containsExactly(plainOut.floats());
    KernelTimes times = KernelTimes.of(timed).orElseThrow();
    assertThat(times.innerSize()).isPositive();
    for (int i = 0; i < times.innerSize(); i++) {
      assertThat(times.innerKernel(i)).startsWith("loop0_k");
      assertThat(times.computes(times.innerLoop(i))).startsWith("loop");
      assertThat(times.innerNanos(i)).as(times.innerKernel(i)).isPositive();
    }
    assertThat(times.table(20)).contains("inside the loops").contains("of k" + times.innerLoop(0) + ": %");
  }

  @Test
  void timedJavaSource_readsTheClockAfterEachKernel() {
    Compiled timed = GraphCompiler.compileTimed("timed", mlp().step(), Backend.JAVAPOET);
    int kernels = timed.program().kernels().size();
    assertThat(timed.javaSource()).contains("KernelTimes.Timed").contains("long clock = times.start();")
        .contains("clock = times.lap(" + (kernels - 1) + ", clock);").contains("public KernelTimes kernelTimes()");
    assertThat(GraphCompiler.compile("plain", mlp().step(), Backend.JAVAPOET).javaSource()).doesNotContain("KernelTimes");
  }

  @Test
  void timedBytecode_passesTheVerifier() {
    byte[] classFile = GraphCompiler.compileTimed("timed", mlp().step(), Backend.ASM).classFile();
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(classFile), getClass().getClassLoader(), false, new PrintWriter(problems));
    assertThat(problems.toString()).isEmpty();
  }

  @Test
  void interpreter_cannotTimeKernels() {
    assertThatThrownBy(() -> GraphCompiler.compileTimed("timed", mlp().step(), Backend.INTERPRETER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("asm or javapoet");
  }
}
