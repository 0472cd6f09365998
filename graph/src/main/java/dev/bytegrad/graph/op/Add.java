package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise sum of two operands of one type; the DSL broadcasts them first. */
public record Add() implements BinaryElementwise {
  @Override
  public double apply(double a, double b) {
    return a + b;
  }

  // d(a + b) = da + db
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g, g);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return Tangents.add(tangents.get(0), tangents.get(1));
  }
}
