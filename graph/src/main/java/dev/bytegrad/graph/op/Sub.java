package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** Elementwise difference of two operands of one type. */
public record Sub() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    return Check.binaryFloating(inputs);
  }

  // d(a - b) = da - db
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node a = y.input(0);
    Node b = y.input(1);
    return List.of(g, g.neg());
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).zip(inputs.get(1), (a, b) -> a - b);
  }
}
