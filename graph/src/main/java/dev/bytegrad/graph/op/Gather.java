package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of a table picked by i32 indices: {@code table [n, r...]} and {@code indices [i...]} give
 * {@code [i..., r...]}, where {@code result[i][r] = table[indices[i]][r]} (an embedding lookup). An
 * index outside {@code [0, n)} is an error when evaluated.
 */
public record Gather() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 2);
    TensorType table = inputs.get(0);
    Check.dtype(inputs.get(1), DType.I32, "indices");
    Check.that(table.rank() >= 1, "the table needs rank 1 or more");
    int[] indexDims = inputs.get(1).shape().dims();
    int[] rowDims = Arrays.copyOfRange(table.shape().dims(), 1, table.rank());
    int[] dims = Arrays.copyOf(indexDims, indexDims.length + rowDims.length);
    System.arraycopy(rowDims, 0, dims, indexDims.length, rowDims.length);
    return table.withShape(Shape.of(dims));
  }

  // each picked row's cotangent is added back into the row it came from
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node table = y.input(0);
    Node indices = y.input(1);
    return Arrays.asList(g.scatterAdd(indices, table.shape().dim(0)), null);
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    Value table = inputs.get(0);
    double[] indices = inputs.get(1).data();
    int rows = table.shape().dim(0);
    int rowSize = rows == 0 ? 0 : table.data().length / rows;
    double[] result = new double[type.shape().size()];
    for (int i = 0; i < indices.length; i++) {
      int row = (int) indices[i];
      if (row < 0 || row >= rows) {
        throw new IllegalArgumentException("gather: index " + row + " is outside [0, " + rows + ")");
      }
      System.arraycopy(table.data(), row * rowSize, result, i * rowSize, rowSize);
    }
    return new Value(type.shape(), result);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    Node indices = y.input(1);
    return Tangents.map(tangents.get(0), t -> t.gather(indices));
  }
}
