package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise product of two operands of one type. */
public record Mul() implements BinaryElementwise {
  @Override
  public double apply(double a, double b) {
    return a * b;
  }

  // d(a b) = b da + a db
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node a = y.input(0);
    Node b = y.input(1);
    return List.of(g.mul(b), g.mul(a));
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    Node a = y.input(0);
    Node b = y.input(1);
    return Tangents.add(Tangents.map(tangents.get(0), t -> t.mul(b)), Tangents.map(tangents.get(1), t -> a.mul(t)));
  }
}
