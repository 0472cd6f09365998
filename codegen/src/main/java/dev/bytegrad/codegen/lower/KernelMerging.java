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
 * Merges consecutive elementwise kernels over the same loop nest into one, so that a value and the value
 * computed from it — a velocity and the weight it updates, a pre-activation and its ReLU — take one pass
 * over memory instead of two. Legal when the second kernel reads what the first writes only at the
 * element the first has just written, and writes nothing the first reads.
 */
final class KernelMerging {
  private KernelMerging() {}

  static List<Kernel> merge(List<Kernel> kernels) {
    List<Kernel> merged = new ArrayList<>();
    for (Kernel kernel : kernels) {
      Kernel previous = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (previous != null && canMerge(previous, kernel)) {
        merged.set(merged.size() - 1, combine(previous, kernel));
      } else {
        merged.add(kernel);
      }
    }
    return merged;
  }

  private static boolean canMerge(Kernel first, Kernel second) {
    List<Stmt.Loop> outer = nest(first);
    List<Stmt.Loop> inner = nest(second);
    if (outer == null || inner == null || outer.size() != inner.size() || outer.isEmpty()) {
      return false;
    }
    for (int i = 0; i < outer.size(); i++) {
      if (!outer.get(i).index().equals(inner.get(i).index()) || outer.get(i).extent() != inner.get(i).extent()) {
        return false;
      }
    }
    for (Buffer written : second.writes()) {
      if (first.reads().contains(written) || first.writes().contains(written)) {
        return false;
      }
    }
    List<Stmt> firstStores = outer.get(outer.size() - 1).body();
    for (Stmt statement : inner.get(inner.size() - 1).body()) {
      if (!readsOnlyWhereWritten(((Stmt.Store) statement).value(), firstStores)
          || !readsOnlyWhereWritten(((Stmt.Store) statement).index(), firstStores)) {
        return false;
      }
    }
    return true;
  }

  /** The loops of a kernel that is one perfect nest ending in stores only; null for any other kernel. */
  private static List<Stmt.Loop> nest(Kernel kernel) {
    List<Stmt.Loop> loops = new ArrayList<>();
    List<Stmt> body = kernel.body();
    while (body.size() == 1 && body.get(0) instanceof Stmt.Loop loop) {
      loops.add(loop);
      body = loop.body();
    }
    return body.stream().allMatch(s -> s instanceof Stmt.Store) && !loops.isEmpty() ? loops : null;
  }

  /** Whether every load of a buffer the first kernel stores to is at the very index it stores. */
  private static boolean readsOnlyWhereWritten(Expr expr, List<Stmt> stores) {
    if (expr instanceof Expr.Load load) {
      for (Stmt statement : stores) {
        Stmt.Store store = (Stmt.Store) statement;
        if (store.buffer().equals(load.buffer()) && !store.index().equals(load.index())) {
          return false;
        }
      }
      return readsOnlyWhereWritten(load.index(), stores);
    } else if (expr instanceof Expr.Unary unary) {
      return readsOnlyWhereWritten(unary.operand(), stores);
    } else if (expr instanceof Expr.Binary binary) {
      return readsOnlyWhereWritten(binary.left(), stores) && readsOnlyWhereWritten(binary.right(), stores);
    } else if (expr instanceof Expr.Select select) {
      return readsOnlyWhereWritten(select.condition(), stores) && readsOnlyWhereWritten(select.ifTrue(), stores)
          && readsOnlyWhereWritten(select.ifFalse(), stores);
    } else if (expr instanceof Expr.Cast cast) {
      return readsOnlyWhereWritten(cast.operand(), stores);
    }
    return true;
  }

  private static Kernel combine(Kernel first, Kernel second) {
    List<Stmt> stores = new ArrayList<>(innermost(first.body()));
    stores.addAll(innermost(second.body()));
    Set<Buffer> reads = new LinkedHashSet<>(first.reads());
    reads.addAll(second.reads());
    Set<Buffer> writes = new LinkedHashSet<>(first.writes());
    writes.addAll(second.writes());
    return new Kernel(first.name(), first.comment() + "\n" + second.comment(), rebuild(first.body(), stores),
        List.copyOf(reads), List.copyOf(writes));
  }

  private static List<Stmt> innermost(List<Stmt> body) {
    return body.size() == 1 && body.get(0) instanceof Stmt.Loop loop ? innermost(loop.body()) : body;
  }

  private static List<Stmt> rebuild(List<Stmt> body, List<Stmt> stores) {
    if (body.size() == 1 && body.get(0) instanceof Stmt.Loop loop) {
      return List.of(new Stmt.Loop(loop.index(), loop.extent(), rebuild(loop.body(), stores)));
    }
    return stores;
  }
}
