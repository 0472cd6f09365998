package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** Elementwise square root. */
public record Sqrt() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    return Check.unaryFloating(inputs);
  }

  // d(sqrt x) = dx / (2 sqrt x) = dx / (2 y)
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.div(y.mul(2)));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).map(Math::sqrt);
  }
}
