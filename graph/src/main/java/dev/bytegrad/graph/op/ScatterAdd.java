package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * The transpose of {@link Gather}: {@code indices [i...]} and {@code updates [i..., r...]} give a
 * {@code [size, r...]} table of zeros into which each update row is added at its index.
 */
public record ScatterAdd(int size) implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 2);
    Check.dtype(inputs.get(0), DType.I32, "indices");
    TensorType updates = inputs.get(1);
    Check.floating(updates);
    int[] indexDims = inputs.get(0).shape().dims();
    int[] updateDims = updates.shape().dims();
    Check.that(updateDims.length >= indexDims.length
            && Arrays.equals(Arrays.copyOf(updateDims, indexDims.length), indexDims),
        "updates " + updates.shape() + " must start with the indices' shape " + inputs.get(0).shape());
    Check.that(size >= 0, "size must be non-negative, got " + size);
    int[] dims = new int[1 + updateDims.length - indexDims.length];
    dims[0] = size;
    System.arraycopy(updateDims, indexDims.length, dims, 1, dims.length - 1);
    return updates.withShape(Shape.of(dims));
  }

  // scattering is linear: each update's cotangent is the row of g it was added to
  @Override
  public List<Node> vjp(Node y, Node g) {
    return Arrays.asList(null, g.gather(y.input(0)));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    double[] indices = inputs.get(0).data();
    Value updates = inputs.get(1);
    int rowSize = size == 0 ? 0 : type.shape().size() / size;
    double[] result = new double[type.shape().size()];
    for (int i = 0; i < indices.length; i++) {
      int row = (int) indices[i];
      if (row < 0 || row >= size) {
        throw new IllegalArgumentException("scatter_add: index " + row + " is outside [0, " + size + ")");
      }
      for (int r = 0; r < rowSize; r++) {
        result[row * rowSize + r] += updates.data()[i * rowSize + r];
      }
    }
    return new Value(type.shape(), result);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    Node indices = y.input(0);
    return Tangents.map(tangents.get(1), t -> t.scatterAdd(indices, size));
  }
}
