package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise negation, {@code -x}. */
public record Neg() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return -x;
  }

  // d(-x) = -dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.neg());
  }
}
