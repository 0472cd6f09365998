package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.Shape;
import java.util.List;

/** Permutes the axes: axis {@code i} of the result is axis {@code permutation[i]} of the operand. */
public record Transpose(List<Integer> permutation) implements Primitive {
  public Transpose {
    permutation = List.copyOf(permutation);
  }

  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 1);
    Shape from = inputs.get(0).shape();
    Check.that(permutation.size() == from.rank()
            && Check.axes(permutation, from.rank()).size() == from.rank()
            && permutation.stream().allMatch(axis -> axis >= 0),
        "permutation " + permutation + " is not a permutation of the " + from.rank() + " axes");
    int[] dims = new int[from.rank()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = from.dim(permutation.get(i));
    }
    return inputs.get(0).withShape(Shape.of(dims));
  }

  // the cotangent is permuted back by the inverse permutation
  @Override
  public List<Node> vjp(Node y, Node g) {
    int[] inverse = new int[permutation.size()];
    for (int i = 0; i < inverse.length; i++) {
      inverse[permutation.get(i)] = i;
    }
    return List.of(g.transpose(inverse));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    Value x = inputs.get(0);
    int[] sourceStrides = x.shape().strides();
    int[] permutedStrides = new int[sourceStrides.length];
    for (int i = 0; i < permutedStrides.length; i++) {
      permutedStrides[i] = sourceStrides[permutation.get(i)];
    }
    int[] resultStrides = type.shape().strides();
    int[] index = new int[resultStrides.length];
    double[] result = new double[x.data().length];
    for (int i = 0; i < result.length; i++) {
      Indexing.unravel(i, resultStrides, index);
      result[i] = x.data()[Indexing.ravel(index, permutedStrides)];
    }
    return new Value(type.shape(), result);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return Tangents.map(tangents.get(0), t -> t.transpose(Indexing.ints(permutation)));
  }
}
