package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** Elementwise natural logarithm; {@code -inf} at 0 and NaN below, as in IEEE arithmetic. */
public record Log() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    return Check.unaryFloating(inputs);
  }

  // d(log x) = dx / x
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node x = y.input(0);
    return List.of(g.div(x));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).map(Math::log);
  }
}
