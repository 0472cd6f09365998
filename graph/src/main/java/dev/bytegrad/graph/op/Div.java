package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/** Elementwise quotient of two operands of one type. */
public record Div() implements BinaryElementwise {
  @Override
  public double apply(double a, double b) {
    return a / b;
  }

  // d(a / b) = da / b - a db / b^2 = da / b - y db / b
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node b = y.input(1);
    return List.of(g.div(b), g.mul(y).div(b).neg());
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    Node b = y.input(1);
    return Tangents.add(Tangents.map(tangents.get(0), t -> t.div(b)), Tangents.map(tangents.get(1), t -> t.mul(y).div(b).neg()));
  }

  @Override
  public boolean acceptsIntegers() {
    return false;
  }
}
