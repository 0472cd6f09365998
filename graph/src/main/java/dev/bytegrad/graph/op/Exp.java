package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise exponential, {@code e^x}. */
public record Exp() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.exp(x);
  }

  // d(e^x) = e^x dx = y dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.mul(y));
  }
}
