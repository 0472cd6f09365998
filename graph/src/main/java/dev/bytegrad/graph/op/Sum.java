package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/** Sum along {@code axes} (sorted, non-negative), removing them or keeping them as size 1. */
public record Sum(List<Integer> axes, boolean keepDims) implements Primitive {
  public Sum {
    axes = List.copyOf(axes);
  }

  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 1);
    TensorType x = inputs.get(0);
    Check.that(Check.axes(axes, x.rank()).equals(axes), "axes must be sorted, distinct and within rank " + x.rank() + ": " + axes);
    return x.withShape(Indexing.reducedShape(x.shape(), axes, keepDims));
  }

  // d sum(x) = sum(dx): each input element receives the cotangent of its sum
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node x = y.input(0);
    return List.of(g.reshape(Indexing.keptShape(x.shape(), axes)).broadcastTo(x.shape()));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return Indexing.reduce(inputs.get(0), axes, type.shape(), 0, Double::sum);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return Tangents.map(tangents.get(0), t -> t.sum(axes, keepDims));
  }
}
