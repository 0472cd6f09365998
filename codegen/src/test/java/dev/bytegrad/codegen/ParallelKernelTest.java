package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.codegen.loop.LoopPrinter;
import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Gemm;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** Large elementwise kernels run in parts on several threads, with the same results for any count. */
class ParallelKernelTest {
  private final int threadsBefore = Gemm.threads();

  @AfterEach
  void restoreThreads() {
    Gemm.setThreads(threadsBefore);
  }

  private record Function(Signature signature, Node x, Node b) {}

  /** A [300, 200] elementwise chain (90,000 elements: split) and a small one (not split). */
  private static Function function() {
    Graph g = new Graph();
    Node x = g.input("x", 300, 200);
    Node b = g.input("b", 200);
    Node large = x.mul(1.5).add(b).abs().sqrt().mul(x.add(2)).maximum(x);
    Node small = b.mul(b).sigmoid();
    return new Function(new Signature(List.of(x, b), List.of(), List.of(large, small), Map.of()), x, b);
  }

  private static Tensor[] inputs() {
    SplittableRandom random = new SplittableRandom(5);
    Tensor x = Tensor.zeros(DType.F32, Shape.of(300, 200));
    Tensor b = Tensor.zeros(DType.F32, Shape.of(200));
    for (int i = 0; i < x.size(); i++) {
      x.floats()[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < b.size(); i++) {
      b.floats()[i] = (float) random.nextGaussian();
    }
    return new Tensor[] {x, b};
  }

  private static Tensor[] run(Compiled compiled) {
    Tensor[] outputs = {Tensor.zeros(DType.F32, Shape.of(300, 200)), Tensor.zeros(DType.F32, Shape.of(200))};
    compiled.instantiate().run(inputs(), outputs);
    return outputs;
  }

  @Test
  void largeElementwiseKernel_isSplit_andGivesTheSameBitsOnOneTwoAndThreeThreads() {
    Function f = function();
    Compiled asm = GraphCompiler.compile("elementwise", f.signature(), Backend.ASM);
    Compiled javapoet = GraphCompiler.compile("elementwise", f.signature(), Backend.JAVAPOET);
    assertThat(LoopPrinter.print(asm.program())).containsOnlyOnce("split over threads");
    assertThat(javapoet.javaSource()).contains("implements CompiledFunction, Parallel.Kernels")
        .contains("Parallel.run(this, ").contains("Part(int part, int parts)");
    Gemm.setThreads(1);
    Tensor[] one = run(asm);
    List<Tensor> expected = Interpreter.declared().evaluate(f.signature().outputs(),
        Map.of(f.x(), inputs()[0], f.b(), inputs()[1]));
    for (int i = 0; i < one[0].size(); i++) {
      assertThat(Math.abs(one[0].floats()[i] - expected.get(0).floats()[i])).isLessThan(1e-5f * (1 + Math.abs(expected.get(0).floats()[i])));
    }
    for (int threads : new int[] {2, 3}) {
      Gemm.setThreads(threads);
      for (Compiled compiled : List.of(asm, javapoet)) {
        Tensor[] many = run(compiled);
        assertThat(many[0].floats()).as("%s on %d threads", compiled.backend(), threads).containsExactly(one[0].floats());
        assertThat(many[1].floats()).containsExactly(one[1].floats());
      }
    }
  }

  @Test
  void anUpdateReadingTheValueStoredBesideIt_isSplit() {
    // momentum: the velocity, then the weight from that velocity, merged into one pass of two stores
    Graph g = new Graph();
    Node v = g.input("v", 300, 200);
    Node grad = g.input("g", 300, 200);
    Node w = g.input("w", 300, 200);
    Node velocity = v.mul(0.9).add(grad);
    Node weight = w.sub(velocity.mul(0.01));
    Compiled compiled = GraphCompiler.compile("momentum", new Signature(List.of(v, grad, w), List.of(), List.of(velocity, weight),
        Map.of()), Backend.ASM);
    String loops = LoopPrinter.print(compiled.program());
    assertThat(loops).containsOnlyOnce("kernel ").containsOnlyOnce("split over threads");
    SplittableRandom random = new SplittableRandom(11);
    Tensor[] in = new Tensor[3];
    for (int t = 0; t < 3; t++) {
      in[t] = Tensor.zeros(DType.F32, Shape.of(300, 200));
      for (int i = 0; i < in[t].size(); i++) {
        in[t].floats()[i] = (float) random.nextGaussian();
      }
    }
    float[][] first = null;
    for (int threads : new int[] {1, 2, 3}) {
      Gemm.setThreads(threads);
      Tensor[] out = {Tensor.zeros(DType.F32, Shape.of(300, 200)), Tensor.zeros(DType.F32, Shape.of(300, 200))};
      compiled.instantiate().run(in, out);
      if (first == null) {
        first = new float[][] {out[0].floats(), out[1].floats()};
      }
      assertThat(out[1].floats()).as("%d threads", threads).containsExactly(first[1]);
    }
  }

  @Test
  void aScatterAddWithRepeatedRows_accumulatesOnOneThread_afterItsZeroingRunsInParts() {
    // 800 rows of 100 added into 400 rows, each twice: parts over the source rows would race on the
    // targets, so only the zeroing (its own nest, its own kernel) is split
    Graph g = new Graph();
    Node updates = g.input("u", 800, 100);
    int[] rows = new int[800];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (i * 7) % 400;
    }
    Node indices = g.constant(Tensor.ofInts(Shape.of(800), rows));
    Node out = updates.mul(2).scatterAdd(indices, 400);
    Signature signature = new Signature(List.of(updates), List.of(), List.of(out), Map.of());
    Compiled compiled = GraphCompiler.compile("scatter", signature, Backend.ASM);
    String loops = LoopPrinter.print(compiled.program());
    assertThat(loops).containsOnlyOnce("split over threads").contains("continued");
    SplittableRandom random = new SplittableRandom(9);
    Tensor u = Tensor.zeros(DType.F32, Shape.of(800, 100));
    for (int i = 0; i < u.size(); i++) {
      u.floats()[i] = (float) random.nextGaussian();
    }
    Gemm.setThreads(1);
    Tensor one = Tensor.zeros(DType.F32, Shape.of(400, 100));
    compiled.instantiate().run(new Tensor[] {u}, new Tensor[] {one});
    Tensor expected = Interpreter.declared().evaluate(List.of(out), Map.of(updates, u)).get(0);
    for (int i = 0; i < one.size(); i++) {
      assertThat(one.floats()[i]).isCloseTo(expected.floats()[i], org.assertj.core.api.Assertions.within(1e-5f));
    }
    Gemm.setThreads(2);
    Tensor two = Tensor.zeros(DType.F32, Shape.of(400, 100));
    compiled.instantiate().run(new Tensor[] {u}, new Tensor[] {two});
    assertThat(two.floats()).containsExactly(one.floats());
  }

