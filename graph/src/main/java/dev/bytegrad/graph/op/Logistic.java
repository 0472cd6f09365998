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

  // f'(x) = sigmoid x (1 - sigmoid x) = y (1 - y)
  @Override
  public Node derivative(Node y) {
    return y.mul(y.neg().add(1));
  }
}
