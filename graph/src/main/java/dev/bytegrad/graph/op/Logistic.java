package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** Elementwise logistic sigmoid, {@code 1 / (1 + e^-x)}, evaluated without overflow. */
public record Logistic() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    return Check.unaryFloating(inputs);
  }

  // d(sigmoid x) = sigmoid x (1 - sigmoid x) dx = y (1 - y) dx
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.mul(y.mul(y.neg().add(1))));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).map(Logistic::sigmoid);
  }

  /** The logistic function, without overflow for large negative x. */
  static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }
}
