package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.op.Abs;
import dev.bytegrad.graph.op.Add;
import dev.bytegrad.graph.op.Broadcast;
import dev.bytegrad.graph.op.Cast;
import dev.bytegrad.graph.op.Compare;
import dev.bytegrad.graph.op.Div;
import dev.bytegrad.graph.op.Exp;
import dev.bytegrad.graph.op.Log;
import dev.bytegrad.graph.op.Logistic;
import dev.bytegrad.graph.op.Maximum;
import dev.bytegrad.graph.op.Mul;
import dev.bytegrad.graph.op.Neg;
import dev.bytegrad.graph.op.OneHot;
import dev.bytegrad.graph.op.Pad;
import dev.bytegrad.graph.op.Pow;
import dev.bytegrad.graph.op.Primitive;
import dev.bytegrad.graph.op.Reshape;
import dev.bytegrad.graph.op.Select;
import dev.bytegrad.graph.op.Slice;
import dev.bytegrad.graph.op.Sqrt;
import dev.bytegrad.graph.op.StopGradient;
import dev.bytegrad.graph.op.Sub;
import dev.bytegrad.graph.op.Tanh;
import dev.bytegrad.graph.op.Transpose;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How each fusable primitive computes one element of its result at a symbolic index, from its
 * operands' values at derived indices: scalar ops for elementwise primitives, index arithmetic for
 * views. A primitive with a kernel of its own (reductions, matmul, gather, scatter-add, concat) always
 * has a buffer and needs no rule here; {@code LoweringCoverageTest} checks that every other one has.
 */
final class IndexRules {
  /** Elementwise primitives that map to one scalar op of the loop IR. */
  static final Map<Class<? extends Primitive>, ScalarOp> SCALAR_OPS = Map.ofEntries(
      Map.entry(Neg.class, ScalarOp.NEG), Map.entry(Exp.class, ScalarOp.EXP), Map.entry(Log.class, ScalarOp.LOG),
      Map.entry(Tanh.class, ScalarOp.TANH), Map.entry(Sqrt.class, ScalarOp.SQRT), Map.entry(Abs.class, ScalarOp.ABS),
      Map.entry(Add.class, ScalarOp.ADD), Map.entry(Sub.class, ScalarOp.SUB), Map.entry(Mul.class, ScalarOp.MUL),
      Map.entry(Div.class, ScalarOp.DIV), Map.entry(Maximum.class, ScalarOp.MAX));

  /** Primitives with a rule in {@link #compute} beyond {@link #SCALAR_OPS}. */
  static final List<Class<? extends Primitive>> OTHER_RULES = List.of(Logistic.class, Pow.class, Compare.class,
      Select.class, Cast.class, StopGradient.class, Broadcast.class, Reshape.class, Transpose.class, Slice.class,
      Pad.class, OneHot.class);

  private final KernelBuilder kernel;

  IndexRules(KernelBuilder kernel) {
    this.kernel = kernel;
  }

  /** Element {@code index} of {@code node}, computed from its operands. */
  Expr compute(Node node, List<Expr> index) {
    Primitive op = node.op();
    ScalarOp scalar = SCALAR_OPS.get(op.getClass());
    if (scalar != null) {
      Expr a = kernel.valueAt(node.input(0), index);
      return scalar.arity() == 1 ? new Expr.Unary(scalar, a) : new Expr.Binary(scalar, a, kernel.valueAt(node.input(1), index));
    }
    if (op instanceof Logistic) {
      // sigmoid(x) = 1 / (1 + exp(-x)); exp overflows to inf for very negative x, giving exactly 0
      Expr x = kernel.valueAt(node.input(0), index);
      Expr one = new Expr.Const(node.dtype(), 1);
      return new Expr.Binary(ScalarOp.DIV, one, new Expr.Binary(ScalarOp.ADD, one,
          new Expr.Unary(ScalarOp.EXP, new Expr.Unary(ScalarOp.NEG, x))));
    }
    if (op instanceof Pow pow) {
      Expr base = kernel.valueAt(node.input(0), index);
      if (pow.exponent() == 2 && (base instanceof Expr.Load || base instanceof Expr.Var)) {
        // x * x: exact like pow(x, 2), without the call (the derivative of tanh and every square)
        return new Expr.Binary(ScalarOp.MUL, base, base);
      }
      return new Expr.Binary(ScalarOp.POW, base, new Expr.Const(node.dtype(), pow.exponent()));
    }
    if (op instanceof Compare compare) {
      ScalarOp comparison = ScalarOp.valueOf(compare.comparison().name());
      return new Expr.Binary(comparison, kernel.valueAt(node.input(0), index), kernel.valueAt(node.input(1), index));
    }
    if (op instanceof Select) {
      return new Expr.Select(kernel.valueAt(node.input(0), index),
          kernel.valueAt(node.input(1), index), kernel.valueAt(node.input(2), index));
    }
    if (op instanceof Cast) {
      return new Expr.Cast(node.dtype(), kernel.valueAt(node.input(0), index));
    }
    if (op instanceof StopGradient) {
      return kernel.valueAt(node.input(0), index);
    }
    return view(node, index);
  }

