package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise exponential, {@code e^x}. */
public record Exp() implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.exp(x);
  }

  // f'(x) = e^x = y
  @Override
  public Node derivative(Node y) {
    return y;
  }
}
