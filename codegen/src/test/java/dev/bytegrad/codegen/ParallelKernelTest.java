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
  void parallelKernels_passTheBytecodeVerifier() {
    byte[] classFile = GraphCompiler.compile("elementwise", function().signature(), Backend.ASM).classFile();
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(classFile), getClass().getClassLoader(), false, new PrintWriter(problems));
    assertThat(problems.toString()).isEmpty();
  }
}
