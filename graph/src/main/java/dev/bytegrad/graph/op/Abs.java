package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise absolute value; its derivative at 0 is taken as 0 (the subgradient nearest zero). */
public record Abs() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.abs(x);
  }

  // d|x| = sign(x) dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.mul(y.input(0).sign()));
  }
}
