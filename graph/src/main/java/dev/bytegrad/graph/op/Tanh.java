package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** Elementwise hyperbolic tangent. */
public record Tanh() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    return Check.unaryFloating(inputs);
  }

  // d(tanh x) = (1 - tanh^2 x) dx = (1 - y^2) dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.mul(y.square().neg().add(1)));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).map(Math::tanh);
  }
}
