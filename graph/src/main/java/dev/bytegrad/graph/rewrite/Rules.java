package dev.bytegrad.graph.rewrite;

import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.op.Add;
import dev.bytegrad.graph.op.BinaryElementwise;
import dev.bytegrad.graph.op.Broadcast;
import dev.bytegrad.graph.op.Cast;
import dev.bytegrad.graph.op.Compare;
import dev.bytegrad.graph.op.Concat;
import dev.bytegrad.graph.op.Div;
import dev.bytegrad.graph.op.Leaf;
import dev.bytegrad.graph.op.Literal;
import dev.bytegrad.graph.op.Mul;
import dev.bytegrad.graph.op.Neg;
import dev.bytegrad.graph.op.OneHot;
import dev.bytegrad.graph.op.Pad;
import dev.bytegrad.graph.op.Reshape;
import dev.bytegrad.graph.op.Select;
import dev.bytegrad.graph.op.Sub;
import dev.bytegrad.graph.op.Sum;
import dev.bytegrad.graph.op.Transpose;
import dev.bytegrad.graph.op.UnaryElementwise;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The rules, each with its identity. They keep IEEE semantics exactly, so two identities that would not
 * are left out on purpose: {@code x - x => 0} and {@code 0 * x => 0} are wrong for infinite and NaN x,
 * and only fire through constant folding, when x is a finite constant. {@code x + 0 => x} can turn a
 * {@code -0.0} into {@code +0.0}; those compare equal, and the rule is kept.
 */
public final class Rules {
  /** Largest literal constant folding creates (a broadcast scalar stays a broadcast). */
  static final int MAX_FOLDED_SIZE = 64;

  private Rules() {}

  // c + x => x + c, c * x => x * c: constants on the right, so later rules look in one place
  public static final Rule CONSTANT_RIGHT = new Rule("constant-right", "c + x => x + c, c * x => x * c", node ->
      (node.op() instanceof Add || node.op() instanceof Mul) && constant(node.input(0)) != null && constant(node.input(1)) == null
          ? node.graph().apply(node.op(), node.input(1), node.input(0)) : null);

  // x + 0 => x
  public static final Rule ADD_ZERO = new Rule("add-zero", "x + 0 => x", node ->
      node.op() instanceof Add && is(node.input(1), 0) ? node.input(0) : null);

  // x - 0 => x
  public static final Rule SUB_ZERO = new Rule("sub-zero", "x - 0 => x", node ->
      node.op() instanceof Sub && is(node.input(1), 0) ? node.input(0) : null);

  // x * 1 => x
  public static final Rule MUL_ONE = new Rule("mul-one", "x * 1 => x", node ->
      node.op() instanceof Mul && is(node.input(1), 1) ? node.input(0) : null);

  // x / 1 => x
  public static final Rule DIV_ONE = new Rule("div-one", "x / 1 => x", node ->
      node.op() instanceof Div && is(node.input(1), 1) ? node.input(0) : null);

  // -(-x) => x
  public static final Rule NEG_NEG = new Rule("neg-neg", "-(-x) => x", node ->
      node.op() instanceof Neg && node.input(0).op() instanceof Neg ? node.input(0).input(0) : null);

  // transpose(transpose(x, p), q) => transpose(x, p o q), and x itself when that is the identity
  public static final Rule TRANSPOSE_TRANSPOSE = new Rule("transpose-transpose", "transpose(transpose(x, p), q) => transpose(x, p[q])", node -> {
    if (!(node.op() instanceof Transpose outer) || !(node.input(0).op() instanceof Transpose inner)) {
      return null;
    }
    int[] composed = new int[outer.permutation().size()];
    for (int i = 0; i < composed.length; i++) {
      composed[i] = inner.permutation().get(outer.permutation().get(i));
    }
    return node.input(0).input(0).transpose(composed);
  });

  // reshape(reshape(x, s1), s2) => reshape(x, s2)
  public static final Rule RESHAPE_RESHAPE = new Rule("reshape-reshape", "reshape(reshape(x)) => reshape(x)", node ->
      node.op() instanceof Reshape r && node.input(0).op() instanceof Reshape ? node.input(0).input(0).reshape(r.shape()) : null);

