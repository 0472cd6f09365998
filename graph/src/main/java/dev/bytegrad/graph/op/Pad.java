package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.Shape;
import java.util.List;

/** Surrounds the operand with zeros: {@code low[i]} before and {@code high[i]} after it on axis i. */
public record Pad(List<Integer> low, List<Integer> high) implements Primitive {
  public Pad {
    low = List.copyOf(low);
    high = List.copyOf(high);
  }

  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 1);
    Shape from = inputs.get(0).shape();
    Check.that(low.size() == from.rank() && high.size() == from.rank(),
        "padding " + low + " and " + high + " needs one entry per axis of " + from);
    int[] dims = new int[from.rank()];
    for (int axis = 0; axis < dims.length; axis++) {
      Check.that(low.get(axis) >= 0 && high.get(axis) >= 0, "padding must be non-negative: " + low + ", " + high);
      dims[axis] = low.get(axis) + from.dim(axis) + high.get(axis);
    }
    return inputs.get(0).withShape(Shape.of(dims));
  }

  // padding is the transpose of slicing: the cotangent of the operand is the unpadded block
  @Override
  public List<Node> vjp(Node y, Node g) {
    Shape from = y.input(0).shape();
    int[] limit = new int[from.rank()];
    for (int axis = 0; axis < limit.length; axis++) {
      limit[axis] = low.get(axis) + from.dim(axis);
    }
    return List.of(g.slice(Indexing.ints(low), limit));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    Value x = inputs.get(0);
    int[] sourceStrides = x.shape().strides();
    int[] resultStrides = type.shape().strides();
    int[] index = new int[sourceStrides.length];
    double[] result = new double[type.shape().size()];
    for (int i = 0; i < x.data().length; i++) {
      Indexing.unravel(i, sourceStrides, index);
      for (int axis = 0; axis < index.length; axis++) {
        index[axis] += low.get(axis);
      }
      result[Indexing.ravel(index, resultStrides)] = x.data()[i];
    }
    return new Value(type.shape(), result);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return Tangents.map(tangents.get(0), t -> t.pad(Indexing.ints(low), Indexing.ints(high)));
  }
}
