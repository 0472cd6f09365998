package dev.bytegrad.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutodiffTest {
  private final Graph g = new Graph();

  private static Tensor scalar(double value) {
    return Tensor.scalar(DType.F64, value);
  }

  @Test
  void grad_accumulatesCotangentsAcrossFanOut() {
    Node x = g.input("x", DType.F64);
    Node y = x.mul(x).add(x.exp()).add(x); // y = x^2 + e^x + x, dy/dx = 2x + e^x + 1
    Node dy = Autodiff.grad(y, x);
    double value = Interpreter.float64().evaluate(dy, Map.of(x, scalar(0.7))).getDouble(0);
    assertThat(value).isCloseTo(2 * 0.7 + Math.exp(0.7) + 1, within(1e-12));
  }

  @Test
  void grad_isAGraphThatCanBeDifferentiatedAgain() {
    Node x = g.input("x", DType.F64);
    Node y = x.tanh();
    Node dy = Autodiff.grad(y, x);   // 1 - tanh^2
    Node d2y = Autodiff.grad(dy, x); // -2 tanh (1 - tanh^2)
    double t = Math.tanh(0.3);
    double value = Interpreter.float64().evaluate(d2y, Map.of(x, scalar(0.3))).getDouble(0);
    assertThat(value).isCloseTo(-2 * t * (1 - t * t), within(1e-12));
  }

  @Test
  void grad_throughIntegerLabels_failsClearly() {
    Node logits = g.input("logits", 4, 3);
    Node labels = g.input("labels", DType.I32, 4);
    Node loss = Losses.crossEntropy(logits, labels);
    assertThatThrownBy(() -> Autodiff.grad(loss, List.of(logits, labels)))
        .isInstanceOf(GraphBuildException.class)
        .hasMessageContaining("cannot differentiate with respect to input 'labels'")
        .hasMessageContaining("only f32 and f64 values have derivatives");
  }

  @Test
  void grad_ofANonScalar_failsClearly() {
    Node x = g.input("x", 3);
    assertThatThrownBy(() -> Autodiff.grad(x.exp(), x)).hasMessageContaining("the loss must be a floating scalar");
  }

  @Test
  void grad_withRespectToAnUnusedNode_isZeros() {
    Node x = g.input("x", DType.F64, 2);
    Node unused = g.input("unused", DType.F64, 3);
    Node gradient = Autodiff.grad(x.sum(), unused);
    Tensor value = Interpreter.float64().evaluate(gradient, Map.of(unused, Tensor.ofDoubles(Shape.of(3), 1, 2, 3)));
    assertThat(value.toDoubleArray()).containsExactly(0, 0, 0);
  }

  @Test
  void grad_differentiatesNoBranchThatDoesNotDependOnWrt() {
    Node x = g.input("x", 3);
    Node w = g.parameter("w", Init.zeros(), 3);
    Node c = x.exp().log();
    Node loss = c.mul(w).sum();
    Node gradient = Autodiff.grad(loss, w);
    // d/dw sum(c * w) = broadcast(1) * c: the seed, its reshape and broadcast, and one product
    List<Node> derivativeOnly = Topology.reachable(List.of(gradient)).stream()
        .filter(n -> !Topology.reachable(List.of(loss)).contains(n)).toList();
    assertThat(derivativeOnly).hasSize(4);
    assertThat(GraphPrinter.print(List.of(gradient))).doesNotContain("div");
  }

  @Test
  void gradientCheck_passesForAnMlpAndLocatesAWrongGradient() {
    Node x = g.input("x", DType.F64, 5, 3);
    Node y = g.input("y", DType.I32, 5);
    Node hidden = Layers.dense(x, "hidden", 4, Init.glorotUniform()).tanh();
    Node loss = Losses.crossEntropy(Layers.dense(hidden, "out", 3, Init.glorotUniform()), y);
    Parameters parameters = Parameters.initialize(g, 1);
    Map<Node, Tensor> feeds = new HashMap<>(parameters.feeds(g));
    feeds.put(x, Tensor.ofDoubles(Shape.of(5, 3), 0.1, -0.4, 1.2, 0.3, 0.9, -1.1, 0.5, 0.2, 0.0, -0.7, 0.6, 0.8, 1.5, -0.2, 0.3));
    feeds.put(y, Tensor.ofInts(Shape.of(5), 0, 2, 1, 1, 0));
    GradientCheck.Report report = GradientCheck.check(loss, g.parameters(), feeds);
    assertThat(report.worstRelativeError()).as(report.toString()).isLessThan(1e-6);
    assertThat(report.elementsChecked()).isEqualTo(3 * 4 + 4 + 4 * 3 + 3);

    // the same check on a loss whose "gradient" is taken of something else reports where it breaks
    Node wrong = loss.add(g.parameter("out.bias", Init.zeros(), DType.F64, 3).stopGradient().sum());
    GradientCheck.Report broken = GradientCheck.check(wrong, List.of(g.leaf("out.bias").orElseThrow()), feeds);
    assertThat(broken.passes(1e-3)).isFalse();
    assertThat(broken.worst().tensor()).isEqualTo("out.bias");
    assertThat(broken.toString()).contains("out.bias[");
  }
}
