package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.DType;
import java.util.Arrays;
import java.util.List;

/** Elementwise choice: {@code predicate != 0 ? onTrue : onFalse}, with an i32 predicate of the same shape. */
public record Select() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 3);
    Check.dtype(inputs.get(0), DType.I32, "the predicate");
    Check.sameType(inputs.get(1), inputs.get(2));
    Check.that(inputs.get(0).shape().equals(inputs.get(1).shape()),
        "predicate shape " + inputs.get(0).shape() + " differs from " + inputs.get(1).shape());
    return inputs.get(1);
  }

  // d select(p, a, b) = select(p, da, 0) + select(p, 0, db)
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node predicate = y.input(0);
    Node zero = g.zerosLike();
    return Arrays.asList(null, predicate.select(g, zero), predicate.select(zero, g));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    double[] predicate = inputs.get(0).data();
    double[] onTrue = inputs.get(1).data();
    double[] onFalse = inputs.get(2).data();
    double[] result = new double[predicate.length];
    for (int i = 0; i < result.length; i++) {
      result[i] = predicate[i] != 0 ? onTrue[i] : onFalse[i];
    }
    return new Value(type.shape(), result);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    Node predicate = y.input(0);
    Node onTrue = tangents.get(1);
    Node onFalse = tangents.get(2);
    if (onTrue == null && onFalse == null) {
      return null;
    }
    return predicate.select(onTrue == null ? y.zerosLike() : onTrue, onFalse == null ? y.zerosLike() : onFalse);
  }
}
