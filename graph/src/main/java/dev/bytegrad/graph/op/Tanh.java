package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise hyperbolic tangent. */
public record Tanh() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.tanh(x);
  }

  // f'(x) = 1 - tanh^2 x = 1 - y^2
  @Override
  public Node derivative(Node y) {
    return y.square().neg().add(1);
  }
}
