package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Stmt;
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
        || Accesses.mentions(fold.right(), accumulator) || Accesses.loadsFrom(fold.right(), store.buffer())) {
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
    List<Expr.Load> loads = new ArrayList<>();
    Accesses.loads(value, loads);
    boolean strided = false;
    for (Expr.Load load : loads) {
      long outputStride = Accesses.stride(load.index(), output);
      if (outputStride != 0 && outputStride != 1) {
        return false;
      }
      long elementStride = Accesses.stride(load.index(), element);
      strided |= elementStride != 0 && elementStride != 1;
    }
    return strided;
  }
}