  // broadcast(broadcast(x, s1), s2) => broadcast(x, s2)
  public static final Rule BROADCAST_BROADCAST = new Rule("broadcast-broadcast", "broadcast(broadcast(x)) => broadcast(x)", node ->
      node.op() instanceof Broadcast b && node.input(0).op() instanceof Broadcast ? node.input(0).input(0).broadcastTo(b.shape()) : null);

  // sum(broadcast(x), the broadcast axes) => x * (number of copies)
  public static final Rule BROADCAST_THEN_SUM = new Rule("broadcast-then-sum", "sum(broadcast(x), repeated axes) => x * copies", node -> {
    if (!(node.op() instanceof Sum sum) || !(node.input(0).op() instanceof Broadcast) || !node.dtype().isFloating()) {
      return null;
    }
    Node x = node.input(0).input(0);
    Shape to = node.input(0).shape();
    int offset = to.rank() - x.shape().rank();
    List<Integer> repeated = new ArrayList<>();
    long copies = 1;
    for (int axis = 0; axis < to.rank(); axis++) {
      if (axis < offset || (x.shape().dim(axis - offset) == 1 && to.dim(axis) != 1)) {
        repeated.add(axis);
        copies *= to.dim(axis);
      }
    }
    if (!repeated.equals(sum.axes())) {
      return null;
    }
    Node reshaped = x.reshape(node.shape());
    return copies == 1 ? reshaped : reshaped.mul(copies);
  });

  // select(true, a, b) => a, select(false, a, b) => b
  public static final Rule SELECT_CONSTANT = new Rule("select-constant", "select(c, a, b) => a if c else b", node -> {
    if (!(node.op() instanceof Select)) {
      return null;
    }
    Double predicate = constant(node.input(0));
    return predicate == null ? null : predicate != 0 ? node.input(1) : node.input(2);
  });

  // sum(x * one_hot(labels, C), axis -1) => gather(x[i, labels[i]]): a read, not a product and a sum
  public static final Rule SUM_ONE_HOT_PRODUCT = new Rule("sum-one-hot-product",
      "sum(x * one_hot(y), -1) => x[i, y[i]]", node -> {
    if (!(node.op() instanceof Sum sum) || sum.keepDims() || !sum.axes().equals(List.of(1))
        || !(node.input(0).op() instanceof Mul) || node.input(0).shape().rank() != 2) {
      return null;
    }
    Node product = node.input(0);
    Node oneHot = product.input(1).op() instanceof OneHot ? product.input(1) : product.input(0);
    Node x = oneHot == product.input(1) ? product.input(0) : product.input(1);
    if (!(oneHot.op() instanceof OneHot)) {
      return null;
    }
    int rows = x.shape().dim(0);
    int classes = x.shape().dim(1);
    int[] offsets = new int[rows];
    for (int i = 0; i < rows; i++) {
      offsets[i] = i * classes;
    }
    Node flatIndex = oneHot.input(0).add(node.graph().constant(Tensor.ofInts(Shape.of(rows), offsets)));
    return x.reshape(rows * classes, 1).gather(flatIndex).reshape(rows);
  });

  // op(constants) => constant, for small results; a broadcast of a constant is already as small as it gets
  public static final Rule FOLD = new Rule("fold", "f(constants) => constant", node -> {
    if (node.op() instanceof Leaf || node.op() instanceof Broadcast || node.shape().size() > MAX_FOLDED_SIZE
        || !node.inputs().stream().allMatch(input -> input.op() instanceof Literal)) {
      return null;
    }
    return node.graph().constant(Interpreter.declared().evaluate(node, Map.of()));
  });

