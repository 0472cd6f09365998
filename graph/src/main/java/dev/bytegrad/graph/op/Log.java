package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise natural logarithm; {@code -inf} at 0 and NaN below, as in IEEE arithmetic. */
public record Log() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.log(x);
  }

  // d(log x) = dx / x
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.div(y.input(0)));
  }
}
