package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise logistic sigmoid, {@code 1 / (1 + e^-x)}, evaluated without overflow. */
public record Logistic() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  // d(sigmoid x) = sigmoid x (1 - sigmoid x) dx = y (1 - y) dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.mul(y.mul(y.neg().add(1))));
  }
}
