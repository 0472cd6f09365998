package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Splits a loop at the bounds its body compares its index with: {@code for i < 512} computing a pad's
 * {@code i >= 384 ? x[i - 384] : 0} four times over (an LSTM's four gate gradients, concatenated) becomes
 * four loops, one per gate, in which the {@link IndexSimplifier} decides every comparison and keeps only
 * the term that is not zero. The elements are computed in the same order, by the same operations less
 * the selects, so no value changes.
 */
final class RangeSplitting {
  /** The most loops one loop is split into: past it the copies of the body cost more than the tests. */
  private static final int PIECES = 8;

  private boolean changed;

  private RangeSplitting() {}

  static Kernel split(Kernel kernel) {
    RangeSplitting pass = new RangeSplitting();
    List<Stmt> body = pass.statements(kernel.body());
    if (!pass.changed) {
      return kernel;
    }
    return IndexSimplifier.simplify(new Kernel(kernel.name(), kernel.comment(), body, kernel.reads(), kernel.writes()));
  }

  private List<Stmt> statements(List<Stmt> body) {
    List<Stmt> result = new ArrayList<>();
    for (Stmt stmt : body) {
      if (stmt instanceof Stmt.Loop loop) {
        result.addAll(loop(loop.index(), loop.extent(), statements(loop.body())));
      } else {
        result.add(stmt);
      }
    }
    return result;
  }

  private List<Stmt> loop(Expr.Var index, int extent, List<Stmt> body) {
    TreeSet<Integer> cuts = new TreeSet<>();
    for (Stmt stmt : body) {
      Statements.forEachExpr(stmt, e -> Statements.forEachSubexpression(e, sub -> bound(sub, index, extent, cuts)));
    }
    if (cuts.isEmpty() || cuts.size() >= PIECES) {
      return List.of(new Stmt.Loop(index, extent, body));
    }
    changed = true;
    cuts.add(extent);
    List<Stmt> pieces = new ArrayList<>();
    int start = 0;
    for (int end : cuts) {
      Expr shifted = Exprs.add(index, Exprs.index(start));
      int from = start;
      List<Stmt> piece = from == 0 ? body : body.stream().map(s -> Statements.map(s, e -> Statements.substitute(e, index, shifted))).toList();
      pieces.add(new Stmt.Loop(index, end - start, piece));
      start = end;
    }
    return pieces;
  }

  /** Adds to {@code cuts} the bound in (0, extent) at which {@code e}, a comparison of {@code index} with a constant, changes. */
  private static void bound(Expr e, Expr.Var index, int extent, TreeSet<Integer> cuts) {
    if (e instanceof Expr.Binary b && b.op().isComparison() && b.op() != ScalarOp.EQ && b.op() != ScalarOp.NE
        && b.right() instanceof Expr.Const c && b.left().equals(index)) {
      int bound = (int) c.value() + (b.op() == ScalarOp.LE || b.op() == ScalarOp.GT ? 1 : 0);
      if (bound > 0 && bound < extent) {
        cuts.add(bound);
      }
    }
  }

}
