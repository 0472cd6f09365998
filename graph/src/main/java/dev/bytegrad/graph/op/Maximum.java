package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.List;

/**
 * Elementwise maximum. Where {@code a == b} the cotangent is split evenly between the operands, the
 * choice that agrees with central differences; so {@code relu(x) = max(x, 0)} has derivative 1/2 at 0.
 */
public record Maximum() implements BinaryElementwise {
  @Override
  public double apply(double a, double b) {
    return Math.max(a, b);
  }

  // d max(a, b) = [a > b] da + [a < b] db, with ties sharing half each
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node a = y.input(0);
    Node b = y.input(1);
    return List.of(g.mul(share(a, b)), g.mul(share(b, a)));
  }

  /** The share of the cotangent that goes to {@code a}: 1 where a wins, 1/2 at ties, 0 where it loses. */
  private static Node share(Node a, Node b) {
    Node wins = a.gt(b).cast(a.dtype());
    Node ties = a.eq(b).cast(a.dtype());
    return wins.add(ties.mul(0.5));
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    Node a = y.input(0);
    Node b = y.input(1);
    return Tangents.add(Tangents.map(tangents.get(0), t -> t.mul(share(a, b))), Tangents.map(tangents.get(1), t -> t.mul(share(b, a))));
  }
}
