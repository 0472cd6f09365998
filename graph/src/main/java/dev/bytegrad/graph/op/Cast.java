package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.DType;
import java.util.Arrays;
import java.util.List;

/**
 * Elementwise conversion to {@code dtype}: float to float rounds to nearest, float to i32 truncates
 * toward zero (saturating, NaN to 0, as Java's casts do), i32 to float is exact or rounds to nearest.
 */
public record Cast(DType dtype) implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 1);
    return inputs.get(0).withDType(dtype);
  }

  // between floating types d cast(x) = cast(dx); nothing flows into or out of integers
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node x = y.input(0);
    boolean smooth = x.dtype().isFloating() && dtype.isFloating();
    return Arrays.asList(smooth ? g.cast(x.dtype()) : null);
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return dtype == DType.I32 ? inputs.get(0).map(x -> (int) x) : inputs.get(0);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    boolean smooth = y.input(0).dtype().isFloating() && dtype.isFloating();
    return smooth ? Tangents.map(tangents.get(0), t -> t.cast(dtype)) : null;
  }
}
