package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise hyperbolic tangent. */
public record Tanh() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.tanh(x);
  }

  // d(tanh x) = (1 - tanh^2 x) dx = (1 - y^2) dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.mul(y.square().neg().add(1)));
  }
}
