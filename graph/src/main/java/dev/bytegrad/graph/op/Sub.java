package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise difference of two operands of one type. */
public record Sub() implements BinaryElementwise {
  @Override
  public double apply(double a, double b) {
    return a - b;
  }

  // d(a - b) = da - db
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g, g.neg());
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return Tangents.add(tangents.get(0), Tangents.map(tangents.get(1), Node::neg));
  }
}
