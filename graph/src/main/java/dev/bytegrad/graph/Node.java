package dev.bytegrad.graph;

import dev.bytegrad.graph.op.Add;
import dev.bytegrad.graph.op.Broadcast;
import dev.bytegrad.graph.op.Cast;
import dev.bytegrad.graph.op.Compare;
import dev.bytegrad.graph.op.Comparison;
import dev.bytegrad.graph.op.Concat;
import dev.bytegrad.graph.op.Div;
import dev.bytegrad.graph.op.Exp;
import dev.bytegrad.graph.op.Gather;
import dev.bytegrad.graph.op.Log;
import dev.bytegrad.graph.op.Logistic;
import dev.bytegrad.graph.op.MatMul;
import dev.bytegrad.graph.op.Maximum;
import dev.bytegrad.graph.op.Mul;
import dev.bytegrad.graph.op.Neg;
import dev.bytegrad.graph.op.OneHot;
import dev.bytegrad.graph.op.Pad;
import dev.bytegrad.graph.op.Pow;
import dev.bytegrad.graph.op.Primitive;
import dev.bytegrad.graph.op.ReduceMax;
import dev.bytegrad.graph.op.Reshape;
import dev.bytegrad.graph.op.ScatterAdd;
import dev.bytegrad.graph.op.Select;
import dev.bytegrad.graph.op.Slice;
import dev.bytegrad.graph.op.Sqrt;
import dev.bytegrad.graph.op.StopGradient;
import dev.bytegrad.graph.op.Sub;
import dev.bytegrad.graph.op.Sum;
import dev.bytegrad.graph.op.Tanh;
import dev.bytegrad.graph.op.Abs;
import dev.bytegrad.graph.op.Transpose;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * A node of a graph: a primitive applied to input nodes, with a static type. Immutable and interned by
 * its {@link Graph}, so equal nodes are the same object and compare by identity.
 *
 * <p>Node is also the fluent DSL: {@code x.matmul(w).add(b).relu()}. Elementwise binary methods follow
 * NumPy broadcasting; both operands must have one dtype, and a plain number takes this node's dtype.
 * Bad shapes or dtypes throw {@link GraphBuildException} here, at the call, naming the caller's line.
 */
public final class Node {
  private final Graph graph;
  private final Primitive op;
  private final List<Node> inputs;
  private final TensorType type;
  private final int id;
  private final CallSite callSite;

  Node(Graph graph, Primitive op, List<Node> inputs, TensorType type, int id, CallSite callSite) {
    this.graph = graph;
    this.op = op;
    this.inputs = inputs;
    this.type = type;
    this.id = id;
    this.callSite = callSite;
  }

  public Graph graph() {
    return graph;
  }

  public Primitive op() {
    return op;
  }

  public List<Node> inputs() {
    return inputs;
  }

  public Node input(int index) {
    return inputs.get(index);
  }

  public TensorType type() {
    return type;
  }

  public Shape shape() {
    return type.shape();
  }

  public DType dtype() {
    return type.dtype();
  }

  /** Position in the graph's creation order; inputs always have smaller ids. */
  public int id() {
    return id;
  }

  /** Where in the user's code this node was first asked for. */
  public CallSite callSite() {
    return callSite;
  }

  // ---- elementwise arithmetic, with NumPy broadcasting ----

  public Node add(Node other) {
    return binary(new Add(), other);
  }

  public Node add(double value) {
    return add(scalar(value));
  }

  public Node sub(Node other) {
    return binary(new Sub(), other);
  }

  public Node sub(double value) {
    return sub(scalar(value));
  }

  public Node mul(Node other) {
    return binary(new Mul(), other);
  }

  public Node mul(double value) {
    return mul(scalar(value));
  }

  public Node div(Node other) {
    return binary(new Div(), other);
  }

  public Node div(double value) {
    return div(scalar(value));
  }

  /** Elementwise maximum; ties share the cotangent evenly (see {@link Maximum}). */
  public Node maximum(Node other) {
    return binary(new Maximum(), other);
  }

  public Node maximum(double value) {
    return maximum(scalar(value));
  }

  /** Elementwise minimum, as {@code -max(-x, -y)} so it shares the maximum's derivative rule. */
  public Node minimum(Node other) {
    return neg().maximum(other.neg()).neg();
  }

  public Node minimum(double value) {
    return minimum(scalar(value));
  }

  public Node neg() {
    return graph.apply(new Neg(), this);
  }

  public Node exp() {
    return graph.apply(new Exp(), this);
  }

  public Node log() {
    return graph.apply(new Log(), this);
  }

  public Node tanh() {
    return graph.apply(new Tanh(), this);
  }

  /** The logistic sigmoid {@code 1 / (1 + e^-x)}. */
  public Node sigmoid() {
    return graph.apply(new Logistic(), this);
  }

  public Node sqrt() {
    return graph.apply(new Sqrt(), this);
  }

  public Node abs() {
    return graph.apply(new Abs(), this);
  }

