package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What an expression of the loop IR reads, and how its memory accesses move with a loop's index. */
final class Accesses {
  /** The stride of an index that depends on a variable other than as a sum of multiples of it. */
  static final long NOT_AFFINE = Long.MAX_VALUE;

  private Accesses() {}

  /** Adds the loads of {@code e} to {@code loads}, outermost first. */
  static void loads(Expr e, List<Expr.Load> loads) {
    Statements.forEachSubexpression(e, sub -> {
      if (sub instanceof Expr.Load load) {
        loads.add(load);
      }
    });
  }

  /**
   * How far {@code index} moves when {@code variable} grows by one: its coefficient when the index is a
   * sum of multiples of variables, {@link #NOT_AFFINE} when the variable is inside anything else (a
   * division, a load).
   */
  static long stride(Expr index, Expr.Var variable) {
    if (index.equals(variable)) {
      return 1;
    } else if (index instanceof Expr.Binary b && b.dtype() == DType.I32 && (b.op() == ScalarOp.ADD || b.op() == ScalarOp.SUB)) {
      long left = stride(b.left(), variable);
      long right = stride(b.right(), variable);
      if (left == NOT_AFFINE || right == NOT_AFFINE) {
        return NOT_AFFINE;
      }
      return b.op() == ScalarOp.ADD ? left + right : left - right;
    } else if (index instanceof Expr.Binary b && b.op() == ScalarOp.MUL && b.dtype() == DType.I32
        && (b.left() instanceof Expr.Const || b.right() instanceof Expr.Const)) {
      boolean constantLeft = b.left() instanceof Expr.Const;
      long factor = (long) ((Expr.Const) (constantLeft ? b.left() : b.right())).value();
      long stride = stride(constantLeft ? b.right() : b.left(), variable);
      return stride == NOT_AFFINE ? stride : stride * factor;
    }
    return mentions(index, variable) ? NOT_AFFINE : 0;
  }

  /** Whether {@code e} reads {@code variable}. */
  static boolean mentions(Expr e, Expr.Var variable) {
    boolean[] found = {false};
    Statements.forEachSubexpression(e, sub -> found[0] |= sub.equals(variable));
    return found[0];
  }

  /** Whether {@code e} loads from {@code buffer}. */
  static boolean loadsFrom(Expr e, Buffer buffer) {
    List<Expr.Load> loads = new java.util.ArrayList<>();
    loads(e, loads);
    return loads.stream().anyMatch(load -> load.buffer().equals(buffer));
  }

  /**
   * Whether each iteration of {@code loops} (the loops outside them fixed, those {@code within} them run
   * in any order) stores its own elements: each store writes a buffer no other store writes, at an index
   * that differs between any two iterations of {@code loops}, and what the stores read of the buffers they
   * write, they read at the element the iteration stores there (a read-modify-write; a weight updated from
   * the velocity just stored beside it). Then those iterations may run in any order, or on different
   * threads, with the same results.
   */
  static boolean independent(List<Stmt.Store> stores, List<Stmt.Loop> loops, List<Stmt.Loop> within) {
    Map<Buffer, Expr> written = new HashMap<>();
    for (Stmt.Store store : stores) {
      if (written.put(store.buffer(), store.index()) != null) {
        return false;
      }
    }
    for (Stmt.Store store : stores) {
      List<Expr.Load> loads = new ArrayList<>();
      loads(store.index(), loads);
      loads(store.value(), loads);
      for (Expr.Load load : loads) {
        Expr stored = written.get(load.buffer());
        if (stored != null && !stored.equals(load.index())) {
          return false;
        }
      }
      if (!distinct(store.index(), loops, within)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code index}, a sum of multiples of the loops' indices, differs between any two iterations
   * of {@code loops} whatever the loops {@code within} them do: in mixed radix, each stride of
   * {@code loops} beyond the span the loops within and the smaller strides cover; or, the strides of the
   * two interleaved (a blocked transpose: {@code i0 * 36864 + i1Block * 256 + i1}, i1Block split over
   * threads), all of them together a mixed radix, so that no two iterations of the whole nest meet. An
   * index through a constant table of rows is asked of {@link TableRows}.
   */
  private static boolean distinct(Expr index, List<Stmt.Loop> loops, List<Stmt.Loop> within) {
    if (separate(index, loops, within)) {
      return true;
    }
    List<Stmt.Loop> all = new ArrayList<>(loops);
    all.addAll(within);
    return separate(index, all, List.of());
  }

  /** {@link #distinct} when the strides of {@code loops} all lie beyond the span of those {@code within}. */
  private static boolean separate(Expr index, List<Stmt.Loop> loops, List<Stmt.Loop> within) {
    boolean affine = loops.stream().allMatch(loop -> stride(index, loop.index()) != NOT_AFFINE)
        && within.stream().allMatch(loop -> stride(index, loop.index()) != NOT_AFFINE);
    if (!affine) {
      // through a constant table of rows (a scatter-add's indices), for the outer loop of a split
      return loops.size() == 1 && TableRows.distinct(index, loops.get(0), within);
    }
    long span = 0;
    for (Stmt.Loop loop : within) {
      long stride = stride(index, loop.index());
      if (stride == NOT_AFFINE) {
        return false;
      }
      span += Math.abs(stride) * (loop.extent() - 1);
    }
    List<long[]> terms = new ArrayList<>(); // {|stride|, extent}
    for (Stmt.Loop loop : loops) {
      long stride = stride(index, loop.index());
      if (stride == NOT_AFFINE) {
        return false;
      }
      terms.add(new long[] {Math.abs(stride), loop.extent()});
    }
    terms.sort(Comparator.comparingLong(term -> term[0]));
    for (long[] term : terms) {
      if (term[1] > 1 && term[0] <= span) {
        return false;
      }
      span += term[0] * (term[1] - 1);
    }
    return true;
  }
}
