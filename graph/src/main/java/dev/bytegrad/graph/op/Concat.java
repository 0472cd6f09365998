package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.Shape;
import java.util.ArrayList;
import java.util.List;

/** Joins one or more operands of one dtype along {@code axis}; all other dimensions must agree. */
public record Concat(int axis) implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.that(!inputs.isEmpty(), "needs at least one operand");
    TensorType first = inputs.get(0);
    Check.that(axis >= 0 && axis < first.rank(), "axis " + axis + " is out of range for rank " + first.rank());
    int total = 0;
    for (TensorType input : inputs) {
      Check.that(input.dtype() == first.dtype() && input.rank() == first.rank()
              && input.shape().withDim(axis, 0).equals(first.shape().withDim(axis, 0)),
          "operands must agree in dtype and in every dimension but axis " + axis);
      total += input.shape().dim(axis);
    }
    return first.withShape(first.shape().withDim(axis, total));
  }

  // each operand's cotangent is its block of the result's cotangent
  @Override
  public List<Node> vjp(Node y, Node g) {
    List<Node> cotangents = new ArrayList<>();
    int offset = 0;
    for (Node input : y.inputs()) {
      int[] start = new int[g.shape().rank()];
      int[] limit = g.shape().dims();
      start[axis] = offset;
      offset += input.shape().dim(axis);
      limit[axis] = offset;
      cotangents.add(g.slice(start, limit));
    }
    return cotangents;
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    Shape shape = type.shape();
    int outer = 1;
    for (int a = 0; a < axis; a++) {
      outer *= shape.dim(a);
    }
    double[] result = new double[shape.size()];
    int resultRow = result.length / Math.max(outer, 1);
    int offset = 0;
    for (Value input : inputs) {
      int row = input.data().length / Math.max(outer, 1);
      for (int o = 0; o < outer; o++) {
        System.arraycopy(input.data(), o * row, result, o * resultRow + offset, row);
      }
      offset += row;
    }
    return new Value(shape, result);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    if (tangents.stream().allMatch(java.util.Objects::isNull)) {
      return null;
    }
    Node[] parts = new Node[tangents.size()];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = tangents.get(i) != null ? tangents.get(i) : y.input(i).zerosLike();
    }
    return Node.concat(axis, parts);
  }
}
