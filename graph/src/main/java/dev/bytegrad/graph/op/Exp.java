package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** Elementwise exponential, {@code e^x}. */
public record Exp() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    return Check.unaryFloating(inputs);
  }

  // d(e^x) = e^x dx = y dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.mul(y));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).map(Math::exp);
  }
}
