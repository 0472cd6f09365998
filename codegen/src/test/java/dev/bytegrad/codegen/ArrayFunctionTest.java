package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.codegen.loop.LoopPrinter;
import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** exp, tanh and the sigmoid over many f32 elements run as vectorized array calls, on both backends, with their gradients. */
class ArrayFunctionTest {
  @Test
  void transcendentalsOverManyElements_areArrayCalls_thatAgreeWithTheInterpreter() {
    Graph g = new Graph();
    Node x = g.input("x", 20, 30);
    Node y = x.mul(0.5).tanh().add(x.sigmoid()).mul(x.mul(-0.3).exp());
    String source = check(x, y, 20, 30);
    assertThat(source).contains("Vectors.tanh(").contains("Vectors.exp(");
  }

  @Test
  void slicesOfWholeRows_areReadInPlace_aRowAtATime() {
    // an LSTM's gates: four slices of the last axis of one pre-activation, no copy of each slice first
    Graph g = new Graph();
    Node x = g.input("x", 12, 160);
    Node z = x.mul(0.7).add(x.mul(x).mul(0.02));
    Node i = z.slice(new int[] {0, 0}, new int[] {12, 40}).sigmoid();
    Node f = z.slice(new int[] {0, 40}, new int[] {12, 80}).sigmoid();
    Node c = z.slice(new int[] {0, 80}, new int[] {12, 120}).tanh();
    Node o = z.slice(new int[] {0, 120}, new int[] {12, 160}).exp();
    Node y = i.mul(c).add(f.mul(o));
    String source = check(x, y, 12, 160);
    assertThat(source).as("no kernel copies a slice out").doesNotContainPattern("\\* %\\d+ = slice\\[");
    assertThat(source).containsPattern("for \\(int i\\d+ = 0; i\\d+ < 12; i\\d+\\+\\+\\) \\{\\s+Vectors\\.sigmoid\\(arenaF32, ");
  }

  /** Compiles {@code y}, its sum and the sum's gradient with both backends, checks them against the interpreter; the JavaPoet source. */
  private String check(Node x, Node y, int rows, int columns) {
    Node loss = y.sum();
    List<Node> outputs = new ArrayList<>(List.of(y, loss));
    outputs.add(Autodiff.grad(loss, x));
    Signature signature = new Signature(List.of(x), List.of(), outputs, Map.of());
    SplittableRandom random = new SplittableRandom(2);
    Tensor xv = Tensor.zeros(DType.F32, Shape.of(rows, columns));
    for (int i = 0; i < xv.size(); i++) {
      xv.floats()[i] = (float) (random.nextGaussian() * 3);
    }
    List<Tensor> expected = Interpreter.declared().evaluate(outputs, Map.of(x, xv));
    String source = null;
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      Compiled compiled = GraphCompiler.compile("functions", signature, backend);
      String loops = LoopPrinter.print(compiled.program());
      assertThat(loops).contains("vectorized");
      Tensor[] results = outputs.stream().map(n -> Tensor.zeros(n.dtype(), n.shape())).toArray(Tensor[]::new);
      compiled.instantiate().run(new Tensor[] {xv}, results);
      for (int o = 0; o < results.length; o++) {
        for (int i = 0; i < results[o].size(); i++) {
          double want = expected.get(o).getDouble(i);
          assertThat(Math.abs(results[o].getDouble(i) - want)).as("%s output %d element %d", backend, o, i)
              .isLessThan(2e-6 * (1 + Math.abs(want)) * (o == 1 ? rows * columns : o == 2 ? 5 : 1));
        }
      }
      if (backend == Backend.ASM) {
        StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(compiled.classFile()), getClass().getClassLoader(), false, new PrintWriter(problems));
        assertThat(problems.toString()).isEmpty();
      } else {
        source = compiled.javaSource();
      }
    }
    return source;
  }
}