  // f(broadcast(a), broadcast(b)) => broadcast(f(a, b)) for scalar constants a, b
  public static final Rule FOLD_BROADCAST_SCALARS = new Rule("fold-broadcast-scalars",
      "f(broadcast(a), broadcast(b)) => broadcast(f(a, b)), a and b scalar constants", node -> {
    boolean elementwise = node.op() instanceof UnaryElementwise || node.op() instanceof BinaryElementwise
        || node.op() instanceof Compare || node.op() instanceof Cast;
    if (!elementwise || node.shape().rank() == 0) {
      return null;
    }
    List<Node> scalars = new ArrayList<>();
    for (Node input : node.inputs()) {
      Node source = input.op() instanceof Broadcast ? input.input(0) : input;
      if (!(source.op() instanceof Literal) || source.shape().size() != 1) {
        return null;
      }
      scalars.add(source.reshape(Shape.scalar()));
    }
    Node scalar = node.graph().apply(node.op(), scalars);
    return node.graph().constant(Interpreter.declared().evaluate(scalar, Map.of())).broadcastTo(node.shape());
  });

  // pad(x) + pad(y), y's block just after x's along one axis and the same on the others => pad(concat(x, y)):
  // the cotangent of an LSTM's four gates, sliced from one product, is the sum of four pads; as a concat
  // each gate's block is computed in place, without adding the zeros of the other three (which, as in
  // add-zero, could only turn a -0.0 into +0.0)
  public static final Rule ADJACENT_PADS = new Rule("adjacent-pads", "pad(x) + pad(y), side by side => pad(concat(x, y))", node -> {
    if (!(node.op() instanceof Add) || !(node.input(0).op() instanceof Pad a) || !(node.input(1).op() instanceof Pad b)) {
      return null;
    }
    int axis = -1;
    for (int i = 0; i < a.low().size(); i++) {
      if (!a.low().get(i).equals(b.low().get(i)) || !a.high().get(i).equals(b.high().get(i))) {
        if (axis >= 0) {
          return null;
        }
        axis = i;
      }
    }
    if (axis < 0) {
      return null;
    }
    boolean inOrder = a.low().get(axis) < b.low().get(axis);
    Node first = inOrder ? node.input(0) : node.input(1);
    Node second = inOrder ? node.input(1) : node.input(0);
    Pad before = (Pad) first.op();
    Pad after = (Pad) second.op();
    if (before.low().get(axis) + first.input(0).shape().dim(axis) != after.low().get(axis)) {
      return null;
    }
    List<Node> parts = new ArrayList<>(concatenated(first.input(0), axis));
    parts.addAll(concatenated(second.input(0), axis));
    int[] low = before.low().stream().mapToInt(Integer::intValue).toArray();
    int[] high = after.high().stream().mapToInt(Integer::intValue).toArray();
    Node joined = Node.concat(axis, parts.toArray(Node[]::new));
    return IntStream.concat(IntStream.of(low), IntStream.of(high)).allMatch(n -> n == 0) ? joined : joined.pad(low, high);
  });

  /** The parts {@code node} joins along {@code axis} when it is a concat there, else {@code node} alone. */
  private static List<Node> concatenated(Node node, int axis) {
    return node.op() instanceof Concat concat && concat.axis() == axis ? node.inputs() : List.of(node);
  }

  /** The value of a node whose elements are all one constant (a literal, or a broadcast or reshape of one). */
  static Double constant(Node node) {
    if (node.op() instanceof Broadcast || node.op() instanceof Reshape) {
      return constant(node.input(0));
    }
    if (!(node.op() instanceof Literal literal) || literal.value().size() == 0) {
      return null;
    }
    double first = literal.value().getDouble(0);
    for (int i = 1; i < literal.value().size(); i++) {
      if (Double.compare(literal.value().getDouble(i), first) != 0) {
        return null;
      }
    }
    return first;
  }

  private static boolean is(Node node, double value) {
    Double constant = constant(node);
    return constant != null && constant == value;
  }

  /** Every rule, for tests and tools. */
  public static List<Rule> all() {
    return List.of(CONSTANT_RIGHT, ADD_ZERO, SUB_ZERO, MUL_ONE, DIV_ONE, NEG_NEG, TRANSPOSE_TRANSPOSE, RESHAPE_RESHAPE,
        BROADCAST_BROADCAST, BROADCAST_THEN_SUM, SELECT_CONSTANT, SUM_ONE_HOT_PRODUCT, ADJACENT_PADS, FOLD, FOLD_BROADCAST_SCALARS);
  }
}
