package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.Shape;
import java.util.List;

/**
 * Matrix product over the last two axes, {@code [..., m, k] x [..., k, n] -> [..., m, n]}, batched over
 * equal leading axes (the DSL broadcasts batch axes first).
 */
public record MatMul() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 2);
    TensorType a = inputs.get(0);
    TensorType b = inputs.get(1);
    Check.floating(a);
    Check.that(a.dtype() == b.dtype(), "dtypes differ: " + a.dtype() + " and " + b.dtype());
    Check.that(a.rank() >= 2 && b.rank() >= 2, "operands need rank 2 or more");
    Check.that(a.rank() == b.rank(), "ranks differ: " + a.rank() + " and " + b.rank());
    int k = a.shape().dim(-1);
    Check.that(k == b.shape().dim(-2),
        "inner dimensions differ: " + k + " (last of the left) and " + b.shape().dim(-2) + " (first of the right)");
    Check.that(a.shape().withDim(-1, 0).withDim(-2, 0).equals(b.shape().withDim(-1, 0).withDim(-2, 0)),
        "batch dimensions differ");
    return a.withShape(a.shape().withDim(-1, b.shape().dim(-1)));
  }

  // d(a b) = da b + a db, so a's cotangent is g b^T and b's is a^T g
  @Override
  public List<Node> vjp(Node y, Node g) {
    Node a = y.input(0);
    Node b = y.input(1);
    return List.of(g.matmul(b.mT()), a.mT().matmul(g));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    Value a = inputs.get(0);
    Value b = inputs.get(1);
    Shape shape = type.shape();
    int m = shape.dim(-2);
    int n = shape.dim(-1);
    int k = a.shape().dim(-1);
    int batches = m * n == 0 ? 0 : shape.size() / (m * n);
    double[] c = new double[shape.size()];
    for (int batch = 0; batch < batches; batch++) {
      int aBase = batch * m * k;
      int bBase = batch * k * n;
      int cBase = batch * m * n;
      for (int i = 0; i < m; i++) {
        for (int p = 0; p < k; p++) {
          double aip = a.data()[aBase + i * k + p];
          for (int j = 0; j < n; j++) {
            c[cBase + i * n + j] += aip * b.data()[bBase + p * n + j];
          }
        }
      }
    }
    return new Value(shape, c);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    Node a = y.input(0);
    Node b = y.input(1);
    return Tangents.add(Tangents.map(tangents.get(0), t -> t.matmul(b)), Tangents.map(tangents.get(1), t -> a.matmul(t)));
  }
}
