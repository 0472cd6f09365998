package dev.bytegrad.graph;

import dev.bytegrad.graph.nn.Convolutions;
import dev.bytegrad.graph.op.Abs;
import dev.bytegrad.graph.op.Add;
import dev.bytegrad.graph.op.Broadcast;
import dev.bytegrad.graph.op.Cast;
import dev.bytegrad.graph.op.Compare;
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
import dev.bytegrad.graph.op.Scan;
import dev.bytegrad.graph.op.ScatterAdd;
import dev.bytegrad.graph.op.Select;
import dev.bytegrad.graph.op.Slice;
import dev.bytegrad.graph.op.Sqrt;
import dev.bytegrad.graph.op.StopGradient;
import dev.bytegrad.graph.op.Sub;
import dev.bytegrad.graph.op.Sum;
import dev.bytegrad.graph.op.Tanh;
import dev.bytegrad.graph.op.Transpose;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Shuffle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The op table: every primitive with sample operand shapes (broadcasting, size-1 and size-0 axes),
 * the domain its operands are drawn from, and what its derivative is checked against. The generic
 * tests in {@link OpTableTest} run every check on every entry; a coverage test fails when a primitive
 * of the sealed hierarchy has no entry.
 */
public final class OpTable {
  private OpTable() {}

  /** Where operand values are drawn from. */
  public enum Domain {
    /** Normal(0, 1). */
    REAL,
    /** Uniform on [0.5, 2]: log, sqrt, fractional powers, denominators. */
    POSITIVE,
    /** Distinct values at least 0.1 apart and away from 0: max, abs, comparisons (no ties or kinks). */
    DISTINCT,
    /** i32 in [0, 4): indices, predicates via nonzero. */
    INDEX
  }

  /** What the derivative is checked against. */
  public enum Derivative {
    /** Central finite differences in f64. */
    FINITE_DIFFERENCES,
    /** Exactly zero everywhere (comparisons, stop_gradient, integer results). */
    ZERO
  }

  public record Operand(DType dtype, int[] dims, Domain domain) {}

  public record Entry(String name, Class<? extends Primitive> covers, List<Operand> operands,
      Function<List<Node>, Node> build, Derivative derivative) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Operand real(int... dims) {
    return new Operand(DType.F64, dims, Domain.REAL);
  }

  static Operand positive(int... dims) {
    return new Operand(DType.F64, dims, Domain.POSITIVE);
  }

  static Operand distinct(int... dims) {
    return new Operand(DType.F64, dims, Domain.DISTINCT);
  }

  static Operand index(int... dims) {
    return new Operand(DType.I32, dims, Domain.INDEX);
  }

  static Entry entry(String name, Class<? extends Primitive> covers, Function<List<Node>, Node> build, Operand... operands) {
    return new Entry(name, covers, List.of(operands), build, Derivative.FINITE_DIFFERENCES);
  }

  static Entry flat(String name, Class<? extends Primitive> covers, Function<List<Node>, Node> build, Operand... operands) {
    return new Entry(name, covers, List.of(operands), build, Derivative.ZERO);
  }

