package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.DType;
import java.util.Arrays;
import java.util.List;

/** Elementwise comparison of two operands of one type; the result is i32, 1 where true and 0 where not. */
public record Compare(Comparison comparison) implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 2);
    Check.sameType(inputs.get(0), inputs.get(1));
    return inputs.get(0).withDType(DType.I32);
  }

  // a comparison is piecewise constant: no cotangent flows through it
  @Override
  public List<Node> vjp(Node y, Node g) {
    return Arrays.asList(null, null);
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).zip(inputs.get(1), (a, b) -> comparison.test(a, b) ? 1 : 0);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    // piecewise constant: the tangent is zero
    return null;
  }
}
