package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise power with a constant exponent, {@code x^p}: squares, reciprocals, roots. */
public record Pow(double exponent) implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.pow(x, exponent);
  }

  // f'(x) = p x^(p-1)
  @Override
  public Node derivative(Node y) {
    return y.input(0).pow(exponent - 1).mul(exponent);
  }
}
