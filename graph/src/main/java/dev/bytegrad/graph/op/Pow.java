package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise power with a constant exponent, {@code x^p}: squares, reciprocals, roots. */
public record Pow(double exponent) implements UnaryElementwise {
  @Override
  public double apply(double x) {
    return Math.pow(x, exponent);
  }

  // d(x^p) = p x^(p-1) dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node x = y.input(0);
    return List.of(g.mul(x.pow(exponent - 1).mul(exponent)));
  }
}
