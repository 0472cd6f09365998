package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** Elementwise absolute value; its derivative at 0 is taken as 0 (the subgradient nearest zero). */
public record Abs() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    return Check.unaryFloating(inputs);
  }

  // d|x| = sign(x) dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node x = y.input(0);
    return List.of(g.mul(x.sign()));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).map(Math::abs);
  }
}
