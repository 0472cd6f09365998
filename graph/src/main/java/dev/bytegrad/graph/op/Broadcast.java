package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * NumPy broadcasting to {@code shape}: the operand's dimensions align with the last ones of the result,
 * and each is either equal to the result's or 1 (repeated).
 */
public record Broadcast(Shape shape) implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 1);
    Shape from = inputs.get(0).shape();
    Check.that(compatible(from, shape), "cannot broadcast " + from + " to " + shape);
    return inputs.get(0).withShape(shape);
  }

  /** Whether {@code from} broadcasts to {@code to} under NumPy's rules. */
  public static boolean compatible(Shape from, Shape to) {
    int offset = to.rank() - from.rank();
    if (offset < 0) {
      return false;
    }
    for (int axis = 0; axis < from.rank(); axis++) {
      int dim = from.dim(axis);
      if (dim != 1 && dim != to.dim(axis + offset)) {
        return false;
      }
    }
    return true;
  }

  // each input element was repeated along the broadcast axes: sum its cotangents over them
  @Override
  public List<Node> vjp(Node y, Node g) {
    Shape from = y.input(0).shape();
    int offset = shape.rank() - from.rank();
    List<Integer> repeated = new ArrayList<>();
    for (int axis = 0; axis < shape.rank(); axis++) {
      if (axis < offset || (from.dim(axis - offset) == 1 && shape.dim(axis) != 1)) {
        repeated.add(axis);
      }
    }
    return List.of(g.sum(repeated, false).reshape(from));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    Value x = inputs.get(0);
    int offset = shape.rank() - x.shape().rank();
    int[] sourceStrides = new int[shape.rank()];
    int[] strides = x.shape().strides();
    for (int axis = 0; axis < x.shape().rank(); axis++) {
      sourceStrides[axis + offset] = x.shape().dim(axis) == 1 ? 0 : strides[axis];
    }
    int[] resultStrides = shape.strides();
    int[] index = new int[shape.rank()];
    double[] result = new double[shape.size()];
    for (int i = 0; i < result.length; i++) {
      Indexing.unravel(i, resultStrides, index);
      result[i] = x.data()[Indexing.ravel(index, sourceStrides)];
    }
    return new Value(shape, result);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return Tangents.map(tangents.get(0), t -> t.broadcastTo(shape));
  }
}
