package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * One-hot encoding of i32 indices {@code [...]} into {@code [..., depth]} of {@code dtype}: 1 at the
 * index, 0 elsewhere. An index outside {@code [0, depth)} encodes as a row of zeros.
 */
public record OneHot(int depth, DType dtype) implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 1);
    Check.dtype(inputs.get(0), DType.I32, "indices");
    Check.that(depth > 0, "depth must be positive, got " + depth);
    int[] dims = Arrays.copyOf(inputs.get(0).shape().dims(), inputs.get(0).rank() + 1);
    dims[dims.length - 1] = depth;
    return new TensorType(dtype, Shape.of(dims));
  }

  // indices are integers: nothing flows back
  @Override
  public List<Node> vjp(Node y, Node g) {
    return Arrays.asList((Node) null);
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    double[] indices = inputs.get(0).data();
    double[] result = new double[type.shape().size()];
    for (int i = 0; i < indices.length; i++) {
      int index = (int) indices[i];
      if (index >= 0 && index < depth) {
        result[i * depth + index] = 1;
      }
    }
    return new Value(type.shape(), result);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return null;
  }
}
