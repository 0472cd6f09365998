package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import java.util.function.UnaryOperator;

/** Tangent arithmetic where {@code null} is a symbolic zero, so forward mode builds no nodes for zeros. */
final class Tangents {
  private Tangents() {}

  /** {@code f(t)}, or zero for a zero tangent. */
  static Node map(Node t, UnaryOperator<Node> f) {
    return t == null ? null : f.apply(t);
  }

  /** {@code a + b} of two possibly zero tangents. */
  static Node add(Node a, Node b) {
    return a == null ? b : b == null ? a : a.add(b);
  }
}
