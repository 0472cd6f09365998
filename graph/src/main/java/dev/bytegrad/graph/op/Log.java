package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise natural logarithm; {@code -inf} at 0 and NaN below, as in IEEE arithmetic. */
public record Log() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.log(x);
  }

  // f'(x) = 1 / x
  @Override
  public Node derivative(Node y) {
    return y.input(0).pow(-1);
  }

  // d(log x) = dx / x
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.div(y.input(0)));
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return tangents.get(0) == null ? null : tangents.get(0).div(y.input(0));
  }
}
