package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.List;

/**
 * A primitive operation: one record holding its math.
 *
 * <p>A record's components are the op's attributes (axes, shapes, an exponent); two applications of
 * equal records to the same inputs are the same node. The sealed hierarchy makes every pass that
 * switches over primitives name them all, and a test checks that the op table covers each one.
 */
public sealed interface Primitive
    permits Leaf, UnaryElementwise, BinaryElementwise, Compare, Select, Cast, StopGradient, Sum, ReduceMax, Reshape, Broadcast, Transpose, Slice,
        Pad, Concat, MatMul, OneHot, Gather, ScatterAdd, Scan {

  /**
   * The type of the result for operands of these types. Throws {@link IllegalArgumentException} saying
   * which condition is broken when the operands do not fit; the graph adds the op, types and call site.
   */
  TensorType infer(List<TensorType> inputs);

  /**
   * Reverse mode: given this op's result node {@code y} and a cotangent {@code g} of y's type, the
   * cotangent for each input, in input order; {@code null} where none flows (integer operands, or
   * operands the result does not depend on smoothly).
   */
  List<Node> vjp(Node y, Node g);

  /**
   * Forward mode: given this op's result node {@code y} and the tangent of each input (in input order,
   * {@code null} where the tangent is zero), the tangent of {@code y}, or {@code null} when it is zero.
   */
  Node jvp(Node y, List<Node> tangents);

  /** Reference evaluation, in double precision, of operands already evaluated. */
  Value evaluate(List<Value> inputs, TensorType type);

  /** The name in the text form (see {@link #nameOf}). */
  default String opName() {
    return nameOf(getClass());
  }

  /** The record's name in snake case ({@code reduce_max}), but {@code matmul} as NumPy writes it. */
  static String nameOf(Class<?> kind) {
    return kind == MatMul.class ? "matmul"
        : kind.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
