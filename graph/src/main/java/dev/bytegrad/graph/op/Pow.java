package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** Elementwise power with a constant exponent, {@code x^p}: squares, reciprocals, roots. */
public record Pow(double exponent) implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    return Check.unaryFloating(inputs);
  }

  // d(x^p) = p x^(p-1) dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node x = y.input(0);
    return List.of(g.mul(x.pow(exponent - 1).mul(exponent)));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).map(x -> Math.pow(x, exponent));
  }
}
