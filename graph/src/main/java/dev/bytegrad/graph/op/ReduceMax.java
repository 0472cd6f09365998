package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.Shape;
import java.util.List;

/**
 * Maximum along {@code axes} (sorted, non-negative), removing them or keeping them as size 1. The
 * maximum of no elements is {@code -inf}. Where several elements tie for the maximum, the cotangent is
 * shared evenly among them.
 */
public record ReduceMax(List<Integer> axes, boolean keepDims) implements Primitive {
  public ReduceMax {
    axes = List.copyOf(axes);
  }

  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 1);
    TensorType x = inputs.get(0);
    Check.floating(x);
    Check.that(Check.axes(axes, x.rank()).equals(axes), "axes must be sorted, distinct and within rank " + x.rank() + ": " + axes);
    return x.withShape(Indexing.reducedShape(x.shape(), axes, keepDims));
  }

  // d max(x) = dx at the argmax, shared evenly among ties
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node x = y.input(0);
    Shape kept = Indexing.keptShape(x.shape(), axes);
    Node winners = x.eq(y.reshape(kept).broadcastTo(x.shape())).cast(x.dtype());
    // each winner's share, g / count, divided once per output rather than once per input (a 2x2 pool's
    // gradient: a quarter of the divisions); times a winner's 0 or 1 it is the same float as g * winner / count
    Node share = g.reshape(kept).div(winners.sum(axes, true));
    return List.of(share.broadcastTo(x.shape()).mul(winners));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return Indexing.reduce(inputs.get(0), axes, type.shape(), Double.NEGATIVE_INFINITY, Math::max);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    Node x = y.input(0);
    Shape kept = Indexing.keptShape(x.shape(), axes);
    Node winners = x.eq(y.reshape(kept).broadcastTo(x.shape())).cast(x.dtype());
    Node count = winners.sum(axes, true).broadcastTo(x.shape());
    return Tangents.map(tangents.get(0), t -> t.mul(winners).div(count).sum(axes, keepDims));
  }
}
