package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** Elementwise quotient of two operands of one type. */
public record Div() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    return Check.binaryFloating(inputs);
  }

  // d(a / b) = da / b - a db / b^2 = da / b - y db / b
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node a = y.input(0);
    Node b = y.input(1);
    return List.of(g.div(b), g.mul(y).div(b).neg());
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).zip(inputs.get(1), (a, b) -> a / b);
  }
}
