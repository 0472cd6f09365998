package dev.bytegrad.graph.op;

import dev.bytegrad.runtime.Shape;
import java.util.List;

/** Row-major index arithmetic and reduction shapes shared by the reference evaluations. */
final class Indexing {
  private Indexing() {}

  /** Writes the multi-index of flat position {@code flat} under {@code strides} into {@code index}. */
  static void unravel(int flat, int[] strides, int[] index) {
    for (int axis = 0; axis < strides.length; axis++) {
      index[axis] = flat / strides[axis];
      flat -= index[axis] * strides[axis];
    }
  }

  /** The flat position of {@code index} under {@code strides}. */
  static int ravel(int[] index, int[] strides) {
    int flat = 0;
    for (int axis = 0; axis < strides.length; axis++) {
      flat += index[axis] * strides[axis];
    }
    return flat;
  }

  /** {@code shape} with the reduced {@code axes} set to 1 (the keep-dims shape). */
  static Shape keptShape(Shape shape, List<Integer> axes) {
    int[] dims = shape.dims();
    for (int axis : axes) {
      dims[axis] = 1;
    }
    return Shape.of(dims);
  }

  /** {@code shape} with the reduced {@code axes} removed, or set to 1 when {@code keepDims}. */
  static Shape reducedShape(Shape shape, List<Integer> axes, boolean keepDims) {
    if (keepDims) {
      return keptShape(shape, axes);
    }
    int[] dims = new int[shape.rank() - axes.size()];
    for (int axis = 0, next = 0; axis < shape.rank(); axis++) {
      if (!axes.contains(axis)) {
        dims[next++] = shape.dim(axis);
      }
    }
    return Shape.of(dims);
  }

  /** Folds every element of {@code x} into its slot of the reduced result, starting from {@code initial}. */
  static Value reduce(Value x, List<Integer> axes, Shape resultShape, double initial,
      java.util.function.DoubleBinaryOperator fold) {
    Shape kept = keptShape(x.shape(), axes);
    int[] keptStrides = kept.strides();
    for (int axis : axes) {
      keptStrides[axis] = 0;
    }
    int[] strides = x.shape().strides();
    int[] index = new int[strides.length];
    double[] result = new double[kept.size()];
    java.util.Arrays.fill(result, initial);
    for (int i = 0; i < x.data().length; i++) {
      unravel(i, strides, index);
      int slot = ravel(index, keptStrides);
      result[slot] = fold.applyAsDouble(result[slot], x.data()[i]);
    }
    return new Value(resultShape, result);
  }

  /** Integers as an int array. */
  static int[] ints(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }
}
