package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** A primitive with no operands: an input fed per call, a trained parameter, or a literal constant. */
public sealed interface Leaf extends Primitive permits Input, Parameter, Literal {
  /** The leaf's type, known without operands. */
  TensorType type();

  @Override
  default TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 0);
    return type();
  }

  @Override
  default List<Node> vjp(Node y, Node g) {
    return List.of();
  }

  /** A leaf's tangent is given, never computed; autodiff does not ask. */
  @Override
  default Node jvp(Node y, List<Node> tangents) {
    return null;
  }
}
