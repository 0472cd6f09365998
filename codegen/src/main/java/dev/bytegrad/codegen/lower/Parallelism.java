package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.Parallel;
import java.util.List;

/**
 * Splits large elementwise kernels over threads: a kernel that is one perfect loop nest of stores, each
 * at an index that involves the outer loop's variable, with at least two parts' worth of elements
 * ({@link Parallel#ELEMENTS_PER_PART}), gets its outer loop divided among the parts. Every element is
 * computed as before, so the results do not depend on the number of threads.
 */
final class Parallelism {
  private Parallelism() {}

  static Kernel split(Kernel kernel) {
    List<Stmt> body = kernel.body();
    if (body.size() != 1 || !(body.get(0) instanceof Stmt.Loop outer) || outer.extent() < 2) {
      return kernel;
    }
    long elements = outer.extent();
    List<Stmt> inner = outer.body();
    while (inner.size() == 1 && inner.get(0) instanceof Stmt.Loop loop) {
      elements *= loop.extent();
      inner = loop.body();
    }
    if (elements < 2L * Parallel.ELEMENTS_PER_PART) {
      return kernel;
    }
    for (Stmt statement : inner) {
      if (!(statement instanceof Stmt.Store store) || !mentions(store.index(), outer.index())) {
        return kernel;
      }
    }
    return new Kernel(kernel.name(), kernel.comment(), List.of(new Stmt.PartLoop(outer.index(), outer.extent(), outer.body())),
        kernel.reads(), kernel.writes());
  }

  private static boolean mentions(Expr expr, Expr.Var variable) {
    if (expr.equals(variable)) {
      return true;
    } else if (expr instanceof Expr.Load load) {
      return mentions(load.index(), variable);
    } else if (expr instanceof Expr.Unary unary) {
      return mentions(unary.operand(), variable);
    } else if (expr instanceof Expr.Binary binary) {
      return mentions(binary.left(), variable) || mentions(binary.right(), variable);
    } else if (expr instanceof Expr.Select select) {
      return mentions(select.condition(), variable) || mentions(select.ifTrue(), variable) || mentions(select.ifFalse(), variable);
    } else if (expr instanceof Expr.Cast cast) {
      return mentions(cast.operand(), variable);
    }
    return false;
  }
}
