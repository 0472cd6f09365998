package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise negation, {@code -x}. */
public record Neg() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return -x;
  }

  // f'(x) = -1
  @Override
  public Node derivative(Node y) {
    return y.graph().constant(-1, y.dtype()).broadcastTo(y.shape());
  }

  // d(-x) = -dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.neg());
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return tangents.get(0) == null ? null : tangents.get(0).neg();
  }
}
