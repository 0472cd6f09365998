package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise square root. */
public record Sqrt() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.sqrt(x);
  }

  // d(sqrt x) = dx / (2 sqrt x) = dx / (2 y)
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.div(y.mul(2)));
  }
}