  /** {@code x^exponent}; {@code pow(1)} is {@code x} itself. */
  public Node pow(double exponent) {
    return exponent == 1 ? this : graph.apply(new Pow(exponent), this);
  }

  public Node square() {
    return pow(2);
  }

  /** {@code max(x, 0)}. */
  public Node relu() {
    return maximum(0);
  }

  /** -1, 0 or 1 by the sign of each element, in this node's dtype. */
  public Node sign() {
    return gt(0).cast(dtype()).sub(lt(0).cast(dtype()));
  }

  // ---- comparisons (i32 results, 1 where true), selection, conversion ----

  public Node lt(Node other) {
    return binary(new Compare(Comparison.LT), other);
  }

  public Node lt(double value) {
    return lt(scalar(value));
  }

  public Node le(Node other) {
    return binary(new Compare(Comparison.LE), other);
  }

  public Node gt(Node other) {
    return binary(new Compare(Comparison.GT), other);
  }

  public Node gt(double value) {
    return gt(scalar(value));
  }

  public Node ge(Node other) {
    return binary(new Compare(Comparison.GE), other);
  }

  public Node eq(Node other) {
    return binary(new Compare(Comparison.EQ), other);
  }

  public Node eq(double value) {
    return eq(scalar(value));
  }

  public Node ne(Node other) {
    return binary(new Compare(Comparison.NE), other);
  }

  /** On an i32 predicate: {@code onTrue} where it is non-zero, else {@code onFalse}; all three broadcast. */
  public Node select(Node onTrue, Node onFalse) {
    if (onTrue.graph != graph || onFalse.graph != graph) {
      Graph home = onTrue.graph.isNestedIn(graph) ? onTrue.graph : onFalse.graph.isNestedIn(graph) ? onFalse.graph : graph;
      if (home != graph) {
        return home.local(this).select(home.local(onTrue), home.local(onFalse));
      }
      onTrue = graph.isNestedIn(onTrue.graph) ? graph.local(onTrue) : onTrue;
      onFalse = graph.isNestedIn(onFalse.graph) ? graph.local(onFalse) : onFalse;
    }
    Shape shape = Broadcasting.shapeOf("select", this, onTrue, onFalse);
    return graph.apply(new Select(), broadcastTo(shape), onTrue.broadcastTo(shape), onFalse.broadcastTo(shape));
  }

  public Node cast(DType target) {
    return target == dtype() ? this : graph.apply(new Cast(target), this);
  }

  /** This value, with no derivative flowing back through it. */
  public Node stopGradient() {
    return graph.apply(new StopGradient(), this);
  }

  /** Zeros of this node's type. */
  public Node zerosLike() {
    return graph.constant(0, dtype()).broadcastTo(shape());
  }

  // ---- reductions ----

  /** Sum of all elements, a scalar. */
  public Node sum() {
    return sum(Broadcasting.allAxes(shape()), false);
  }

  /** Sum along {@code axes} (negative counts from the end), removing them. */
  public Node sum(int... axes) {
    return sum(Broadcasting.axes(this, axes), false);
  }

  /** Sum along {@code axes}, keeping them as size 1 when {@code keepDims}. */
  public Node sum(List<Integer> axes, boolean keepDims) {
    List<Integer> normalized = Broadcasting.axes(this, axes.stream().mapToInt(Integer::intValue).toArray());
    return normalized.isEmpty() ? this : graph.apply(new Sum(normalized, keepDims), this);
  }

  /** Maximum along {@code axes}, removing them. */
  public Node max(int... axes) {
    return max(Broadcasting.axes(this, axes), false);
  }

  /** Maximum along {@code axes}, keeping them as size 1 when {@code keepDims}. */
  public Node max(List<Integer> axes, boolean keepDims) {
    List<Integer> normalized = Broadcasting.axes(this, axes.stream().mapToInt(Integer::intValue).toArray());
    return normalized.isEmpty() ? this : graph.apply(new ReduceMax(normalized, keepDims), this);
  }

  /** Mean of all elements, a scalar. */
  public Node mean() {
    return Composites.mean(this, Broadcasting.allAxes(shape()), false);
  }

  /** Mean along {@code axes}, removing them. */
  public Node mean(int... axes) {
    return Composites.mean(this, Broadcasting.axes(this, axes), false);
  }

  /** {@code log(sum(exp(x)))} along {@code axis}, computed without overflow. */
  public Node logSumExp(int axis, boolean keepDims) {
    return Composites.logSumExp(this, shape().normalizeAxis(axis), keepDims);
  }

  /** {@code exp(x) / sum(exp(x))} along {@code axis}, computed without overflow. */
  public Node softmax(int axis) {
    return Composites.softmax(this, shape().normalizeAxis(axis));
  }

  /** {@code x - logSumExp(x)} along {@code axis}: the log of the softmax, without its rounding. */
  public Node logSoftmax(int axis) {
    return Composites.logSoftmax(this, shape().normalizeAxis(axis));
  }

  // ---- shapes ----

  public Node reshape(int... dims) {
    return reshape(Shape.of(dims));
  }

