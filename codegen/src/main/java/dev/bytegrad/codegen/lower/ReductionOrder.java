package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a reduction's operand in memory order. A reduction is lowered as a loop over its outputs around a
 * loop over the elements each one folds: {@code for c: acc = 0; for r: acc += x[r * 1280 + c]; out[c] = acc}.
 * When the outputs lie next to each other in memory and the folded elements do not (a convolution's bias
 * gradient: one sum per channel, channels last), that walks the operand once per output, a stride apart.
 * The loops are swapped, the accumulator kept in the output instead of a local:
 * {@code for c: out[c] = 0; for r: for c: out[c] += x[r * 1280 + c]}, one pass over the operand in order.
 * Each output still folds its elements in the same order, so the result is the same to the bit.
 */
final class ReductionOrder {
  private ReductionOrder() {}

  static Kernel apply(Kernel kernel) {
    List<Stmt> body = new ArrayList<>();
    boolean changed = false;
    for (Stmt stmt : kernel.body()) {
      List<Stmt> reordered = reorder(stmt);
      changed |= reordered != null;
      body.addAll(reordered == null ? List.of(stmt) : reordered);
    }
    if (!changed) {
      return kernel;
    }
    Set<Buffer> reads = new LinkedHashSet<>(kernel.reads());
    reads.addAll(kernel.writes());
    return new Kernel(kernel.name(), kernel.comment(), body, List.copyOf(reads), kernel.writes());
  }

  /** The statements of {@code stmt} in memory order, or null when it is not a reduction that gains from it. */
  private static List<Stmt> reorder(Stmt stmt) {
    List<Stmt.Loop> outputs = new ArrayList<>();
    List<Stmt> body = List.of(stmt);
    while (body.size() == 1 && body.get(0) instanceof Stmt.Loop loop) {
      outputs.add(loop);
      body = loop.body();
    }
    if (outputs.isEmpty() || body.size() != 3 || !(body.get(0) instanceof Stmt.Declare declare)
        || !(body.get(2) instanceof Stmt.Store store) || !store.value().equals(declare.local())) {
      return null;
    }
    List<Stmt.Loop> folded = new ArrayList<>();
    List<Stmt> inner = List.of(body.get(1));
    while (inner.size() == 1 && inner.get(0) instanceof Stmt.Loop loop) {
      folded.add(loop);
      inner = loop.body();
    }
    Expr.Var accumulator = declare.local();
    if (folded.isEmpty() || inner.size() != 1 || !(inner.get(0) instanceof Stmt.Assign assign) || !assign.local().equals(accumulator)
        || !(assign.value() instanceof Expr.Binary fold) || !fold.left().equals(accumulator)
        || mentions(fold.right(), accumulator, store.buffer())) {
      return null;
    }
    Expr.Var output = outputs.get(outputs.size() - 1).index();
    Expr.Var element = folded.get(folded.size() - 1).index();
    if (!gains(fold.right(), output, element)) {
      return null;
    }
    Stmt init = nest(outputs, List.of(new Stmt.Store(store.buffer(), store.index(), declare.init())));
    Stmt update = new Stmt.Store(store.buffer(), store.index(),
        new Expr.Binary(fold.op(), new Expr.Load(store.buffer(), store.index()), fold.right()));
    return List.of(init, nest(folded, List.of(nest(outputs, List.of(update)))));
  }

  /** The loops {@code loops}, outermost first, around {@code body}, with their indices and extents. */
  private static Stmt nest(List<Stmt.Loop> loops, List<Stmt> body) {
    Stmt result = null;
    for (int i = loops.size() - 1; i >= 0; i--) {
      result = new Stmt.Loop(loops.get(i).index(), loops.get(i).extent(), result == null ? body : List.of(result));
    }
    return result;
  }

  /**
   * Whether every load of {@code value} is contiguous (or constant) along the innermost output loop, and one
   * is not along the innermost folded loop: then swapping the two walks memory in order.
   */
  private static boolean gains(Expr value, Expr.Var output, Expr.Var element) {
    List<Expr> indices = new ArrayList<>();
    loads(value, indices);
    boolean strided = false;
    for (Expr index : indices) {
      long outputStride = stride(index, output);
      if (outputStride != 0 && outputStride != 1) {
        return false;
      }
      long elementStride = stride(index, element);
      strided |= elementStride != 0 && elementStride != 1;
    }
    return strided;
  }

  private static void loads(Expr e, List<Expr> indices) {
    if (e instanceof Expr.Load load) {
      indices.add(load.index());
    } else if (e instanceof Expr.Unary unary) {
      loads(unary.operand(), indices);
    } else if (e instanceof Expr.Binary binary) {
      loads(binary.left(), indices);
      loads(binary.right(), indices);
    } else if (e instanceof Expr.Select select) {
      loads(select.condition(), indices);
      loads(select.ifTrue(), indices);
      loads(select.ifFalse(), indices);
    } else if (e instanceof Expr.Cast cast) {
      loads(cast.operand(), indices);
    }
  }

  /**
   * How far {@code index} moves in memory when {@code variable} grows by one: its coefficient when the
   * index is a sum of multiples of variables, {@code Long.MAX_VALUE} when the variable is inside anything
   * else (a division, a load).
   */
  private static long stride(Expr index, Expr.Var variable) {
    if (index.equals(variable)) {
      return 1;
    } else if (index instanceof Expr.Binary b && b.dtype() == DType.I32 && (b.op() == ScalarOp.ADD || b.op() == ScalarOp.SUB)) {
      long left = stride(b.left(), variable);
      long right = stride(b.right(), variable);
      if (left == Long.MAX_VALUE || right == Long.MAX_VALUE) {
        return Long.MAX_VALUE;
      }
      return b.op() == ScalarOp.ADD ? left + right : left - right;
    } else if (index instanceof Expr.Binary b && b.op() == ScalarOp.MUL && b.dtype() == DType.I32
        && (b.left() instanceof Expr.Const || b.right() instanceof Expr.Const)) {
      Expr.Const constant = (Expr.Const) (b.left() instanceof Expr.Const ? b.left() : b.right());
      long stride = stride(b.left() instanceof Expr.Const ? b.right() : b.left(), variable);
      return stride == Long.MAX_VALUE ? stride : stride * (long) constant.value();
    }
    return mentions(index, variable, null) ? Long.MAX_VALUE : 0;
  }

  /** Whether {@code e} reads {@code variable} or loads from {@code buffer}. */
  private static boolean mentions(Expr e, Expr.Var variable, Buffer buffer) {
    if (e.equals(variable)) {
      return true;
    } else if (e instanceof Expr.Load load) {
      return load.buffer().equals(buffer) || mentions(load.index(), variable, buffer);
    } else if (e instanceof Expr.Unary unary) {
      return mentions(unary.operand(), variable, buffer);
    } else if (e instanceof Expr.Binary binary) {
      return mentions(binary.left(), variable, buffer) || mentions(binary.right(), variable, buffer);
    } else if (e instanceof Expr.Select select) {
      return mentions(select.condition(), variable, buffer) || mentions(select.ifTrue(), variable, buffer)
          || mentions(select.ifFalse(), variable, buffer);
    } else if (e instanceof Expr.Cast cast) {
      return mentions(cast.operand(), variable, buffer);
    }
    return false;
  }
}