  public static final List<Entry> ENTRIES = List.of(
      entry("add", Add.class, x -> x.get(0).add(x.get(1)), real(3, 4), real(3, 4)),
      entry("add_broadcast_row", Add.class, x -> x.get(0).add(x.get(1)), real(3, 4), real(4)),
      entry("add_broadcast_both", Add.class, x -> x.get(0).add(x.get(1)), real(2, 1, 3), real(1, 5, 3)),
      flat("add_i32", Add.class, x -> x.get(0).sub(x.get(1)).mul(x.get(1)).maximum(x.get(0)).add(x.get(1)), index(2, 3), index(3)),
      entry("add_size_zero", Add.class, x -> x.get(0).add(x.get(1)), real(0, 4), real(4)),
      entry("sub", Sub.class, x -> x.get(0).sub(x.get(1)), real(2, 3), real(2, 1)),
      entry("mul", Mul.class, x -> x.get(0).mul(x.get(1)), real(2, 3), real(3)),
      entry("mul_same_operand", Mul.class, x -> x.get(0).mul(x.get(0)), real(5)),
      entry("div", Div.class, x -> x.get(0).div(x.get(1)), real(2, 3), positive(2, 3)),
      entry("maximum", Maximum.class, x -> x.get(0).maximum(x.get(1)), distinct(2, 3), distinct(3)),
      entry("relu", Maximum.class, x -> x.get(0).relu(), distinct(4, 3)),
      entry("neg", Neg.class, x -> x.get(0).neg(), real(2, 3)),
      entry("exp", Exp.class, x -> x.get(0).exp(), real(2, 3)),
      entry("log", Log.class, x -> x.get(0).log(), positive(2, 3)),
      entry("tanh", Tanh.class, x -> x.get(0).tanh(), real(2, 3)),
      entry("sigmoid", Logistic.class, x -> x.get(0).sigmoid(), real(2, 3)),
      entry("sqrt", Sqrt.class, x -> x.get(0).sqrt(), positive(2, 3)),
      entry("abs", Abs.class, x -> x.get(0).abs(), distinct(2, 3)),
      entry("pow_cube", Pow.class, x -> x.get(0).pow(3), real(2, 3)),
      entry("pow_inverse_sqrt", Pow.class, x -> x.get(0).pow(-0.5), positive(4)),
      entry("square_scalar", Pow.class, x -> x.get(0).square(), real()),
      flat("compare_gt", Compare.class, x -> x.get(0).gt(x.get(1)), distinct(2, 3), distinct(2, 3)),
      entry("select", Select.class, x -> x.get(0).select(x.get(1), x.get(2)), index(2, 3), real(2, 3), real(3)),
      entry("cast_f64_to_f32", Cast.class, x -> x.get(0).cast(DType.F32), real(2, 3)),
      flat("cast_f64_to_i32", Cast.class, x -> x.get(0).cast(DType.I32), distinct(2, 3)),
      flat("stop_gradient", StopGradient.class, x -> x.get(0).stopGradient(), real(2, 3)),
      entry("sum_axis", Sum.class, x -> x.get(0).sum(1), real(2, 3, 4)),
      entry("sum_keep_dims", Sum.class, x -> x.get(0).sum(List.of(0, 2), true), real(2, 3, 4)),
      entry("sum_all", Sum.class, x -> x.get(0).sum(), real(1, 3)),
      entry("sum_size_zero", Sum.class, x -> x.get(0).sum(0), real(0, 3)),
      entry("reduce_max", ReduceMax.class, x -> x.get(0).max(0), distinct(3, 4)),
      entry("reduce_max_keep_dims", ReduceMax.class, x -> x.get(0).max(List.of(1, 2), true), distinct(2, 3, 2)),
      entry("reshape", Reshape.class, x -> x.get(0).reshape(6, 4), real(2, 3, 4)),
      entry("broadcast", Broadcast.class, x -> x.get(0).broadcastTo(2, 3, 5), real(3, 1)),
      entry("transpose", Transpose.class, x -> x.get(0).transpose(2, 0, 1), real(2, 3, 4)),
      entry("slice", Slice.class, x -> x.get(0).slice(new int[] {1, 0}, new int[] {3, 2}), real(4, 3)),
      entry("pad", Pad.class, x -> x.get(0).pad(new int[] {1, 0}, new int[] {0, 2}), real(2, 3)),
      entry("concat", Concat.class, x -> Node.concat(1, x.get(0), x.get(1), x.get(2)), real(2, 1), real(2, 3), real(2, 2)),
      entry("matmul", MatMul.class, x -> x.get(0).matmul(x.get(1)), real(3, 4), real(4, 5)),
      entry("matmul_batched", MatMul.class, x -> x.get(0).matmul(x.get(1)), real(2, 3, 4), real(2, 4, 1)),
      entry("matmul_broadcast_batch", MatMul.class, x -> x.get(0).matmul(x.get(1)), real(3, 4), real(2, 4, 2)),
      flat("one_hot", OneHot.class, x -> x.get(0).oneHot(4, DType.F64), index(2, 3)),
      entry("gather", Gather.class, x -> x.get(0).gather(x.get(1)), real(4, 3), index(2, 5)),
      entry("scatter_add", ScatterAdd.class, x -> x.get(1).scatterAdd(x.get(0), 4), index(6), real(6, 2)),
      entry("scan_rnn_outputs", Scan.class, OpTable::rnn, real(2, 3), real(4, 2, 3), real(3, 3)),
      entry("scan_two_carries_reverse_final", Scan.class, OpTable::twoCarries, real(3), real(3), real(5, 3), real(3)),
      entry("scan_index_sequence_history", Scan.class, OpTable::indexHistory, real(2), index(4, 2), real(2)),
      entry("scan_nested", Scan.class, OpTable::nested, real(2), real(3, 3, 2), real(2)),
      // convolution and pooling are composites (a gather by an index table, then a GEMM or a reduction):
      // their entries check the whole composite, every derivative order and every backend, like a primitive's
      entry("conv2d_stride_padding", Transpose.class, x -> Convolutions.conv2d(x.get(0), x.get(1), 2, 1), real(2, 2, 5, 5), real(3, 2, 3, 3)),
      entry("conv2d_dilated_asymmetric_padding", Transpose.class, x -> Convolutions.conv2d(x.get(0), x.get(1),
          new Convolutions.Window(new int[] {2, 2}, new int[] {1, 2}, new int[] {1, 0}, new int[] {0, 1}, new int[] {2, 1})),
          real(1, 1, 6, 5), real(2, 1, 2, 2)),
      entry("max_pool2d", Transpose.class, x -> Convolutions.maxPool2d(x.get(0), 2, 2, 0), distinct(1, 2, 4, 4)),
      entry("avg_pool2d_padded", Transpose.class, x -> Convolutions.avgPool2d(x.get(0), 3, 2, 1), real(1, 2, 5, 5)),
      entry("scan_length_zero", Scan.class, x -> rnnOver(x.get(0), x.get(1), x.get(2)).output(0), real(2, 3), real(0, 2, 3), real(3, 3)));

