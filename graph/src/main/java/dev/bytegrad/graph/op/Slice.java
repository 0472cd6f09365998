package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.Shape;
import java.util.List;

/** The block from {@code start} (inclusive) to {@code limit} (exclusive) on every axis. */
public record Slice(List<Integer> start, List<Integer> limit) implements Primitive {
  public Slice {
    start = List.copyOf(start);
    limit = List.copyOf(limit);
  }

  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 1);
    Shape from = inputs.get(0).shape();
    Check.that(start.size() == from.rank() && limit.size() == from.rank(),
        "start " + start + " and limit " + limit + " need one entry per axis of " + from);
    int[] dims = new int[from.rank()];
    for (int axis = 0; axis < dims.length; axis++) {
      int s = start.get(axis);
      int l = limit.get(axis);
      Check.that(0 <= s && s <= l && l <= from.dim(axis),
          "slice [" + s + ", " + l + ") does not fit axis " + axis + " of size " + from.dim(axis));
      dims[axis] = l - s;
    }
    return inputs.get(0).withShape(Shape.of(dims));
  }

  // the cotangent goes back to the sliced block; the rest of the operand gets zero
  @Override
  public List<Node> vjp(Node y, Node g) {
    Shape from = y.input(0).shape();
    int[] high = new int[from.rank()];
    for (int axis = 0; axis < high.length; axis++) {
      high[axis] = from.dim(axis) - limit.get(axis);
    }
    return List.of(g.pad(Indexing.ints(start), high));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    Value x = inputs.get(0);
    int[] sourceStrides = x.shape().strides();
    int[] resultStrides = type.shape().strides();
    int[] index = new int[resultStrides.length];
    double[] result = new double[type.shape().size()];
    for (int i = 0; i < result.length; i++) {
      Indexing.unravel(i, resultStrides, index);
      for (int axis = 0; axis < index.length; axis++) {
        index[axis] += start.get(axis);
      }
      result[i] = x.data()[Indexing.ravel(index, sourceStrides)];
    }
    return new Value(type.shape(), result);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return Tangents.map(tangents.get(0), t -> t.slice(Indexing.ints(start), Indexing.ints(limit)));
  }
}