  @Test
  void aScatterAddWhoseConstantRowsAreDistinct_accumulatesInParts() {
    // a pooling window's gradient: 2 x 2 windows over 40 rows of 1,000, each row reached by one window
    // element; the kernel reads the table of rows to know its parts store apart
    Graph g = new Graph();
    Node updates = g.input("u", 40, 1000);
    int[] rows = new int[40];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (i % 4) * 10 + i / 4;
    }
    Node out = updates.mul(2).scatterAdd(g.constant(Tensor.ofInts(Shape.of(40), rows)), 41);
    Compiled compiled = GraphCompiler.compile("pool", new Signature(List.of(updates), List.of(), List.of(out), Map.of()), Backend.ASM);
    assertThat(LoopPrinter.print(compiled.program())).as("the zeroing and the scatter").containsOnlyOnce("kernel k1")
        .doesNotContain("kernel k2").contains("split over threads");
    assertThat(LoopPrinter.print(compiled.program()).split("split over threads", -1)).hasSize(3);
    SplittableRandom random = new SplittableRandom(10);
    Tensor u = Tensor.zeros(DType.F32, Shape.of(40, 1000));
    for (int i = 0; i < u.size(); i++) {
      u.floats()[i] = (float) random.nextGaussian();
    }
    Tensor expected = Interpreter.declared().evaluate(List.of(out), Map.of(updates, u)).get(0);
    for (int threads : new int[] {1, 2, 3}) {
      Gemm.setThreads(threads);
      Tensor result = Tensor.zeros(DType.F32, Shape.of(41, 1000));
      compiled.instantiate().run(new Tensor[] {u}, new Tensor[] {result});
      assertThat(result.floats()).as("%d threads", threads).containsExactly(expected.floats());
    }
  }

  @Test
  void parallelKernels_passTheBytecodeVerifier() {
    byte[] classFile = GraphCompiler.compile("elementwise", function().signature(), Backend.ASM).classFile();
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(classFile), getClass().getClassLoader(), false, new PrintWriter(problems));
    assertThat(problems.toString()).isEmpty();
  }
}