  private Expr view(Node node, List<Expr> index) {
    Primitive op = node.op();
    Node input = node.inputs().isEmpty() ? null : node.input(0);
    if (op instanceof Broadcast) {
      return kernel.valueAt(input, broadcastIndex(input.shape(), index));
    }
    if (op instanceof Reshape) {
      return kernel.valueAt(input, Exprs.unravel(Exprs.ravel(index, node.shape()), input.shape()));
    }
    if (op instanceof Transpose transpose) {
      Expr[] source = new Expr[index.size()];
      for (int i = 0; i < source.length; i++) {
        source[transpose.permutation().get(i)] = index.get(i);
      }
      return kernel.valueAt(input, List.of(source));
    }
    if (op instanceof Slice slice) {
      List<Expr> source = new ArrayList<>();
      for (int axis = 0; axis < index.size(); axis++) {
        source.add(Exprs.add(index.get(axis), Exprs.index(slice.start().get(axis))));
      }
      return kernel.valueAt(input, source);
    }
    if (op instanceof Pad pad) {
      return pad(node, pad, index);
    }
    if (op instanceof OneHot) {
      Expr label = kernel.valueAt(input, index.subList(0, index.size() - 1));
      Expr hit = new Expr.Binary(ScalarOp.EQ, label, index.get(index.size() - 1));
      return new Expr.Select(hit, new Expr.Const(node.dtype(), 1), new Expr.Const(node.dtype(), 0));
    }
    throw new IllegalStateException("no lowering rule for " + op.opName() + " at " + node.callSite());
  }

  private static List<Expr> broadcastIndex(Shape source, List<Expr> index) {
    int offset = index.size() - source.rank();
    List<Expr> result = new ArrayList<>();
    for (int axis = 0; axis < source.rank(); axis++) {
      result.add(source.dim(axis) == 1 ? Exprs.index(0) : index.get(axis + offset));
    }
    return result;
  }

  // pad(x)[i] = low <= i < low + n ? x[i - low] : 0, the bounds tested before the load
  private Expr pad(Node node, Pad pad, List<Expr> index) {
    Shape source = node.input(0).shape();
    List<Expr> inner = new ArrayList<>();
    Expr inside = null;
    for (int axis = 0; axis < index.size(); axis++) {
      int low = pad.low().get(axis);
      inner.add(Exprs.add(index.get(axis), Exprs.index(-low)));
      if (low == 0 && pad.high().get(axis) == 0) {
        continue;
      }
      Expr above = new Expr.Binary(ScalarOp.GE, index.get(axis), Exprs.index(low));
      Expr below = new Expr.Binary(ScalarOp.LT, index.get(axis), Exprs.index(low + source.dim(axis)));
      Expr both = new Expr.Binary(ScalarOp.MUL, above, below);
      inside = inside == null ? both : new Expr.Binary(ScalarOp.MUL, inside, both);
    }
    Expr value = kernel.valueAt(node.input(0), inner);
    return inside == null ? value : new Expr.Select(inside, value, new Expr.Const(node.dtype(), 0));
  }
}
