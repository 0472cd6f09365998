package dev.bytegrad.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterpreterTest {
  private final Graph g = new Graph();

  @Test
  void declared_roundsF32Nodes_float64DoesNot() {
    Node x = g.input("x", 1);
    Node third = x.div(3);
    Map<Node, Tensor> feeds = Map.of(x, Tensor.ofFloats(Shape.of(1), 1f));
    assertThat(Interpreter.declared().evaluate(third, feeds).floats()[0]).isEqualTo(1f / 3);
    assertThat(Interpreter.float64().evaluate(third, feeds).doubles()[0]).isEqualTo(1.0 / 3);
  }

  @Test
  void missingAndMistypedFeeds_areNamed() {
    Node x = g.input("x", 2, 3);
    assertThatThrownBy(() -> Interpreter.declared().evaluate(x.exp(), Map.of()))
        .hasMessageContaining("no value fed for input 'x' (f32[2,3])");
    assertThatThrownBy(() -> Interpreter.declared().evaluate(x.exp(), Map.of(x, Tensor.zeros(DType.F32, Shape.of(3, 2)))))
        .hasMessageContaining("the value fed for input 'x' (f32[2,3]) is f32[3,2]");
  }

  @Test
  void softmaxAndCrossEntropy_areStableForHugeLogits() {
    Node logits = g.input("logits", 1, 3);
    Node labels = g.input("labels", DType.I32, 1);
    Map<Node, Tensor> feeds = Map.of(
        logits, Tensor.ofFloats(Shape.of(1, 3), 1000f, 0f, -1000f),
        labels, Tensor.ofInts(Shape.of(1), 1));
    float[] softmax = Interpreter.declared().evaluate(logits.softmax(-1), feeds).floats();
    assertThat(softmax).containsExactly(1f, 0f, 0f);
    double loss = Interpreter.declared().evaluate(Losses.crossEntropy(logits, labels), feeds).getDouble(0);
    assertThat(loss).isCloseTo(1000, within(1e-3));
  }

  @Test
  void binaryCrossEntropy_matchesTheDefinitionAndStaysFiniteForLargeLogits() {
    Node z = g.input("z", DType.F64, 3);
    Node t = g.input("t", DType.F64, 3);
    Map<Node, Tensor> feeds = Map.of(
        z, Tensor.ofDoubles(Shape.of(3), 0.3, -2.0, 800.0),
        t, Tensor.ofDoubles(Shape.of(3), 1, 0, 0));
    double loss = Interpreter.float64().evaluate(Losses.binaryCrossEntropy(z, t), feeds).getDouble(0);
    double p0 = 1 / (1 + Math.exp(-0.3));
    double p1 = 1 / (1 + Math.exp(2.0));
    double expected = (-Math.log(p0) - Math.log(1 - p1) + 800.0) / 3;
    assertThat(loss).isCloseTo(expected, within(1e-12));
  }

  @Test
  void matmul_computesTheProduct() {
    Node a = g.input("a", DType.F64, 2, 3);
    Node b = g.input("b", DType.F64, 3, 2);
    Tensor product = Interpreter.float64().evaluate(a.matmul(b), Map.of(
        a, Tensor.ofDoubles(Shape.of(2, 3), 1, 2, 3, 4, 5, 6),
        b, Tensor.ofDoubles(Shape.of(3, 2), 7, 8, 9, 10, 11, 12)));
    assertThat(product.toDoubleArray()).containsExactly(58, 64, 139, 154);
  }

  @Test
  void parameters_initializeReproduciblyAndWithGlorotScale() {
    g.parameter("w", Init.glorotUniform(), 200, 300);
    Tensor first = Parameters.initialize(g, 7).get("w");
    assertThat(Parameters.initialize(g, 7).get("w")).isEqualTo(first);
    assertThat(Parameters.initialize(g, 8).get("w")).isNotEqualTo(first);
    double bound = Math.sqrt(6.0 / 500);
    double sumSquares = 0;
    for (double v : first.toDoubleArray()) {
      assertThat(Math.abs(v)).isLessThanOrEqualTo(bound);
      sumSquares += v * v;
    }
    // U(-a, a) has variance a^2 / 3
    assertThat(sumSquares / first.size()).isCloseTo(bound * bound / 3, within(bound * bound / 30));
  }
}
