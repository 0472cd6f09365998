package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/**
 * A primitive applying one scalar function to each element of one floating operand; the result has the
 * operand's type. Lowering fuses chains of these into one loop.
 */
public sealed interface UnaryElementwise extends Primitive permits Neg, Exp, Log, Tanh, Logistic, Sqrt, Abs, Pow {
  /** The scalar function, in double precision. */
  double apply(double x);

  /** {@code f'(x)} as a node, written with {@code x = y.input(0)} and the result {@code y}. */
  Node derivative(Node y);

  // d f(x) = f'(x) dx: the cotangent and the tangent are both scaled by f'(x)
  @Override
  default List<Node> vjp(Node y, Node g) {
    return List.of(g.mul(derivative(y)));
  }

  @Override
  default Node jvp(Node y, List<Node> tangents) {
    Node t = tangents.get(0);
    return t == null ? null : t.mul(derivative(y));
  }

  @Override
  default TensorType infer(List<TensorType> inputs) {
    return Check.unaryFloating(inputs);
  }

  @Override
  default Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).map(this::apply);
  }
}
