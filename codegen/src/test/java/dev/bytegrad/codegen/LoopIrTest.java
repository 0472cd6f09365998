package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bytegrad.codegen.loop.LoopPrinter;
import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.codegen.lower.Lowering;
import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loop IR of small functions, asserted as text: fusion, GEMM flags and the memory plan are visible. */
class LoopIrTest {
  @Test
  void elementwiseChain_fusesIntoTheReductionThatConsumesIt() {
    Graph g = new Graph();
    Node x = g.input("x", 2, 3);
    Node w = g.parameter("w", Init.zeros(), 3, 4);
    Node out = x.matmul(w).add(1).exp().sum(1);
    Program program = Lowering.lower("f", new Signature(List.of(x), List.of(w), List.of(out), Map.of()));
    assertThat(LoopPrinter.print(program)).isEqualTo("""
        function F
          input x: f32[6]
          output output0: f32[2]
          parameter w: f32[12]
          temporary matmul2: f32[8] at 0
          arena f32: 8 elements
        kernel k0  # %2 = matmul %0 %1 : f32[2,4]
          gemm m=2 n=4 k=3 a=x[0] lda=3 b=w[0] ldb=4 c=matmul2[0] ldc=4
        kernel k1  # %7 = sum[axes=[1], keep_dims=false] %6 : f32[2]
          #  fused: %6 = exp %5 : f32[2,4]
          #  fused: %5 = add %2 %4 : f32[2,4]
          #  fused: %4 = broadcast[shape=[2,4]] %3 : f32[2,4]
          for i0 < 2:
            f32 acc = 0.0f
            for i1 < 4:
              acc = acc + exp(matmul2[i0 * 4 + i1] + 1.0f)
            output0[i0] = acc
        """);
  }

  @Test
  void reshapeAfterTranspose_indexArithmeticCancelsWithTheLoopRanges_andTheLoopSplits() {
    Graph g = new Graph();
    Node x = g.input("x", 4, 6, 5);
    Node out = x.transpose(1, 0, 2).reshape(6, 20).exp();
    String text = LoopPrinter.print(Lowering.lower("f", new Signature(List.of(x), List.of(), List.of(out), Map.of())));
    // without the ranges: x[(i0 * 20 + i1) / 100 * 30 + ...]; (i0 * 20 + i1) / 20 => i0 since i1 < 20; then
    // i1 / 5 and i1 % 5 become the indices of two loops (LoopSplitting)
    assertThat(text).contains("for i2 < 4:", "for i3 < 5:", "output0[i0 * 20 + (i2 * 5 + i3)] = exp(x[i2 * 30 + i0 * 5 + i3])")
        .doesNotContain(" / ", " % ");
  }

  @Test
  void transposedOperands_becomeGemmFlags_notCopies() {
    Graph g = new Graph();
    Node a = g.input("a", 5, 3);
    Node b = g.input("b", 4, 5);
    Node out = a.mT().matmul(b.mT());
    String text = LoopPrinter.print(Lowering.lower("f", new Signature(List.of(a, b), List.of(), List.of(out), Map.of())));
    assertThat(text).contains("gemm m=3 n=4 k=5 a=T a[0] lda=3 b=T b[0] ldb=5 c=output0[0] ldc=4")
        .doesNotContain("transpose");
  }

  @Test
  void valuesUsedTwice_areComputedOnce() {
    Graph g = new Graph();
    Node x = g.input("x", 8);
    Node e = x.exp();
    Node out = e.div(e.sum());
    String text = LoopPrinter.print(Lowering.lower("f", new Signature(List.of(x), List.of(), List.of(out), Map.of())));
    assertThat(text.split("exp\\(", -1)).hasSize(2);
  }

  @Test
  void anUpdateReadingAParameterAfterItWasOverwritten_isRejected() {
    Graph g = new Graph();
    Node w = g.parameter("w", Init.zeros(), 2);
    Node v = g.parameter("v", Init.zeros(), 2);
    Node x = g.input("x", 2);
    // w <- w + x, then v <- v + w reads the old w, but w's buffer already holds the new value
    Node newW = w.add(x);
    Node newV = v.add(w).add(newW);
    Map<Node, Node> updates = new java.util.LinkedHashMap<>();
    updates.put(w, newW);
    updates.put(v, newV);
    assertThatThrownBy(() -> Lowering.lower("f", new Signature(List.of(x), List.of(w, v), List.of(x.sum()), updates)))
        .hasMessageContaining("reads the old value of");
  }

  @Test
  void anUpdateAndTheUpdateThatReadsIt_shareOneLoop() {
    Graph g = new Graph();
    Node gradient = g.input("g", 4);
    Node w = g.parameter("w", Init.zeros(), 4);
    Node v = g.parameter("v", Init.zeros(), 4);
    Node nextV = v.mul(0.5).add(gradient);
    Node nextW = w.sub(nextV.mul(0.25));
    Map<Node, Node> updates = new java.util.LinkedHashMap<>();
    updates.put(v, nextV);
    updates.put(w, nextW);
    Program program = Lowering.lower("f", new Signature(List.of(gradient), List.of(w, v), List.of(gradient.sum()), updates));
    assertThat(program.kernels()).hasSize(2);
    assertThat(LoopPrinter.print(program)).contains("""
          for i0 < 4:
            v[i0] = v[i0] * 0.5f + g[i0]
            w[i0] = w[i0] - v[i0] * 0.25f
        """);
  }

  @Test
  void aKernelReadingAnotherAtOtherElements_staysSeparate() {
    Graph g = new Graph();
    Node x = g.input("x", 3, 3);
    Node first = x.exp();
    Node second = first.transpose(1, 0).add(1);
    Program program = Lowering.lower("f", new Signature(List.of(x), List.of(), List.of(first, second), Map.of()));
    assertThat(program.kernels()).hasSize(2);
  }
}
