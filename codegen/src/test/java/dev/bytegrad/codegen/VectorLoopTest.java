package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.codegen.loop.LoopPrinter;
import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.Scans;
import dev.bytegrad.graph.nn.Recurrent;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Gemm;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.Vectors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Vector loops (the Vector API) give the bits of the scalar loops they replace, on both backends, at the
 * lanes of whole vectors and at the elements left over, for ties, signed zeros, infinities and NaNs (any
 * NaN for a NaN).
 */
class VectorLoopTest {
  /**
   * 67 columns: eight vectors of AVX2 and three elements left over (four of AVX-512 and three); 64 rows,
   * for the 4,096 elements a vector loop needs ({@code Vectorization.FEWEST_ELEMENTS}).
   */
  private static final int ROWS = 64;
  private static final int COLUMNS = 67;
  private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f};

  private final int threadsBefore = Gemm.threads();

  @BeforeEach
  void requireTheVectorApi() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Vectors.implementation().equals("vector"), "the JVM has no jdk.incubator.vector");
  }

  @AfterEach
  void restoreThreads() {
    Gemm.setThreads(threadsBefore);
  }

  @Test
  void aBroadcastBiasAndMaximum_giveTheScalarBits() {
    String loops = check(ROWS, COLUMNS, (a, b) -> a.add(b.sum(0).reshape(1, COLUMNS).broadcastTo(ROWS, COLUMNS)).maximum(b));
    assertThat(loops).contains("for i1 < 67, vector:\n      output0[i0 * 67 + i1] = max(a[i0 * 67 + i1] + sum2[i1], b[i0 * 67 + i1])");
  }

  @Test
  void comparisonsMadeFloats_giveTheScalarBits() {
    // a ReLU's derivative, ties taking half
    String loops = check(ROWS, COLUMNS, (a, b) -> b.mul(a.gt(0).cast(DType.F32).add(a.eq(0).cast(DType.F32).mul(0.5))));
    assertThat(loops).contains(", vector:");
  }

  @Test
  void everyComparison_givesTheScalarBits_withNaNs() {
    // a NaN is unequal to everything, itself included, and neither less nor greater
    String loops = check(ROWS, COLUMNS, (a, b) -> a.ne(b).cast(DType.F32).add(a.lt(b).cast(DType.F32).mul(2))
        .add(a.le(b).cast(DType.F32).mul(4)).add(a.ge(b).cast(DType.F32).mul(8)).add(a.eq(b).cast(DType.F32).mul(16)));
    assertThat(loops).contains(", vector:");
  }

  @Test
  void aSelectBetweenQuotientAndRoot_givesTheScalarBits() {
    String loops = check(ROWS, COLUMNS, (a, b) -> a.ge(b).select(a.div(b), b.neg().abs().sqrt()).sub(a.relu()));
    assertThat(loops).contains(", vector:");
  }

  @Test
  void aLoopSplitOverThreads_givesTheScalarBits() {
    Gemm.setThreads(2);
    String loops = check(6, 6001, (a, b) -> a.mul(b).sub(b.maximum(a)));
    assertThat(loops).contains("split over threads, vector");
  }

  @Test
  void vectorLoops_splitOverThreadsOrNot_allocateNothingOnceCompiled() {
    // the Vector API allocates each vector wherever C2 has not inlined it: in C1 code while warming up, or
    // in a part kernel inlined into a dispatch that outgrew C2's budget (hence the handles of runPart)
    Gemm.setThreads(2);
    Graph g = new Graph();
    Node a = g.input("a", 128, 300);
    Node b = g.input("b", 128, 300);
    Node bias = g.input("bias", 300);
    Node split = a.mul(b).sub(b.maximum(a)).mul(a.gt(0).cast(DType.F32));
    Node columnSums = a.sum(0).reshape(1, 300).broadcastTo(16, 300);
    Node whole = bias.mul(bias).add(bias.relu()).reshape(1, 300).broadcastTo(16, 300).mul(columnSums);
    Signature signature = new Signature(List.of(a, b, bias), List.of(), List.of(split, whole), Map.of());
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      Compiled compiled = GraphCompiler.compile("allocation", signature, backend, true);
      assertThat(LoopPrinter.print(compiled.program())).contains("split over threads, vector:", "< 300, vector:");
      Tensor[] inputs = {Tensor.zeros(DType.F32, Shape.of(128, 300)), Tensor.zeros(DType.F32, Shape.of(128, 300)),
          Tensor.zeros(DType.F32, Shape.of(300))};
      Tensor[] outputs = {Tensor.zeros(DType.F32, Shape.of(128, 300)), Tensor.zeros(DType.F32, Shape.of(16, 300))};
      var function = compiled.instantiate();
      assertThat(Allocations.afterWarmUp(() -> function.run(inputs, outputs), 1_000, 60)).as("%s", backend).isZero();
    }
  }

  @Test
  void aTranscendentalFunction_keepsItsLoopScalar() {
    // log inside the loop (exp over a whole array is a call of the runtime's vectorized exp instead)
    String loops = check(ROWS, COLUMNS, (a, b) -> a.abs().add(1).log().mul(b));
    assertThat(loops).doesNotContain(", vector:");
  }

  @Test
  void aLoopsStepKernels_getVectorLoopsToo_withTheScalarBits() {
    // an LSTM layer's step adds its gates' input, recurrent product and bias over 16 x 256 elements: a
    // pass after the optimizations once rebuilt the step's loops without their vector mark (the
    // char-LSTM's gate gradients ran scalar, 6% of its training step)
    Graph g = new Graph();
    Node x = g.input("x", 3, 16, 256);
    Node h0 = g.input("h0", 16, 64);
    Node c0 = g.input("c0", 16, 64);
    Scans.Result lstm = Recurrent.lstm(x, h0, c0, "cell", Init.uniform(-0.4, 0.4));
    Signature signature = new Signature(List.of(x, h0, c0), g.parameters(), List.of(lstm.output(0)), Map.of());
    Parameters values = Parameters.initialize(g, 1);
    Tensor[] parameters = g.parameters().stream().map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
    SplittableRandom random = new SplittableRandom(12);
    Tensor[] inputs = {Tensor.zeros(DType.F32, x.shape()), Tensor.zeros(DType.F32, h0.shape()), Tensor.zeros(DType.F32, c0.shape())};
    for (Tensor input : inputs) {
      for (int i = 0; i < input.size(); i++) {
        input.floats()[i] = (float) random.nextGaussian();
      }
    }
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      Compiled scalar = GraphCompiler.compile("scalar", signature, backend, false);
      Compiled vector = GraphCompiler.compile("vector", signature, backend, true);
      String loops = LoopPrinter.print(vector.program());
      assertThat(loops.substring(loops.indexOf("kernel loop0_"))).as(loops).containsPattern("for i1 < 256, vector:");
      Tensor expected = Tensor.zeros(DType.F32, lstm.output(0).shape());
      Tensor actual = Tensor.zeros(DType.F32, lstm.output(0).shape());
      scalar.instantiate(parameters).run(inputs, new Tensor[] {expected});
      vector.instantiate(parameters).run(inputs, new Tensor[] {actual});
      assertThat(actual.floats()).as("%s", backend).containsExactly(expected.floats());
    }
  }

  /**
   * Compiles {@code f(a, b)} of two [rows, columns] inputs with scalar and with vector loops on both
   * backends, checks the vector results bit for bit against the scalar ones and the bytecode with ASM's
   * verifier; the vector program's loop IR.
   */
  private static String check(int rows, int columns, BiFunction<Node, Node, Node> f) {
    Graph g = new Graph();
    Node a = g.input("a", rows, columns);
    Node b = g.input("b", rows, columns);
    Signature signature = new Signature(List.of(a, b), List.of(), List.of(f.apply(a, b)), Map.of());
    Tensor[] inputs = inputs(rows, columns);
    String loops = null;
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      Compiled scalar = GraphCompiler.compile("scalar", signature, backend, false);
      Compiled vector = GraphCompiler.compile("vector", signature, backend, true);
      assertThat(LoopPrinter.print(scalar.program())).doesNotContain(", vector:");
      loops = LoopPrinter.print(vector.program());
      Tensor expected = run(scalar, inputs, rows, columns);
      Tensor actual = run(vector, inputs, rows, columns);
      for (int e = 0; e < expected.size(); e++) {
        // bit for bit, but for which NaN: x86 gives inf - inf a negative NaN, the vector maximum a positive
        // one, and Java leaves a NaN's sign and payload to the machine
        assertThat(Float.floatToIntBits(actual.floats()[e])).as("%s element %d (%s)", backend, e, expected.floats()[e])
            .isEqualTo(Float.floatToIntBits(expected.floats()[e]));
      }
      if (backend == Backend.ASM) {
        StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(vector.classFile()), VectorLoopTest.class.getClassLoader(), false, new PrintWriter(problems));
        assertThat(problems.toString()).isEmpty();
      }
    }
    return loops;
  }

  /** Gaussian values with the special ones, and equal pairs, sprinkled in. */
  private static Tensor[] inputs(int rows, int columns) {
    SplittableRandom random = new SplittableRandom(11);
    Tensor a = Tensor.zeros(DType.F32, Shape.of(rows, columns));
    Tensor b = Tensor.zeros(DType.F32, Shape.of(rows, columns));
    for (int i = 0; i < a.size(); i++) {
      a.floats()[i] = random.nextInt(4) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : (float) random.nextGaussian();
      b.floats()[i] = random.nextInt(6) == 0 ? a.floats()[i] : random.nextInt(4) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)]
          : (float) random.nextGaussian();
    }
    return new Tensor[] {a, b};
  }

  private static Tensor run(Compiled compiled, Tensor[] inputs, int rows, int columns) {
    Tensor out = Tensor.zeros(DType.F32, Shape.of(rows, columns));
    compiled.instantiate().run(inputs, new Tensor[] {out});
    return out;
  }
}