  // h_t = tanh(h_{t-1} w / 2 + x_t), every h_t stacked; w is captured from the enclosing graph
  private static Node rnn(List<Node> x) {
    return rnnOver(x.get(0), x.get(1), x.get(2)).output(0);
  }

  private static Scans.Result rnnOver(Node h0, Node xs, Node w) {
    return Scans.scan(List.of(h0), List.of(xs), (h, xt) -> Scans.step(h.get(0).matmul(w).mul(0.5).add(xt.get(0)).tanh()));
  }

  // two carries that feed each other and an output that is neither, run backwards; the result is a final carry
  private static Node twoCarries(List<Node> x) {
    Node scale = x.get(3);
    return Scans.scan(List.of(x.get(0), x.get(1)), List.of(x.get(2)), 5, true, (c, xt) -> {
      Node a = c.get(0).mul(xt.get(0)).add(c.get(1).tanh());
      Node b = c.get(0).mul(scale).sigmoid();
      return Scans.step(List.of(a, b), List.of(a.mul(b)));
    }).carry(0);
  }

  // an i32 sequence (no derivative) steering a floating carry; the result is the carry's history
  private static Node indexHistory(List<Node> x) {
    Node w = x.get(2);
    return Scans.scan(List.of(x.get(0)), List.of(x.get(1)),
        (h, it) -> Scans.step(h.get(0).mul(w).add(it.get(0).cast(w.dtype())).tanh())).history(0);
  }

  // a scan in a scan's body: the inner loop runs over the rows of each outer slice and captures w twice over
  private static Node nested(List<Node> x) {
    Node w = x.get(2);
    return Scans.scan(List.of(x.get(0)), List.of(x.get(1)), (h, rows) -> {
      Node inner = Scans.scan(List.of(h.get(0)), List.of(rows.get(0)),
          (c, r) -> Scans.step(c.get(0).mul(0.5).add(r.get(0).mul(w)).tanh())).carry(0);
      return Scans.step(inner.mul(h.get(0)).sigmoid());
    }).output(0);
  }

  /** A built entry: its graph's operand nodes, the result, and random values for the operands. */
  public record Built(List<Node> operands, Node result, Map<Node, Tensor> feeds) {}

  public static Built build(Entry entry, DType floating) {
    Graph graph = new Graph();
    List<Node> operands = new ArrayList<>();
    for (int i = 0; i < entry.operands().size(); i++) {
      Operand operand = entry.operands().get(i);
      DType dtype = operand.dtype().isFloating() ? floating : operand.dtype();
      operands.add(graph.input(String.valueOf((char) ('a' + i)), dtype, operand.dims()));
    }
    return new Built(operands, entry.build().apply(operands), feeds(entry, operands));
  }

  private static Map<Node, Tensor> feeds(Entry entry, List<Node> operands) {
    SplittableRandom random = new SplittableRandom(entry.name().hashCode());
    int distinctCount = 0;
    for (int i = 0; i < operands.size(); i++) {
      distinctCount += entry.operands().get(i).domain() == Domain.DISTINCT ? operands.get(i).shape().size() : 0;
    }
    int[] distinctOrder = Shuffle.permutation(distinctCount, random);
    int nextDistinct = 0;
    Map<Node, Tensor> feeds = new HashMap<>();
    for (int i = 0; i < operands.size(); i++) {
      Node node = operands.get(i);
      Tensor value = Tensor.zeros(node.dtype(), node.shape());
      for (int k = 0; k < value.size(); k++) {
        value.setDouble(k, switch (entry.operands().get(i).domain()) {
          case REAL -> random.nextGaussian();
          case POSITIVE -> 0.5 + 1.5 * random.nextDouble();
          case DISTINCT -> (random.nextBoolean() ? 1 : -1) * (0.2 + 0.15 * distinctOrder[nextDistinct++]);
          case INDEX -> random.nextInt(4);
        });
      }
      feeds.put(node, value);
    }
    return feeds;
  }

  /** {@code sum(result * w)} with fixed random weights w, so every output element matters differently. */
  public static Node weightedSum(Node result, long seed) {
    Node floating = result.cast(DType.F64);
    SplittableRandom random = new SplittableRandom(seed);
    Tensor weights = Tensor.zeros(DType.F64, floating.shape());
    for (int i = 0; i < weights.size(); i++) {
      weights.setDouble(i, random.nextGaussian());
    }
    return floating.mul(result.graph().constant(weights)).sum();
  }
}
