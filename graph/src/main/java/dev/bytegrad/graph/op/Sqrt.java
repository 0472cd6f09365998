package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise square root. */
public record Sqrt() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.sqrt(x);
  }

  // f'(x) = 1 / (2 sqrt x) = 1 / (2 y)
  @Override
  public Node derivative(Node y) {
    return y.mul(2).pow(-1);
  }

  // d(sqrt x) = dx / (2 y)
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.div(y.mul(2)));
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return tangents.get(0) == null ? null : tangents.get(0).div(y.mul(2));
  }
}