  public Node reshape(Shape target) {
    return target.equals(shape()) ? this : graph.apply(new Reshape(target), this);
  }

  /** NumPy broadcasting to {@code dims}. */
  public Node broadcastTo(int... dims) {
    return broadcastTo(Shape.of(dims));
  }

  public Node broadcastTo(Shape target) {
    return target.equals(shape()) ? this : graph.apply(new Broadcast(target), this);
  }

  /** Permutes the axes: axis i of the result is axis {@code permutation[i]} of this node. */
  public Node transpose(int... permutation) {
    boolean identity = true;
    for (int i = 0; i < permutation.length; i++) {
      identity &= permutation[i] == i;
    }
    return identity && permutation.length == shape().rank()
        ? this : graph.apply(new Transpose(Arrays.stream(permutation).boxed().toList()), this);
  }

  /** Swaps the last two axes (the matrix transpose, batched). */
  public Node mT() {
    int rank = shape().rank();
    int[] permutation = new int[rank];
    for (int i = 0; i < rank; i++) {
      permutation[i] = i;
    }
    if (rank >= 2) {
      permutation[rank - 2] = rank - 1;
      permutation[rank - 1] = rank - 2;
    }
    return transpose(permutation);
  }

  /** The block from {@code start} (inclusive) to {@code limit} (exclusive) on every axis. */
  public Node slice(int[] start, int[] limit) {
    return graph.apply(new Slice(Arrays.stream(start).boxed().toList(), Arrays.stream(limit).boxed().toList()), this);
  }

  /** Zeros around this node: {@code low[i]} before and {@code high[i]} after on axis i. */
  public Node pad(int[] low, int[] high) {
    return graph.apply(new Pad(Arrays.stream(low).boxed().toList(), Arrays.stream(high).boxed().toList()), this);
  }

  /** Joins {@code parts} along {@code axis}. */
  public static Node concat(int axis, Node... parts) {
    if (parts.length == 0) {
      throw new GraphBuildException("concat", List.of(), "needs at least one operand", CallSite.capture());
    }
    int normalized = axis < 0 ? axis + parts[0].shape().rank() : axis;
    return parts[0].graph.apply(new Concat(normalized), parts);
  }

  /** Matrix product over the last two axes, broadcasting leading (batch) axes. */
  public Node matmul(Node other) {
    Node[] both = together(this, other);
    Node a = both[0];
    Node b = both[1];
    if (a.shape().rank() > 2 && b.shape().rank() == 2 && a.shape().dim(-1) == b.shape().dim(0) && b.shape().dim(0) > 0) {
      // [..., m, k] times [k, n] is one product of [(...) m, k] by [k, n], not one per leading index:
      // one large GEMM instead of many small ones, and the weight's gradient is one GEMM as well
      int[] dims = a.shape().dims();
      int rows = a.shape().size() / dims[dims.length - 1];
      int[] result = dims.clone();
      result[result.length - 1] = b.shape().dim(1);
      return a.reshape(rows, dims[dims.length - 1]).matmul(b).reshape(result);
    }
    Node[] operands = Broadcasting.batch(a, b);
    return a.graph.apply(new MatMul(), operands[0], operands[1]);
  }

  // ---- indices ----

  /** On i32 indices {@code [...]}: the one-hot encoding {@code [..., depth]} of the given type. */
  public Node oneHot(int depth, DType target) {
    return graph.apply(new OneHot(depth, target), this);
  }

  /** On a table {@code [n, r...]}: the rows picked by i32 {@code indices [i...]}, shaped {@code [i..., r...]}. */
  public Node gather(Node indices) {
    return graph.apply(new Gather(), this, indices);
  }

  /** On updates {@code [i..., r...]}: a {@code [size, r...]} table of zeros with each row added at its index. */
  public Node scatterAdd(Node indices, int size) {
    return graph.apply(new ScatterAdd(size), indices, this);
  }

  // ---- helpers ----

  private Node scalar(double value) {
    return graph.constant(value, dtype());
  }

  private Node binary(Primitive op, Node other) {
    Node[] both = together(this, other);
    Shape shape = Broadcasting.shapeOf(op.opName(), both[0], both[1]);
    return both[0].graph.apply(op, both[0].broadcastTo(shape), both[1].broadcastTo(shape));
  }

  /**
   * The two operands in one graph: in a loop's body, an operand from an enclosing graph is captured
   * first, so that what is computed from it (a broadcast, say) is computed in the body, and the loop
   * takes the operand itself as its constant.
   */
  private static Node[] together(Node a, Node b) {
    if (a.graph != b.graph) {
      if (a.graph.isNestedIn(b.graph)) {
        return new Node[] {a, a.graph.local(b)};
      }
      if (b.graph.isNestedIn(a.graph)) {
        return new Node[] {b.graph.local(a), b};
      }
    }
    return new Node[] {a, b};
  }

  /** {@code %12:f32[64,10]}. */
  @Override
  public String toString() {
    return "%" + id + ":" + type;
  }
}
