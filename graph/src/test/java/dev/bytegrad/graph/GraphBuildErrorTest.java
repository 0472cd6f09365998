package dev.bytegrad.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;
import org.junit.jupiter.api.Test;

/** Bad graphs fail when built, naming the op, the shapes and the user's file:line. */
class GraphBuildErrorTest {
  private final Graph g = new Graph();

  @Test
  void matmul_rejectsInnerDimensionMismatch_atTheCallersLine() {
    Node x = g.input("x", 64, 784);
    Node w = g.parameter("w", Init.zeros(), 100, 10);
    int line = currentLine() + 1;
    assertThatThrownBy(() -> x.matmul(w))
        .isInstanceOf(GraphBuildException.class)
        .hasMessageContaining("matmul(f32[64,784], f32[100,10])")
        .hasMessageContaining("inner dimensions differ: 784")
        .hasMessageContaining("GraphBuildErrorTest.java:" + line);
  }

  @Test
  void add_rejectsShapesThatDoNotBroadcast() {
    Node a = g.input("a", 3, 4);
    Node b = g.input("b", 5);
    assertThatThrownBy(() -> a.add(b))
        .hasMessageContaining("add(f32[3,4], f32[5]): shapes do not broadcast (axis -1: 4 vs 5)")
        .hasMessageContaining("GraphBuildErrorTest.java:");
  }

  @Test
  void add_rejectsMixedDtypes() {
    Node a = g.input("a", DType.F32, 3);
    Node b = g.input("b", DType.F64, 3);
    assertThatThrownBy(() -> a.add(b)).hasMessageContaining("add(f32[3], f64[3]): operand types differ");
  }

  @Test
  void exp_rejectsIntegers() {
    Node labels = g.input("labels", DType.I32, 3);
    assertThatThrownBy(labels::exp).hasMessageContaining("exp(i32[3]): needs f32 or f64 operands, got i32");
  }

  @Test
  void reshape_rejectsADifferentSize() {
    Node x = g.input("x", 2, 3);
    assertThatThrownBy(() -> x.reshape(4, 2)).hasMessageContaining("cannot reshape [2,3] (6 elements) to [4,2] (8)");
  }

  @Test
  void sum_rejectsAnAxisOutOfRange() {
    Node x = g.input("x", 2, 3);
    assertThatThrownBy(() -> x.sum(2)).hasMessageContaining("axis 2 is out of range for rank 2");
  }

  @Test
  void slice_rejectsABlockOutsideTheOperand() {
    Node x = g.input("x", 4);
    assertThatThrownBy(() -> x.slice(new int[] {2}, new int[] {5}))
        .hasMessageContaining("slice [2, 5) does not fit axis 0 of size 4");
  }

  @Test
  void crossEntropy_rejectsLabelsOfTheWrongShape() {
    Node logits = g.input("logits", 8, 10);
    Node labels = g.input("labels", DType.I32, 8, 1);
    assertThatThrownBy(() -> Losses.crossEntropy(logits, labels))
        .hasMessageContaining("cross_entropy(f32[8,10], i32[8,1])");
  }

  @Test
  void mse_rejectsTheColumnAgainstVectorBroadcast() {
    Node prediction = g.input("prediction", 8, 1);
    Node target = g.input("target", 8);
    assertThatThrownBy(() -> Losses.mse(prediction, target)).hasMessageContaining("mse(f32[8,1], f32[8])");
  }

  @Test
  void declaringANameTwiceWithAnotherType_fails() {
    g.input("x", 2);
    assertThatThrownBy(() -> g.parameter("x", Init.zeros(), 2))
        .hasMessageContaining("'x' is already declared as input f32[2] at GraphBuildErrorTest.java:");
  }

  @Test
  void operandsFromAnotherGraph_areRejected() {
    Node a = g.input("a", 2);
    Node b = new Graph().input("b", 2);
    assertThatThrownBy(() -> a.add(b)).hasMessageContaining("belongs to another graph");
  }

  @Test
  void nodes_rememberTheCallersLine() {
    int line = currentLine() + 1;
    Node x = g.input("x", 2).exp();
    assertThat(x.callSite().toString()).isEqualTo("GraphBuildErrorTest.java:" + line);
  }

  @Test
  void equalNodes_areTheSameObject() {
    Node x = g.input("x", 2);
    assertThat(x.exp().add(1)).isSameAs(x.exp().add(1));
    assertThat(g.input("x", 2)).isSameAs(x);
  }

  private static int currentLine() {
    return StackWalker.getInstance().walk(frames -> frames.skip(1).findFirst().orElseThrow().getLineNumber());
  }
}
