package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise absolute value; its derivative at 0 is taken as 0 (the subgradient nearest zero). */
public record Abs() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.abs(x);
  }

  // f'(x) = sign(x), taken as 0 at 0
  @Override
  public Node derivative(Node y) {
    return y.input(0).sign();
  }
}
