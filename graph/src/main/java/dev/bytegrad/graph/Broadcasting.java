package dev.bytegrad.graph;

import dev.bytegrad.runtime.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** NumPy broadcasting and axis normalization for the DSL, failing at the caller's line. */
final class Broadcasting {
  private Broadcasting() {}

  /** The shape all {@code operands} broadcast to, or a build error naming {@code op}. */
  static Shape shapeOf(String op, Node... operands) {
    try {
      return broadcast(Arrays.stream(operands).map(Node::shape).toArray(Shape[]::new));
    } catch (IllegalArgumentException e) {
      throw failure(op, e.getMessage(), operands);
    }
  }

  /** The shape {@code shapes} broadcast to under NumPy's rules. */
  static Shape broadcast(Shape... shapes) {
    int rank = Arrays.stream(shapes).mapToInt(Shape::rank).max().orElse(0);
    int[] dims = new int[rank];
    Arrays.fill(dims, 1);
    for (Shape shape : shapes) {
      int offset = rank - shape.rank();
      for (int axis = 0; axis < shape.rank(); axis++) {
        int dim = shape.dim(axis);
        int current = dims[axis + offset];
        if (dim != current && dim != 1 && current != 1) {
          throw new IllegalArgumentException("shapes do not broadcast (axis " + (axis - shape.rank())
              + ": " + current + " vs " + dim + ")");
        }
        dims[axis + offset] = current == 1 ? dim : current;
      }
    }
    return Shape.of(dims);
  }

  /** Broadcasts the leading (batch) axes of two matrix operands to one shape. */
  static Node[] batch(Node a, Node b) {
    if (a.shape().rank() < 2 || b.shape().rank() < 2) {
      return new Node[] {a, b};
    }
    Shape batch;
    try {
      batch = broadcast(leading(a.shape()), leading(b.shape()));
    } catch (IllegalArgumentException e) {
      throw failure("matmul", "batch dimensions do not broadcast", a, b);
    }
    return new Node[] {a.broadcastTo(withLast2(batch, a.shape())), b.broadcastTo(withLast2(batch, b.shape()))};
  }

  private static Shape leading(Shape shape) {
    return Shape.of(Arrays.copyOf(shape.dims(), shape.rank() - 2));
  }

  private static Shape withLast2(Shape batch, Shape matrix) {
    int[] dims = Arrays.copyOf(batch.dims(), batch.rank() + 2);
    dims[batch.rank()] = matrix.dim(-2);
    dims[batch.rank() + 1] = matrix.dim(-1);
    return Shape.of(dims);
  }

  /** Every axis of {@code shape}. */
  static List<Integer> allAxes(Shape shape) {
    return IntStream.range(0, shape.rank()).boxed().toList();
  }

  /** {@code axes} of {@code node} made non-negative, sorted and checked for range and repeats. */
  static List<Integer> axes(Node node, int[] axes) {
    int rank = node.shape().rank();
    int[] normalized = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
    for (int i = 0; i < normalized.length; i++) {
      if (normalized[i] < 0 || normalized[i] >= rank) {
        throw failure("axes", "axis " + axes[i] + " is out of range for rank " + rank, node);
      }
      if (i > 0 && normalized[i] == normalized[i - 1]) {
        throw failure("axes", "axes " + Arrays.toString(axes) + " repeat", node);
      }
    }
    return Arrays.stream(normalized).boxed().toList();
  }

  private static GraphBuildException failure(String op, String problem, Node... operands) {
    return new GraphBuildException(op,
        Arrays.stream(operands).map(Node::type).toList(), problem, CallSite.capture());
  }
}
