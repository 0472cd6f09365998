package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** Elementwise negation, {@code -x}. */
public record Neg() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    return Check.unaryFloating(inputs);
  }

  // d(-x) = -dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.neg());
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).map(x -> -x);
  }
}
